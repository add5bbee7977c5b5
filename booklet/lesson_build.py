"""A lesson's build: load → validate → derive → typeset → render → write.

Everything is rendered in memory and checked (fonts, sheet/key pagination) before the first
file is replaced, so a build either writes all its printouts or none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .builds import Made
from .engine.imposition import impose
from .engine.painting import with_furniture, without_answers
from .engine.workers import run_units
from .errors import BookletError, ContentError
from .labels import Labels, labels_for
from .latin import latin_lesson
from .loader import load_lesson
from .model import Lesson
from .model.lesson import TitleBlock
from .paper import current_variant, on_paper, writing_as
from .printouts import furniture_html, html_for, printout_context
from .render import Layout, Rendered, Renderer, current_renderer, rendering_with
from .worksheet import Sheet, derive_sheet


class PaginationMismatch(AssertionError):
    """The key does not paginate like its worksheet: a bug in booklet, never the user's fault."""


def make_lessons(
    paths: list[Path],
    kinds: list[str],
    renderer: Renderer | None,
    lang: str | None,
    script: str | None,
    jobs: int | None,
    paper: str = "a4",
    imposed: str | None = None,
) -> list[Made]:
    """The printouts `kinds` of the lessons at `paths`, in memory, checked (`builds.build`
    writes them). Every lesson is loaded first, so one run reports the problems of all files.
    The handout, the tables and the worksheet with its key of every lesson are work units,
    laid out in up to `jobs` processes, on `paper`, and `imposed` on A4 sheets if asked."""
    loaded = _load_all(paths)
    units = []
    for path, lesson in loaded:
        labels, alphabet = page_settings(lesson, lang, script)
        printed = latin_lesson(lesson, lesson.latin) if alphabet == "latn" else lesson
        for group in _GROUPS:
            if wanted := tuple(kind for kind in group if kind in kinds):
                unit = LessonUnit(printed, path.resolve().parent, wanted, labels, paper, imposed, current_variant())
                units.append(unit)
    made: dict[str, tuple[bytes, int]] = {}

    def done(unit: LessonUnit, result: dict[str, tuple[bytes, int]]) -> None:
        made.update({f"{unit.lesson.id}-{kind}.pdf": printed for kind, printed in result.items()})

    with rendering_with(renderer):
        run_units(lay_out_lesson_unit, units, done, jobs)
    names = [(kind, f"{lesson.id}-{kind}.pdf") for _, lesson in loaded for kind in kinds]
    return [(kind, name, *made[name]) for kind, name in names]


_GROUPS = (("handout",), ("tables",), ("worksheet", "key"))
"""A lesson's printouts as work units: the worksheet and its key are one layout."""


@dataclass(frozen=True)
class LessonUnit:
    """Printouts of one lesson to lay out together: plain data, for any process."""

    lesson: Lesson
    folder: Path
    kinds: tuple[str, ...]
    labels: Labels
    paper: str = "a4"
    imposed: str | None = None
    """`2up` or `booklet`: the pages put on A4 sheets (engine/imposition.py); None: as laid out."""
    variant: str = "pdf/ua-1"
    """The PDF standard the files claim (paper.py's `writing_as`)."""


def lay_out_lesson_unit(unit: LessonUnit) -> dict[str, tuple[bytes, int]]:
    """The PDF and page count (sides of sheets, when imposed) of each printout of `unit`.
    Runs in a worker process, or in the build's own."""
    with on_paper(unit.paper), writing_as(unit.variant):
        rendered = render_lesson(unit.lesson, unit.folder, unit.kinds, current_renderer(), unit.labels)
    if unit.imposed is None:
        return {kind: (result.pdf, result.pages) for kind, result in rendered.items()}
    return {kind: impose(result.pdf, unit.imposed) for kind, result in rendered.items()}


def page_settings(block: TitleBlock, lang: str | None, script: str | None) -> tuple[Labels, str]:
    """The labels and alphabet a lesson or course is printed with: the command line's choice,
    else the file's own, else the content's language in Cyrillic."""
    alphabet = script or block.script or "cyrl"
    return labels_for(lang or block.labels or block.language, alphabet), alphabet


def _load_all(paths: list[Path]) -> list[tuple[Path, Lesson]]:
    loaded, problems = [], []
    for path in paths:
        try:
            loaded.append((path, load_lesson(path)))
        except ContentError as error:
            problems += error.problems
    if problems:
        raise ContentError(problems)
    first: dict[str, Path] = {}
    for path, lesson in loaded:
        if lesson.id in first:
            raise BookletError(
                f"{path}: lesson id '{lesson.id}' is also used by {first[lesson.id]}; "
                "their PDFs would overwrite each other"
            )
        first[lesson.id] = path
    return loaded


def render_lesson(
    lesson: Lesson, folder: Path, kinds: Iterable[str], renderer: Renderer, labels: Labels | None = None
) -> dict[str, Rendered]:
    """Render the printouts `kinds` of `lesson`, checked, in memory; `folder` holds its figures.
    `labels` are the page labels (default: those of the lesson's language)."""
    labels = labels_for(lesson.language) if labels is None else labels
    kinds = list(kinds)
    rendered = {
        kind: renderer.render(html_for(kind, lesson, labels), folder, f"{lesson.id}-{kind}.pdf")
        for kind in kinds
        if kind not in ("worksheet", "key")
    }
    if {"worksheet", "key"} & set(kinds):
        rendered |= render_worksheet_and_key(lesson, folder, renderer, labels)
    return {kind: rendered[kind] for kind in kinds}


def render_worksheet_and_key(lesson: Lesson, folder: Path, renderer: Renderer, labels: Labels) -> dict[str, Rendered]:
    """The worksheet and its key from one layout: the key is laid out, and the worksheet is its
    pages up to the answer table, painted without the answers and with the worksheet's own
    header and page numbers (engine/painting.py). They paginate alike by construction;
    `check_pagination` stays as a cheap proof."""
    sheet = derive_sheet(lesson, labels)
    key = renderer.lay_out(html_for("key", lesson, labels, sheet), folder, f"{lesson.id}-key.pdf")
    table = key.first_page_with("answer-table")
    if table is None:
        raise PaginationMismatch("the key has no answer table")
    furniture = renderer.lay_out(furniture_html("worksheet", lesson, labels, sheet, table), folder, "furniture")
    pages = [
        with_furniture(without_answers(page), frame)
        for page, frame in zip(key.document.pages[:table], furniture.document.pages, strict=True)
    ]
    _, context = printout_context("worksheet", lesson, labels, sheet)
    worksheet = key.repainted(pages, context["doc_title"])
    check_pagination(sheet, worksheet, key)
    return {
        "worksheet": renderer.bind([worksheet], f"{lesson.id}-worksheet.pdf"),
        "key": renderer.bind([key], f"{lesson.id}-key.pdf"),
    }


def check_pagination(sheet: Sheet, worksheet: Layout, key: Layout) -> None:
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
