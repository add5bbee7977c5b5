"""Exam sets read back from their PDFs: each variant's key against the YAML, pages, points, rubric, roster.

One set of the bundled БЖБ is built per session: three variants handed out to a class of
four (a roster with Kazakh names, a BOM and semicolons), with answer sheets. What a key
should say is worked out from the exam and lesson files and from what the pupil's sheet
prints (which letter stands before which option, which task has which number), never from
booklet's derived variants, so a key that drifts from its sheet's order fails here.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from click.testing import CliRunner

from booklet import ContentError, build_exam, load_exam, sample_exam
from booklet.cli import main
from booklet.model import (
    Categorize,
    Cloze,
    Matching,
    MultipleChoice,
    Ordering,
    ShortAnswer,
    TableCompletion,
    Task,
    TrueFalse,
)

from .conftest import ANSWER_FONT, FIXTURES, PdfText, squash
from .test_keys import _letter_before

ROSTER = "\ufeff№;Аты-жөні;Сынып\r\n1;Әлиев Нұрлан;9 Ә\r\n2;Құрманғазы Үміт;9 Ә\r\n3;Іңкәр Өтебаева;9 Ә\r\n4;Ғалым Қайыржан;9 Ә\r\n"
NAMES = ["Әлиев Нұрлан", "Құрманғазы Үміт", "Іңкәр Өтебаева", "Ғалым Қайыржан"]
VARIANTS = 3
SEED = 2026
SMALL = FIXTURES / "exam" / "exam.yaml"


@dataclass
class ExamBuild:
    made: object
    files: dict[str, PdfText]
    folder: Path


@pytest.fixture(scope="session")
def class_set(renderer, tmp_path_factory, once_per_run) -> ExamBuild:
    def make() -> ExamBuild:
        folder = tmp_path_factory.mktemp("exam")
        roster = folder / "class.csv"
        roster.write_bytes(ROSTER.encode("utf-8"))
        made = build_exam(sample_exam(), folder / "out", VARIANTS, SEED, roster, answer_sheets=True, renderer=renderer)
        files = {p.kind: PdfText(p.path.read_bytes()) for p in made.printouts}
        return ExamBuild(made, files, folder / "out")

    return once_per_run("class-set", make)


def _copies(pdf: PdfText) -> list[list[int]]:
    """Page indexes of each copy in a bound PDF: a copy starts where the footer says «Бет 1 / n»."""
    copies: list[list[int]] = []
    for index, text in enumerate(pdf.pages):
        if re.search(r"Бет 1 / \d+", text):
            copies.append([])
        copies[-1].append(index)
    return copies


def _note(text: str) -> tuple[str, str]:
    """The variant letter and code in a page's footer: «Нұсқа Б · Коды 7KQ3»."""
    found = re.search(r"Нұсқа (\S+) · Коды (\w{4})", text)
    assert found, f"no variant note on the page: {text[-200:]!r}"
    return found[1], found[2]


def _sheets_by_variant(build: ExamBuild) -> dict[str, list[int]]:
    sheets = build.files["sheets"]
    found: dict[str, list[int]] = {}
    for pages in _copies(sheets):
        found.setdefault(_note(sheets.pages[pages[0]])[0], pages)
    return found


def _keys_by_variant(build: ExamBuild) -> dict[str, list[int]]:
    keys = build.files["keys"]
    found: dict[str, list[int]] = {}
    for pages in _copies(keys):
        first = keys.pages[pages[0]]
        header = first.split("\n", 1)[0]
        if header.endswith("Жауап кілті") and "Жауап парағы" not in header:
            found[_note(first)[0]] = pages
    return found


# --- which exam task is which printed task --------------------------------------------------------


def _first_text(task: Task) -> str:
    """A fragment printed only by this task: its first question, statement, pair, event or sentence."""
    exercise = task.exercise
    match exercise:
        case MultipleChoice() | ShortAnswer():
            return exercise.questions[0].question
        case TrueFalse():
            return exercise.statements[0].statement
        case Matching():
            return exercise.pairs[0].left
        case Ordering():
            return exercise.events[0]
        case Cloze():
            return re.split(r"\{\{|\[\[|___", exercise.text)[0][:40]
        case TableCompletion():
            return task.table.title
        case Categorize():
            return exercise.categories[0].items[0]
    raise AssertionError(exercise)


def _regions(sheet: PdfText, pages: list[int]) -> dict[int, tuple[int, int]]:
    """Each printed task number with the pages it runs over (first, last), from the headings."""
    starts = []
    for page in pages:
        starts += [(int(n), page) for n in re.findall(r"(\d+)-тапсырма", sheet.pages[page])]
    regions = {}
    for index, (number, page) in enumerate(starts):
        end = starts[index + 1][1] if index + 1 < len(starts) else pages[-1]
        regions[number] = (page, end)
    return regions


def _printed_tasks(exam, sheet: PdfText, pages: list[int]) -> dict[int, Task]:
    """The exam task behind each printed number, recognised by its text on the sheet."""
    text_of = {}
    for number, (first, last) in _regions(sheet, pages).items():
        text = squash("".join(sheet.pages[first : last + 1]))
        after = text[text.index(f"{number}-тапсырма") :]
        following = re.search(rf"{number + 1}-тапсырма", after)
        text_of[number] = after[: following.start()] if following else after
    found = {}
    for number, text in text_of.items():
        matches = [task for _, task in exam.tasks() if squash(_first_text(task)) in text]
        assert len(matches) == 1, f"task {number}: {len(matches)} exam tasks match its text"
        found[number] = matches[0]
    return found


# --- what the key must say --------------------------------------------------------------------------


def _line_answer(page_chars: list[dict], fragment: str) -> str:
    """The answer-font text on the line where `fragment` starts (its box sits at the item's top)."""
    plain = [c for c in page_chars if ANSWER_FONT not in c["fontname"] and c["text"].strip()]
    text = "".join(c["text"] for c in plain)
    start = text.find(squash(fragment)[:40])
    assert start >= 0, f"{fragment!r} not on the key page"
    top = plain[start]["top"]
    near = [c for c in page_chars if ANSWER_FONT in c["fontname"] and abs(c["top"] - top) < 6]
    return "".join(c["text"] for c in sorted(near, key=lambda c: c["x0"]))


def _check_variant(exam, sheet: PdfText, sheet_pages: list[int], key: PdfText, key_pages: list[int]) -> int:
    """Every answer of one variant's key, against the YAML and the sheet; returns how many were checked."""
    assert len(sheet_pages) == len(key_pages), "the key paginates like the sheet"
    checked = 0
    words: dict[int, list[str]] = {page: [] for page in range(len(sheet_pages))}
    for number, (first, last) in _regions(sheet, sheet_pages).items():
        task = _printed_tasks(exam, sheet, sheet_pages)[number]
        region = "".join(sheet.pages[first : last + 1])
        exercise = task.exercise
        local = sheet_pages.index(first)

        def on_key(fragment: str, expected: str, local: int = local, number: int = number) -> None:
            for page in range(local, len(key_pages)):
                if squash(fragment)[:40] in squash(key.pages[key_pages[page]]):
                    got = _line_answer(key.chars[key_pages[page]], fragment)
                    assert got == expected, f"task {number}, {fragment!r}: key says {got!r}, should be {expected!r}"
                    return
            raise AssertionError(f"task {number}: {fragment!r} not in the key")

        def word(answer: str, fragment: str, local: int = local) -> None:
            page = next(
                p for p in range(local, len(sheet_pages)) if squash(fragment) in squash(sheet.pages[sheet_pages[p]])
            )
            words[page].append(answer)

        match exercise:
            case MultipleChoice():
                for q in exercise.questions:
                    on_key(q.question, _letter_before(region, q.answer))
                    checked += 1
            case Matching():
                for pair in exercise.pairs:
                    on_key(pair.left, _letter_before(region, pair.right))
                    checked += 1
            case TrueFalse():
                for s in exercise.statements:
                    on_key(s.statement, "Д" if s.answer else "Ж")
                    checked += 1
            case Ordering():
                for place, event in enumerate(exercise.events, start=1):
                    on_key(event, str(place))
                    checked += 1
            case Cloze():
                for gap in exercise.gaps:
                    word(gap.answer, f"{number}-тапсырма")
                    checked += 1
            case TableCompletion():
                for row, column in exercise.blanks:
                    word(task.table.rows[row - 1][column - 1], task.table.title)
                    checked += 1
            case Categorize():
                for category in exercise.categories:
                    for item in category.items:
                        word(item, category.label)
                        checked += 1
            case ShortAnswer():
                for q in exercise.questions:
                    word(q.answer, q.question)
                    checked += 1
    for local, page in enumerate(key_pages):
        drawn = squash("".join(c["text"] for c in key.chars[page] if ANSWER_FONT in c["fontname"]))
        for answer in sorted(words[local], key=len, reverse=True):
            assert squash(answer) in drawn, f"{answer!r} missing from key page {local + 1}"
            drawn = drawn.replace(squash(answer), "", 1)
        letters_only = re.sub(r"[0-9" + "АБВГДЕЖЗИК" + r"]", "", drawn)
        assert letters_only == "", f"key page {local + 1} draws answers of no question: {drawn!r}"
    return checked


def test_every_variants_key_is_right_for_its_own_order(class_set):
    exam = load_exam(sample_exam())
    sheets, keys = _sheets_by_variant(class_set), _keys_by_variant(class_set)
    assert sorted(sheets) == sorted(keys) == ["А", "Б", "В"]
    for letter in sheets:
        checked = _check_variant(exam, class_set.files["sheets"], sheets[letter], class_set.files["keys"], keys[letter])
        assert checked >= 30, f"variant {letter}: only {checked} answers checked"


def test_variants_print_their_tasks_in_different_orders(class_set):
    exam = load_exam(sample_exam())
    sheet = class_set.files["sheets"]
    orders = {
        letter: [id(task) for _, task in sorted(_printed_tasks(exam, sheet, pages).items())]
        for letter, pages in _sheets_by_variant(class_set).items()
    }
    assert len({tuple(order) for order in orders.values()}) == VARIANTS


def test_sheets_draw_no_answer_and_keys_paginate_like_them(class_set):
    sheets, keys = class_set.files["sheets"], class_set.files["keys"]
    assert sheets.answers == [""] * len(sheets.pages)
    for letter, pages in _sheets_by_variant(class_set).items():
        key_pages = _keys_by_variant(class_set)[letter]
        for sheet_page, key_page in zip(pages, key_pages, strict=True):
            headings = re.findall(r"\d+-тапсырма", sheets.pages[sheet_page])
            assert headings == re.findall(r"\d+-тапсырма", keys.pages[key_page])


def test_every_page_of_a_copy_has_the_one_running_header_of_the_set_and_its_own_footer(class_set):
    """A pupil's running header (the exam's title and the document's kind) is the same on every
    page of every variant: it is laid out once, and every page of the file draws that one form;
    the footer («Бет 2 / 4», the variant's note) comes with each variant's own pages. The
    key's pages keep the key's header."""
    paths = {printout.kind: printout.path for printout in class_set.made.printouts}
    for kind, label in (("sheets", "Бөлім бойынша жиынтық бағалау"), ("answer-sheets", "Жауап парағы")):
        with pikepdf.open(paths[kind]) as pdf:
            drawn = [{form.objgen for form in page.Resources.XObject.values()} for page in pdf.pages]
        assert len(set.intersection(*drawn)) == 1, kind
        text = class_set.files[kind]
        for copy in _copies(text):
            note = _note(text.pages[copy[0]])
            for number, index in enumerate(copy, start=1):
                page = text.pages[index]
                assert page.split("\n", 1)[0] == f"Қазақстандағы индустрияландыру {label}"
                assert f"Бет {number} / {len(copy)}" in page and _note(page) == note
    keys = class_set.files["keys"]
    for pages in _keys_by_variant(class_set).values():
        assert all(keys.pages[index].split("\n", 1)[0].endswith("Жауап кілті") for index in pages)


# --- points, rubric, grid -----------------------------------------------------------------------------


def test_points_beside_the_tasks_add_up_to_the_printed_total(class_set):
    sheets = class_set.files["sheets"]
    for pages in _copies(sheets):
        text = "\n".join(sheets.pages[page] for page in pages)
        points = [int(n) for n in re.findall(r"(\d+)\u00a0?\s*балл\b", text)]
        assert len(points) == 8
        total = int(re.search(r"Жалпы балл: (\d+)", text)[1])
        assert sum(points) == total == 32
        assert text.count("/ 32") == 1, "the score box closes the paper"


def test_each_rubric_sums_to_the_total_and_covers_every_task(class_set):
    import pdfplumber

    exam = load_exam(sample_exam())
    criteria = {squash(c.id + c.text) for c in exam.criteria}
    descriptors = {squash(d.text): d.points for _, task in exam.tasks() for d in task.descriptors}
    path = next(p.path for p in class_set.made.printouts if p.kind == "keys")
    keys = class_set.files["keys"]
    rubrics = [page for page, text in enumerate(keys.pages) if "Балл қою кестесі" in text]
    assert len(rubrics) == VARIANTS
    with pdfplumber.open(path) as pdf:
        for page in rubrics:
            (table,) = pdf.pages[page].extract_tables()
            header, *rows, last = [[squash((cell or "").replace("-\n", "")) for cell in row] for row in table]
            assert header[:2] == ["Бағалаукритерийі", "Тапсырма№"] and header[2].startswith("Дескриптор")
            assert header[3] == "Балл"
            assert {row[0] for row in rows if row[0]} == criteria
            tasks = {int(re.match(r"\d+", row[1])[0]) for row in rows if row[1]}
            assert tasks == set(range(1, 9)), "every task of the variant is in the rubric"
            for row in rows:
                assert descriptors[row[2]] == int(row[3]), row
            assert last[0] == "Жалпыбалл" and int(last[-1]) == sum(int(row[3]) for row in rows) == 32


def test_the_grid_is_one_page_with_every_variant_and_total(class_set):
    keys = class_set.files["keys"]
    grid = keys.pages[0]
    assert "Барлық нұсқалардың жауаптары" in grid and f"Жинақ нөмірі: {SEED}" in grid
    assert "Барлық нұсқалардың жауаптары" not in keys.pages[1]
    for variant in class_set.made.variants:
        assert f"{variant.letter} {variant.code}" in grid
    assert re.search(r"Жалпы балл 32 32 32", grid)


def test_grid_answers_are_the_keys_answers(class_set):
    """Nothing in the grid that no key says, and every blank of the cloze (in every variant) in it."""
    keys = class_set.files["keys"]
    grid = _words(keys.chars[0]).lower()
    on_keys = " ".join(_words(keys.chars[page]) for pages in _keys_by_variant(class_set).values() for page in pages)
    exam = load_exam(sample_exam())
    headings = " ".join(
        c.label for _, t in exam.tasks() if isinstance(t.exercise, Categorize) for c in t.exercise.categories
    )
    for word in re.findall(r"[а-яәіңғүұқөһё]{4,}", grid):
        assert word in on_keys.lower() or word in headings.lower(), f"{word!r} is in the grid but in no key"
    (cloze,) = [task.exercise for _, task in exam.tasks() if isinstance(task.exercise, Cloze)]
    for gap in cloze.gaps:
        assert grid.count(gap.answer.lower()) >= VARIANTS


def _words(chars: list[dict]) -> str:
    """The answer-font text of a page with spaces where the glyphs leave a gap."""
    answer = [c for c in chars if ANSWER_FONT in c["fontname"]]
    out, previous = [], None
    for c in answer:
        if previous is not None and (abs(c["top"] - previous["top"]) > 2 or c["x0"] - previous["x1"] > 1.5):
            out.append(" ")
        out.append(c["text"])
        previous = c
    return "".join(out)


# --- roster, answer sheets, codes ----------------------------------------------------------------------


def test_one_sheet_per_pupil_with_the_name_and_variants_in_turn(class_set):
    sheets = class_set.files["sheets"]
    copies = _copies(sheets)
    assert len(copies) == len(NAMES)
    letters = []
    for name, pages in zip(NAMES, copies, strict=True):
        first = sheets.pages[pages[0]]
        assert f"Аты-жөні: {name}" in first
        assert "Сынып: 9 Ә" in first  # the roster's class column, in the sheet's class field
        letters.append(_note(first)[0])
    assert letters == ["А", "Б", "В", "А"]
    class_list = class_set.files["keys"].pages[1]
    assert "Сынып тізімі" in class_list
    assert "Аты-жөні Сынып Нұсқа" in class_list
    for number, (name, letter) in enumerate(zip(NAMES, letters, strict=True), start=1):
        assert re.search(rf"{number} {name} 9 Ә {letter} \w{{4}}", class_list)


def test_answer_sheets_are_one_page_each_with_the_copys_code(class_set):
    answer_sheets, sheets = class_set.files["answer-sheets"], class_set.files["sheets"]
    assert len(answer_sheets.pages) == len(NAMES)
    for page, pages in enumerate(_copies(sheets)):
        assert _note(answer_sheets.pages[page]) == _note(sheets.pages[pages[0]])
        assert "Бет 1 / 1" in answer_sheets.pages[page]
        assert answer_sheets.answers[page] == ""


def _items(task: Task) -> int:
    """How many circled answers a task has on the answer sheet: one per item, none for open ones."""
    exercise = task.exercise
    match exercise:
        case MultipleChoice():
            return len(exercise.questions)
        case TrueFalse():
            return len(exercise.statements)
        case Matching():
            return len(exercise.pairs)
        case Ordering():
            return len(exercise.events)
        case Cloze():
            return len(exercise.gaps)
        case TableCompletion():
            return len(exercise.blanks)
        case Categorize():
            return sum(len(category.items) for category in exercise.categories)
    return 0


def test_answer_sheet_key_fills_one_circle_per_item(class_set):
    exam = load_exam(sample_exam())
    keys, sheets = class_set.files["keys"], class_set.files["sheets"]
    for letter, pages in _keys_by_variant(class_set).items():
        filled = next(p for p in range(pages[-1] + 1, len(keys.pages)) if "Жауап парағы – Жауап кілті" in keys.pages[p])
        tasks = _printed_tasks(exam, sheets, _sheets_by_variant(class_set)[letter])
        # a filled circle prints its mark in white, over the circle's black one: pdfium keeps
        # one of two letters drawn at the same place, so this page is read with pdfminer
        with pdfplumber.open(io.BytesIO(keys.data), pages=[filled + 1]) as document:
            marks = "".join(c["text"] for c in document.pages[0].chars if c["non_stroking_color"] == (1, 1, 1))
        assert len(marks) == sum(_items(task) for task in tasks.values()) > 30
        assert not re.search("[а-яәіңғүұқөһё]", marks), "circles hold capital letters, Д/Ж and positions"


def test_qr_code_of_a_sheet_scans_to_its_exam_variant_and_seed(class_set):
    zxingcpp = pytest.importorskip("zxingcpp")
    import pdfplumber

    path = next(p.path for p in class_set.made.printouts if p.kind == "sheets")
    with pdfplumber.open(path) as pdf:
        image = pdf.pages[0].to_image(resolution=150).original
    letter, code = _note(class_set.files["sheets"].pages[0])
    assert [c.text for c in zxingcpp.read_barcodes(image)] == [
        f"booklet:exam=industrialisation-bjb;variant={code};seed={SEED}"
    ]


def test_no_warnings_and_only_bundled_fonts(class_set):
    for kind, pdf in class_set.files.items():
        assert all(font.startswith(("Booklet-", "PTSans", "PTSerif")) or "PT" in font for font in pdf.fonts), kind


# --- seeds and bytes -------------------------------------------------------------------------------------


def _digest(made) -> dict[str, str]:
    return {p.kind: hashlib.sha256(p.path.read_bytes()).hexdigest() for p in made.printouts}


def test_same_seed_same_bytes_and_another_seed_other_orders(renderer, tmp_path):
    first = build_exam(SMALL, tmp_path / "a", 1, 7, renderer=renderer)
    again = build_exam(SMALL, tmp_path / "b", 1, 7, renderer=renderer)
    assert _digest(first) == _digest(again)
    other = build_exam(SMALL, tmp_path / "c", 1, 8, renderer=renderer)
    orders = [
        [PdfText(p.path.read_bytes()).pages for p in made.printouts if p.kind == "sheets"][0] for made in (first, other)
    ]
    assert orders[0] != orders[1]
    assert [v.code for v in first.variants] != [v.code for v in other.variants]


def test_cli_prints_the_seed_it_chose_and_a_summary(tmp_path):
    exam = tmp_path / "exam"
    shutil.copytree(SMALL.parent, exam)
    result = CliRunner().invoke(main, ["exam", str(exam / "exam.yaml"), "-n", "2", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    seed = int(re.search(r"seed (\d+):", result.output)[1])
    assert f"--variants 2 --seed {seed}" in result.output
    assert "small-exam-sheets.pdf" in result.output and "small-exam-keys.pdf" in result.output
    # the grid, one step per variant (each laid out once, its copies stamped), then the files
    assert re.search(r"1/4 .*\n2/4 Нұсқа А .*\n3/4 Нұсқа Б .*\n4/4 small-exam-sheets.pdf", result.output)


def test_a_bad_roster_names_its_row_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "small-exam-sheets.pdf").write_bytes(b"previous good output")
    roster = tmp_path / "class.csv"
    roster.write_text("Аты-жөні;Сынып\nӘлиев Нұрлан;9 Ә\n;9 Ә\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["exam", str(SMALL), "--roster", str(roster), "-o", str(out)])
    assert result.exit_code == 2
    assert f"{roster}:3:1" in result.output and "name cell is empty" in result.output
    assert "Traceback" not in result.output
    assert (out / "small-exam-sheets.pdf").read_bytes() == b"previous good output"
    with pytest.raises(ContentError):
        build_exam(SMALL, out, 2, roster=roster)


def test_check_takes_exam_files_and_reports_their_problems_where_they_are(tmp_path):
    result = CliRunner().invoke(main, ["check", str(SMALL), str(FIXTURES / "exam" / "lesson.yaml")])
    assert result.exit_code == 0, result.output
    assert result.output == "1 lesson file, 1 exam file OK\n"
    broken = tmp_path / "exam"
    shutil.copytree(SMALL.parent, broken)
    text = (broken / "exam.yaml").read_text(encoding="utf-8")
    (broken / "exam.yaml").write_text(text.replace("total: 14", "total: 15"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(broken / "exam.yaml")])
    assert result.exit_code == 2
    line = text[: text.index("total: 14")].count("\n") + 1
    assert f"exam.yaml:{line}:8: total: the tasks add up to 14 points, not 15" in result.output


@pytest.mark.parametrize(("options", "words"), [(["--lang", "ru"], "Вариант"), (["--script", "latn"], "Nūsqa")])
def test_other_labels_and_the_latin_alphabet(tmp_path, options, words):
    result = CliRunner().invoke(main, ["exam", str(SMALL), "-n", "1", "-o", str(tmp_path), *options])
    assert result.exit_code == 0, result.output
    sheets = PdfText((tmp_path / "small-exam-sheets.pdf").read_bytes())
    assert words in sheets.pages[0]
    if "latn" in options:
        assert not re.search("[а-яәіңғүұқөһА-ЯӘІҢҒҮҰҚӨҺ]", "".join(sheets.pages))


def test_duplex_gives_every_copy_and_key_whole_sheets_of_paper_with_blank_backs(renderer, tmp_path):
    build_exam(SMALL, tmp_path, 1, 7, renderer=renderer, duplex=True)
    sheets = PdfText((tmp_path / "small-exam-sheets.pdf").read_bytes())
    keys = PdfText((tmp_path / "small-exam-keys.pdf").read_bytes())
    assert [bool(text.strip()) for text in sheets.pages] == [True, True], "two pages: one sheet, no blank"
    # grid (1 page) + back, then the key (2 pages) and its marking scheme (1 page) + back
    assert [bool(text.strip()) for text in keys.pages] == [True, False, True, True, True, False]
    assert "Бет 1 / 2" in keys.pages[2] and "Балл қою кестесі" in keys.pages[4]
