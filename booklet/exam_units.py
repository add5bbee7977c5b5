"""An exam's work units: what one variant, or one page of the teacher's grid, is laid out into.

A unit is plain data (the exam, the variant, the labels, the pupils' names), so it can be laid
out in any process (engine/workers.py): the build hands them to its workers and binds what
they return (exam_build.py). A variant's key is laid out once and made into the parts its
files are bound from (engine/painting.py): the pages its sheet and key share, the key's
answers and running header, the marking scheme, the answer sheet and its key, and the pages
of pupils' names to stamp on each copy. The sheet's running header, the same for every
variant, is a unit of its own, laid out once for the set.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from .engine.painting import Field, answers_and_head, field, head_only, without_answers, without_furniture, without_head
from .engine.tagging import marking_fields, taken_tree
from .errors import BookletError
from .exam import Grid, Variant
from .exam_pages import (
    Copy,
    Stamp,
    answer_sheet_context,
    answer_sheet_html,
    answer_sheet_qr,
    feet_html,
    furniture_html,
    qr_code,
    rubric_html,
    sheet_context,
    sheet_html,
    stamps_html,
    teacher_html,
)
from .labels import Labels
from .lesson_build import PaginationMismatch
from .model import Exam
from .paper import current_paper, current_variant, on_paper, writing_as
from .render import Layout, Renderer, current_renderer
from .roster import Pupil


@dataclass(frozen=True)
class VariantUnit:
    """Everything one variant's documents are made from."""

    exam: Exam
    variant: Variant
    labels: Labels
    folder: Path
    answer_sheets: bool
    names: tuple[str, ...]
    """The pupils who get this variant, in class-list order: their names are stamped."""
    places: tuple[int, ...] = ()
    """Each of those pupils' place (1-based) in the class list, for their answer sheets' QR codes."""
    forms: tuple[str, ...] = ()
    """Each of those pupils' class («9 Ә»; empty when the roster has no class column)."""
    paper: str = "a4"
    pdf_variant: str = "pdf/ua-1"
    """The PDF standard the parts claim (paper.py's `writing_as`); the bound files keep it."""


@dataclass(frozen=True)
class FrontUnit:
    """The teacher's first pages: every variant's answers as a grid, and the class list."""

    exam: Exam
    grid: Grid
    labels: Labels
    folder: Path
    seed: int
    named: tuple[Copy, ...]
    part: int = 0
    """Which page of the grid (`exam_pages.grid_parts`); the last also has the class list."""
    paper: str = "a4"
    pdf_variant: str = "pdf/ua-1"


@dataclass(frozen=True)
class FurnitureUnit:
    """A running header and footer laid out on empty pages, to be drawn over pages laid out
    without them: the teacher's pages' («Бет 2 / 8» over all of them), or, `head` only, the
    running header of the pupils' sheets (or answer sheets), one page that every page of every
    variant draws (a sheet's footer is its key's, on the pages they share). The teacher's
    needs the grid's page count, so the build adds it once the grid's units are done, for a
    worker to lay out among the variants (engine/workers.py's `run_units`): after them all,
    it was a third of a second with every worker idle."""

    html: str
    folder: Path
    what: str
    paper: str = "a4"
    pdf_variant: str = "pdf/ua-1"
    name: str = "front-furniture"
    """The part it makes (exam_build.py binds the parts by name)."""
    head: bool = False


@dataclass(frozen=True)
class Parts:
    """A unit's documents as PDFs, by kind, with their page counts. A variant's are the key,
    the sheet (the key's pages without the answers), the marking scheme, the answer sheet and
    its key, and the names (per pupil, one page for the sheet and one for the answer sheet)."""

    files: dict[str, bytes]
    pages: dict[str, int]
    trees: dict[str, list] = dataclasses.field(default_factory=dict)
    """Each part's structure tree, as data (engine/tagging.py's `taken_tree`): not in its PDF."""


def lay_out_unit(unit: VariantUnit | FrontUnit | FurnitureUnit) -> Parts:
    """The PDFs of one unit, laid out on its paper. Runs in a worker process, or in the build's own."""
    with on_paper(unit.paper), writing_as(unit.pdf_variant):
        return _lay_out_unit(unit, current_renderer())


def _lay_out_unit(unit: VariantUnit | FrontUnit | FurnitureUnit, renderer: Renderer) -> Parts:
    if isinstance(unit, FurnitureUnit):
        laid = renderer.lay_out(unit.html, unit.folder, unit.what)
        if unit.head:
            laid = laid.repainted([head_only(page) for page in laid.document.pages], laid.document.metadata.title)
        with marking_fields():  # its tree as data, as a variant's parts have theirs
            furniture = renderer.bind([laid], unit.what)
            tree = taken_tree()
        return Parts({unit.name: furniture.pdf}, {unit.name: furniture.pages}, {unit.name: tree})
    if isinstance(unit, FrontUnit):
        html = teacher_html(unit.exam, unit.grid, unit.labels, unit.seed, unit.named, unit.part)
        what = f"{unit.exam.id} grid {unit.part + 1}"
        laid = renderer.lay_out(html, unit.folder, what)
        bare = laid.repainted([without_furniture(page) for page in laid.document.pages], laid.document.metadata.title)
        with marking_fields():  # its tree as data, as a variant's parts have theirs
            pdf = renderer.bind([bare], what).pdf
            tree = taken_tree()
        return Parts({f"front-{unit.part}": pdf}, {"front": laid.pages}, {f"front-{unit.part}": tree})
    return lay_out_variant(unit, renderer)


def lay_out_variant(unit: VariantUnit, renderer: Renderer) -> Parts:
    """A variant laid out once: the key is laid out, and the sheet is its pages painted without
    the answers and with the sheet's header (engine/painting.py); the same for the answer sheet.
    Names are laid out together on pages of their own, to be stamped on the copies, and on the
    answer sheets each copy's QR code (which holds the pupil's place) with its name."""
    exam, variant, labels, folder = unit.exam, unit.variant, unit.labels, unit.folder
    qr = qr_code(exam, variant)
    unnamed = Copy(variant)
    form = "" if any(unit.forms) else None  # a class list's classes are stamped: the shared field stays empty
    html = sheet_html(exam, unnamed, labels, qr, show_answers=True, answer_sheets=unit.answer_sheets, form=form)
    key = renderer.lay_out(html, folder, _what(exam, variant, "key"))
    context = sheet_context(exam, unnamed, labels, qr, False, unit.answer_sheets)
    laid = _painted_once(key, context, "")
    check_exam_pagination(variant, laid["shared"], key)
    fields = [field(key.document.pages[0], "field", "name")]
    forms = [field(key.document.pages[0], "field", "form")]
    qr_field = None
    if unit.answer_sheets:
        answer_key, context = lay_out_answer_sheet(exam, variant, labels, renderer, folder, form)
        laid |= _painted_once(answer_key, context, "answer-")
        fields.append(field(answer_key.document.pages[0], "field", "name"))
        forms.append(field(answer_key.document.pages[0], "field", "form"))
        qr_field = field(answer_key.document.pages[0], "exam-qr")
    laid["rubric"] = renderer.lay_out(rubric_html(exam, variant, labels), folder, _what(exam, variant, "rubric"))
    if unit.names:
        if None in fields or (unit.answer_sheets and qr_field is None):
            raise BookletError(f"{exam.id}: the sheet of variant {variant.letter} has no name field to print names in")
        classes = tuple(c or exam.class_ for c in unit.forms) if form == "" else ("",) * len(unit.names)
        stamps = [
            stamp
            for name, place, form in zip(unit.names, unit.places, classes, strict=True)
            for stamp in _stamps(exam, variant, fields, qr_field, name, place, (forms, form))
        ]
        laid["names"] = renderer.lay_out(stamps_html(exam, labels, stamps), folder, _what(exam, variant, "names"))
        if laid["names"].pages != len(stamps):
            raise PaginationMismatch(f"{len(stamps)} names laid out on {laid['names'].pages} pages")
        forms = unit.forms or ("",) * len(unit.names)
        pupils = zip(unit.names, forms, strict=True)
        feet = [", ".join(part for part in (name, c or exam.class_) if part) for name, c in pupils]
        laid["feet"] = renderer.lay_out(feet_html(exam, labels, feet), folder, _what(exam, variant, "feet"))
        if laid["feet"].pages != len(feet):
            raise PaginationMismatch(f"{len(feet)} pupils' feet laid out on {laid['feet'].pages} pages")
    files, trees = {}, {}
    for kind, layout in laid.items():  # marked for binding: the key's answers join their questions,
        # a pupil's name the sheet's name field (engine/structure.py)
        with marking_fields(in_order=kind in _ANSWERED):
            files[kind] = renderer.bind([layout], _what(exam, variant, kind)).pdf
            trees[kind] = taken_tree()
    pages = {kind: layout.pages for kind, layout in laid.items()}
    pages |= {
        kind: pages[shared]
        for kind, shared in (("sheet", "shared"), ("answer-sheet", "answer-shared"))
        if shared in pages
    }
    return Parts(files, pages, trees)


def lay_out_answer_sheet(
    exam: Exam, variant: Variant, labels: Labels, renderer: Renderer, folder: Path, form: str | None = None
) -> tuple[Layout, dict]:
    """The variant's answer sheet as every copy of it prints it, laid out once with its answers
    (the key's answer sheet; without them, the pupils'), and the context of its pupils' version.
    `booklet scan` lays a sheet out with this too (scan/layout.py), so it finds every circle
    exactly where the printed sheet has it. The QR code is the unnamed copy's; a named copy's
    own is stamped over it."""
    qr, unnamed = answer_sheet_qr(exam, variant), Copy(variant)
    html = answer_sheet_html(exam, unnamed, labels, qr, show_answers=True, form=form)
    layout = _one_page(renderer.lay_out(html, folder, _what(exam, variant, "answer key")), exam, variant)
    return layout, answer_sheet_context(exam, unnamed, labels, qr, False, form)


def _stamps(
    exam: Exam,
    variant: Variant,
    fields: list,
    qr_field: Field | None,
    name: str,
    place: int,
    form: tuple[list[Field | None], str] = ([], ""),
) -> list[Stamp]:
    """A pupil's stamps, in the order of `fields`: the sheet's name, then the answer sheet's
    name with the copy's QR code; each with the pupil's class in the class field, if known."""
    places, class_name = form
    shown = [(places[i] if i < len(places) and class_name else None) for i in range(len(fields))]
    stamps = [Stamp(fields[0], name, form_field=shown[0], form=class_name if shown[0] else "")]
    if len(fields) > 1:
        qr = answer_sheet_qr(exam, variant, place)
        stamps.append(Stamp(fields[1], name, qr_field, qr, form_field=shown[1], form=class_name if shown[1] else ""))
    return stamps


def _painted_once(key: Layout, context: dict, prefix: str) -> dict[str, Layout]:
    """A key's pages as two parts that bind into the key and its sheet with nothing painted
    twice (engine/painting.py): `shared`, the pages without the answers and without the
    running header, with the footer («Бет 2 / 3», the variant's note: the same on both);
    `key`, the answers and the key's running header, to draw over them. The sheet draws its
    own running header over them instead (`sheet_head`)."""
    pages = key.document.pages
    return {
        f"{prefix}shared": key.repainted([without_head(without_answers(page)) for page in pages], context["doc_title"]),
        f"{prefix}key": key.repainted([answers_and_head(page) for page in pages], key.document.metadata.title or ""),
    }


def sheet_head(exam: Exam, variant: Variant, labels: Labels, answer_sheet: bool, folder: Path) -> FurnitureUnit:
    """The running header of every pupil's sheet (`answer_sheet`: answer sheet) of the set:
    its title and kind, which no variant changes; laid out once, on one page, and drawn over
    every page of every variant. `variant` is any of them: only its footer would differ,
    and the footer is left out (each variant's shared pages carry their own)."""
    qr, unnamed = (answer_sheet_qr if answer_sheet else qr_code)(exam, variant), Copy(variant)
    context = (
        answer_sheet_context(exam, unnamed, labels, qr, False)
        if answer_sheet
        else sheet_context(exam, unnamed, labels, qr, False)
    )
    name = "answer-sheet-head" if answer_sheet else "sheet-head"
    return FurnitureUnit(
        furniture_html(context, 1), folder, f"{exam.id} {name}", current_paper(), current_variant(), name, head=True
    )


_ANSWERED = {"shared", "key", "answer-shared", "answer-key"}
"""The parts laid out from one key layout, whose structure elements are merged when bound."""


def check_exam_pagination(variant: Variant, sheet: Layout, key: Layout, pupil: Pupil | None = None) -> None:
    """A copy and its variant's key must have the same pages holding the same questions."""
    whose = f"variant {variant.letter}" + (f" for {pupil.name}" if pupil else "")
    if sheet.pages != key.pages:
        raise PaginationMismatch(f"{whose}: the sheet has {sheet.pages} pages, the key {key.pages}")
    questions = {anchor for task in variant.tasks for anchor in task.exercise.anchors}
    placed: set[str] = set()
    for page in range(sheet.pages):
        on_sheet, on_key = sheet.anchors(page) & questions, key.anchors(page) & questions
        if on_sheet != on_key:
            raise PaginationMismatch(
                f"{whose}, page {page + 1}: sheet has {sorted(on_sheet)}, key has {sorted(on_key)}"
            )
        placed |= on_sheet
    if missing := questions - placed:
        raise PaginationMismatch(f"{whose}: questions on no page: {sorted(missing)}")


def _one_page(layout: Layout, exam: Exam, variant: Variant) -> Layout:
    if layout.pages != 1:
        raise BookletError(
            f"{exam.id}: the answer sheet of variant {variant.letter} needs {layout.pages} pages, not one; "
            "leave out --answer-sheet, or move some tasks into a second exam"
        )
    return layout


def _what(exam: Exam, variant: Variant, kind: str) -> str:
    return f"{exam.id} variant {variant.letter} {kind}"
