"""Shared fixtures: lessons are rendered once per test run, then read back as PDFs."""

from __future__ import annotations

import ctypes
import fcntl
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from pdfplumber.utils import extract_text

from booklet import Renderer, load_course, load_lesson, sample_course
from booklet.choices import KINDS
from booklet.labels import labels_for
from booklet.lesson_build import render_lesson
from booklet.worksheet import Sheet, derive_sheet

FIXTURES = Path(__file__).parent / "fixtures"
EVERY_KIND = FIXTURES / "every-kind" / "lesson.yaml"
ANSWER_FONT = "Booklet-Answer"
LESSON_FILES = {"every_kind": EVERY_KIND} | {lesson.id: path for path, lesson in load_course(sample_course()).lessons}
"""The small fixture lesson and every lesson of the bundled unit, by name."""


def strings(value) -> list[str]:
    """Every string in plain data (a locale file, a YAML document, a lesson's dump), in order."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in strings(item)]
    return []


def squash(text: str) -> str:
    """Text without any white space, so line breaks inside a phrase do not matter."""
    return re.sub(r"\s+", "", text)


def pdf_chars(data: bytes) -> list[list[dict[str, Any]]]:
    """Each page's characters as pdfplumber gives them (`text`, `fontname`, `size`, `x0`, `x1`,
    `top`, `bottom`, `non_stroking_color` …), read by pdfium. A box is the glyph's advance
    from its origin, `size` high from the font's descent, as pdfminer makes it; a space that
    pdfium supplies between words (no glyph in the content) is a space after the character
    before it, and a hyphen pdfium marks as breaking a word at a line's end is a hyphen."""
    document = pypdfium2.PdfDocument(data)
    pages: list[list[dict[str, Any]]] = []
    doctop = 0.0
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    colour = [ctypes.c_uint() for _ in range(4)]
    box, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    try:
        for number in range(len(document)):
            page = document[number]
            height = page.get_height()
            text = page.get_textpage()
            found: list[dict[str, Any]] = []
            for i in range(text.count_chars()):
                code = pdfium_c.FPDFText_GetUnicode(text, i)
                generated = pdfium_c.FPDFText_IsGenerated(text, i) == 1
                if code in (0, 0xFFFE, 0xFFFF) or (generated and code != 32) or chr(code) in "\r\n":
                    continue
                if generated:  # a space between words with no glyph of its own: no font, no colour
                    if found:
                        space = dict(found[-1], text=" ", x0=found[-1]["x1"], width=0.0)
                        found.append(space | {"fontname": "", "non_stroking_color": None})
                    continue
                pdfium_c.FPDFText_GetLooseCharBox(text, i, ctypes.byref(box))
                pdfium_c.FPDFText_GetMatrix(text, i, ctypes.byref(matrix))
                size = pdfium_c.FPDFText_GetFontSize(text, i) * abs(matrix.d)
                length = pdfium_c.FPDFText_GetFontInfo(text, i, name, len(name), ctypes.byref(flags))
                pdfium_c.FPDFText_GetFillColor(text, i, *(ctypes.byref(c) for c in colour))
                y0, y1 = box.bottom, box.bottom + size
                found.append(
                    {
                        "text": "-" if code == 2 else chr(code),
                        "fontname": name.raw[: max(0, length - 1)].decode("utf-8", "replace"),
                        "size": size,
                        "x0": box.left,
                        "x1": box.right,
                        "y0": y0,
                        "y1": y1,
                        "top": height - y1,
                        "bottom": height - y0,
                        "doctop": doctop + height - y1,
                        "width": box.right - box.left,
                        "height": size,
                        "upright": True,
                        "non_stroking_color": tuple(round(c.value / 255, 4) for c in colour[:3]),
                        "page_number": number + 1,
                        "object_type": "char",
                    }
                )
            text.close()
            pages.append(found)
            doctop += height
    finally:
        document.close()
    return pages


@dataclass
class PdfText:
    """What a reader of the PDF sees: each page's text, and the answers (answer font only).

    The characters come from pdfium (`pdf_chars`), as pdfplumber describes them, and each
    page's text is pdfplumber's own `extract_text` of them: the same text as pdfplumber's, read
    in a thirtieth of the time (pdfminer parsing every content stream in Python was half the
    suite's time)."""

    data: bytes

    def __post_init__(self) -> None:
        self.chars = pdf_chars(self.data)
        """Every character with its font, size and position, for tests that need more than text."""
        self.pages = [extract_text(chars) for chars in self.chars]
        self.answers = ["".join(c["text"] for c in chars if ANSWER_FONT in c["fontname"]) for chars in self.chars]
        self.fonts = sorted({c["fontname"].split("+", 1)[-1] for chars in self.chars for c in chars if c["fontname"]})
        document = pypdfium2.PdfDocument(self.data)
        try:
            self.metadata = {key: value for key, value in document.get_metadata_dict().items() if value}
        finally:
            document.close()

    def page_of(self, fragment: str) -> int:
        """The first page whose text holds `fragment` (white space ignored)."""
        wanted = squash(fragment)
        for number, text in enumerate(self.pages):
            if wanted in squash(text):
                return number
        raise AssertionError(f"{fragment!r} is on no page")


@dataclass
class Built:
    path: Path
    sheet: Sheet
    rendered: dict
    text: dict[str, PdfText]


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    return Renderer()


T = TypeVar("T")


@pytest.fixture(scope="session")
def once_per_run(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Callable[[str, Callable[[], T]], T]:
    """`once_per_run(name, make)`: what `make()` returns, made by one pytest-xdist worker and read
    by the others from a pickle in the run's shared temporary folder. Rendering dominates the
    suite; without this both workers would lay out the same lessons, books and exam sets."""
    if worker_id == "master":  # one process: a session cache is already once per run
        return lambda name, make: make()
    shared = tmp_path_factory.getbasetemp().parent / "once-per-run"
    shared.mkdir(exist_ok=True)

    def once(name: str, make: Callable[[], T]) -> T:
        made = shared / f"{name}.pickle"
        with (shared / f"{name}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if made.exists():
                return pickle.loads(made.read_bytes())
            value = make()
            made.write_bytes(pickle.dumps(value))
            return value

    return once


@dataclass(frozen=True)
class Laid:
    """What the tests read of a rendered printout (`render.Rendered`), without WeasyPrint's
    document, so that it can be shared between workers."""

    pdf: bytes
    pages: int
    warnings: tuple[str, ...]
    page_anchors: tuple[frozenset[str], ...]

    def anchors(self, page: int) -> set[str]:
        return set(self.page_anchors[page])


@pytest.fixture(scope="session")
def built_lessons(renderer: Renderer, once_per_run) -> dict[str, Built]:
    """Each lesson is rendered once per run, the first time a test asks for it."""
    return BuiltLessons(once_per_run)


class BuiltLessons(dict):
    """The lessons this worker has asked for, each made once per run by `once_per_run`."""

    def __init__(self, once_per_run: Callable[[str, Callable[[], Built]], Built]):
        super().__init__()
        self.once_per_run = once_per_run


def build_once(name: str, cache: BuiltLessons, renderer: Renderer) -> Built:
    if name not in cache:
        cache[name] = cache.once_per_run(f"lesson-{name}", lambda: _build(name, renderer))
    return cache[name]


def _build(name: str, renderer: Renderer) -> Built:
    path = LESSON_FILES[name]
    lesson = load_lesson(path)
    rendered = render_lesson(lesson, path.parent, KINDS, renderer)
    laid = {
        kind: Laid(r.pdf, r.pages, r.warnings, tuple(frozenset(r.anchors(page)) for page in range(r.pages)))
        for kind, r in rendered.items()
    }
    return Built(
        path=path,
        sheet=derive_sheet(lesson, labels_for(lesson.language)),
        rendered=laid,
        text={kind: PdfText(result.pdf) for kind, result in rendered.items()},
    )


@pytest.fixture
def every_kind(built_lessons: dict[str, Built], renderer: Renderer) -> Built:
    return build_once("every_kind", built_lessons, renderer)


@pytest.fixture(params=list(LESSON_FILES))
def built(request: pytest.FixtureRequest, built_lessons: dict[str, Built], renderer: Renderer) -> Built:
    """Each test that takes `built` runs on the small fixture and on every lesson of the bundled unit."""
    return build_once(request.param, built_lessons, renderer)


def write_lesson(folder: Path, text: str, name: str = "lesson.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
