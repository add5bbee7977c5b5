"""Errors meant for the person running booklet.

Everything a user can cause (a bad lesson file, a missing figure, a refused URL) is a
`BookletError`; the CLI prints it and exits with code 2. Any other exception is a bug in
booklet and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class BookletError(Exception):
    """A problem the user can fix; its text is the whole message."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a content file, with where it is and how to fix it."""

    file: Path
    line: int
    column: int
    path: str
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        """One line, whatever the message quotes: a problem is one line of output, for people
        and for editors that read `file:line:col:` lines."""
        where = f"{self.file}:{self.line}:{self.column}"
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        text = f"{text} ({self.hint})" if self.hint else text
        return " ".join(text.splitlines())


class ContentError(BookletError):
    """Every problem found in one content file, reported together."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (str(p.file), p.line, p.column, p.path))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[ContentError], tuple[list[Problem]]]:
        """Made again from its problems, when it comes back from a worker process."""
        return (type(self), (self.problems,))


class ResourceError(BookletError):
    """A page asked for a file or URL that booklet refuses to read."""
