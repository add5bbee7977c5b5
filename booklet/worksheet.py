"""Derive the printable worksheet from a lesson: numbering, shuffles, blanks and answers.

Pure functions over the content model: no files, no templates, no renderer. The same
derived `Sheet` is rendered twice, answers hidden (worksheet) and shown (key), so the two
cannot disagree. Shuffles use `random.Random` seeded from the lesson id and the exercise
number: the same lesson always prints the same order.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from . import kazakh
from .labels import Labels
from .model import (
    Categorize,
    Cloze,
    Exercise,
    Gap,
    Lesson,
    Matching,
    MultipleChoice,
    Ordering,
    ShortAnswer,
    SummaryTable,
    TableCompletion,
    TrueFalse,
    parse_cloze,
)
from .typeset import blank_width, current_geometry, ruled_lines


@dataclass(frozen=True)
class Blank:
    """A space to write in; `answer` is printed there in the key."""

    anchor: str
    number: int
    answer: str
    width: float
    """Width in millimetres, the same in the sheet and the key."""


@dataclass(frozen=True)
class Choice:
    letter: str
    text: str


@dataclass(frozen=True)
class Item:
    """A numbered line of an exercise with a box for its answer (a letter, a mark, a number)."""

    anchor: str
    label: str
    """What is printed before the text: its number, or a letter for events to order."""
    text: str
    answer: str
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class Lines:
    """An open question: ruled lines in the sheet, the model answer on them in the key."""

    anchor: str
    number: int
    question: str
    answer: str
    lines: int


@dataclass(frozen=True)
class Cell:
    text: str
    blank: Blank | None = None


@dataclass(frozen=True)
class KeyEntry:
    """One line of the answer table that closes the key."""

    label: str
    answer: str


KEPT_WHOLE = frozenset({"matching", "true_false", "ordering", "table_completion", "categorize"})
"""Kinds a pupil reads as one piece (a list to match against, events to order), kept on one page when short."""
SHORT_EXERCISE = 10
"""Items, options or rows that such an exercise may have and still be kept on one page."""


@dataclass(frozen=True)
class SheetExercise:
    """An exercise as printed: which template draws it and the numbered parts it holds."""

    kind: str
    number: int
    instruction: str
    key: tuple[KeyEntry, ...]
    parts: tuple[str | Blank, ...] = ()
    bank: tuple[str, ...] = ()
    items: tuple[Item, ...] = ()
    choices: tuple[Choice, ...] = ()
    questions: tuple[Lines, ...] = ()
    left_title: str = ""
    right_title: str = ""
    title: str = ""
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Cell, ...], ...] = ()
    pool: tuple[Choice, ...] = ()
    lettered: tuple[Choice, ...] = ()
    """What an answer sheet's circles stand for, lettered (exam variants only): a cloze's or a
    table's word bank, or a sorting task's categories. The question paper prints the letters only
    when answer sheets are printed with it; a lesson's worksheet never has them."""

    def letter_of(self, text: str) -> str:
        """The letter `text` has in `lettered`; empty when it has none (a lesson, or no such word)."""
        return next((choice.letter for choice in self.lettered if choice.text == text), "")

    @property
    def kept_whole(self) -> bool:
        """Printed on one page (`.exercise.keep`): a matching, true/false, ordering, table or
        sorting exercise a pupil reads as one piece, if it is short. A long one breaks between
        its items or rows, never inside one: kept whole, it left 40 % of a page empty."""
        rows = max(len(self.items), len(self.choices), len(self.rows))
        return self.kind in KEPT_WHOLE and rows <= SHORT_EXERCISE

    @property
    def anchor(self) -> str:
        """Id of the exercise heading in both documents."""
        return f"ex{self.number}"

    @property
    def anchors(self) -> list[str]:
        """Anchors of the numbered questions, for the sheet/key pagination check."""
        found = [self.anchor]
        found += [part.anchor for part in self.parts if isinstance(part, Blank)]
        found += [item.anchor for item in self.items] + [question.anchor for question in self.questions]
        found += [cell.blank.anchor for row in self.rows for cell in row if cell.blank]
        return found


@dataclass(frozen=True)
class Sheet:
    """The derived worksheet of one lesson."""

    title: str
    exercises: tuple[SheetExercise, ...] = field(default_factory=tuple)


def derive_sheet(lesson: Lesson, labels: Labels) -> Sheet:
    """Number and lay out every exercise of the lesson's worksheet."""
    exercises = tuple(
        _DERIVERS[type(exercise)](exercise, number, lesson, labels)
        for number, exercise in enumerate(lesson.worksheet.exercises, start=1)
    )
    return Sheet(title=lesson.worksheet.title or lesson.title, exercises=exercises)


class Source(Protocol):
    """What the derivers read of a lesson: the id that seeds the shuffles, and the tables.
    A `Lesson` is one; an exam variant passes an `_ExamSource` with its own seed."""

    @property
    def id(self) -> str: ...

    @property
    def tables(self) -> Sequence[SummaryTable]: ...


@dataclass(frozen=True)
class _ExamSource:
    id: str
    tables: tuple[SummaryTable, ...] = ()


def derive_exercise(
    exercise: Exercise, number: int, labels: Labels, *, seed: str, tables: tuple[SummaryTable, ...] = ()
) -> SheetExercise:
    """One exercise numbered `number`, shuffled as a lesson with id `seed` would shuffle it.

    Exam variants use this with a seed per variant; `tables` holds the table a
    table-completion exercise names.
    """
    return _DERIVERS[type(exercise)](exercise, number, _ExamSource(seed, tables), labels)


def _shuffled(items: list, lesson: Source, number: int) -> list:
    """A fixed shuffle of `items` that never leaves them in their original order."""
    rng = random.Random(f"{lesson.id}/{number}")
    order = list(items)
    if len(set(order)) < 2:
        return order
    while order == list(items):
        rng.shuffle(order)
    return order


def _instruction(exercise: Exercise, default: str) -> str:
    return exercise.instruction or default


def _cloze(exercise: Cloze, number: int, lesson: Source, labels: Labels) -> SheetExercise:
    parts: list[str | Blank] = []
    key: list[KeyEntry] = []
    for part in parse_cloze(exercise.text):
        if isinstance(part, Gap):
            index = len(key) + 1
            answers = [part.answer, *part.alternatives]
            parts.append(Blank(f"q{number}-{index}", index, part.answer, blank_width(answers)))
            accepted = f" ({labels.also_accepted}: {', '.join(part.alternatives)})" if part.alternatives else ""
            key.append(KeyEntry(str(index), part.answer + accepted))
        else:
            parts.append(part)
    bank: tuple[str, ...] = ()
    if exercise.word_bank:
        words = {gap.answer for gap in exercise.gaps} | set(exercise.distractors)
        bank = tuple(sorted(words, key=kazakh.sort_key))
    default = labels.instructions.cloze_bank if exercise.word_bank else labels.instructions.cloze
    return SheetExercise("cloze", number, _instruction(exercise, default), tuple(key), parts=tuple(parts), bank=bank)


def _matching(exercise: Matching, number: int, lesson: Source, labels: Labels) -> SheetExercise:
    rights = _shuffled([pair.right for pair in exercise.pairs] + list(exercise.extra), lesson, number)
    letter_of = {text: labels.letters[index] for index, text in enumerate(rights)}
    items = tuple(
        Item(f"q{number}-{index}", str(index), pair.left, letter_of[pair.right])
        for index, pair in enumerate(exercise.pairs, start=1)
    )
    choices = tuple(Choice(letter_of[text], text) for text in rights)
    key = tuple(KeyEntry(item.label, item.answer) for item in items)
    return SheetExercise(
        "matching",
        number,
        _instruction(exercise, labels.instructions.matching),
        key,
        items=items,
        choices=choices,
        left_title=exercise.left_title,
        right_title=exercise.right_title,
    )


def _multiple_choice(exercise: MultipleChoice, number: int, lesson: Source, labels: Labels) -> SheetExercise:
    items = []
    for index, question in enumerate(exercise.questions, start=1):
        choices = tuple(Choice(labels.letters[i], option) for i, option in enumerate(question.options))
        answer = labels.letters[question.options.index(question.answer)]
        items.append(Item(f"q{number}-{index}", str(index), question.question, answer, choices))
    key = tuple(KeyEntry(item.label, item.answer) for item in items)
    return SheetExercise(
        "multiple_choice",
        number,
        _instruction(exercise, labels.instructions.multiple_choice),
        key,
        items=tuple(items),
    )


def _true_false(exercise: TrueFalse, number: int, lesson: Source, labels: Labels) -> SheetExercise:
    items = tuple(
        Item(
            f"q{number}-{index}",
            str(index),
            statement.statement,
            labels.true_mark if statement.answer else labels.false_mark,
        )
        for index, statement in enumerate(exercise.statements, start=1)
    )
    key = tuple(KeyEntry(item.label, item.answer) for item in items)
    return SheetExercise("true_false", number, _instruction(exercise, labels.instructions.true_false), key, items=items)


def _ordering(exercise: Ordering, number: int, lesson: Source, labels: Labels) -> SheetExercise:
    shown = _shuffled(list(exercise.events), lesson, number)
    items = tuple(
        Item(f"q{number}-{index}", labels.letters[index - 1], event, str(exercise.events.index(event) + 1))
        for index, event in enumerate(shown, start=1)
    )
    in_order = sorted(items, key=lambda item: int(item.answer))
    key = (KeyEntry("", ", ".join(item.label for item in in_order)),)
    return SheetExercise("ordering", number, _instruction(exercise, labels.instructions.ordering), key, items=items)


def _short_answer(exercise: ShortAnswer, number: int, lesson: Source, labels: Labels) -> SheetExercise:
    width = current_geometry().text_width - 8
    questions = tuple(
        Lines(f"q{number}-{index}", index, q.question, q.answer, ruled_lines(q.answer, q.lines, width))
        for index, q in enumerate(exercise.questions, start=1)
    )
    key = tuple(KeyEntry(str(q.number), q.answer) for q in questions)
    return SheetExercise(
        "short_answer",
        number,
        _instruction(exercise, labels.instructions.short_answer),
        key,
        questions=questions,
    )


def _table_completion(exercise: TableCompletion, number: int, lesson: Source, labels: Labels) -> SheetExercise:
    table = next(table for table in lesson.tables if table.id == exercise.table)
    cell_width = current_geometry().text_width / len(table.columns) - 4
    order = sorted(exercise.blanks)
    rows = []
    for r, row in enumerate(table.rows, start=1):
        cells = []
        for c, text in enumerate(row, start=1):
            if (r, c) in order:
                index = order.index((r, c)) + 1
                blank = Blank(f"q{number}-{index}", index, text, blank_width([text], limit=cell_width))
                cells.append(Cell(text, blank))
            else:
                cells.append(Cell(text))
        rows.append(tuple(cells))
    key = tuple(KeyEntry(str(i), table.rows[r - 1][c - 1]) for i, (r, c) in enumerate(order, start=1))
    return SheetExercise(
        "table_completion",
        number,
        _instruction(exercise, labels.instructions.table_completion),
        key,
        title=table.title,
        columns=tuple(table.columns),
        rows=tuple(rows),
    )


def _categorize(exercise: Categorize, number: int, lesson: Source, labels: Labels) -> SheetExercise:
    everything = [item for category in exercise.categories for item in category.items]
    pool = tuple(Choice(str(i), text) for i, text in enumerate(_shuffled(everything, lesson, number), start=1))
    depth = max(len(category.items) for category in exercise.categories)
    rows = tuple(
        tuple(
            Cell("", Blank(f"q{number}-{c}-{r}", r, category.items[r - 1], 0)) if r <= len(category.items) else Cell("")
            for c, category in enumerate(exercise.categories, start=1)
        )
        for r in range(1, depth + 1)
    )
    key = tuple(KeyEntry(category.label, ", ".join(category.items)) for category in exercise.categories)
    return SheetExercise(
        "categorize",
        number,
        _instruction(exercise, labels.instructions.categorize),
        key,
        columns=tuple(category.label for category in exercise.categories),
        rows=rows,
        pool=pool,
    )


_DERIVERS = {
    Cloze: _cloze,
    Matching: _matching,
    MultipleChoice: _multiple_choice,
    TrueFalse: _true_false,
    Ordering: _ordering,
    ShortAnswer: _short_answer,
    TableCompletion: _table_completion,
    Categorize: _categorize,
}
