"""Answer sheets made to be read: corner markers, the copy's QR code, circles and tick boxes
where `scan/layout.py` says they are, read back from the printed pages' pixels.

The class set of `test_exam_pdf` (three variants, four named pupils, answer sheets) is the
printed side; `sheet_plan` is what `booklet scan` will lay out again from the exam file and
the seed. Places are checked on the rendered pages' pixels, not in the HTML; the key for
marking (`exam_pages.answer_tasks`) against the variant's own key.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pdfplumber
import pypdfium2
import pytest

from booklet import load_exam, sample_exam
from booklet.exam import answer_blanks, derive_variants
from booklet.exam_pages import Copy, answer_tasks, qr_code, sheet_html
from booklet.labels import labels_for
from booklet.qr import SheetId, parse_payload
from booklet.scan.geometry import MARKER_HOLE, MARKER_SIZE, markers
from booklet.scan.layout import sheet_plan

from .conftest import ANSWER_FONT, squash
from .test_exam_pdf import NAMES, SEED, class_set  # noqa: F401  (the session's class set)

LABELS = labels_for("kk")


def _gray(pdf: bytes, page: int, dpi: int) -> np.ndarray:
    """A page as grayscale, 0 black to 1 white, `dpi` pixels an inch."""
    image = pypdfium2.PdfDocument(pdf)[page].render(scale=dpi / 72).to_pil().convert("L")
    return np.asarray(image, dtype=float) / 255


@pytest.fixture(scope="module")
def plans(class_set, renderer):  # noqa: F811
    exam = load_exam(sample_exam())
    return exam, [(variant, sheet_plan(exam, variant, LABELS, renderer)) for variant in class_set.made.variants]


def _answer_sheets(build) -> bytes:
    return next(p.path for p in build.made.printouts if p.kind == "answer-sheets").read_bytes()


# --- corner markers ---------------------------------------------------------------------------------


def _marker_pages(build) -> list[np.ndarray]:
    """A pupil's answer sheet and the key's filled one, at 300 dpi."""
    keys = next(p.path for p in build.made.printouts if p.kind == "keys").read_bytes()
    filled = next(n for n, text in enumerate(build.files["keys"].pages) if "Жауап парағы – Жауап кілті" in text)
    return [_gray(_answer_sheets(build), 0, 300), _gray(keys, filled, 300)]


@pytest.mark.parametrize("which", [0, 1], ids=["pupil", "key"])
def test_markers_sit_where_geometry_says_with_nothing_else_near(class_set, which):  # noqa: F811
    per_mm = 300 / 25.4
    image = _marker_pages(class_set)[which]
    for marker in markers(210, 297):
        # everything dark within 3 mm of the marker must be the marker itself
        near = MARKER_SIZE / 2 + 3
        left, top = round((marker.x - near) * per_mm), round((marker.y - near) * per_mm)
        window = image[top : round((marker.y + near) * per_mm), left : round((marker.x + near) * per_mm)]
        rows, columns = np.nonzero(window < 0.5)
        found = [
            (left + columns.min()) / per_mm,
            (top + rows.min()) / per_mm,
            (left + columns.max() + 1) / per_mm,
            (top + rows.max() + 1) / per_mm,
        ]
        expected = [marker.x - marker.size / 2, marker.y - marker.size / 2]
        expected += [marker.x + marker.size / 2, marker.y + marker.size / 2]
        assert np.allclose(found, expected, atol=0.2), (marker.corner, found, expected)
        inner = (MARKER_HOLE / 2 - 0.3) * per_mm
        cx, cy = marker.x * per_mm, marker.y * per_mm
        middle = image[round(cy - inner) : round(cy + inner), round(cx - inner) : round(cx + inner)]
        if marker.hole:
            assert middle.min() > 0.9, "the bottom-right marker has a white hole"
        else:
            assert middle.max() < 0.1, f"the {marker.corner} marker is solid"


# --- the answer sheet's QR code ------------------------------------------------------------------------


def test_each_answer_sheets_qr_names_exam_variant_seed_and_the_pupils_place(class_set):  # noqa: F811
    zxingcpp = pytest.importorskip("zxingcpp")
    pdf = _answer_sheets(class_set)
    document = pypdfium2.PdfDocument(pdf)
    variants = {variant.code: variant for variant in class_set.made.variants}
    text = class_set.files["answer-sheets"].pages
    assert len(document) == len(NAMES) == len(text)
    for place in range(1, len(NAMES) + 1):
        page = document[place - 1]
        width, height = page.get_size()
        image = page.render(scale=150 / 72, crop=(width / 2, height / 2, 0, 0)).to_pil()  # the top right quarter
        (code,) = zxingcpp.read_barcodes(image)
        sheet = parse_payload(code.text)
        letter, variant_code = re.search(r"Нұсқа (\S+) · Коды (\w{4})", text[place - 1]).groups()
        variant = variants[variant_code]
        assert variant.letter == letter
        assert sheet == SheetId("industrialisation-bjb", variant_code, SEED, index=variant.index, pupil=place)


def test_an_unnamed_answer_sheet_has_no_pupil_in_its_qr(plans):
    zxingcpp = pytest.importorskip("zxingcpp")
    exam, found = plans
    variant, plan = found[1]
    image = pypdfium2.PdfDocument(plan.blank_pdf)[0].render(scale=150 / 72).to_pil()
    (code,) = zxingcpp.read_barcodes(image)
    assert parse_payload(code.text) == SheetId(exam.id, variant.code, SEED, index=1)
    qr = plan.geometry.qr
    x, y = (code.position.top_left.x / 150 * 25.4, code.position.top_left.y / 150 * 25.4)
    assert qr.x <= x <= qr.x + qr.width and qr.y <= y <= qr.y + qr.height, "the QR's box is where it printed"


# --- circles and tick boxes ----------------------------------------------------------------------------


def _darkness(image: np.ndarray, x: float, y: float, radius: float, per_mm: float) -> float:
    """Mean darkness (0 white, 1 black) of the disc of `radius` mm around (x, y) mm."""
    reach = int(radius * per_mm) + 2  # the disc's square of the page, not the whole page
    top, left = max(0, round(y * per_mm) - reach), max(0, round(x * per_mm) - reach)
    window = image[top : top + 2 * reach + 1, left : left + 2 * reach + 1]
    rows, columns = np.ogrid[top : top + window.shape[0], left : left + window.shape[1]]
    disc = (columns + 0.5 - x * per_mm) ** 2 + (rows + 0.5 - y * per_mm) ** 2 <= (radius * per_mm) ** 2
    return float(1 - window[disc].mean())


def _ring(image: np.ndarray, x: float, y: float, radius: float, per_mm: float) -> float:
    """Share of 24 points on the circle of `radius` mm where the page is dark (a 3-pixel spot)."""
    dark = 0
    for angle in np.linspace(0, 2 * np.pi, 24, endpoint=False):
        px, py = round((x + radius * np.cos(angle)) * per_mm), round((y + radius * np.sin(angle)) * per_mm)
        dark += image[py - 1 : py + 2, px - 1 : px + 2].min() < 0.5
    return dark / 24


def test_the_geometry_has_a_circle_for_every_answer_of_every_machine_marked_task(plans):
    for variant, plan in plans[1]:
        tasks = answer_tasks(variant, LABELS)
        wanted = [(t.number, row.label, b.mark) for t in tasks for row in t.rows for b in row.bubbles]
        assert [(c.task, c.item, c.mark) for c in plan.geometry.circles] == wanted
        kinds = {t.kind for t in tasks if t.rows}
        assert {"multiple_choice", "true_false", "matching", "ordering", "cloze", "table_completion"} <= kinds
        assert "categorize" in kinds


def test_circles_are_big_and_far_enough_apart_for_a_scan(plans):
    for _, plan in plans[1]:
        circles = plan.geometry.circles
        assert min(c.radius for c in circles) * 2 >= 5
        centres = np.array([(c.x, c.y) for c in circles])
        radii = np.array([c.radius for c in circles])
        apart = np.hypot(*(centres[:, None, :] - centres[None, :, :]).transpose(2, 0, 1))
        gaps = apart - radii[:, None] - radii[None, :]
        np.fill_diagonal(gaps, np.inf)
        assert gaps.min() >= 1.5


def test_every_circle_is_a_printed_ring_empty_on_the_sheet_and_filled_on_the_key_where_right(plans, class_set):  # noqa: F811
    exam, found = plans
    per_mm = 150 / 25.4
    keys = next(p.path for p in class_set.made.printouts if p.kind == "keys").read_bytes()
    texts = class_set.files["keys"].pages
    for variant, plan in found:
        blank = _gray(plan.blank_pdf, 0, 150)
        page = next(n for n, text in enumerate(texts) if "Жауап парағы – Жауап кілті" in text and variant.code in text)
        key = _gray(keys, page, 150)  # the key's answer sheet, as printed
        tasks = answer_tasks(variant, LABELS)
        right = {(t.number, row.label, b.mark) for t in tasks for row in t.rows for b in row.bubbles if b.right}
        for circle in plan.geometry.circles:
            where = (circle.x, circle.y)
            assert _ring(blank, *where, circle.radius * 0.95, per_mm) > 0.9, f"no ring at {circle}"
            assert _darkness(blank, *where, circle.radius * 0.6, per_mm) < 0.35, f"not empty: {circle}"
            filled = _darkness(key, *where, circle.radius * 0.6, per_mm)
            if (circle.task, circle.item, circle.mark) in right:
                assert filled > 0.6, f"the key does not fill {circle}"
            else:
                assert filled < 0.35, f"the key fills {circle}"


def test_a_plan_is_laid_out_once_until_the_exam_file_changes(plans, renderer):
    exam, found = plans
    variant, plan = found[0]
    assert sheet_plan(exam, variant, LABELS, renderer) is plan
    retitled = exam.model_copy(update={"title": exam.title + " (қайта жазылды)"})
    again = sheet_plan(retitled, variant, LABELS, renderer)
    assert again is not plan and again.geometry == plan.geometry and again.blank_pdf != plan.blank_pdf


def test_the_plans_blank_is_the_printed_sheet_where_the_circles_are(class_set, plans):  # noqa: F811
    """The first pupil's sheet and the plan of its variant agree pixel for pixel round every circle."""
    printed = _gray(_answer_sheets(class_set), 0, 150)
    letter = re.search(r"Нұсқа (\S+) ·", class_set.files["answer-sheets"].pages[0])[1]
    variant, plan = next((v, p) for v, p in plans[1] if v.letter == letter)
    blank = _gray(plan.blank_pdf, 0, 150)
    per_mm = 150 / 25.4
    for circle in plan.geometry.circles + tuple(plan.geometry.ticks):
        x, y = round(circle.x * per_mm), round(circle.y * per_mm)
        around = np.s_[y - 20 : y + 20, x - 20 : x + 20]
        assert np.abs(printed[around] - blank[around]).max() < 0.05, circle


def test_the_open_task_has_a_tick_box_per_descriptor_for_the_teacher(plans, class_set):  # noqa: F811
    exam, found = plans
    per_mm = 150 / 25.4
    for variant, plan in found:
        (task,) = [t for t in variant.tasks if t.exercise.kind == "short_answer"]
        (open_task,) = [t for t in answer_tasks(variant, LABELS) if t.open]
        assert open_task.number == task.number and not open_task.rows
        expected = [(task.number, index, d.points) for index, d in enumerate(task.task.descriptors)]
        assert [(t.task, t.descriptor, t.points) for t in plan.geometry.ticks] == expected
        assert [(d.index, d.points) for d in open_task.descriptors] == [(i, p) for _, i, p in expected]
        blank = _gray(plan.blank_pdf, 0, 150)
        for tick in plan.geometry.ticks:
            assert tick.size >= 5
            half = tick.size / 2 - 0.14
            corners = [(tick.x - half, tick.y - half), (tick.x + half, tick.y + half)]
            for cx, cy in corners:
                px, py = round(cx * per_mm), round(cy * per_mm)
                assert blank[py - 1 : py + 2, px - 1 : px + 2].min() < 0.5, "the box is drawn"
            assert _darkness(blank, tick.x, tick.y, tick.size / 3, per_mm) < 0.05, "and empty"
    text = class_set.files["answer-sheets"].pages[0]
    assert "Мұғалім белгілейді" in text and "Жауабын тапсырма парағына жазыңыз" in text
    assert "Дұрыс жауаптың дөңгелегін толық бояңыз" in text and "айқыштап" in text


def test_every_variants_answer_sheet_is_one_page(plans):
    for _, plan in plans[1]:
        with pdfplumber.open(io.BytesIO(plan.blank_pdf)) as pdf:
            assert len(pdf.pages) == 1
            assert "Бет 1 / 1" in pdf.pages[0].extract_text()
        assert all(circle.y < 297 - 18 for circle in plan.geometry.circles)


# --- lettered banks on the question paper ----------------------------------------------------------------


def test_with_answer_sheets_the_question_paper_letters_its_banks_and_categories(class_set, plans):  # noqa: F811
    sheets = class_set.files["sheets"]
    for variant, _ in plans[1]:
        text = squash(" ".join(sheets.pages))
        for task in variant.tasks:
            exercise = task.exercise
            if exercise.kind in ("cloze", "table_completion", "categorize"):
                assert exercise.lettered, exercise.kind
                for choice in exercise.lettered:
                    assert squash(choice.letter + choice.text) in text, (exercise.kind, choice)


def test_without_answer_sheets_the_question_paper_has_no_letters():
    exam = load_exam(sample_exam())
    variant = derive_variants(exam, SEED, 1, LABELS)[0]
    plain = sheet_html(exam, Copy(variant), LABELS, qr_code(exam, variant))
    lettered = sheet_html(exam, Copy(variant), LABELS, qr_code(exam, variant), answer_sheets=True)
    assert 'class="letter' not in plain and "bank lettered" not in plain
    assert "bank lettered" in lettered


def test_the_key_prints_each_blanks_letter_before_its_word(class_set, plans):  # noqa: F811
    keys = class_set.files["keys"]
    drawn = squash("".join(c["text"] for chars in keys.chars for c in chars if ANSWER_FONT in c["fontname"]))
    for variant, _ in plans[1]:
        (cloze,) = [t.exercise for t in variant.tasks if t.exercise.kind == "cloze"]
        for blank in [part for part in cloze.parts if not isinstance(part, str)]:
            assert squash(cloze.letter_of(blank.answer) + blank.answer) in drawn


# --- the key for marking, as plain data --------------------------------------------------------------


def test_answer_tasks_give_each_row_one_right_circle_from_the_variants_own_key():
    exam = load_exam(sample_exam())
    for variant in derive_variants(exam, SEED, 3, LABELS):
        for task, answers in zip(variant.tasks, answer_tasks(variant, LABELS), strict=True):
            exercise = task.exercise
            assert (answers.number, answers.kind, answers.points) == (task.number, exercise.kind, task.points)
            assert sum(d.points for d in answers.descriptors) == task.points
            assert all(sum(b.right for b in row.bubbles) == 1 for row in answers.rows)
            right = {row.label: next(b.mark for b in row.bubbles if b.right) for row in answers.rows}
            match exercise.kind:
                case "ordering":
                    assert right == {item.label: item.answer for item in exercise.items}
                    places = [str(place) for place in range(1, len(exercise.items) + 1)]
                    assert all([b.mark for b in row.bubbles] == places for row in answers.rows)
                case "cloze" | "table_completion":
                    words = {choice.letter: choice.text for choice in exercise.lettered}
                    blanks = {str(blank.number): blank.answer for blank in answer_blanks(exercise)}
                    assert {label: words[letter] for label, letter in right.items()} == blanks
                case "categorize":
                    pool = {choice.letter: choice.text for choice in exercise.pool}
                    columns = {choice.letter: choice.text for choice in exercise.lettered}
                    assert [c.text for c in exercise.lettered] == list(exercise.columns)
                    for label, letter in right.items():
                        category = next(c for c in task.task.exercise.categories if c.label == columns[letter])
                        assert pool[label] in category.items
                case "short_answer":
                    assert answers.open and not answers.rows


def test_letters_come_from_the_variant_alone_and_leave_the_printed_orders_as_they_were():
    exam = load_exam(sample_exam())
    one = derive_variants(exam, SEED, 1, LABELS)[0]
    three = derive_variants(exam, SEED, 3, LABELS)[0]
    assert one == three
    for task in one.tasks:
        bank = [choice.text for choice in task.exercise.lettered]
        if task.exercise.kind == "cloze" and task.exercise.bank:
            assert bank == list(task.exercise.bank), "the cloze's own bank, in the variant's order"
        if task.exercise.kind == "table_completion":
            assert sorted(bank) == sorted({entry.answer for entry in task.exercise.key})
