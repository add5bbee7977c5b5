"""A lesson's build: load → validate → derive → typeset → render → write.

Everything is rendered in memory and checked (fonts, sheet/key pagination) before the first
file is replaced, so a build either writes all its printouts or none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .labels import labels_for
from .loader import load_lesson
from .output import prepare_folder, write_atomically
from .printouts import KINDS, html_for
from .render import Rendered, Renderer, default_renderer
from .worksheet import Sheet, derive_sheet


class PaginationMismatch(AssertionError):
    """The key does not paginate like its worksheet: a bug in booklet, never the user's fault."""


@dataclass(frozen=True)
class Printout:
    """One PDF a build wrote."""

    kind: str
    path: Path
    pages: int
    size: int


def build(
    lesson_path: str | Path,
    out_dir: str | Path,
    only: Iterable[str] = KINDS,
    renderer: Renderer | None = None,
) -> list[Printout]:
    """Build the printouts `only` names (default: all) of one lesson into `out_dir`."""
    lesson_path = Path(lesson_path)
    kinds = [kind for kind in KINDS if kind in set(only)]
    lesson = load_lesson(lesson_path)
    labels = labels_for(lesson.language)
    renderer = renderer or default_renderer()
    sheet = derive_sheet(lesson, labels) if {"worksheet", "key"} & set(kinds) else None
    folder = lesson_path.resolve().parent
    rendered: dict[str, Rendered] = {}
    for kind in kinds:
        name = f"{lesson.id}-{kind}.pdf"
        rendered[kind] = renderer.render(html_for(kind, lesson, labels, sheet), folder, name)
    if sheet is not None and "worksheet" in rendered and "key" in rendered:
        check_pagination(sheet, rendered["worksheet"], rendered["key"])
    out = Path(out_dir)
    prepare_folder(out)
    written = []
    for kind, result in rendered.items():
        path = out / f"{lesson.id}-{kind}.pdf"
        write_atomically(path, result.pdf)
        written.append(Printout(kind, path, result.pages, len(result.pdf)))
    return written


def check_pagination(sheet: Sheet, worksheet: Rendered, key: Rendered) -> None:
    """Page n of the key must hold exactly the questions of page n of the worksheet."""
    questions = {anchor for exercise in sheet.exercises for anchor in exercise.anchors}
    if key.pages <= worksheet.pages:
        raise PaginationMismatch(f"the key has {key.pages} pages, the worksheet {worksheet.pages}")
    placed: set[str] = set()
    for page in range(worksheet.pages):
        on_sheet = worksheet.anchors(page) & questions
        on_key = key.anchors(page) & questions
        if on_sheet != on_key:
            raise PaginationMismatch(f"page {page + 1}: sheet has {sorted(on_sheet)}, key has {sorted(on_key)}")
        placed |= on_sheet
    if missing := questions - placed:
        raise PaginationMismatch(f"questions not found on any worksheet page: {sorted(missing)}")
