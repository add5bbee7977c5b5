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
from .exam import Grid, Variant, category_numbers, rubric
from .hyphenation import keep_whole_in_html
from .labels import Labels
from .model import Exam
from .qr import payload, qr_svg
from .roster import Pupil
from .templating import environment
from .worksheet import Blank, SheetExercise

GRID_COLUMNS = 6
"""Variants side by side in one grid table; more go on the next grid page."""


@dataclass(frozen=True)
class Copy:
    """One printed copy of a variant: for a named pupil, or unnamed for the teacher to hand out."""

    variant: Variant
    pupil: Pupil | None = None


@dataclass(frozen=True)
class Bubble:
    mark: str
    """The letter or mark printed inside the circle."""
    right: bool
    """Filled on the key's answer sheet."""


@dataclass(frozen=True)
class AnswerRow:
    """One line of the answer sheet: an item's label, then circles to fill or a box to write in."""

    label: str
    bubbles: tuple[Bubble, ...] = ()
    answer: str = ""
    """What the box holds on the key (empty for bubbles)."""
    wide: bool = False
    """A box for a word or a few numbers rather than one letter or number."""
    named: bool = False
    """The label is a name (a category) printed above its box, not a number beside it."""


@dataclass(frozen=True)
class AnswerTask:
    number: int
    points: int
    rows: tuple[AnswerRow, ...]
    on_question_paper: bool = False
    """Answered in sentences on the question paper (a short-answer task)."""


def summative_name(exam: Exam, labels: Labels) -> str:
    """«Бөлім бойынша жиынтық бағалау» or «Тоқсан бойынша жиынтық бағалау»."""
    return labels.exam.unit if exam.summative == "unit" else labels.exam.term


def variant_note(variant: Variant, labels: Labels) -> str:
    """What the foot of every page of a variant's sheet says, so a loose page finds its key."""
    return f"{labels.variant} {variant.letter} · {labels.exam.code} {variant.code}"


def qr_code(exam: Exam, variant: Variant) -> Markup:
    """The variant's QR code: exam id, variant code and seed."""
    return qr_svg(payload(exam.id, variant.code, variant.seed), f"qr-{variant.code}")


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


def sheet_html(exam: Exam, copy: Copy, labels: Labels, qr: Markup, *, show_answers: bool = False) -> str:
    """A variant's question paper (the pupil's name printed when the copy has one), or its key."""
    return _render("exam-sheet.html", sheet_context(exam, copy, labels, qr, show_answers))


def sheet_context(exam: Exam, copy: Copy, labels: Labels, qr: Markup, show_answers: bool) -> dict[str, Any]:
    variant = copy.variant
    kind = labels.answer_key if show_answers else summative_name(exam, labels)
    context = _base(exam, labels, kind, "key exam" if show_answers else "worksheet exam", "")
    context["doc_title"] = f"{exam.title} – {variant_note(variant, labels)}" + (f" – {kind}" if show_answers else "")
    context |= {
        "variant": variant,
        "pupil": copy.pupil,
        "qr": qr,
        "show_answers": show_answers,
        "footer_note": variant_note(variant, labels),
    }
    return context


def answer_sheet_html(exam: Exam, copy: Copy, labels: Labels, qr: Markup, *, show_answers: bool = False) -> str:
    """The one-page answer sheet of a variant: circles for letters and marks, boxes for words."""
    return _render("exam-answer-sheet.html", answer_sheet_context(exam, copy, labels, qr, show_answers))


def answer_sheet_context(exam: Exam, copy: Copy, labels: Labels, qr: Markup, show_answers: bool) -> dict[str, Any]:
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
    }
    return context


def furniture_html(context: dict[str, Any], pages: int) -> str:
    """`pages` empty pages with the running header and footer of the document `context` makes:
    a sheet's own, painted on the pages laid out once for its key (engine/painting.py)."""
    return environment().get_template("furniture.html").render(context | {"pages": pages})


def stamps_html(exam: Exam, labels: Labels, stamps: Sequence[tuple[Field, str]]) -> str:
    """One page per stamp: a pupil's name alone, in the name field's style, where the variant's
    layout put the field, to be drawn over that page of the copy (engine/binding.py)."""
    context = _base(exam, labels, "", "stamps exam", exam.title)
    context["stamps"] = stamps
    return _render("exam-stamps.html", context)


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
        "chunks": [columns[i : i + GRID_COLUMNS] for i in range(0, len(columns), GRID_COLUMNS)],
        "seed": seed,
        "class_list": class_list,
        "footer_note": f"{labels.exam.seed} {seed}",
    }
    return context


def grid_parts(answers: Grid) -> int:
    """The grid's pages of `GRID_COLUMNS` variants each: laid out one by one, so that the
    teacher's pages of 40 variants need no more memory than those of 6."""
    return -(-len(answers.variants) // GRID_COLUMNS)


def answer_tasks(variant: Variant, labels: Labels) -> tuple[AnswerTask, ...]:
    """Every task of the variant as rows of the answer sheet, with the key's answers."""
    return tuple(AnswerTask(task.number, task.points, *_rows(task.exercise, labels)) for task in variant.tasks)


def answer_columns(tasks: tuple[AnswerTask, ...]) -> tuple[tuple[AnswerTask, ...], tuple[AnswerTask, ...]]:
    """The tasks in two columns of about equal height, in order down the first, then the second.

    Done here rather than with CSS columns, which WeasyPrint lays out many times over."""
    heights = [2 + max(sum(1 + row.named for row in task.rows), 1) for task in tasks]
    half, running, split = sum(heights) / 2, 0, len(tasks)
    for index, height in enumerate(heights):
        if running + height / 2 > half:
            split = index
            break
        running += height
    return tasks[:split], tasks[split:]


def _rows(exercise: SheetExercise, labels: Labels) -> tuple[tuple[AnswerRow, ...], bool]:
    match exercise.kind:
        case "multiple_choice":
            rows = [_bubbles(item.label, [c.letter for c in item.choices], item.answer) for item in exercise.items]
        case "true_false":
            marks = [labels.true_mark, labels.false_mark]
            rows = [_bubbles(item.label, marks, item.answer) for item in exercise.items]
        case "matching":
            letters = [choice.letter for choice in exercise.choices]
            rows = [_bubbles(item.label, letters, item.answer) for item in exercise.items]
        case "ordering":
            rows = [AnswerRow(item.label, answer=item.answer) for item in exercise.items]
        case "cloze":
            rows = [AnswerRow(str(part.number), answer=part.answer, wide=True) for part in _blanks(exercise)]
        case "table_completion":
            rows = [AnswerRow(str(blank.number), answer=blank.answer, wide=True) for blank in _blanks(exercise)]
        case "categorize":
            rows = [
                AnswerRow(column, answer=", ".join(numbers), wide=True, named=True)
                for column, numbers in zip(exercise.columns, category_numbers(exercise), strict=True)
            ]
        case "short_answer":
            return (), True
        case other:
            raise ValueError(f"no answer-sheet rows for {other}")
    return tuple(rows), False


def _bubbles(label: str, marks: list[str], answer: str) -> AnswerRow:
    return AnswerRow(label, tuple(Bubble(mark, mark == answer) for mark in marks))


def _blanks(exercise: SheetExercise) -> list[Blank]:
    found = [part for part in exercise.parts if isinstance(part, Blank)]
    found += [cell.blank for row in exercise.rows for cell in row if cell.blank]
    return sorted(found, key=lambda blank: blank.number)
