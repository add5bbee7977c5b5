"""Reading a lesson file: safe YAML, positions for every node, and errors a teacher can act on.

`source.read_yaml` reads the file into plain data and the nodes it came from (each node knows
its line and column); here the data is validated by pydantic. Every pydantic error is mapped back to the node it
concerns, so the user sees `lesson.yaml:12:5: worksheet.exercises.2.answer: ...` for every
problem in the file at once.
"""

from __future__ import annotations

import difflib
import re
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, Tag, ValidationError

from .errors import ContentError, Problem
from .figures import figure_problem
from .glyphs import undrawable
from .model import Course, Exam, Lesson
from .model.base import NO_WORDS
from .source import Content, character_name, position_in, read_content, string_nodes
from .source import position as _position
from .typography import NOT_TEXT, normalise_content

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


def load_lesson(path: str | Path) -> Lesson:
    """Read, validate and check one lesson file; raise ContentError listing every problem."""
    return _lesson(read_content(Path(path)))


def load_content(path: str | Path, text: str | None = None) -> Lesson | Textbook | Exam:
    """A lesson file, a course file (one with a `lessons` list) with all its lessons, or an
    exam file (one with `summative`) with the lesson exercises it draws. Given `text`, that is
    read as the file's content; what it names (lessons, figures) is still read from disk."""
    content = read_content(Path(path), text)
    if isinstance(content.data, dict) and "lessons" in content.data:
        return _textbook(content)
    if isinstance(content.data, dict) and "summative" in content.data:
        from .exam_loader import exam_from  # the exam loader builds on this module

        return exam_from(content)
    return _lesson(content)


def _lesson(content: Content) -> Lesson:
    path, root = content.path, content.root
    not_a_mapping = "a lesson file must be a mapping of keys such as id, title, sections"
    lesson = _validated(content, _typeset(content.data), Lesson, not_a_mapping)
    _check_figures(path, root, lesson)
    return lesson


@dataclass(frozen=True)
class Textbook:
    """A course file and its lessons, loaded and checked against each other."""

    path: Path
    course: Course
    lessons: tuple[tuple[Path, Lesson], ...]
    """Each lesson with the path of its file, in the course's order."""


def load_course(path: str | Path) -> Textbook:
    """Read a course file and every lesson it lists; raise ContentError listing every problem
    of the course file and of all its lessons at once."""
    path = Path(path)
    return _textbook(read_content(Path(path)))


def _textbook(content: Content) -> Textbook:
    path, root = content.path, content.root
    not_a_mapping = "a course file must be a mapping of keys such as title, lessons"
    course = _validated(content, _typeset(content.data), Course, not_a_mapping)
    folder = path.resolve().parent
    lessons, problems = [], []
    for index, name in enumerate(course.lessons):
        if missing := file_problem(folder, name, "lesson", "course"):
            where = _node_at(root, ("lessons", index)) or root
            problems.append(_located(path, where, ("lessons", index), missing))
            continue
        try:
            lesson_file = read_content(folder / name)
            lessons.append((folder / name, _lesson(lesson_file), lesson_file.root))
        except ContentError as error:
            problems += error.problems
    problems += _mismatches(course, lessons)
    if problems:
        raise ContentError(problems)
    return Textbook(path, course, tuple((lesson_path, lesson) for lesson_path, lesson, _ in lessons))


def _mismatches(course: Course, lessons: list[tuple[Path, Lesson, yaml.Node | None]]) -> list[Problem]:
    """A book has one subject, grade and language on its cover, and one file name per lesson id."""
    problems, seen = [], {}
    for path, lesson, root in lessons:
        for key in ("subject", "grade", "language", "labels", "script"):
            if key in ("labels", "script") and getattr(lesson, key) is None:
                continue  # not set: the course's holds
            if getattr(lesson, key) != getattr(course, key):
                message = f"{key} {getattr(lesson, key)!r} differs from the course's {getattr(course, key)!r}"
                node = _node_at(root, (key,)) or root
                problems.append(_located(path, node, (key,), message, "a course's lessons share its cover"))
        if lesson.id in seen:
            message = f"lesson id '{lesson.id}' is also used by {seen[lesson.id].name}"
            problems.append(_located(path, _node_at(root, ("id",)) or root, ("id",), message))
        seen.setdefault(lesson.id, path)
    return problems


def _located(path: Path, node: yaml.Node | None, loc: Loc, message: str, hint: str | None = None) -> Problem:
    line, column = _position(node) if node is not None else (1, 1)
    return Problem(path, line, column, _dotted(loc), message, hint)


def _typeset(data: Any) -> Any:
    """Content text as Kazakh typography prints it («», dashes, no-break spaces), normalised
    before validation so answers and options are compared in their printed form; the file
    itself is never rewritten. A file with `typography: false` is printed as written."""
    return normalise_content(data) if _typography_on(data) else data


def _typography_on(data: Any) -> bool:
    """Whether the file asks for Kazakh typography: anything but a clear «no» (which validation
    then checks) leaves it on."""
    if not isinstance(data, dict):
        return False
    flag = data.get("typography", True)
    return flag not in (False, None) and not (isinstance(flag, str) and flag.strip().casefold() in NO_WORDS)


def _validated(content: Content, data: Any, model: type[M], not_a_mapping: str, skip: frozenset[str] = NOT_TEXT) -> M:
    """`data` (the content's, typeset) validated as `model`, or ContentError with every problem
    of the file: those found reading it, text that cannot be printed, and validation's own
    (except where reading already reported the node)."""
    path, root = content.path, content.root
    problems = content.problems + text_problems(path, root, _typography_on(content.data), skip)
    if not isinstance(data, dict):
        raise ContentError([*problems, Problem(path, 1, 1, "", not_a_mapping)])
    try:
        validated = model.model_validate(data)
    except ValidationError as error:
        reported = {(problem.line, problem.column) for problem in content.problems}
        found = (_problem(path, root, model, item) for item in error.errors())
        problems += [problem for problem in found if (problem.line, problem.column) not in reported]
    if problems:
        raise ContentError(problems)
    return validated


MAX_WORD = 60
"""Letters in one word: the longest Kazakh words have about 35, and the layout engine tries
every hyphenation of a word, so a 5,000-letter run (a missing space, a pasted string) would
take minutes to set."""

_WORD = re.compile(rf"[^\W\d_]{{{MAX_WORD + 1},}}")


def text_problems(path: Path, root: yaml.Node | None, typeset: bool, skip: frozenset[str] = NOT_TEXT) -> list[Problem]:
    """Text that cannot be printed, at the line and column where it was typed: characters no
    bundled font has, and words too long to set."""
    problems = []
    for loc, node in string_nodes(root, skip):
        for character in undrawable(node.value, typeset):
            line, column = position_in(node, character)
            hint = "replace it with a character the fonts have, or write it out in words"
            problems.append(
                Problem(path, line, column, _dotted(loc), f"{character_name(character)} is in no bundled font", hint)
            )
        if match := _WORD.search(node.value):
            line, column = position_in(node, match.group())
            message = f"a word of {len(match.group()):,} letters; booklet sets words of up to {MAX_WORD}"
            problems.append(Problem(path, line, column, _dotted(loc), message, "a missing space?"))
    return problems


def _check_figures(path: Path, root: yaml.Node | None, lesson: Lesson) -> None:
    """Every figure must be an existing file inside the lesson's folder (after resolving links)."""
    folder = path.resolve().parent
    problems = []
    for s_index, section in enumerate(lesson.sections):
        for f_index, figure in enumerate(section.figures):
            loc: Loc = ("sections", s_index, "figures", f_index, "src")
            message = file_problem(folder, figure.src, "figure", "lesson") or figure_problem(folder / figure.src)
            if message is not None:
                problems.append(_located(path, _node_at(root, loc) or root, loc, message))
    if problems:
        raise ContentError(problems)


def file_problem(folder: Path, name: str, noun: str, owner: str) -> str | None:
    """Why `name` does not name a file inside `folder` (symbolic links followed), or None when it does."""
    try:
        target = (folder / name).resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError on a link loop, 3.13 OSError
        return f"{name} is a symbolic link that leads back to itself"
    if not target.is_relative_to(folder):
        return f"{noun} paths may not leave the {owner}'s folder"
    if not target.is_file():
        return f"no such file: {name}"
    return None


def _problem(path: Path, root: yaml.Node | None, model: type[BaseModel], error: Any) -> Problem:
    context = error.get("ctx") or {}
    loc = _data_loc(root, tuple(error["loc"])) + tuple(context.get("at", ()))
    kind = error["type"]
    message, hint = error["msg"], context.get("hint")
    node = _node_at(root, loc)
    if kind == "extra_forbidden":
        allowed = _field_names(model, tuple(error["loc"])[:-1])
        message = f"unknown key '{loc[-1]}'"
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}"
        node = _node_at(root, loc, key=True)
    elif kind == "missing":
        message = f"missing required key '{loc[-1]}'"
    elif kind in ("float_parsing", "float_type"):
        message, hint = "not a number", "write a number such as 19.8 or 19,8"
    elif kind == "finite_number":
        message, hint = "not a finite number", "write a number such as 19.8 or 19,8"
    elif kind in ("int_parsing", "int_type", "int_from_float"):
        message, hint = "not a whole number", "write digits only, such as 9"
    elif kind == "union_tag_invalid":
        types = _exercise_types()
        message = f"unknown exercise type '{context.get('tag')}'"
        close = difflib.get_close_matches(str(context.get("tag")), types, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"types: {', '.join(types)}"
        node = _node_at(root, (*loc, "type")) or node
    elif kind == "union_tag_not_found":
        message, hint = "exercise has no 'type'", f"types: {', '.join(_exercise_types())}"
    near = loc
    while node is None and near:  # a missing key: point at the mapping that lacks it
        near = near[:-1]
        node = _node_at(root, near)
    line, column = _position(node) if node is not None else (1, 1)
    if context.get("find") and isinstance(node, yaml.ScalarNode) and near == loc:
        line, column = position_in(node, *context["find"])
    return Problem(path, line, column, _dotted(loc), message, hint)


def _data_loc(root: yaml.Node | None, loc: Loc) -> Loc:
    """Drop the union tags pydantic inserts into locations (`exercises.2.cloze.text`)."""
    result: list[str | int] = []
    node = root
    for part in loc:
        type_node = _child(node, "type")
        if isinstance(type_node, yaml.ScalarNode) and type_node.value == part and _child(node, part) is None:
            continue  # the discriminator tag, not a key of the file
        if part in _ENTRY_TAGS and result and isinstance(result[-1], int) and _child(node, part) is None:
            continue  # an exam entry's branch: a task or a pool
        result.append(part)
        node = _child(node, part)
    return tuple(result)


_ENTRY_TAGS = ("task", "pool")
"""The tags pydantic puts in the location of an exam section's entry (`tasks.2.pool.pick`)."""


def _child(node: yaml.Node | None, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == str(part):
                return value_node
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part]
    return None


def _node_at(root: yaml.Node | None, loc: Loc, key: bool = False) -> yaml.Node | None:
    """The node at `loc`; with key=True the key node of the last step (for unknown keys)."""
    node = root
    for depth, part in enumerate(loc):
        if key and depth == len(loc) - 1 and isinstance(node, yaml.MappingNode):
            return next((k for k, _ in node.value if k.value == str(part)), None)
        node = _child(node, part)
        if node is None:
            return None
    return node


def _dotted(loc: Loc) -> str:
    """`worksheet.exercises.3.answer`: list positions count from 1, like the printed numbers."""
    return ".".join(str(part + 1) if isinstance(part, int) else part for part in loc)


def _exercise_types() -> list[str]:
    from .model import EXERCISE_TYPES

    return list(EXERCISE_TYPES)


def _field_names(model: Any, loc: Loc) -> list[str]:
    """Field names of the model found at `loc`, for 'did you mean' hints."""
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    if not (isinstance(current, type) and issubclass(current, BaseModel)):
        return []
    return [field.alias or name for name, field in current.model_fields.items()]


def _step(annotation: Any, part: str | int) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            named = [_tagged_as(m) for m in members]
            if part in named:
                return typing.get_args(members[named.index(part)])[0]
            tagged = [
                m
                for m in members
                if isinstance(m, type)
                and issubclass(m, BaseModel)
                and typing.get_args(m.model_fields.get("type").annotation if "type" in m.model_fields else None)
                == (part,)
            ]
            if tagged:
                return tagged[0]
            if len(members) == 1:
                annotation = members[0]
                continue
            return None
        else:
            break
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field else None
    if typing.get_origin(annotation) in (list, tuple) and isinstance(part, int):
        return typing.get_args(annotation)[0]
    return None


def _tagged_as(annotation: Any) -> str | None:
    """The pydantic `Tag` of a union member (`Annotated[Task, Tag("task")]`), if it has one."""
    if typing.get_origin(annotation) is not typing.Annotated:
        return None
    return next((meta.tag for meta in annotation.__metadata__ if isinstance(meta, Tag)), None)
