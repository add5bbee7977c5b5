"""The paper a build lays its pages out on, known to whatever measures or styles a page.

Blanks are sized in Python (typeset.py) and drawn by the stylesheet from the same numbers, so
both must know whether the page is A4 or A5. A build says so once, around all its work
(`on_paper`); a work unit carries its paper too, so a worker process that did not inherit the
build's state (one spawned, not forked) lays out on the same paper. Standard library only:
builds.py enters it before anything heavy is imported.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .choices import PAPERS
from .errors import BookletError

_ON: list[str] = []


@contextmanager
def on_paper(paper: str) -> Iterator[None]:
    """Lay out on `paper` (one of `choices.PAPERS`) while inside."""
    if paper not in PAPERS:
        raise BookletError(f"unknown paper {paper!r}; choose from {', '.join(PAPERS)}")
    _ON.append(paper)
    try:
        yield
    finally:
        _ON.pop()


def current_paper() -> str:
    """The paper of the build now laying out: A4 unless one said otherwise."""
    return _ON[-1] if _ON else "a4"
