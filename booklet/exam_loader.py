"""Reading an exam file: the exam model, the lesson exercises its tasks draw, and the checks
across the whole exam, with every problem reported in one run where it can be found on its own.

A task drawn `from` a lesson is resolved from the file's data before validation, so a missing
lesson or a wrong exercise number is reported beside the exam's own validation problems; the
checks across the exam (criteria, descriptors' points, pools) run on whatever resolved.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, Problem
from .loader import Loc, _lesson, _located, _node_at, _typography_on, _validated, file_problem
from .model import Exam, Lesson, Pool, Task
from .model.exam import exam_problems
from .source import Content, read_content
from .typography import NOT_TEXT, normalise_content


def load_exam(path: str | Path) -> Exam:
    """Read an exam file and the lesson exercises it draws; raise ContentError listing every problem.

    The exam returned is resolved: every task drawn `from` a lesson holds that exercise (and
    the table a table-completion exercise names), so its points and variants can be derived.
    """
    return exam_from(read_content(Path(path)))


def exam_from(content: Content) -> Exam:
    """The exam of a content file already read, resolved and checked as a whole."""
    path, root, data = content.path, content.root, content.data
    drawn, problems = _draw(path, root, _references(data))
    if _typography_on(data):
        data = normalise_content(data, NOT_TEXT | _EXAM_CODES)
    not_a_mapping = "an exam file must be a mapping of keys such as id, title, criteria, sections"
    try:
        exam = _validated(content, data, Exam, not_a_mapping, NOT_TEXT | _EXAM_CODES)
    except ContentError as error:
        raise ContentError([*error.problems, *problems]) from None
    exam = _with_tasks(
        exam, {where: task.model_copy(update=drawn[where]) for where, task in exam.tasks() if where in drawn}
    )
    problems += [_located(path, _node_at(root, loc) or root, loc, m, h) for loc, m, h in exam_problems(exam)]
    if problems:
        raise ContentError(problems)
    return exam


_EXAM_CODES = frozenset({"lesson", "criteria", "criterion", "level", "summative"})
"""Exam keys whose values are file names or codes, not text to print."""


def _references(data: Any) -> list[tuple[Loc, str, int]]:
    """Every `from: {lesson, exercise}` of the file's data, with the task's place: read before
    validation, so that they are checked even when something else in the file is wrong. What
    is not written as a reference at all is left to validation to report."""
    found: list[tuple[Loc, str, int]] = []
    sections = data.get("sections") if isinstance(data, dict) else None
    for s_index, section in enumerate(sections if isinstance(sections, list) else []):
        entries = section.get("tasks") if isinstance(section, dict) else None
        for t_index, entry in enumerate(entries if isinstance(entries, list) else []):
            where: Loc = ("sections", s_index, "tasks", t_index)
            pooled = entry.get("tasks") if isinstance(entry, dict) and "pick" in entry else None
            tasks = [((*where, "tasks", p), task) for p, task in enumerate(pooled)] if isinstance(pooled, list) else []
            for at, task in tasks or [(where, entry)]:
                drawn = task.get("from") if isinstance(task, dict) else None
                if isinstance(drawn, dict) and isinstance(drawn.get("lesson"), str):
                    number = str(drawn.get("exercise", "")).strip()
                    if re.fullmatch(r"[0-9]+", number) and int(number) >= 1:
                        found.append((at, drawn["lesson"].strip(), int(number)))
    return found


def _draw(
    path: Path, root: yaml.Node | None, references: list[tuple[Loc, str, int]]
) -> tuple[dict[Loc, dict[str, Any]], list[Problem]]:
    """For each task drawn `from` a lesson, the exercise (and the table it blanks) it prints,
    and everything that could not be found."""
    folder = path.resolve().parent
    lessons: dict[str, Lesson | None] = {}
    problems: list[Problem] = []
    drawn: dict[Loc, dict[str, Any]] = {}
    for where, name, number in references:
        at: Loc = (*where, "from", "lesson")
        if missing := file_problem(folder, name, "lesson", "exam"):
            problems.append(_located(path, _node_at(root, at) or root, at, missing))
            continue
        if name not in lessons:
            try:
                lessons[name] = _lesson(read_content(folder / name))
            except ContentError as error:
                lessons[name] = None
                problems += error.problems
        lesson = lessons[name]
        if lesson is None:
            continue
        exercises = lesson.worksheet.exercises
        if number > len(exercises):
            at = (*where, "from", "exercise")
            message = f"{name} has {len(exercises)} exercises, not {number}"
            problems.append(_located(path, _node_at(root, at) or root, at, message))
            continue
        exercise = exercises[number - 1]
        table = next((t for t in lesson.tables if t.id == getattr(exercise, "table", None)), None)
        drawn[where] = {"exercise": exercise, "table": table}
    return drawn, problems


def _with_tasks(exam: Exam, resolved: dict[Loc, Task]) -> Exam:
    """A copy of `exam` whose tasks at the given places are replaced."""
    sections = []
    for s_index, section in enumerate(exam.sections):
        entries = []
        for t_index, entry in enumerate(section.tasks):
            where: Loc = ("sections", s_index, "tasks", t_index)
            if isinstance(entry, Pool):
                tasks = [resolved.get((*where, "tasks", p), task) for p, task in enumerate(entry.tasks)]
                entries.append(entry.model_copy(update={"tasks": tasks}))
            else:
                entries.append(resolved.get(where, entry))
        sections.append(section.model_copy(update={"tasks": entries}))
    return exam.model_copy(update={"sections": sections})
