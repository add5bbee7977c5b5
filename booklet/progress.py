"""Progress of a long run (thirty exam variants, a class set): a bar on a terminal, lines elsewhere.

On a terminal the bar redraws itself in place; in a log, a pipe or CI each step is one plain
line, so nothing is full of carriage returns. Reporting goes to stderr by default, so the
summary on stdout stays one clean line a script can read.
"""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    """Counts `total` steps, each named as it finishes."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 28):
        self.total, self.done, self.width = total, 0, width
        self.stream = stream if stream is not None else sys.stderr
        self.terminal = self.stream.isatty()

    def step(self, what: str) -> None:
        """One more step is done; `what` says which (a variant, a pupil's sheet)."""
        self.done += 1
        count = f"{self.done}/{self.total}"
        if self.terminal:
            filled = self.width * self.done // max(self.total, 1)
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r[{bar}] {count} {what}\x1b[K")
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(f"{count} {what}\n")
        self.stream.flush()
