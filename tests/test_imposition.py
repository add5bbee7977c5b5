"""Saving paper: pages laid out on A5, imposed two to an A4 sheet or as a folded booklet, and
the book without blank versos. Read back from the PDFs: page sizes, which page lands on which
half of which side (by the «Бет n / N» each page prints), blank padding, whole copies."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pikepdf
import pytest

from booklet import BookletError, build, build_exam
from booklet.book import render_book
from booklet.engine.imposition import SHEET, booklet_sides, impose, two_up_sides
from booklet.loader import load_course

from .conftest import FIXTURES, PdfText, squash

EVERY_KIND = FIXTURES / "every-kind" / "lesson.yaml"
SMALL_EXAM = FIXTURES / "exam" / "exam.yaml"
COURSE = FIXTURES / "course.yaml"
A5 = (419.53, 595.28)
PUPILS = ["Әлиев Нұрлан", "Құрманғазы Үміт", "Іңкәр Өтебаева"]


def sizes(pdf: bytes) -> list[tuple[float, float]]:
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        return [(round(float(p.mediabox[2]), 2), round(float(p.mediabox[3]), 2)) for p in opened.pages]


def halves(pdf: bytes) -> list[tuple[str, str]]:
    """Each side of an imposed file as the text of its left and its right page, white space squashed."""
    text = PdfText(pdf)
    middle = SHEET[0] / 2
    return [
        (
            squash("".join(c["text"] for c in chars if c["x1"] <= middle)),
            squash("".join(c["text"] for c in chars if c["x0"] >= middle)),
        )
        for chars in text.chars
    ]


def page_no(half: str) -> int | None:
    """The n of «Бет n / N» a half-sheet prints; None for a blank one (which must be empty)."""
    if not half:
        return None
    marker = half.index("Бет")
    return int(half[marker + 3 : half.index("/", marker)])


@pytest.fixture(scope="module")
def a5_lesson(tmp_path_factory, once_per_run) -> dict[str, bytes]:
    def make() -> dict[str, bytes]:
        out = tmp_path_factory.mktemp("a5")
        return {p.kind: p.path.read_bytes() for p in build(EVERY_KIND, out, paper="a5", jobs=1)}

    return once_per_run("a5-lesson", make)


def test_a5_pages_are_laid_out_for_a5_with_the_type_of_a4(a5_lesson, every_kind):
    worksheet = PdfText(a5_lesson["worksheet"])
    assert set(sizes(a5_lesson["worksheet"])) == {A5}
    assert len(worksheet.pages) > every_kind.rendered["worksheet"].pages  # reflowed, not shrunk

    def body_size(text: PdfText) -> float:
        serif = [round(c["size"], 2) for chars in text.chars for c in chars if c["fontname"].endswith("+Booklet-Serif")]
        return Counter(serif).most_common(1)[0][0]

    assert body_size(worksheet) == body_size(every_kind.text["worksheet"]) == 11
    for kind in ("handout", "tables", "worksheet", "key"):
        for chars in PdfText(a5_lesson[kind]).chars:  # nothing runs off the page (the pupil's line did)
            assert all(c["x1"] <= A5[0] - 20 for c in chars), kind
    a4 = squash("".join(every_kind.text["worksheet"].pages))
    for exercise in range(1, 9):
        assert f"{exercise}-тапсырма" in a4 and f"{exercise}-тапсырма" in squash("".join(worksheet.pages))


def test_booklet_order_with_blank_padding(a5_lesson):
    pages = len(sizes(a5_lesson["worksheet"]))  # 3: one sheet, the back cover left blank
    imposed, sides = impose(a5_lesson["worksheet"], "booklet")
    assert sides == 2 and set(sizes(imposed)) == {SHEET}
    read = [(page_no(left), page_no(right)) for left, right in halves(imposed)]
    assert pages == 3 and read == [(None, 1), (2, 3)]
    assert impose(a5_lesson["worksheet"], "booklet") == (imposed, sides)  # the same bytes again


def test_two_up_in_order(a5_lesson):
    imposed, sides = impose(a5_lesson["key"], "2up")  # 4 pages
    assert sides == 2 and set(sizes(imposed)) == {SHEET}
    assert [(page_no(left), page_no(right)) for left, right in halves(imposed)] == [(1, 2), (3, 4)]


@pytest.mark.parametrize("pages", range(1, 14))
def test_saddle_stitch_sides_fold_into_reading_order(pages):
    sides = booklet_sides(range(pages))
    assert len(sides) == 2 * -(-pages // 4)
    # Stacked and folded, the sheets' halves read: right of each front, then its back (left,
    # right), ..., then the left halves of the fronts from the innermost sheet out.
    fronts, backs = sides[0::2], sides[1::2]
    first_half = [page for front, back in zip(fronts, backs, strict=True) for page in (front[1], back[0])]
    second_half = [
        page for front, back in reversed(list(zip(fronts, backs, strict=True))) for page in (back[1], front[0])
    ]
    assert [p for p in first_half + second_half if p is not None] == list(range(pages))
    assert all(p is None for p in (first_half + second_half)[pages:])
    assert two_up_sides(range(pages)) == [(i, i + 1 if i + 1 < pages else None) for i in range(0, pages, 2)]


def test_imposed_build_is_rebuilt_when_only_the_options_change(tmp_path):
    first = build(EVERY_KIND, tmp_path, ["tables"], jobs=1, impose="booklet")
    assert first[0].pages == 2 and set(sizes(first[0].path.read_bytes())) == {SHEET}
    assert build(EVERY_KIND, tmp_path, ["tables"], jobs=1, impose="booklet")[0].unchanged
    again = build(EVERY_KIND, tmp_path, ["tables"], jobs=1, impose="2up")
    assert not again[0].unchanged and again[0].pages == 1
    assert [p.path.name for p in again] == ["every-kind-tables.pdf"]  # the name a teacher knows


def test_a4_pages_are_not_shrunk_and_answer_sheets_stay_a4(tmp_path):
    with pytest.raises(BookletError, match="71 %"):
        build(EVERY_KIND, tmp_path, ["tables"], paper="a4", impose="2up")
    with pytest.raises(BookletError, match="A4 only"):
        build_exam(SMALL_EXAM, tmp_path, 1, 7, answer_sheets=True, impose="booklet")
    assert not list(Path(tmp_path).glob("*.pdf"))


def test_a_class_set_is_imposed_copy_by_copy(tmp_path):
    roster = tmp_path / "class.csv"
    roster.write_text("name\n" + "\n".join(PUPILS) + "\n", encoding="utf-8")
    made = build_exam(SMALL_EXAM, tmp_path / "out", 1, 7, roster, impose="booklet", jobs=1)
    sheets = next(p for p in made.printouts if p.kind == "sheets")
    data = sheets.path.read_bytes()
    assert set(sizes(data)) == {SHEET}
    read = halves(data)
    per_copy = len(read) // len(PUPILS)
    assert per_copy % 2 == 0 and sheets.pages == len(read)
    for number, pupil in enumerate(PUPILS):
        own = read[number * per_copy : (number + 1) * per_copy]
        text = "".join(left + right for left, right in own)
        assert squash(pupil) in text and all(squash(other) not in text for other in PUPILS if other != pupil)
        numbers = sorted(n for side in own for n in map(page_no, side) if n is not None)
        assert numbers == list(range(1, len(numbers) + 1))  # the whole copy, once, on its own sheets
        assert page_no(own[0][1]) == 1  # its first page on the front of its outer sheet, right


def test_single_sided_book_has_no_blank_versos(renderer):
    textbook = load_course(COURSE)
    both = PdfText(render_book(textbook, renderer).pdf)
    single = PdfText(render_book(textbook, renderer, single_sided=True).pdf)
    assert any(not text.strip() for text in both.pages)
    assert all(text.strip() for text in single.pages)
    assert len(single.pages) == len(both.pages) - sum(not text.strip() for text in both.pages)


def test_the_same_file_is_imposed_into_the_same_bytes_whatever_the_string_hashing(a5_lesson, tmp_path):
    """An imposed file's structure tree is read from the file imposed, whose elements carry
    several attributes (a header cell its ID and its table attributes): they are written in one
    order, not in the order of a set of their names, which changes with each process's hash seed."""
    source = tmp_path / "worksheet.pdf"
    source.write_bytes(a5_lesson["worksheet"])
    script = (
        "import sys; from pathlib import Path; from booklet.engine.imposition import impose; "
        "sys.stdout.buffer.write(impose(Path(sys.argv[1]).read_bytes(), 'booklet')[0])"
    )
    imposed = [
        subprocess.run(
            [sys.executable, "-c", script, str(source)],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    ]
    with pikepdf.open(io.BytesIO(a5_lesson["worksheet"])) as pdf:
        assert any("/ID" in e and "/A" in e for e in pdf.objects if isinstance(e, pikepdf.Dictionary))
    assert imposed[0] == imposed[1] == imposed[2]
