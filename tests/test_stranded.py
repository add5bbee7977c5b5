"""No waste, nothing stranded (issue 14, found on real pages): each case is laid out from a small
lesson or exam made long enough to show it, and checked on the PDF's lines and pages."""

from __future__ import annotations

import re
import shutil
import statistics
from pathlib import Path

import pytest
import yaml

from booklet import build_exam, load_lesson
from booklet.labels import labels_for
from booklet.lesson_build import render_worksheet_and_key
from booklet.markup import _parser, reading_html
from booklet.printouts import html_for
from booklet.running_head import ELLIPSIS, header_width, running_title
from booklet.typeset import GEOMETRY
from booklet.typography import normalise

from .conftest import EVERY_KIND, FIXTURES, PdfText, squash

CONTENT = Path(__file__).parent.parent / "content" / "industrialisation"
LONG_TITLE = (
    "Соғысқа дейінгі бесжылдықтарда салынған құрылыстарды және Қазақстан өңірлерінің басқа "
    "өнеркәсіп аудандарымен байланысын көрсету"
)
"""An objective of the bundled unit's second lesson, as a lesson's title: too long for the header."""
DASHES = (
    "Құрылыстың басшылары мен оған жәрдемдескен қайраткерлер: В. С. Шатов – **Түрксіб** құрылысының "
    "бастығы; Қазақ АКСР Халық Комиссарлары Кеңесінің төрағасы Н. Нұрмақов – **Түрксібке** жәрдемдесу "
    "комитетінің басшысы."
)
"""The bundled unit's own sentence, its names in bold: at the page's width a line of it breaks
after a dash and before a bold word, and the next line ends hyphenated."""


def _bundled(kind: str, key: str) -> list:
    found = []
    for path in sorted(CONTENT.glob("*-*.yaml")):
        lesson = yaml.safe_load(path.read_text(encoding="utf-8"))
        if kind == "tables":
            found += [
                row for table in lesson["tables"] if table["columns"] == ["Мәселе", "Дерек"] for row in table["rows"]
            ]
        else:
            found += [item for e in lesson["worksheet"]["exercises"] if e["type"] == kind for item in e[key]]
    return found


def _lesson(folder: Path, change) -> Path:
    """The every-kind fixture with `change` made to it, written into `folder`."""
    data = yaml.safe_load(EVERY_KIND.read_text(encoding="utf-8"))
    change(data)
    shutil.copytree(EVERY_KIND.parent / "figures", folder / "figures", dirs_exist_ok=True)
    path = folder / "lesson.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _lines(text: PdfText, page: int) -> list[str]:
    """A page's lines without its running header (the first) and its foot («Бет …»)."""
    return [line for line in text.pages[page].splitlines()[1:] if not line.startswith("Бет ")]


# --- an exam's score box ---------------------------------------------------------------------------


def test_the_score_box_stays_with_the_last_task(tmp_path, renderer):
    """An exam whose last task ended at a page's foot printed «Жинаған балы: ▢ / 18» alone on a last page."""
    exam = yaml.safe_load((FIXTURES / "exam" / "exam.yaml").read_text(encoding="utf-8"))
    question = {"question": "Түрксіб құрылысына кім басшылық етті?", "answer": "Құрылыс бастығы В. С. Шатов болды."}
    exam["sections"][-1]["tasks"].append(
        {
            "exercise": {"type": "short_answer", "questions": [question | {"lines": 11}]},
            "points": 4,
            "level": "higher",
            "criteria": ["A"],
            "descriptors": [{"text": "құрылыс бастығын атайды", "points": 4}],
        }
    )
    exam["total"] += 4
    shutil.copy(FIXTURES / "exam" / "lesson.yaml", tmp_path / "lesson.yaml")
    (tmp_path / "exam.yaml").write_text(yaml.safe_dump(exam, allow_unicode=True, sort_keys=False), encoding="utf-8")
    build_exam(tmp_path / "exam.yaml", tmp_path / "out", 1, seed=1, renderer=renderer)
    sheet = PdfText((tmp_path / "out" / "small-exam-sheets.pdf").read_bytes())
    last = sheet.page_of("Жинаған балы")
    assert last == len(sheet.pages) - 1
    assert sheet.page_of(question["question"]) == last  # the long last task came over with it
    assert re.search(r"\d+-тапсырма", sheet.pages[last])


# --- tables -----------------------------------------------------------------------------------------


def _tables_sheet(folder: Path, renderer, small_tables: int) -> PdfText:
    """The tables sheet of a lesson with `small_tables` two-row tables, the bundled unit's
    «Мәселе / Дерек» rows as one long table, and the fixture's own four-row table."""

    def change(data):
        small = data["tables"][0] | {"rows": data["tables"][0]["rows"][:2]}
        long = {"id": "long", "title": "Индустрияландыру бағыты және Түрксіб құрылысы", "columns": ["Мәселе", "Дерек"]}
        smalls = [small | {"id": f"small{i}"} for i in range(small_tables)]
        data["tables"] = [*smalls, long | {"rows": _bundled("tables", "")}, data["tables"][0]]

    lesson = load_lesson(_lesson(folder, change))
    html = html_for("tables", lesson, labels_for("kk"))
    return PdfText(renderer.render(html, folder, "tables.pdf").pdf)


@pytest.mark.parametrize("small_tables", [3, 5])
def test_a_table_keeps_two_rows_with_its_heading_and_repeats_its_header(tmp_path, renderer, small_tables):
    """Three small tables before: the last table's caption, header and one row were left at the
    page's foot. Five: the long table runs over, and its header row starts the next page."""
    text = _tables_sheet(tmp_path, renderer, small_tables)
    assert len(text.pages) == 2
    captions = ("Түрксіб құрылысы", "Индустрияландыру бағыты және Түрксіб құрылысы")
    for page in range(len(text.pages)):
        lines = _lines(text, page)
        starts = [i for i, line in enumerate(lines) if line in captions]
        assert starts, "every page has a table's caption or its continuation"
        assert len(lines) - starts[-1] - 2 >= 2, f"page {page + 1} ends with a caption and one row: {lines[-3:]}"
        if page and starts[0] != 0:  # a table goes on from the page before: its header row first
            assert lines[0] == "Мәселе Дерек"
            assert starts[0] >= 3, "at least two rows come over"


# --- long exercises ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def long_worksheet(tmp_path_factory, renderer):
    """A worksheet whose second exercise is the bundled unit's 19 true/false statements, under a
    lesson title too long for the running header."""

    def change(data):
        data["title"] = LONG_TITLE
        data["worksheet"]["exercises"].insert(
            1, {"type": "true_false", "statements": _bundled("true_false", "statements")}
        )

    folder = tmp_path_factory.mktemp("long-worksheet")
    lesson = load_lesson(_lesson(folder, change))
    rendered = render_worksheet_and_key(lesson, folder, renderer, labels_for("kk"))  # checks they paginate alike
    return lesson, PdfText(rendered["worksheet"].pdf)


def test_a_long_exercise_splits_between_items_and_short_ones_stay_whole(long_worksheet):
    """Kept whole, the 19 statements went to page 2 and left 40 % of page 1 empty."""
    lesson, text = long_worksheet
    statements = lesson.worksheet.exercises[1].statements
    assert text.page_of("2-тапсырма") == text.page_of("1-тапсырма") == 0
    pages = [text.page_of(f"{n}. {s.statement}") for n, s in enumerate(statements, start=1)]  # never split inside
    assert pages[0] == 0 and pages[-1] == 1
    assert len(text.pages) == 3
    for heading, last in (
        ("3-тапсырма", "Қазақ өлкелік партия комитетінің хатшысы"),
        ("5-тапсырма", "Учаскелер Қарағандыда түйісті."),
    ):
        assert text.page_of(heading) == text.page_of(last), f"{heading} is short and stays on one page"


# --- the running header ----------------------------------------------------------------------------


def test_the_running_header_is_one_line_and_the_label_never_wraps(long_worksheet):
    """A long title took two lines and split the label «Жұмыс / парағы»."""
    _, text = long_worksheet
    margin = GEOMETRY.margin_top / 25.4 * 72
    for chars in text.chars:
        head = [c for c in chars if c["bottom"] < margin and c["text"].strip()]
        assert len({round(c["top"]) for c in head}) == 1
        line = "".join(c["text"] for c in head)
        assert line.endswith("Жұмыспарағы") and ELLIPSIS in line
        assert line.startswith(squash(LONG_TITLE)[:40])


def test_running_title_cuts_at_a_word_to_fit_beside_the_label():
    assert running_title("Түрксіб темір жолы", "Жұмыс парағы") == "Түрксіб темір жолы"
    cut = running_title(LONG_TITLE + " " + LONG_TITLE, "Жұмыс парағы")
    assert cut.endswith(ELLIPSIS) and (LONG_TITLE + " " + LONG_TITLE).startswith(cut[:-1])
    room = GEOMETRY.text_width - header_width("Жұмыс парағы", bold=True)
    assert header_width(cut) < room


# --- a dash before a bold word ---------------------------------------------------------------------


def _gaps_after_dashes(text: PdfText) -> list[tuple[float, float, str]]:
    """For each spaced dash with a word after it on its line: the gap from the dash to that word,
    the median gap between the line's other words, and the line."""
    found = []
    for chars in text.chars:
        for i, c in enumerate(chars):
            if c["text"] != "–" or not i or chars[i - 1]["text"].strip():
                continue
            line = [x for x in chars if abs(x["top"] - c["top"]) < 1]
            after = [x for x in chars[i + 1 : i + 3] if x["text"].strip()]
            if not after or abs(after[0]["top"] - c["top"]) >= 1:
                continue
            words = [
                line[j + 1]["x0"] - line[j - 1]["x1"]
                for j in range(1, len(line) - 1)
                if line[j]["text"] == " " and line[j - 1]["text"].strip() and line[j + 1]["text"].strip()
            ]
            found.append((after[0]["x0"] - c["x1"], statistics.median(words), "".join(x["text"] for x in line)))
    return found


def test_the_space_after_a_dash_stays_before_a_bold_word(tmp_path, renderer):
    """«ұрпақтары –Ке-»: WeasyPrint lost (or did not stretch) the space between a dash and a bold
    word on a justified line that ends hyphenated."""

    def change(data):
        data["sections"][0]["text"] = DASHES + "\n"

    lesson = load_lesson(_lesson(tmp_path, change))
    text = PdfText(renderer.render(html_for("handout", lesson, labels_for("kk")), tmp_path, "handout.pdf").pdf)
    gaps = [gap for gap in _gaps_after_dashes(text) if "Шатов" in gap[2] or "Нұрмақов" in gap[2]]
    assert len(gaps) == 2 and all(line.endswith("-") for _, _, line in gaps)
    for gap, words, line in gaps:
        assert gap > 0.65 * words, line  # a space (less the dash's side bearing), stretched like the others


def test_no_width_loses_the_space_after_a_dash(renderer):
    """The widths (mm) at which WeasyPrint printed the sentence with no space after a dash."""
    widths = (100.5, 104.75, 119.0, 152.5, 168.25, 171.0, 174.0, 178.0)
    paragraph = str(reading_html(normalise(DASHES)))
    assert "– <strong>" in _parser().render(normalise(DASHES))  # what WeasyPrint mislaid
    html = "<html lang='kk'><body><section class='reading'>"
    html += "".join(paragraph.replace("<p>", f"<p style='width: {width}mm'>") for width in widths)
    pdf = renderer.render(html + "</section></body></html>", Path("."), "dashes.pdf").pdf
    gaps = _gaps_after_dashes(PdfText(pdf))
    assert gaps and all(gap > 1.5 for gap, _, _ in gaps), [g for g in gaps if g[0] <= 1.5]
