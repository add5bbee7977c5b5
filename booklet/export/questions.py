"""The exercises of a lesson or an exam as the questions an online quiz asks, whatever its format.

A printed exercise is often several quiz questions: a multiple-choice exercise of five
questions is five Moodle questions, a true/false one a question per statement, while a
matching, an ordering, a cloze or a table to complete is one question with several parts. An
`Entry` is one exercise with what a format needs to write it: where it goes (the lesson or
exam's category, a section's subcategory), a stable name («1-course-and-debate 3»), its
instruction in the page's language, and its points: an exam task's, shared between its
questions as the marking scheme shares them (`item_points`, or the task's points split
evenly); in a lesson, a point for each item, as the worksheet's key counts them.

Nothing here writes a format: `moodle.py` and `gift.py` do, and say what they could not.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..labels import Labels, labels_for
from ..model import Exam, Lesson
from ..model.exam import exercise_items
from ..model.exercises import (
    Cloze,
    TableCompletion,
)
from ..model.lesson import SummaryTable


@dataclass(frozen=True)
class Entry:
    """One exercise to export, with where it goes and what it is worth."""

    category: tuple[str, ...]
    """The question bank's category path under the course's top: the lesson or exam, and for
    an exam its section."""
    name: str
    """Stable and unique in the file: the lesson or exam id and the exercise's or task's number."""
    exercise: object
    instruction: str
    points: Fraction
    """The whole exercise's points; `item_points` says what each of its items is worth."""
    item_points: Fraction
    table: SummaryTable | None = None
    """The summary table a table-completion exercise blanks."""

    @property
    def kind(self) -> str:
        return self.exercise.type


def entries(content: Lesson | Exam) -> tuple[Entry, ...]:
    """Every exercise of a lesson's worksheet, or every task of an exam (each task of a pool,
    since a quiz draws its own), in the file's order."""
    labels = labels_for(content.labels or content.language, "cyrl")
    if isinstance(content, Exam):
        return tuple(_exam_entries(content, labels))
    tables = {table.id: table for table in content.tables}
    found = []
    for number, exercise in enumerate(content.worksheet.exercises, start=1):
        table = tables.get(exercise.table) if isinstance(exercise, TableCompletion) else None
        count = exercise_items(exercise)
        found.append(
            Entry(
                (content.title,),
                f"{content.id} {number}",
                exercise,
                instruction(exercise, labels),
                Fraction(count),
                Fraction(1),
                table,
            )
        )
    return tuple(found)


def _exam_entries(exam: Exam, labels: Labels) -> list[Entry]:
    from ..model.exam import Pool

    found = []
    for s_index, section in enumerate(exam.sections, start=1):
        category = (exam.title, section.title or f"{s_index}")
        number = 0
        for entry in section.tasks:
            for p_index, task in enumerate(entry.tasks if isinstance(entry, Pool) else [entry]):
                number += 0 if p_index else 1
                name = f"{exam.id} {s_index}.{number}" + (f".{p_index + 1}" if isinstance(entry, Pool) else "")
                count = exercise_items(task.exercise)
                points = Fraction(task.total)
                each = Fraction(task.item_points) if task.item_points is not None else points / count
                found.append(
                    Entry(category, name, task.exercise, instruction(task.exercise, labels), points, each, task.table)
                )
    return found


def instruction(exercise: object, labels: Labels) -> str:
    """The exercise's own instruction, or the language's for its kind as a quiz asks it
    (`Labels.online`: pick, drag or type, not «write the letter»)."""
    if exercise.instruction:
        return exercise.instruction
    kind = "cloze_bank" if isinstance(exercise, Cloze) and exercise.word_bank else exercise.type
    return getattr(labels.online, kind)


def cell(table: SummaryTable, row: int, column: int) -> str:
    """A table cell by [row, column] from 1, as a table-completion exercise counts them."""
    return table.rows[row - 1][column - 1]
