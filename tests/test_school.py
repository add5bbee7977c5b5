"""The school on every sheet: a course, lesson or exam names its school, teacher and class;
they print in the head of worksheets and exam papers, and a named copy carries its pupil's
name at the foot of every page (issue 14, point 4). Read back from the PDFs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from booklet import build, build_book, build_exam

from .conftest import FIXTURES, PdfText

SCHOOL = "school: №12 мектеп-гимназия\nteacher: Серікова Айгүл\n"


def _with(path: Path, extra: str) -> None:
    """`path` with `extra` keys after its author line."""
    text = path.read_text(encoding="utf-8")
    path.write_text(
        re.sub(r"^(author: .*\n)", lambda m: m.group(1) + extra, text, count=1, flags=re.M), encoding="utf-8"
    )


@pytest.fixture
def fixtures(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "every-kind", tmp_path / "every-kind")
    shutil.copytree(FIXTURES / "exam", tmp_path / "exam")
    for name in ("course.yaml", "second.yaml"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    return tmp_path


def _pupil_line(text: str) -> str:
    return re.search(r"Аты-жөні:.*", text).group(0)


def test_a_lesson_prints_its_school_teacher_and_class_on_the_worksheet_and_key(fixtures):
    lesson = fixtures / "every-kind" / "lesson.yaml"
    _with(lesson, SCHOOL + "class: 9 Б\n")
    made = build(lesson, fixtures / "out", only=("worksheet", "key"), jobs=1, force=True)
    for printout in made:
        first = PdfText(printout.path.read_bytes()).pages[0]
        assert "Мектеп: №12 мектеп-гимназия · Мұғалім: Серікова Айгүл" in first, printout.kind
        assert re.search(r"Сынып: 9 Б\b", _pupil_line(first)), printout.kind


def test_without_them_the_head_is_as_before(fixtures):
    made = build(fixtures / "every-kind" / "lesson.yaml", fixtures / "out", only=("worksheet",), jobs=1, force=True)
    first = PdfText(made[0].path.read_bytes()).pages[0]
    assert "Мектеп" not in first and "Мұғалім" not in first
    assert _pupil_line(first).split() == ["Аты-жөні:", "Сынып:", "Күні:"]


def test_a_courses_school_holds_for_its_lessons_in_the_book(fixtures):
    _with(fixtures / "course.yaml", SCHOOL)
    _with(fixtures / "second.yaml", "teacher: Ахметов Ерлан\n")  # its own teacher wins
    book = build_book(fixtures / "course.yaml", fixtures / "out", with_worksheets=True, force=True)
    pages = PdfText(book.path.read_bytes()).pages
    heads = [re.search(r"Мектеп:.*", page).group(0) for page in pages if "Аты-жөні:" in page]
    assert heads == [
        "Мектеп: №12 мектеп-гимназия · Мұғалім: Серікова Айгүл",
        "Мектеп: №12 мектеп-гимназия · Мұғалім: Ахметов Ерлан",
    ]


def test_a_named_copy_has_its_pupils_class_and_name_at_the_foot_of_every_page(fixtures):
    exam = fixtures / "exam" / "exam.yaml"
    _with(exam, SCHOOL + "class: 9 Б\n")
    roster = fixtures / "class.csv"
    roster.write_text("Аты-жөні;Сынып\nӘлиев Нұрлан;9 Ә\nҚұрманғазы Үміт;\n", encoding="utf-8")
    made = build_exam(exam, fixtures / "named", 2, 7, roster=roster, jobs=1, force=True)
    sheets = PdfText(next(p.path for p in made.printouts if p.kind == "sheets").read_bytes()).pages
    per_copy = len(sheets) // 2
    for copy, (name, form) in enumerate([("Әлиев Нұрлан", "9 Ә"), ("Құрманғазы Үміт", "9 Б")]):
        pages = sheets[copy * per_copy : (copy + 1) * per_copy]
        assert "Мектеп: №12 мектеп-гимназия · Мұғалім: Серікова Айгүл" in pages[0]
        # the class list's class, or the exam's where it has none; never both in one field
        assert re.fullmatch(rf"Аты-жөні: {name} Сынып: {form} Күні:", _pupil_line(pages[0]).strip())
        for number, page in enumerate(pages, start=1):
            foot = page.strip().splitlines()[-1]
            assert foot.startswith(f"{name}, {form} Бет {number} / {per_copy}"), foot
    unnamed = build_exam(exam, fixtures / "unnamed", 2, 7, jobs=1, force=True)
    sheets = PdfText(next(p.path for p in unnamed.printouts if p.kind == "sheets").read_bytes()).pages
    assert re.fullmatch(r"Аты-жөні: Сынып: 9 Б Күні:", _pupil_line(sheets[0]).strip())
    assert all(page.strip().splitlines()[-1].startswith("Бет ") for page in sheets)


def test_other_languages_name_the_school_in_theirs(fixtures):
    lesson = fixtures / "every-kind" / "lesson.yaml"
    _with(lesson, SCHOOL)
    made = build(lesson, fixtures / "out", only=("worksheet",), lang="ru", jobs=1, force=True)
    assert "Школа: №12 мектеп-гимназия · Учитель: Серікова Айгүл" in PdfText(made[0].path.read_bytes()).pages[0]
