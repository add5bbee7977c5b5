"""Checking what the teacher types, as `booklet check` would check the saved file.

The text is loaded as if it were the file (`load_content(path, text)`), so a lesson's figures
and an exam's lessons are found beside it, and every problem comes back with booklet's own
message at its line. A problem in another file (a course's lesson) is shown at line 1 with
that file's name, so nothing is hidden.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from ..errors import BookletError, ContentError, Problem
from ..source import MAX_FILE_BYTES
from .workspace import kind_of


def check_text(path: Path, text: str, root: Path) -> list[dict[str, Any]]:
    """Every problem booklet finds in `text` as the content of `path`: line (1-based), column, message."""
    from ..loader import load_content

    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        return [
            {"line": 1, "column": 1, "message": f"the text is larger than booklet reads ({MAX_FILE_BYTES:,} bytes)"}
        ]
    try:
        load_content(path, text)
    except ContentError as error:
        return [_shown(problem, path, root) for problem in error.problems]
    except BookletError as error:
        return [{"line": 1, "column": 1, "message": str(error)}]
    return []


def _shown(problem: Problem, path: Path, root: Path) -> dict[str, Any]:
    message = f"{problem.path}: {problem.message}" if problem.path else problem.message
    if problem.hint:
        message = f"{message} ({problem.hint})"
    if Path(problem.file).resolve() != path.resolve():
        other = Path(problem.file).resolve()
        shown = other.relative_to(root).as_posix() if other.is_relative_to(root) else other.name
        return {"line": 1, "column": 1, "message": f"{shown}:{problem.line}: {message}"}
    return {"line": problem.line, "column": problem.column, "message": " ".join(message.splitlines())}


@cache
def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema the editor completes keys from (`booklet schema`'s)."""
    from .. import course_schema, exam_schema, lesson_schema

    return {"lesson": lesson_schema, "course": course_schema, "exam": exam_schema}[kind]()


def schema_of_text(text: str) -> dict[str, Any]:
    return schema_for(kind_of(text))
