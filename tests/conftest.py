"""Shared fixtures: lessons are rendered once per test session, then read back as PDFs."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest

from booklet import Renderer, load_course, load_lesson, sample_course
from booklet.build import render_lesson
from booklet.labels import labels_for
from booklet.printouts import KINDS
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


@pytest.fixture(scope="session")
def built_lessons(renderer: Renderer) -> dict[str, Built]:
    """Each lesson is rendered once per session, the first time a test asks for it."""
    return {}


def build_once(name: str, cache: dict[str, Built], renderer: Renderer) -> Built:
    if name not in cache:
        path = LESSON_FILES[name]
        lesson = load_lesson(path)
        rendered = render_lesson(lesson, path.parent, KINDS, renderer)
        cache[name] = Built(
            path=path,
            sheet=derive_sheet(lesson, labels_for(lesson.language)),
            rendered=rendered,
            text={kind: PdfText(result.pdf) for kind, result in rendered.items()},
        )
    return cache[name]


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
