"""Derive exam variants from a loaded exam: picks, shuffles, numbering, points, keys, grid, rubric.

Pure functions over a resolved `Exam` (see `exam_loader.load_exam`): no files, no templates, no
renderer. Every random choice comes from a `random.Random` seeded by a string of the exam
id, the seed and the variant index (and the task's place in the file), so variant `i` of a
seed is the same whatever `count` is asked for and whatever else runs in the process.

What a variant shuffles, and how its key stays right:

- the order of the tasks within each section (a pool first gives `pick` of its tasks);
- multiple choice: the order of the questions and of each question's options;
- true/false: the order of the statements;
- matching: the left column (the pairs' order) and the lettered right column;
- ordering: the lettered events; categorize: the numbered pool of items;
- a cloze's word bank (a lesson prints it alphabetically; a variant in its own order);
- table completion: the order of the table's rows. The same cells are blanked, and the
  blanks are numbered in reading order of the variant's table, so their numbers move with
  the rows.

Each task is derived by `worksheet.derive_exercise` from a reordered copy of its exercise,
so the variant's `SheetExercise` carries its own key, and the existing exercise templates
print variants and keys alike.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
from dataclasses import dataclass

from .labels import Labels, labels_for
from .model import (
    Categorize,
    Cloze,
    Criterion,
    Exam,
    Exercise,
    Matching,
    MultipleChoice,
    Ordering,
    Pool,
    SummaryTable,
    TableCompletion,
    Task,
    TrueFalse,
)
from .worksheet import Blank, Choice, KeyEntry, SheetExercise, derive_exercise

Loc = tuple[str | int, ...]

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
"""Letters of a variant code: Latin capitals and digits without 0/O and 1/I, so it reads back safely."""

_CODE_SPACE = len(CODE_ALPHABET) ** 4
_CODE_STEP = 0x9E3B5
"""Odd, so codes of variants 0, 1, 2 … of one exam and seed never repeat (below a million variants)."""


@dataclass(frozen=True)
class VariantTask:
    """One numbered task of a variant, as printed, with what it is worth."""

    number: int
    """Task number across the whole variant, from 1."""
    source: Loc
    """Where the task is in the exam file, e.g. ("sections", 0, "tasks", 2, "tasks", 1) for a pool's second."""
    task: Task
    """The task as written (resolved): level, criteria, descriptors, points."""
    exercise: SheetExercise
    """The shuffled, numbered exercise with this variant's key; `exercise.number == number`."""

    @property
    def points(self) -> int:
        return self.task.total

    @property
    def key(self) -> tuple[KeyEntry, ...]:
        return self.exercise.key


@dataclass(frozen=True)
class VariantSection:
    title: str
    tasks: tuple[VariantTask, ...]


@dataclass(frozen=True)
class Variant:
    """One variant of the exam: its code, sections of numbered tasks, points and key."""

    index: int
    """0 for the first variant."""
    letter: str
    """Printed name of the variant: А, Б, В … (the labels' choice letters)."""
    code: str
    """Four characters from exam id, seed and index, printed on the sheet and put in the QR code."""
    seed: int
    sections: tuple[VariantSection, ...]

    @property
    def tasks(self) -> tuple[VariantTask, ...]:
        return tuple(task for section in self.sections for task in section.tasks)

    @property
    def total(self) -> int:
        return sum(task.points for task in self.tasks)

    @property
    def key(self) -> tuple[tuple[int, tuple[KeyEntry, ...]], ...]:
        """Each task number with its key entries, in order."""
        return tuple((task.number, task.key) for task in self.tasks)


def variant_code(exam_id: str, seed: int, index: int) -> str:
    """Four characters naming variant `index` of `exam_id` built with `seed`; distinct within a set."""
    base = int.from_bytes(hashlib.sha256(f"{exam_id}/{seed}".encode()).digest()[:4], "big")
    value = (base + index * _CODE_STEP) % _CODE_SPACE
    chars = []
    for _ in range(4):
        value, digit = divmod(value, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[digit])
    return "".join(reversed(chars))


def derive_variants(exam: Exam, seed: int, count: int, labels: Labels | None = None) -> list[Variant]:
    """Variants 0 … count-1 of a loaded exam; each depends only on (exam, seed, its index)."""
    labels = labels or labels_for(exam.labels or exam.language, exam.script or "cyrl")
    if not 1 <= count <= MAX_VARIANTS:
        raise ValueError(f"between 1 and {MAX_VARIANTS} variants, not {count}")
    return [_variant(exam, seed, index, labels) for index in range(count)]


MAX_VARIANTS = 99
"""More than any class needs; beyond the locale's letters variants are named А2, Б2 …"""


def variant_letter(labels: Labels, index: int) -> str:
    """The printed name of variant `index`: А, Б, В … and, past the locale's letters, А2, Б2 …"""
    rounds, place = divmod(index, len(labels.letters))
    return labels.letters[place] + (str(rounds + 1) if rounds else "")


def _variant(exam: Exam, seed: int, index: int, labels: Labels) -> Variant:
    stem = f"{exam.id}/{seed}/{index}"
    sections, number = [], 0
    for s_index, section in enumerate(exam.sections):
        section_at = ("sections", s_index, "tasks")
        drawn = _drawn(section.tasks, section_at, index, f"{exam.id}/{seed}/{_dotted(section_at)}")
        if section.shuffle:
            random.Random(f"{stem}/sections/{s_index}").shuffle(drawn)
        tasks = []
        for where, task in drawn:
            number += 1
            tasks.append(VariantTask(number, where, task, _exercise(task, number, f"{stem}/{_dotted(where)}", labels)))
        sections.append(VariantSection(section.title, tuple(tasks)))
    return Variant(index, variant_letter(labels, index), variant_code(exam.id, seed, index), seed, tuple(sections))


def _drawn(entries: list[Task | Pool], where: Loc, index: int, stem: str) -> list[tuple[Loc, Task]]:
    """Variant `index`'s tasks of a section in the file's order: each task, and `pick` tasks of
    each pool, dealt round the pool's tasks in an order of their own (from the exam and seed,
    not the variant): variant i takes the next `pick` after those variant i-1 took, so over any
    run of variants every task is dealt as often as every other, give or take one, while each
    variant still follows from (exam, seed, its index) alone, as scanning needs."""
    drawn: list[tuple[Loc, Task]] = []
    for t_index, entry in enumerate(entries):
        if isinstance(entry, Pool):
            deal = list(range(len(entry.tasks)))
            random.Random(f"{stem}.{t_index}/deal").shuffle(deal)
            picked = sorted(deal[(index * entry.pick + n) % len(deal)] for n in range(entry.pick))
            drawn += [((*where, t_index, "tasks", p), entry.tasks[p]) for p in picked]
        else:
            drawn.append(((*where, t_index), entry))
    return drawn


def _exercise(task: Task, number: int, stem: str, labels: Labels) -> SheetExercise:
    """The task's exercise reordered for this variant, then numbered and keyed by the worksheet code."""
    if task.exercise is None:
        raise ValueError("the exam's tasks are not resolved; load it with load_exam")
    rng = random.Random(stem)
    exercise, tables = _reordered(task.exercise, task.table, rng)
    derived = derive_exercise(exercise, number, labels, seed=stem, tables=tables)
    if isinstance(exercise, Cloze) and exercise.word_bank:
        derived = dataclasses.replace(derived, bank=tuple(_shuffled(list(derived.bank), rng)))
    words = _circled(derived, exercise, random.Random(f"{stem}/letters"))
    return dataclasses.replace(
        derived, lettered=tuple(Choice(variant_letter(labels, i), word) for i, word in enumerate(words))
    )


def _circled(derived: SheetExercise, exercise: Exercise, rng: random.Random) -> list[str]:
    """What the answer sheet's circles of a blank or a sorted item stand for, in this variant's
    order: the word bank as the variant prints it, else the blanks' answers (and a cloze's
    distractors) shuffled, or the categories as headed. Its own random stream, drawn after
    everything else, so the printed orders are those of a set made without answer sheets."""
    answers = sorted({blank.answer for blank in answer_blanks(derived)})
    match derived.kind:
        case "categorize":
            return list(derived.columns)
        case "cloze" if derived.bank:
            return list(derived.bank)
        case "cloze":
            distractors = exercise.distractors if isinstance(exercise, Cloze) else []
            return _shuffled(sorted(set(answers) | set(distractors)), rng)
        case "table_completion":
            return _shuffled(answers, rng)
    return []


def answer_blanks(exercise: SheetExercise) -> list[Blank]:
    """The blanks of a cloze or a table to complete, by number: one answer-sheet row each."""
    found = [part for part in exercise.parts if isinstance(part, Blank)]
    found += [cell.blank for row in exercise.rows for cell in row if cell.blank]
    return sorted(found, key=lambda blank: blank.number)


def _reordered(
    exercise: Exercise, table: SummaryTable | None, rng: random.Random
) -> tuple[Exercise, tuple[SummaryTable, ...]]:
    """A copy of the exercise with its items in this variant's order (and the table it blanks)."""
    match exercise:
        case MultipleChoice():
            questions = [q.model_copy(update={"options": _shuffled(q.options, rng)}) for q in exercise.questions]
            return exercise.model_copy(update={"questions": _shuffled(questions, rng)}), ()
        case TrueFalse():
            return exercise.model_copy(update={"statements": _shuffled(exercise.statements, rng)}), ()
        case Matching():
            return exercise.model_copy(update={"pairs": _shuffled(exercise.pairs, rng)}), ()
        case TableCompletion() if table is not None:
            order = _shuffled(list(range(len(table.rows))), rng)
            moved = table.model_copy(update={"rows": [table.rows[i] for i in order]})
            blanks = [(order.index(row - 1) + 1, column) for row, column in exercise.blanks]
            return exercise.model_copy(update={"blanks": blanks}), (moved,)
        case Ordering() | Categorize() | Cloze():
            return exercise, ()  # derive_exercise shuffles the events and the items; the bank comes after
    return exercise, (table,) if table is not None else ()


def _shuffled(items: list, rng: random.Random) -> list:
    """A shuffled copy that differs from `items` whenever it can, so every variant moves something."""
    order = list(items)
    if len(set(map(repr, order))) < 2:
        return order
    while order == list(items):
        rng.shuffle(order)
    return order


def _dotted(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)


@dataclass(frozen=True)
class GridCell:
    label: str
    """The key entry's own label: its item number, a category, or empty for an ordering's sequence."""
    answer: str
    """The answer as short as the grid can hold it: a categorize column as the pool's item numbers."""
    points: int | None
    """Points for this answer, when the task gives points per item (or the whole task is one answer)."""
    in_key: bool = False
    """A model answer in sentences: the grid sends the teacher to the variant's key."""

    @property
    def text(self) -> str:
        """What the grid prints: the answer, after its label where the label is a name, not the row's number."""
        return f"{self.label}: {self.answer}" if self.label and not self.label.isdigit() else self.answer


@dataclass(frozen=True)
class GridRow:
    task: int
    item: int
    """The row within the task, from 1: the n-th answer of that task in every variant."""
    cells: tuple[GridCell | None, ...]
    """One per variant; None where that variant's task has fewer answers."""


@dataclass(frozen=True)
class Grid:
    """Every variant's answers on one page: rows of (task, n-th answer), a column per variant.

    Tasks are shuffled within sections, so task 3 may be a matching in one variant and a
    true/false in the next; a row holds the n-th answer of each, which keeps the grid as
    short as the longest task at each number rather than the union of all of them."""

    variants: tuple[tuple[str, str], ...]
    """(letter, code) of each column."""
    rows: tuple[GridRow, ...]
    task_points: tuple[tuple[int, tuple[int, ...]], ...]
    """Each task number with its points in each variant (pools make them equal, tasks in a section may differ)."""
    totals: tuple[int, ...]


def grid(variants: list[Variant]) -> Grid:
    """The answer grid of a set of variants."""
    numbers = sorted({task.number for variant in variants for task in variant.tasks})
    by_number = [{task.number: task for task in variant.tasks} for variant in variants]
    rows = []
    for number in numbers:
        depth = max(len(tasks[number].key) for tasks in by_number)
        for position in range(depth):
            cells = tuple(_cell(tasks[number], position) for tasks in by_number)
            rows.append(GridRow(number, position + 1, cells))
    task_points = tuple((n, tuple(tasks[n].points for tasks in by_number)) for n in numbers)
    columns = tuple((variant.letter, variant.code) for variant in variants)
    return Grid(columns, tuple(rows), task_points, tuple(variant.total for variant in variants))


def _cell(task: VariantTask, position: int) -> GridCell | None:
    if position >= len(task.key):
        return None
    entry = task.key[position]
    exercise = task.task.exercise
    if task.task.item_points is None:
        points = task.points if len(task.key) == 1 else None
    elif isinstance(exercise, Ordering):
        points = task.points
    elif isinstance(exercise, Categorize):
        size = next(len(c.items) for c in exercise.categories if c.label == entry.label)
        points = task.task.item_points * size
    else:
        points = task.task.item_points
    if task.exercise.kind == "categorize":
        column = task.exercise.columns.index(entry.label)
        return GridCell(entry.label, ", ".join(category_numbers(task.exercise)[column]), points)
    if task.exercise.kind == "ordering":  # what pupils write beside the events: «А–2, Б–3, В–1»
        return GridCell("", ", ".join(f"{item.label}–{item.answer}" for item in task.exercise.items), points)
    return GridCell(entry.label, entry.answer, points, in_key=task.exercise.kind == "short_answer")


def category_numbers(exercise: SheetExercise) -> list[list[str]]:
    """For each column of a categorize exercise, the pool numbers of the items that belong in it."""
    number_of = {choice.text: int(choice.letter) for choice in exercise.pool}
    columns: list[list[int]] = [[] for _ in exercise.columns]
    for row in exercise.rows:
        for index, cell in enumerate(row):
            if cell.blank:
                columns[index].append(number_of[cell.blank.answer])
    return [[str(number) for number in sorted(column)] for column in columns]


@dataclass(frozen=True)
class RubricDescriptor:
    task: int
    """Task number as printed (in the variant the rubric is for)."""
    text: str
    points: int


@dataclass(frozen=True)
class RubricCriterion:
    """One criterion's block of the rubric: its descriptors, task by task."""

    criterion: Criterion
    descriptors: tuple[RubricDescriptor, ...]

    @property
    def tasks(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(d.task for d in self.descriptors))

    @property
    def points(self) -> int:
        return sum(d.points for d in self.descriptors)


@dataclass(frozen=True)
class Rubric:
    """The БЖБ/ТЖБ table: Бағалау критерийі | Тапсырма № | Дескриптор | Балл, closed by the total."""

    criteria: tuple[RubricCriterion, ...]

    @property
    def total(self) -> int:
        return sum(block.points for block in self.criteria)


def rubric(exam: Exam, variant: Variant | None = None) -> Rubric:
    """The rubric, numbered as `variant` prints its tasks; without one, in the file's order with
    each pool's first `pick` tasks (pool tasks are worth the same, so the totals hold for all)."""
    numbered = [(t.number, t.task) for t in variant.tasks] if variant else list(enumerate(_file_order(exam), start=1))
    numbered.sort(key=lambda pair: pair[0])
    blocks = []
    for criterion in exam.criteria:
        descriptors = tuple(
            RubricDescriptor(number, d.text, d.points)
            for number, task in numbered
            for d in task.descriptors
            if task.criterion_of(d) == criterion.id
        )
        blocks.append(RubricCriterion(criterion, descriptors))
    return Rubric(tuple(blocks))


def _file_order(exam: Exam) -> list[Task]:
    tasks: list[Task] = []
    for section in exam.sections:
        for entry in section.tasks:
            tasks += entry.tasks[: entry.pick] if isinstance(entry, Pool) else [entry]
    return tasks
