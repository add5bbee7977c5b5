"""A summative assessment (БЖБ for a unit, ТЖБ for a term): what a teacher writes in an exam file.

Tasks are drawn from lesson exercises (`from: {lesson: 1-course-and-debate.yaml, exercise: 3}`)
or written inline with the same exercise schema as lessons. The model checks what one task
or pool can get wrong by itself; `exam_problems` checks the file as a whole (criteria,
points) once the loader has resolved every drawn task, so all problems are reported at once.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, StringConstraints, Tag, model_validator

from .base import ContentModel, Text, content_error
from .exercises import (
    Categorize,
    Cloze,
    Exercise,
    Matching,
    MultipleChoice,
    Ordering,
    ShortAnswer,
    TableCompletion,
    TrueFalse,
)
from .lesson import SummaryTable, TitleBlock

CriterionId = Annotated[str, StringConstraints(pattern=r"^\S{1,20}$")]
"""A short code of an assessment criterion, e.g. «К1» or «A»."""

Level = Literal["knowledge", "application", "higher"]
"""Thinking-skill level: Білу және түсіну, Қолдану, Жоғары деңгей дағдылары."""

LEVELS: dict[str, str] = {
    "knowledge": "Білу және түсіну",
    "application": "Қолдану",
    "higher": "Жоғары деңгей дағдылары",
}
"""The Kazakh names of the thinking-skill levels, as the summative-assessment sheets print them."""

Loc = tuple[str | int, ...]


class Criterion(ContentModel):
    """An assessment criterion (бағалау критерийі) that tasks assess."""

    id: CriterionId
    """Short code that tasks and descriptors use to name the criterion, e.g. «К1»."""
    text: Text
    """The criterion as it is printed in the rubric."""


class Descriptor(ContentModel):
    """What a pupil must do for some of a task's points (дескриптор)."""

    text: Text
    """What the pupil does, e.g. «оқиғаларды хронологиялық ретімен орналастырады»."""
    points: int = Field(ge=1)
    """Points for meeting this descriptor."""
    criterion: CriterionId | None = None
    """The criterion this descriptor counts for; needed only when the task assesses several."""


class DrawnFrom(ContentModel):
    """Where a task's exercise comes from: one exercise of a lesson beside the exam file."""

    lesson: Text
    """Lesson file, relative to the exam file's folder, e.g. `1-course-and-debate.yaml`."""
    exercise: int = Field(ge=1)
    """Number of the exercise in the lesson's worksheet, counted from 1 as printed."""


class Task(ContentModel):
    """One task of the exam: an exercise with its points, level, criteria and descriptors."""

    drawn_from: DrawnFrom | None = Field(default=None, alias="from")
    """The lesson exercise this task prints; give either `from` or `exercise`."""
    exercise: Exercise | None = None
    """An exercise written for the exam, with a `type` as in lessons; the loader fills it in for `from`."""
    table: SummaryTable | None = None
    """The table an inline `table_completion` blanks; the loader fills it in for `from`."""
    points: int | None = Field(default=None, ge=1)
    """Points for the whole task; give either `points` or `item_points`."""
    item_points: int | None = Field(default=None, ge=1)
    """Points for each item (blank, question, pair, statement, event, cell, sorted item)."""
    level: Level
    """Thinking-skill level: `knowledge` (Білу және түсіну), `application` (Қолдану), `higher`."""
    criteria: list[CriterionId] = Field(min_length=1)
    """Ids of the assessment criteria the task assesses."""
    descriptors: list[Descriptor] = Field(min_length=1)
    """What earns the points; their points add up to the task's."""

    @model_validator(mode="after")
    def _one_source_and_one_scale(self) -> Task:
        if (self.drawn_from is None) == (self.exercise is None):
            raise content_error("give either `from` or `exercise`", hint="`from` draws a lesson exercise")
        if (self.points is None) == (self.item_points is None):
            raise content_error("give either `points` or `item_points`", at=("points",))
        if self.drawn_from is None:
            self._check_inline_table()
        for index, descriptor in enumerate(self.descriptors):
            if descriptor.criterion is None and len(self.criteria) > 1:
                raise content_error(
                    "the task assesses several criteria: say which one this descriptor counts for",
                    at=("descriptors", index),
                    hint=f"add criterion: one of {', '.join(self.criteria)}",
                )
            if descriptor.criterion is not None and descriptor.criterion not in self.criteria:
                raise content_error(
                    f"criterion '{descriptor.criterion}' is not among the task's criteria",
                    at=("descriptors", index, "criterion"),
                )
        return self

    def _check_inline_table(self) -> None:
        if isinstance(self.exercise, TableCompletion):
            if self.table is None:
                raise content_error("a table_completion task needs its `table`", hint="give id, title, columns, rows")
            if self.table.id != self.exercise.table:
                raise content_error(f"the task's table is '{self.table.id}'", at=("exercise", "table"))
            self.exercise.check_blanks(self.table, ("exercise",))
        elif self.table is not None:
            raise content_error("only a table_completion task has a table", at=("table",))

    @property
    def items(self) -> int:
        """How many items the task's exercise has; `item_points` is paid for each."""
        if self.exercise is None:
            raise ValueError("the task's `from` is not resolved; load the exam with load_exam")
        return exercise_items(self.exercise)

    @property
    def total(self) -> int:
        """The task's points: `points`, or `item_points` for every item."""
        return self.points if self.points is not None else self.item_points * self.items

    def criterion_of(self, descriptor: Descriptor) -> str:
        """The criterion a descriptor counts for."""
        return descriptor.criterion or self.criteria[0]


class Pool(ContentModel):
    """Interchangeable tasks: each variant takes `pick` of them, dealt as evenly as the
    number of variants allows (with 4 variants, a 1-of-2 pool gives each task to 2)."""

    pick: int = Field(ge=1)
    """How many of the tasks each variant takes."""
    tasks: list[Task] = Field(min_length=2)
    """The tasks to pick from; they must be worth the same points so every variant has the same total."""

    @model_validator(mode="after")
    def _picks_what_it_has(self) -> Pool:
        if self.pick > len(self.tasks):
            raise content_error(
                f"the pool picks {self.pick} but has {len(self.tasks)} tasks",
                at=("pick",),
                hint=f"pick at most {len(self.tasks)}",
            )
        return self


def _task_or_pool(value: Any) -> str:
    return "pool" if isinstance(value, dict | Pool) and (isinstance(value, Pool) or "pick" in value) else "task"


TaskOrPool = Annotated[Annotated[Task, Tag("task")] | Annotated[Pool, Tag("pool")], Discriminator(_task_or_pool)]
"""A task, or a pool of tasks (a mapping with `pick`)."""


class ExamSection(ContentModel):
    """A titled part of the exam; each variant shuffles the order of its tasks, unless the
    section says `shuffle: false` (tasks that build on each other, a source read first)."""

    title: str = ""
    """Section heading, e.g. «А бөлімі»; nothing is printed when empty."""
    shuffle: bool = True
    """Whether each variant puts the section's tasks in its own order; with false every
    variant keeps the file's order (a pool's tasks stand where the pool is). Items and
    options within a task are shuffled either way."""
    tasks: list[TaskOrPool] = Field(min_length=1)
    """Tasks and pools of the section."""


class MarkBand(ContentModel):
    """One mark of the scale: earned from a share of the total points upwards."""

    mark: Text
    """The mark as the results write it, e.g. «5»."""
    from_: int = Field(alias="from", ge=0, le=100)
    """The lowest percentage of the total points that earns this mark."""


DEFAULT_MARKS: tuple[tuple[str, int], ...] = (("5", 85), ("4", 65), ("3", 40), ("2", 0))
"""The scale without `marks`: 85–100 % «5», 65–84 % «4», 40–64 % «3», below 40 % «2»."""


class Exam(TitleBlock):
    """A summative assessment for a unit (БЖБ) or a term (ТЖБ)."""

    summative: Literal["unit", "term"]
    """`unit` for бөлім бойынша жиынтық бағалау (БЖБ), `term` for тоқсан бойынша (ТЖБ)."""
    duration: int = Field(ge=1, le=240)
    """Time allowed, in minutes."""
    objectives: list[Text] = Field(min_length=1)
    """Learning objectives assessed (оқу мақсаттары)."""
    criteria: list[Criterion] = Field(min_length=1)
    """Assessment criteria (бағалау критерийлері); every one needs a task."""
    sections: list[ExamSection] = Field(min_length=1)
    """The exam's sections, printed in this order."""
    total: int | None = Field(default=None, ge=1)
    """The total points, if you want it checked against the tasks' points."""
    marks: list[MarkBand] | None = Field(default=None, min_length=2)
    """The marks and the percentage each starts at, highest first, the last from 0; without it
    85 % gives «5», 65 % «4», 40 % «3» and less «2»."""

    @model_validator(mode="after")
    def _marks_descend(self) -> Exam:
        """A scale that is not highest first, or leaves a result without a mark, would give a
        wrong mark silently; the slip is reported at the key that is wrong."""
        bands = self.marks or []
        for index, band in enumerate(bands[1:], start=1):
            if band.from_ >= bands[index - 1].from_:
                raise content_error(
                    f"mark «{band.mark}» starts at {band.from_} %, not below the {bands[index - 1].from_} % above it",
                    at=("marks", index, "from"),
                    hint="list the marks highest first, each starting lower than the one before",
                )
            if band.mark in [other.mark for other in bands[:index]]:
                raise content_error(f"mark «{band.mark}» is listed twice", at=("marks", index, "mark"))
        if bands and bands[-1].from_ != 0:
            raise content_error(
                f"the lowest mark «{bands[-1].mark}» starts at {bands[-1].from_} %: "
                "a result below it would have no mark",
                at=("marks", len(bands) - 1, "from"),
                hint="let the last mark start from 0",
            )
        return self

    def mark_scale(self) -> tuple[tuple[str, int], ...]:
        """(mark, lowest percentage) of each mark, highest first: the file's `marks` or `DEFAULT_MARKS`."""
        return tuple((band.mark, band.from_) for band in self.marks) if self.marks else DEFAULT_MARKS

    def tasks(self) -> list[tuple[Loc, Task]]:
        """Every task with its place in the file, pool members included, in file order."""
        found: list[tuple[Loc, Task]] = []
        for s_index, section in enumerate(self.sections):
            for t_index, entry in enumerate(section.tasks):
                where: Loc = ("sections", s_index, "tasks", t_index)
                if isinstance(entry, Pool):
                    found += [((*where, "tasks", p_index), task) for p_index, task in enumerate(entry.tasks)]
                else:
                    found.append((where, entry))
        return found

    @property
    def points(self) -> int:
        """The total every variant is worth (pools count `pick` times their tasks' points)."""
        total = 0
        for section in self.sections:
            for entry in section.tasks:
                total += entry.pick * entry.tasks[0].total if isinstance(entry, Pool) else entry.total
        return total


def exercise_items(exercise: Exercise) -> int:
    """The number of scored items in an exercise: blanks, questions, pairs, statements, events, cells."""
    match exercise:
        case Cloze():
            return len(exercise.gaps)
        case Matching():
            return len(exercise.pairs)
        case MultipleChoice() | ShortAnswer():
            return len(exercise.questions)
        case TrueFalse():
            return len(exercise.statements)
        case Ordering():
            return len(exercise.events)
        case TableCompletion():
            return len(exercise.blanks)
        case Categorize():
            return sum(len(category.items) for category in exercise.categories)
    raise TypeError(f"unknown exercise kind {type(exercise).__name__}")


def exam_problems(exam: Exam) -> list[tuple[Loc, str, str | None]]:
    """Everything wrong across the exam, as (place in the file, message, hint). A task whose
    `from` could not be resolved is left out of the checks that need its items, so a wrong
    exercise number does not hide the problems of the rest."""
    return _criteria_problems(exam) + _points_problems(exam)


def _criteria_problems(exam: Exam) -> list[tuple[Loc, str, str | None]]:
    problems: list[tuple[Loc, str, str | None]] = []
    ids = [criterion.id for criterion in exam.criteria]
    for index, criterion_id in enumerate(ids):
        if criterion_id in ids[:index]:
            problems.append((("criteria", index, "id"), f"criterion id '{criterion_id}' is used twice", None))
    used: set[str] = set()
    for where, task in exam.tasks():
        for c_index, criterion_id in enumerate(task.criteria):
            used.add(criterion_id)
            if criterion_id not in ids:
                problems.append(
                    (
                        (*where, "criteria", c_index),
                        f"no criterion has id '{criterion_id}'",
                        f"criteria: {', '.join(ids)}",
                    )
                )
    for index, criterion in enumerate(exam.criteria):
        if criterion.id not in used:
            problems.append(
                (("criteria", index), f"criterion '{criterion.id}' has no task", "name it in a task's `criteria`")
            )
    return problems


def _points_problems(exam: Exam) -> list[tuple[Loc, str, str | None]]:
    problems: list[tuple[Loc, str, str | None]] = []
    for where, task in exam.tasks():
        if not _counted(task):
            continue
        described = sum(descriptor.points for descriptor in task.descriptors)
        if described != task.total:
            how = f"points: {task.points}" if task.points else f"{task.item_points} × {task.items} items"
            problems.append(
                (
                    (*where, "descriptors"),
                    f"the descriptors give {described} points but the task is worth {task.total}",
                    how,
                )
            )
    for s_index, section in enumerate(exam.sections):
        for t_index, entry in enumerate(section.tasks):
            if isinstance(entry, Pool) and all(_counted(task) for task in entry.tasks):
                worth = entry.tasks[0].total
                for p_index, task in enumerate(entry.tasks[1:], start=1):
                    if task.total != worth:
                        at: Loc = ("sections", s_index, "tasks", t_index, "tasks", p_index)
                        message = f"the task is worth {task.total} points but the pool's first task {worth}"
                        problems.append((at, message, "tasks of a pool must be worth the same"))
    counted = all(_counted(task) for _, task in exam.tasks())
    if not problems and counted and exam.total is not None and exam.total != exam.points:
        problems.append((("total",), f"the tasks add up to {exam.points} points, not {exam.total}", None))
    return problems


def _counted(task: Task) -> bool:
    """Whether the task's points are known: given as `points`, or its exercise is there to count items."""
    return task.points is not None or task.exercise is not None
