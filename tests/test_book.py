"""The textbook: read back from its PDF, against the course and lesson YAML it was made from."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
import yaml
from pdfplumber.utils import extract_text

from booklet import ContentError, build_book, load_course, sample_course
from booklet.book import render_book

from .conftest import FIXTURES, PdfText, squash

FIXTURE_COURSE = FIXTURES / "course.yaml"
KAZAKH = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ"
"""Written out here rather than imported, so the order test does not trust booklet's own."""


def kazakh_order(term: str) -> list[int]:
    letters = [ch for ch in term.upper() if ch not in "«»\"'"]
    return [KAZAKH.index(ch) if ch in KAZAKH else -1 if ch in " -" else 100 + ord(ch) for ch in letters]


def spaced(text: str) -> str:
    """Text as extracted from a PDF, where a no-break space reads as a space."""
    return text.replace("\u00a0", " ")


@dataclass
class Book:
    course_path: Path
    course: dict
    lessons: list[dict]
    pdf: bytes
    text: PdfText
    big: list[str]
    """Per page, the text set at 14 pt or more: the cover's title and the chapters' headings."""
    bold_serif: list[str]
    """Per page, the bold serif lines: the glossary's terms."""

    def heading(self, number: int) -> str:
        return spaced(f"{number}-сабақ. {self.lessons[number - 1]['title']}")

    def toc(self) -> dict[str, int]:
        """Entry → page number, as the contents page prints them (entries may wrap)."""
        page = next(text for text in self.text.pages if text.split("\n", 1)[-1].startswith("Мазмұны"))
        entries, pending = {}, ""
        for line in page.split("\n")[2:]:
            pending = f"{pending} {line}".strip()
            if match := re.match(r"^(.*?)\s*\.{3,}\s*(\d+)$", pending):
                entries[match.group(1)] = int(match.group(2))
                pending = ""
        return entries

    def outline(self) -> list[tuple[str, int, int]]:
        """(title, 1-based page, depth) of every bookmark."""
        reader = pypdf.PdfReader(io.BytesIO(self.pdf))
        found = []

        def walk(items, depth):
            for item in items:
                if isinstance(item, list):
                    walk(item, depth + 1)
                else:
                    found.append((item.title, reader.get_destination_page_number(item) + 1, depth))

        walk(reader.outline, 0)
        return found


def _read(course_path: Path, pdf: bytes) -> Book:
    course = yaml.safe_load(course_path.read_text(encoding="utf-8"))
    lessons = [yaml.safe_load((course_path.parent / name).read_text(encoding="utf-8")) for name in course["lessons"]]
    text = PdfText(pdf)
    big = ["".join(c["text"] for c in chars if c["size"] >= 14) for chars in text.chars]
    bold = [extract_text([c for c in chars if c["fontname"].endswith("Booklet-Serif-Bold")]) for chars in text.chars]
    return Book(course_path, course, lessons, pdf, text, big, bold)


def _render(path: Path, renderer, with_worksheets: bool) -> bytes:
    rendered = render_book(load_course(path), renderer, with_worksheets)
    assert rendered.warnings == (), "WeasyPrint had something to say about the book"
    return rendered.pdf


@pytest.fixture(scope="session")
def fixture_book(renderer, once_per_run) -> Book:
    return once_per_run(
        "fixture-book", lambda: _read(FIXTURE_COURSE, _render(FIXTURE_COURSE, renderer, with_worksheets=True))
    )


@pytest.fixture(scope="session")
def unit_book(renderer, once_per_run) -> Book:
    """The bundled unit's book as `booklet book` makes it; worksheets in a book are tested on the fixture."""
    return once_per_run(
        "unit-book", lambda: _read(sample_course(), _render(sample_course(), renderer, with_worksheets=False))
    )


@pytest.fixture(params=["fixture_book", "unit_book"])
def book(request) -> Book:
    return request.getfixturevalue(request.param)


def test_cover_shows_title_subject_grade_and_author_and_no_page_number(book):
    cover = book.text.pages[0]
    course = book.course
    for part in (course["title"], course["subject"], f"{course['grade']}-сынып", course["author"]):
        assert squash(part) in squash(cover)
    assert not re.search(r"\bБет\b|^\d+$", cover, re.M), cover


def test_contents_page_numbers_are_where_the_chapters_start(book):
    toc = book.toc()
    for number in range(1, len(book.lessons) + 1):
        heading = book.heading(number)
        page = toc[heading]
        assert squash(heading) in squash(book.big[page - 1]), f"{heading} is not set large on page {page}"
        assert squash(heading) not in squash(book.big[page - 2]), f"{heading} already on page {page - 1}"
        assert page % 2 == 1, f"{heading} starts on a left-hand page ({page})"
        assert re.search(rf"^{page}$", book.text.pages[page - 1], re.M), "the printed page number agrees"


def test_contents_lists_sections_glossary_and_answers_with_their_pages(book):
    toc = book.toc()
    for lesson in book.lessons:
        for section in lesson["sections"]:
            page = toc[spaced(section["title"])]
            assert squash(section["title"]) in squash(book.text.pages[page - 1])
    assert squash("Глоссарий") in squash(book.big[toc["Глоссарий"] - 1])
    assert squash("Жұмыс парақтарының жауаптары") in squash(book.big[toc["Жұмыс парақтарының жауаптары"] - 1])


def test_every_page_after_the_cover_is_a_chapter_page_or_left_blank(book):
    for number, text in enumerate(book.text.pages[1:], 2):
        assert text == "" or re.search(rf"^{number}$", text, re.M), f"page {number} has no page number"


def test_bookmarks_are_the_chapters_then_glossary_and_answers(book):
    toc = book.toc()
    top = [(title, page) for title, page, depth in book.outline() if depth == 0]
    expected = [book.heading(n) for n in range(1, len(book.lessons) + 1)] + [
        "Глоссарий",
        "Жұмыс парақтарының жауаптары",
    ]
    assert [title for title, _ in top] == expected
    assert all(page == toc[title] for title, page in top)
    sections = [title for title, _, depth in book.outline() if depth == 1]
    assert [spaced(s["title"]) for lesson in book.lessons for s in lesson["sections"]] == [
        spaced(title) for title in sections if "Жұмыс парағы" not in title
    ]


def test_running_header_names_the_chapter(book):
    toc = book.toc()
    starts = sorted(toc[book.heading(n)] for n in range(1, len(book.lessons) + 1))
    for number, start in enumerate(starts, 1):
        header = book.text.pages[start].split("\n", 1)[0]
        if book.text.pages[start] and start + 1 < (starts + [toc["Глоссарий"]])[number]:
            assert header.startswith(book.heading(number)[:25]), header


def test_glossary_merges_every_lessons_terms_in_kazakh_order(book):
    merged: dict[str, str] = {}
    for lesson in book.lessons:
        for term in lesson.get("terms", []):
            merged.setdefault(term["term"].casefold(), term["term"])
    start = book.toc()["Глоссарий"]
    end = book.toc()["Жұмыс парақтарының жауаптары"]
    printed = [line for page in book.bold_serif[start - 1 : end - 1] for line in page.split("\n") if line]
    assert [squash(t) for t in printed] == [squash(t) for t in sorted(merged.values(), key=kazakh_order)]
    assert len(printed) == len(merged)


def test_the_same_term_in_two_lessons_is_one_entry_naming_both(fixture_book):
    glossary = squash("".join(fixture_book.text.pages[fixture_book.toc()["Глоссарий"] - 1 :]))
    assert squash("Индустрияландыру (1-сабақ, 2-сабақ)") in glossary
    assert squash("Ірі машиналы өндірісті құру.") in glossary and squash("Өнеркәсіпті дамыту саясаты.") in glossary


def test_kazakh_order_is_not_code_point_order(fixture_book):
    terms = [line for line in fixture_book.bold_serif[fixture_book.toc()["Глоссарий"] - 1].split("\n") if line]
    assert terms.index("Ұжым") < terms.index("Үлес салмақ") < terms.index("Шикізат") < terms.index("Іргетас")
    assert sorted(terms) != terms, "code-point order would differ; the fixture must tell them apart"


def test_answers_appendix_holds_each_lessons_answers(book):
    start = book.toc()["Жұмыс парақтарының жауаптары"]
    answers = squash("".join(book.text.answers[start - 1 :]))
    for lesson in book.lessons:
        for exercise in lesson["worksheet"]["exercises"]:
            if exercise["type"] == "cloze":
                for answer in re.findall(r"\[\[(.*?)(?:\|.*?)?\]\]", exercise["text"]):
                    assert squash(answer) in answers, answer
            if exercise["type"] == "short_answer":
                for question in exercise["questions"]:
                    assert squash(str(question["answer"])) in answers


def test_worksheets_in_the_book_show_no_answers(fixture_book):
    book = fixture_book
    sheets = [n for n, text in enumerate(book.text.pages) if "Аты-жөні" in text]
    assert len(sheets) == len(book.lessons)
    answers_start = book.toc()["Жұмыс парақтарының жауаптары"] - 1
    assert all(book.text.answers[n] == "" for n in range(answers_start))


def test_without_worksheets_the_book_has_none(renderer):
    pdf = PdfText(_render(FIXTURE_COURSE, renderer, with_worksheets=False))
    assert not any("Аты-жөні" in text for text in pdf.pages)


def test_a_figure_in_a_lessons_subfolder_is_found(fixture_book):
    reader = pypdf.PdfReader(io.BytesIO(fixture_book.pdf))
    page = reader.pages[fixture_book.toc()["1-сабақ. Түрксіб темір жолы"] - 1]
    assert "Сурет 1." in page.extract_text()
    assert page["/Resources"].get("/XObject"), "the SVG figure is drawn on the chapter's first page"


def test_same_course_gives_the_same_bytes(renderer, fixture_book):
    assert _render(FIXTURE_COURSE, renderer, with_worksheets=True) == fixture_book.pdf


def test_book_metadata_comes_from_the_course(fixture_book):
    metadata = fixture_book.text.metadata
    assert metadata["Title"] == "Индустрияландыру (сынақ курсы)"
    assert metadata["Author"] == "booklet сынақ курсы"
    assert metadata["CreationDate"].startswith("D:20260901")


def test_build_book_writes_one_pdf(tmp_path):
    printout = build_book(FIXTURE_COURSE, tmp_path)
    assert printout.path == tmp_path / "fixture-course-book.pdf"
    assert printout.path.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".booklet", "fixture-course-book.pdf"]


# ---------- course files with problems ----------


def _course(tmp_path: Path, lessons: list[str], **changes) -> Path:
    text = FIXTURE_COURSE.read_text(encoding="utf-8").split("lessons:")[0]
    for key, value in changes.items():
        text = re.sub(rf"^{key}: .*$", f"{key}: {value}", text, flags=re.M)
    (tmp_path / "every-kind").mkdir(exist_ok=True)
    for path in (FIXTURES / "every-kind").rglob("*"):
        target = tmp_path / "every-kind" / path.relative_to(FIXTURES / "every-kind")
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file():
            target.write_bytes(path.read_bytes())
    (tmp_path / "second.yaml").write_text((FIXTURES / "second.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "course.yaml"
    path.write_text(text + "lessons:\n" + "".join(f"  - {name}\n" for name in lessons), encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_course(path)
    return [str(problem) for problem in caught.value.problems]


def test_a_missing_lesson_file_is_reported_at_its_line(tmp_path):
    path = _course(tmp_path, ["second.yaml", "third.yaml"])
    assert _problems(path) == [f"{path}:10:5: lessons.2: no such file: third.yaml"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../elsewhere.yaml", "lesson paths may not leave the course's folder ('..')"),
        ("/etc/passwd.yaml", "lesson paths must be relative to the course's folder"),
        ("https://example.com/l.yaml", "lessons must be files in the course's folder, not URLs"),
        ("second.txt", "lessons must be YAML files"),
    ],
)
def test_lesson_paths_stay_in_the_course_folder(tmp_path, name, message):
    path = _course(tmp_path, ["second.yaml", name])
    assert _problems(path)[0].startswith(f"{path}:10:5: lessons.2: {message}")


def test_a_lesson_for_another_grade_is_reported_in_the_lesson_file(tmp_path):
    path = _course(tmp_path, ["second.yaml"], grade=10)
    second = tmp_path / "second.yaml"
    assert _problems(path) == [
        f"{second}:6:8: grade: grade 9 differs from the course's 10 (a course's lessons share its cover)"
    ]


def test_problems_of_the_course_and_of_every_lesson_come_together(tmp_path):
    path = _course(tmp_path, ["every-kind/lesson.yaml", "second.yaml", "second.yaml", "gone.yaml"])
    second = tmp_path / "second.yaml"
    second.write_text(second.read_text(encoding="utf-8").replace("grade: 9", "grade: 90"), encoding="utf-8")
    problems = _problems(path)
    assert any("lessons.3: 'second.yaml' is listed twice" in p for p in problems)
    path.write_text(path.read_text(encoding="utf-8").replace("  - second.yaml\n  - second.yaml\n", "  - second.yaml\n"))
    problems = _problems(path)
    assert any(p.startswith(f"{second}:6:8: grade:") for p in problems)
    assert any("lessons.3: no such file: gone.yaml" in p for p in problems)


def test_two_lessons_with_one_id_are_refused(tmp_path):
    path = _course(tmp_path, ["second.yaml", "copy.yaml"])
    (tmp_path / "copy.yaml").write_text((tmp_path / "second.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert _problems(path) == [f"{tmp_path / 'copy.yaml'}:3:5: id: lesson id 'second' is also used by second.yaml"]


def test_a_worksheet_title_that_says_worksheet_is_not_said_twice(fixture_book):
    """A lesson's worksheet titled «… Жұмыс парағы» was printed «Жұмыс парағы: … Жұмыс парағы»."""
    headings = [line for text in fixture_book.text.pages for line in text.splitlines() if "Жұмыс парағы" in line]
    assert "Жұмысшы табы. Жұмыс парағы" in headings
    assert not any(line.count("Жұмыс парағы") > 1 for line in headings)
    assert any(line.startswith("Жұмыс парағы: ") for line in headings), "other worksheets keep the label"
