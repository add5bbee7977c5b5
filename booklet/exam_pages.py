"""What each exam printout shows: the pupil's sheet, the answer sheet, the key, the rubric, the grid.

Like `printouts.py` for lessons: every decision (which bubble is filled, what a grid cell
says, which labels) is made here or in `exam.py`; the templates only lay it out. The sheet
and the key of a variant are one template rendered with answers hidden or shown, and so are
the answer sheet and its key, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from .engine.painting import Field
from .exam import Grid, Variant, VariantTask, answer_blanks, category_numbers, rubric
from .hyphenation import keep_whole_in_html
from .labels import Labels
from .model import Exam
from .qr import payload, qr_svg
from .roster import Pupil
from .scan.geometry import markers
from .templating import environment
from .typeset import GEOMETRY, current_geometry
from .worksheet import SheetExercise

GRID_COLUMNS = 6
"""Variants side by side in one grid table on A4; more go on the next grid page."""


def grid_columns() -> int:
    """Variants side by side in one grid table: `GRID_COLUMNS` on A4, four on the narrower A5."""
    return GRID_COLUMNS if current_geometry().paper == "a4" else 4


@dataclass(frozen=True)
class Copy:
    """One printed copy of a variant: for a named pupil, or unnamed for the teacher to hand out."""

    variant: Variant
    pupil: Pupil | None = None


@dataclass(frozen=True)
class Bubble:
    mark: str
    """The letter, mark or position printed inside the circle (`geometry.Circle.mark`)."""
    right: bool
    """The right answer: filled on the key's answer sheet."""
    text: str = ""
    """What the mark stands for, the same in every variant (an option's text, a bank word, a
    category, a position): item statistics count the same answer together across variants,
    whose letters differ."""


@dataclass(frozen=True)
class AnswerRow:
    """One line of the answer sheet: an item's label, then one circle per possible answer."""

    label: str
    """As printed before the circles, and the `geometry.Circle.item` of each: a question's,
    statement's or pair's number, an event's letter, a blank's number, a sorted item's number."""
    bubbles: tuple[Bubble, ...]
    text: str = ""
    """The item as written in the exam file (a question, a statement, an event, the word a
    blank takes), the same in every variant, which numbers its items in its own order."""


@dataclass(frozen=True)
class AnswerDescriptor:
    """A descriptor of the task's marking scheme, as the answer sheet's tick box shows it."""

    index: int
    """Its place (0-based) among the task's descriptors: `geometry.TickBox.descriptor`."""
    text: str
    points: int


@dataclass(frozen=True)
class AnswerTask:
    """A task as the answer sheet shows it, and the key to marking it from a scan.

    A machine-marked task (`open` false) has one row per item; the pupil answers an item by
    filling one circle, and the item is right when that circle's mark is a `right` one (one per
    row: the letter of an option, a match or a bank word, Д/Ж, an event's position, a
    category's letter). Points follow the exam file: `item_points` for each right row when it
    gives them; otherwise the task's `points` go by its `descriptors`, as the marking scheme
    says. An open task (short answer) has no rows: it is answered on the question paper and
    the teacher ticks one box per descriptor on the answer sheet, worth that descriptor's points.
    """

    number: int
    """As the variant prints it: `geometry.Circle.task`."""
    points: int
    kind: str
    """The exercise kind, as in the exam file: `multiple_choice`, `cloze`, `short_answer` …"""
    rows: tuple[AnswerRow, ...] = ()
    item_points: int | None = None
    """Points for each right row, when the exam file gives points per item."""
    descriptors: tuple[AnswerDescriptor, ...] = ()
    """The task's descriptors in the marking scheme, in order."""
    open: bool = False
    """Answered in sentences on the question paper; the teacher ticks its descriptors."""

    @property
    def lines(self) -> tuple[tuple[AnswerRow, ...], ...]:
        """The rows as the sheet prints them: rows of few circles side by side (`answer_lines`)."""
        return answer_lines(self.rows)


@dataclass(frozen=True)
class Stamp:
    """What is drawn over one page of a named copy: the pupil's name in the name field's place
    and, on an answer sheet, the copy's own QR code (with the pupil's place) over the variant's."""

    field: Field
    name: str
    qr_field: Field | None = None
    qr: Markup | None = None
    form_field: Field | None = None
    """The class field («Сынып»), where the pupil's class is stamped when the roster has one."""
    form: str = ""


@dataclass(frozen=True)
class MarkerPlace:
    """A corner marker as the answer sheet draws it: a black border `ring` wide round a white
    square `hole` wide (none for a solid marker), its outer edge `left` and `top` mm from the
    page area's top left (CSS fixed positioning is relative to the page area, inside the margins)."""

    left: float
    top: float
    hole: float
    ring: float


def summative_name(exam: Exam, labels: Labels) -> str:
    """«Бөлім бойынша жиынтық бағалау» or «Тоқсан бойынша жиынтық бағалау»."""
    return labels.exam.unit if exam.summative == "unit" else labels.exam.term


def variant_note(variant: Variant, labels: Labels) -> str:
    """What the foot of every page of a variant's sheet says, so a loose page finds its key."""
    return f"{labels.variant} {variant.letter} · {labels.exam.code} {variant.code}"


def qr_code(exam: Exam, variant: Variant) -> Markup:
    """The question paper's QR code: exam id, variant code and seed."""
    return qr_svg(payload(exam.id, variant.code, variant.seed), f"qr-{variant.code}")


def answer_sheet_qr(exam: Exam, variant: Variant, place: int | None = None) -> Markup:
    """An answer sheet's QR code: also the variant's index, so that `booklet scan` can derive
    the variant again and lay its sheet out, and on a named copy the pupil's place (1-based)
    in the class list."""
    text = payload(exam.id, variant.code, variant.seed, index=variant.index, pupil=place)
    return qr_svg(text, f"qr-{variant.code}" + (f"-{place}" if place is not None else ""))


def corner_markers() -> tuple[MarkerPlace, ...]:
    """The answer sheet's corner markers where `scan.geometry.markers` says they are."""
    return tuple(
        MarkerPlace(
            marker.x - marker.size / 2 - GEOMETRY.margin_side,
            marker.y - marker.size / 2 - GEOMETRY.margin_top,
            marker.hole,
            (marker.size - marker.hole) / 2,
        )
        for marker in markers(GEOMETRY.page_width, GEOMETRY.page_height)
    )


def _base(exam: Exam, labels: Labels, kind_label: str, body_class: str, doc_title: str) -> dict[str, Any]:
    return {
        "about": exam,
        "exam": exam,
        "labels": labels,
        "lang": exam.language,
        "kind_label": kind_label,
        "doc_title": doc_title,
        "body_class": body_class,
        "anchor_prefix": "",
        "summative": summative_name(exam, labels),
    }


def _render(template: str, context: dict[str, Any]) -> str:
    return keep_whole_in_html(environment().get_template(template).render(context))


def sheet_html(
    exam: Exam,
    copy: Copy,
    labels: Labels,
    qr: Markup,
    *,
    show_answers: bool = False,
    answer_sheets: bool = False,
    form: str | None = None,
) -> str:
    """A variant's question paper (the pupil's name printed when the copy has one), or its key.
    With `answer_sheets`, word banks and categories are lettered for the answer sheet's circles.
    `form` is the class printed in an unnamed copy's class field (default: the exam's `class`;
    empty when a class list's classes are stamped on the copies instead)."""
    return _render("exam-sheet.html", sheet_context(exam, copy, labels, qr, show_answers, answer_sheets, form))


def sheet_context(
    exam: Exam,
    copy: Copy,
    labels: Labels,
    qr: Markup,
    show_answers: bool,
    answer_sheets: bool = False,
    form: str | None = None,
) -> dict[str, Any]:
    variant = copy.variant
    kind = labels.answer_key if show_answers else summative_name(exam, labels)
    context = _base(exam, labels, kind, "key exam" if show_answers else "worksheet exam", "")
    context["doc_title"] = f"{exam.title} – {variant_note(variant, labels)}" + (f" – {kind}" if show_answers else "")
    context |= {
        "variant": variant,
        "pupil": copy.pupil,
        "qr": qr,
        "show_answers": show_answers,
        "answer_sheets": answer_sheets,
        "footer_note": variant_note(variant, labels),
        "class_name": exam.class_ if form is None else form,
    }
    return context


def answer_sheet_html(
    exam: Exam, copy: Copy, labels: Labels, qr: Markup, *, show_answers: bool = False, form: str | None = None
) -> str:
    """The one-page answer sheet of a variant: a circle for every answer an item can have, a tick
    box for each descriptor of an open task, corner markers and the copy's QR code. `form` as
    for `sheet_html`."""
    return _render("exam-answer-sheet.html", answer_sheet_context(exam, copy, labels, qr, show_answers, form))


def answer_sheet_context(
    exam: Exam, copy: Copy, labels: Labels, qr: Markup, show_answers: bool, form: str | None = None
) -> dict[str, Any]:
    variant = copy.variant
    kind = f"{labels.exam.answer_sheet} – {labels.answer_key}" if show_answers else labels.exam.answer_sheet
    context = _base(exam, labels, kind, "key exam" if show_answers else "worksheet exam", "")
    context["doc_title"] = f"{exam.title} – {variant_note(variant, labels)} – {kind}"
    context |= {
        "variant": variant,
        "pupil": copy.pupil,
        "qr": qr,
        "show_answers": show_answers,
        "footer_note": variant_note(variant, labels),
        "columns": answer_columns(answer_tasks(variant, labels)),
        "markers": corner_markers(),
        "class_name": exam.class_ if form is None else form,
    }
    return context


def furniture_html(context: dict[str, Any], pages: int) -> str:
    """`pages` empty pages with the running header and footer of the document `context` makes:
    a sheet's own, painted on the pages laid out once for its key (engine/painting.py)."""
    return environment().get_template("furniture.html").render(context | {"pages": pages})


def stamps_html(exam: Exam, labels: Labels, stamps: Sequence[Stamp]) -> str:
    """One page per stamp: a pupil's name alone, in the name field's style, where the variant's
    layout put the field (and on an answer sheet the copy's QR code where the variant's is), to
    be drawn over that page of the copy (engine/binding.py)."""
    context = _base(exam, labels, "", "stamps exam", exam.title)
    context["stamps"] = stamps
    return _render("exam-stamps.html", context)


def feet_html(exam: Exam, labels: Labels, feet: Sequence[str]) -> str:
    """One page per pupil with their name (and class) at the foot, left of the page number, to
    be drawn over every page of their question paper: a loose page still says whose it is."""
    context = _base(exam, labels, "", "stamps exam", exam.title)
    context["feet"] = feet
    return _render("exam-feet.html", context)


def rubric_html(exam: Exam, variant: Variant, labels: Labels) -> str:
    """The БЖБ/ТЖБ marking scheme of one variant, its task numbers as that variant prints them."""
    context = _base(exam, labels, labels.exam.teacher, "teacher exam", "")
    context["doc_title"] = f"{exam.title} – {variant_note(variant, labels)} – {labels.exam.rubric}"
    levels = {task.number: getattr(labels.exam.levels, task.task.level) for task in variant.tasks}
    context |= {"variant": variant, "rubric": rubric(exam, variant), "levels": levels}
    context["footer_note"] = variant_note(variant, labels)
    return _render("exam-rubric.html", context)


def teacher_html(
    exam: Exam, answers: Grid, labels: Labels, seed: int, class_list: tuple[Copy, ...] = (), part: int | None = None
) -> str:
    """The teacher's first pages: every variant's answers as a grid, and the class list; or
    only grid page `part` (`grid_parts`), with the class list if it is the last."""
    context = teacher_context(exam, answers, labels, seed, class_list)
    if part is not None:
        context["chunks"] = context["chunks"][part : part + 1]
        context["class_list"] = class_list if part == grid_parts(answers) - 1 else ()
    return _render("exam-teacher.html", context)


def teacher_context(exam: Exam, answers: Grid, labels: Labels, seed: int, class_list: tuple[Copy, ...]) -> dict:
    context = _base(exam, labels, labels.exam.teacher, "teacher exam", f"{exam.title} – {labels.answer_key}")
    columns = list(range(len(answers.variants)))
    context |= {
        "grid": answers,
        "chunks": [columns[i : i + grid_columns()] for i in range(0, len(columns), grid_columns())],
        "seed": seed,
        "class_list": class_list,
        "with_classes": any(copy.pupil and copy.pupil.class_name for copy in class_list),
        "footer_note": f"{labels.exam.seed} {seed}",
    }
    return context


def grid_parts(answers: Grid) -> int:
    """The grid's pages of `grid_columns()` variants each: laid out one by one, so that the
    teacher's pages of 40 variants need no more memory than those of 6."""
    return -(-len(answers.variants) // grid_columns())


def answer_tasks(variant: Variant, labels: Labels) -> tuple[AnswerTask, ...]:
    """Every task of the variant as the answer sheet shows it, with the key to marking it."""
    return tuple(_answer_task(task, labels) for task in variant.tasks)


def _answer_task(task: VariantTask, labels: Labels) -> AnswerTask:
    descriptors = tuple(AnswerDescriptor(i, d.text, d.points) for i, d in enumerate(task.task.descriptors))
    exercise = task.exercise
    return AnswerTask(
        task.number,
        task.points,
        exercise.kind,
        _rows(exercise, labels),
        task.task.item_points,
        descriptors,
        open=exercise.kind == "short_answer",
    )


def answer_columns(tasks: tuple[AnswerTask, ...]) -> tuple[tuple[AnswerTask, ...], tuple[AnswerTask, ...]]:
    """The tasks in two columns, in order down the first, then the second, split where the
    taller column is lowest; the second column ends with the score box (`SCORE_ROWS`), so that
    a long first column does not push it onto a second page.

    Done here rather than with CSS columns, which WeasyPrint lays out many times over."""
    heights = [2 + (len(task.lines) or 2 + 2 * len(task.descriptors)) for task in tasks]
    split = min(
        range(len(tasks) + 1),
        key=lambda at: (max(sum(heights[:at]), sum(heights[at:]) + SCORE_ROWS), -at),
    )
    return tasks[:split], tasks[split:]


SCORE_ROWS = 3
"""The score box at the foot of the answer sheet's second column, in rows of circles."""

LABEL_WIDTH, CIRCLE_PITCH, ITEM_GAP = 7.0, 7.4, 5.0
"""mm: a row's label, each circle with its gap (templates/booklet.css `.as-label`, `.bubble`),
and the space between two rows that share a line."""


def answer_lines(rows: tuple[AnswerRow, ...]) -> tuple[tuple[AnswerRow, ...], ...]:
    """Rows of two or three circles (true/false, a sorting item's categories, three events'
    positions) put side by side, as many as fit the column: one per line, a task of eight
    sorted items took the height of eight questions and pushed the sheet onto a second page."""
    if not rows:
        return ()
    column = GEOMETRY.text_width / 2 - 4  # the answer sheet's column, less its padding
    width = LABEL_WIDTH + max(len(row.bubbles) for row in rows) * CIRCLE_PITCH
    per_line = max(1, int((column + ITEM_GAP) // (width + ITEM_GAP)))
    return tuple(rows[start : start + per_line] for start in range(0, len(rows), per_line))


def _rows(exercise: SheetExercise, labels: Labels) -> tuple[AnswerRow, ...]:
    match exercise.kind:
        case "multiple_choice":
            return tuple(
                _bubbles(item.label, [(c.letter, c.text) for c in item.choices], item.answer, item.text)
                for item in exercise.items
            )
        case "true_false":
            marks = [(labels.true_mark, labels.true_mark), (labels.false_mark, labels.false_mark)]
            return tuple(_bubbles(item.label, marks, item.answer, item.text) for item in exercise.items)
        case "matching":
            letters = [(choice.letter, choice.text) for choice in exercise.choices]
            return tuple(_bubbles(item.label, letters, item.answer, item.text) for item in exercise.items)
        case "ordering":
            places = [(str(place), str(place)) for place in range(1, len(exercise.items) + 1)]
            return tuple(_bubbles(item.label, places, item.answer, item.text) for item in exercise.items)
        case "cloze" | "table_completion":
            letters = [(choice.letter, choice.text) for choice in exercise.lettered]
            return tuple(
                _bubbles(str(blank.number), letters, exercise.letter_of(blank.answer), blank.answer)
                for blank in answer_blanks(exercise)
            )
        case "categorize":
            letters = [(choice.letter, choice.text) for choice in exercise.lettered]
            category_of = {
                number: exercise.letter_of(column)
                for column, numbers in zip(exercise.columns, category_numbers(exercise), strict=True)
                for number in numbers
            }
            return tuple(_bubbles(item.letter, letters, category_of[item.letter], item.text) for item in exercise.pool)
        case "short_answer":
            return ()
        case other:
            raise ValueError(f"no answer-sheet rows for {other}")


def _bubbles(label: str, marks: list[tuple[str, str]], answer: str, text: str) -> AnswerRow:
    """A row of circles: each (mark, what it stands for); the one marked `answer` is right."""
    return AnswerRow(label, tuple(Bubble(mark, mark == answer, meaning) for mark, meaning in marks), text)
