"""Shared fixtures: lessons are rendered once per test run, then read back as PDFs."""

from __future__ import annotations

import fcntl
import io
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pdfplumber
import pytest

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


@dataclass
class PdfText:
    """What a reader of the PDF sees: each page's text, and the answers (answer font only)."""

    data: bytes

    def __post_init__(self) -> None:
        with pdfplumber.open(io.BytesIO(self.data)) as pdf:
            self.pages = [page.extract_text() or "" for page in pdf.pages]
            self.chars = [page.chars for page in pdf.pages]
            """Every character with its font, size and position, for tests that need more than text."""
            self.answers = ["".join(c["text"] for c in chars if ANSWER_FONT in c["fontname"]) for chars in self.chars]
            self.fonts = sorted({c["fontname"].split("+", 1)[-1] for chars in self.chars for c in chars})
            self.metadata = dict(pdf.metadata)

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
