"""The paper a build lays its pages out on, known to whatever measures or styles a page.

Blanks are sized in Python (typeset.py) and drawn by the stylesheet from the same numbers, so
both must know whether the page is A4 or A5. A build says so once, around all its work
(`on_paper`); a work unit carries its paper too, so a worker process that did not inherit the
build's state (one spawned, not forked) lays out on the same paper. Standard library only:
builds.py enters it before anything heavy is imported.

The PDF standard the files claim (`writing_as`) travels the same way: it is part of how a
build prints, chosen once and known to the renderer that writes every file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .choices import PAPERS, PDF_VARIANTS
from .errors import BookletError

_ON: list[str] = []
_AS: list[str] = []


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


@contextmanager
def writing_as(variant: str | None) -> Iterator[None]:
    """Write PDFs claiming `variant` (one of `choices.PDF_VARIANTS`; None: the default) while
    inside. Like the paper, a work unit carries it into its worker process."""
    if variant is not None and variant not in PDF_VARIANTS:
        raise BookletError(f"unknown PDF variant {variant!r}; choose from {', '.join(PDF_VARIANTS)}")
    _AS.append(variant or PDF_VARIANTS[0])
    try:
        yield
    finally:
        _AS.pop()


def current_variant() -> str:
    """The PDF standard the build now writing claims: PDF/UA-1 unless one said otherwise."""
    return _AS[-1] if _AS else PDF_VARIANTS[0]
