"""From what was read on a page to each item's answer, the points, the criteria and the mark.

Pure functions over a `PageReading` and the variant its QR names: no files, no images.
Reading only says what each circle looks like; this module decides what the pupil answered,
and it never guesses. In a row of circles (one item):

- exactly one filled circle, and none uncertain: that circle's mark is the answer;
- no filled circle and none uncertain: no answer (0 points, not a doubt);
- two or more filled, or any circle uncertain: a doubt, for the teacher to settle in the
  corrections file. Until every doubt of a sheet is settled its result is incomplete: the
  task with the doubt has no points and the sheet no total and no mark.

A teacher's tick box is the same: filled gives the descriptor's points, empty none,
uncertain is a doubt.

Points follow the exam file (see `Task.points` and `Task.item_points`):

- `item_points`: that many points for each right row;
- `points` for the whole machine-marked task: the share of its rows that are right, rounded
  down (`points × right // rows`), so 2 points over 3 events give 1 point for 2 right events
  and 2 only for all 3; a pupil never gets a point the key does not fully support;
- an open task (short answer): the points of the descriptors the teacher ticked.

Points per criterion: a ticked descriptor counts for its own criterion (`Task.criterion_of`).
A machine-marked task's points go to its criteria in the proportions of its descriptors'
points, each share rounded down and the points left over given one by one to the criteria
with the largest remainders (the first descriptor's criterion first on a tie), so the shares
always add up to the task's points; a task with one criterion puts them all there.

The mark comes from the percentage of the variant's total, compared exactly (27 of 32 is
84.375 %, a «4» on the default scale, not a rounded 84 % or 85 %).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from ..errors import ContentError, Problem
from ..exam import Variant, VariantTask
from ..exam_pages import AnswerRow, AnswerTask, answer_tasks
from ..labels import Labels
from ..qr import SheetId
from .readings import CircleReading, PageReading, PageSource, TickReading

Status = Literal["right", "wrong", "blank", "doubt"]
Doubt = Literal["", "several", "uncertain", "missing"]
Scale = tuple[tuple[str, int], ...]
"""(mark, lowest percentage) of each mark, highest first: `Exam.mark_scale()`."""


@dataclass(frozen=True)
class Settled:
    """A teacher's decision on one item or tick box (from the corrections file)."""

    answer: str | None
    """The mark the pupil meant, or None for no answer; for a tick box "ticked" or None."""
    line: int = 0
    """The corrections file's line, for messages."""


@dataclass(frozen=True)
class ItemResult:
    """One row of circles: what was read, what it is taken to mean, and whether it is right."""

    task: int
    item: str
    """The row's label (`Circle.item`)."""
    right: str
    """The key's mark for this row."""
    status: Status
    answer: str | None = None
    """The mark taken as the pupil's answer; None for no answer or an open doubt."""
    readings: tuple[CircleReading, ...] = ()
    doubt: Doubt = ""
    """Why the row is doubtful: "several" circles filled, or one "uncertain"; kept once settled."""
    settled: bool = False
    """The answer is the teacher's, from the corrections file."""


@dataclass(frozen=True)
class TickResult:
    """One descriptor's tick box of an open task."""

    task: int
    descriptor: int
    points: int
    criterion: str
    status: Literal["ticked", "not ticked", "doubt"]
    reading: TickReading | None = None
    doubt: Doubt = ""
    """"uncertain", or "missing" when the sheet's layout has no box for the descriptor."""
    settled: bool = False


@dataclass(frozen=True)
class TaskResult:
    number: int
    kind: str
    out_of: int
    points: int | None
    """None while a row or tick box of the task is in doubt."""
    items: tuple[ItemResult, ...] = ()
    ticks: tuple[TickResult, ...] = ()
    criteria: tuple[tuple[str, int], ...] = ()
    """(criterion, points earned) for the criteria the task counts for; empty while in doubt."""

    @property
    def doubts(self) -> int:
        return sum(r.status == "doubt" for r in self.items) + sum(t.status == "doubt" for t in self.ticks)


@dataclass(frozen=True)
class SheetResult:
    """One pupil's marked answer sheet. `total`, `percent` and `mark` are None while any
    doubt is open: an incomplete result is never shown as a mark."""

    source: PageSource
    sheet: SheetId
    variant: Variant
    key: tuple[AnswerTask, ...]
    reading: PageReading
    scale: Scale
    tasks: tuple[TaskResult, ...]

    @property
    def out_of(self) -> int:
        return sum(task.out_of for task in self.tasks)

    @property
    def doubts(self) -> int:
        return sum(task.doubts for task in self.tasks)

    @property
    def complete(self) -> bool:
        return self.doubts == 0

    @property
    def total(self) -> int | None:
        return sum(task.points or 0 for task in self.tasks) if self.complete else None

    @property
    def percent(self) -> float | None:
        """The total as a percentage of the variant's points, for showing (the mark uses exact figures)."""
        return None if self.total is None else 100 * self.total / self.out_of

    @property
    def mark(self) -> str | None:
        return None if self.total is None else mark_for(self.total, self.out_of, self.scale)

    def criterion_points(self, criterion: str) -> int | None:
        """Points earned for one criterion, None while incomplete."""
        if not self.complete:
            return None
        return sum(points for task in self.tasks for name, points in task.criteria if name == criterion)

    def criterion_out_of(self, criterion: str) -> int:
        """The points the variant gives for one criterion, split as its points earned are."""
        return sum(
            share
            for task in self.variant.tasks
            for name, share in _criterion_shares(task, task.points)
            if name == criterion
        )


def mark_for(points: int, out_of: int, scale: Scale) -> str:
    """The mark of `points` out of `out_of`: the first band whose percentage is reached,
    compared in whole numbers (`points × 100 ≥ from × out_of`) so no rounding moves a pupil."""
    for mark, lowest in scale:
        if points * 100 >= lowest * out_of:
            return mark
    return scale[-1][0]


def mark_sheet(reading: PageReading, variant: Variant, labels: Labels, scale: Scale) -> SheetResult:
    """Mark one read page (its `sheet` set) against its variant's key, doubts left open."""
    if reading.sheet is None:
        raise ValueError("only a page whose QR was read can be marked")
    key = answer_tasks(variant, labels)
    result = SheetResult(reading.source, reading.sheet, variant, key, reading, scale, ())
    return _marked(result, {})


Settlements = Mapping[tuple[int, str], Settled]
"""(task, row label) or (task, "#<descriptor>") -> the teacher's decision."""


def tick_key(descriptor: int) -> str:
    """The key a tick box's decision is kept under beside the rows' labels."""
    return f"#{descriptor}"


def settle(result: SheetResult, decisions: Settlements) -> SheetResult:
    """The sheet marked again with the teacher's decisions in place of what was read."""
    return _marked(result, decisions)


def _marked(result: SheetResult, decisions: Settlements) -> SheetResult:
    circles: dict[tuple[int, str], list[CircleReading]] = {}
    for circle in result.reading.circles:
        circles.setdefault((circle.circle.task, circle.circle.item), []).append(circle)
    ticks = {(t.box.task, t.box.descriptor): t for t in result.reading.ticks}
    tasks = tuple(
        _task(task, answer, circles, ticks, decisions)
        for task, answer in zip(result.variant.tasks, result.key, strict=True)
    )
    return replace(result, tasks=tasks)


def _task(
    task: VariantTask,
    answer: AnswerTask,
    circles: Mapping[tuple[int, str], list[CircleReading]],
    ticks: Mapping[tuple[int, int], TickReading],
    decisions: Settlements,
) -> TaskResult:
    if answer.open:
        results = tuple(
            _tick(task, index, ticks.get((answer.number, index)), decisions.get((answer.number, tick_key(index))))
            for index in range(len(task.task.descriptors))
        )
        if any(r.status == "doubt" for r in results):
            return TaskResult(answer.number, answer.kind, answer.points, None, ticks=results)
        shares: dict[str, int] = {}
        for r in results:
            if r.status == "ticked":
                shares[r.criterion] = shares.get(r.criterion, 0) + r.points
        earned = sum(shares.values())
        criteria = tuple((name, shares.get(name, 0)) for name in task.task.criteria)
        return TaskResult(answer.number, answer.kind, answer.points, earned, ticks=results, criteria=criteria)
    items = tuple(
        _item(
            answer.number,
            row.label,
            _right(row),
            circles.get((answer.number, row.label), []),
            decisions.get((answer.number, row.label)),
        )
        for row in answer.rows
    )
    if any(item.status == "doubt" for item in items):
        return TaskResult(answer.number, answer.kind, answer.points, None, items=items)
    right = sum(item.status == "right" for item in items)
    if answer.item_points is not None:
        earned = answer.item_points * right
    else:
        earned = answer.points * right // len(items) if items else 0
    criteria = _criterion_shares(task, earned)
    return TaskResult(answer.number, answer.kind, answer.points, earned, items=items, criteria=criteria)


def _right(row: AnswerRow) -> str:
    return next(bubble.mark for bubble in row.bubbles if bubble.right)


def _item(task: int, label: str, right: str, readings: list[CircleReading], decision: Settled | None) -> ItemResult:
    filled = [r.circle.mark for r in readings if r.state == "filled"]
    doubt: Doubt = ""
    if any(r.state == "uncertain" for r in readings):
        doubt = "uncertain"
    elif len(filled) > 1:
        doubt = "several"
    elif not readings:
        doubt = "missing"  # the sheet's layout has no circles for the row: never a silent blank
    if decision is not None:
        answer = decision.answer
    elif doubt:
        return ItemResult(task, label, right, "doubt", None, tuple(readings), doubt)
    else:
        answer = filled[0] if filled else None
    status: Status = "blank" if answer is None else "right" if answer == right else "wrong"
    return ItemResult(task, label, right, status, answer, tuple(readings), doubt, decision is not None)


def _tick(task: VariantTask, index: int, reading: TickReading | None, decision: Settled | None) -> TickResult:
    descriptor = task.task.descriptors[index]
    made = TickResult(task.number, index, descriptor.points, task.task.criterion_of(descriptor), "not ticked", reading)
    if reading is None and decision is None:
        return replace(made, status="doubt", doubt="missing")  # the sheet's layout has no box for it
    doubt: Doubt = "uncertain" if reading is not None and reading.state == "uncertain" else ""
    if decision is not None:
        return replace(made, status="ticked" if decision.answer else "not ticked", doubt=doubt, settled=True)
    if doubt:
        return replace(made, status="doubt", doubt=doubt)
    return replace(made, status="ticked" if reading is not None and reading.state == "filled" else "not ticked")


def _criterion_shares(task: VariantTask, earned: int) -> tuple[tuple[str, int], ...]:
    """`earned` points of a machine-marked task split over its criteria as its descriptors' points say."""
    weights: dict[str, int] = {}
    for descriptor in task.task.descriptors:
        name = task.task.criterion_of(descriptor)
        weights[name] = weights.get(name, 0) + descriptor.points
    whole = sum(weights.values())
    if len(weights) == 1 or whole == 0:
        return ((next(iter(weights)), earned),)
    floors = {name: earned * weight // whole for name, weight in weights.items()}
    left = earned - sum(floors.values())
    order = sorted(weights, key=lambda name: -(earned * weights[name] % whole))  # stable: file order on ties
    for name in order[:left]:
        floors[name] += 1
    return tuple(floors.items())


def mark_all(
    readings: Iterable[PageReading], variant_of: Callable[[SheetId], Variant | None], labels: Labels, scale: Scale
) -> tuple[tuple[SheetResult, ...], tuple[PageReading, ...]]:
    """Every read page marked against the variant its sheet names (`grade.Plans.variant`),
    in the order given, and the pages left for the unreadable list: no sheet, a `problem`,
    or a variant this exam file does not make (the caller says why in `problem`)."""
    marked, unreadable = [], []
    for reading in readings:
        variant = variant_of(reading.sheet) if reading.sheet is not None and not reading.problem else None
        if variant is None:
            unreadable.append(reading)
        else:
            marked.append(mark_sheet(reading, variant, labels, scale))
    return tuple(marked), tuple(unreadable)


@dataclass(frozen=True)
class Correction:
    """One line of the corrections file: the teacher's answer for an item or a tick box."""

    file: str
    page: int
    task: int
    item: str
    """The row's label; empty for a tick box."""
    descriptor: int | None
    """The tick box's descriptor (0-based); None for a row of circles."""
    answer: str | None
    """The mark as typed (None: no answer); for a tick box "ticked" or None."""
    line: int
    columns: tuple[tuple[str, int], ...] = ()
    """(column name, character column) of the line's cells, to point at the wrong one."""

    def column(self, name: str) -> int:
        return dict(self.columns).get(name, 1)


LOOKALIKES = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")
"""Latin capitals typed for the Cyrillic letters they look like (a keyboard left in English)."""


def apply_corrections(
    results: Iterable[SheetResult], corrections: Iterable[Correction], path: str | Path
) -> tuple[SheetResult, ...]:
    """The results with the teacher's corrections in place; every line that names no marked
    page, task, item or circle is reported at once, at its line of `path`, as a ContentError."""
    results = tuple(results)
    by_page = {(r.source.file, r.source.page): r for r in results}
    decisions: dict[tuple[str, int], dict[tuple[int, str], Settled]] = {}
    problems: list[Problem] = []
    seen: dict[tuple[str, int, int, str], int] = {}
    for correction in corrections:
        where = (correction.file, correction.page)
        named = correction.item.strip() if correction.descriptor is None else tick_key(correction.descriptor)
        if (earlier := seen.setdefault((*where, correction.task, named), correction.line)) != correction.line:
            message = f"this item is corrected again (also line {earlier})"
            problems.append(Problem(Path(path), correction.line, 1, "", message, "keep one of the two lines"))
            continue
        found = _decision(by_page.get(where), correction, Path(path))
        if isinstance(found, Problem):
            problems.append(found)
            continue
        key, decision = found
        decisions.setdefault(where, {})[key] = decision
    if problems:
        raise ContentError(problems)
    return tuple(settle(r, decisions.get((r.source.file, r.source.page), {})) for r in results)


def _decision(
    result: SheetResult | None, correction: Correction, path: Path
) -> tuple[tuple[int, str], Settled] | Problem:
    def problem(column: str, message: str, hint: str) -> Problem:
        return Problem(path, correction.line, correction.column(column), column, message, hint)

    if result is None:
        message = f"no page {correction.page} of «{correction.file}» was marked in this run"
        return problem("file", message, "copy file and page from review.html, and scan the same files")
    answer = next((task for task in result.key if task.number == correction.task), None)
    if answer is None:
        numbers = ", ".join(str(task.number) for task in result.key)
        return problem("task", f"the sheet has no task {correction.task}", f"tasks are {numbers}")
    if correction.descriptor is not None:
        if not answer.open or not 0 <= correction.descriptor < len(answer.descriptors):
            hint = "tick boxes are corrected with the number of a descriptor of an open task"
            return problem("descriptor", f"task {answer.number} has no tick box {correction.descriptor + 1}", hint)
        return (answer.number, tick_key(correction.descriptor)), Settled(correction.answer, correction.line)
    row = next((row for row in answer.rows if row.label == correction.item.strip()), None)
    if row is None:
        items = ", ".join(row.label for row in answer.rows) or "none: correct its tick boxes"
        return problem("item", f"task {answer.number} has no item «{correction.item}»", f"its items are {items}")
    if correction.answer is None:
        return (answer.number, row.label), Settled(None, correction.line)
    marks = [bubble.mark for bubble in row.bubbles]
    typed = correction.answer.strip()
    for candidate in (typed, typed.upper(), typed.upper().translate(LOOKALIKES)):
        if candidate in marks:
            return (answer.number, row.label), Settled(candidate, correction.line)
    hint = f"write one of {', '.join(marks)}, or - for no answer"
    return problem("answer", f"«{typed}» is not a circle of item {row.label} of task {answer.number}", hint)
