"""An exam set's build: load → derive variants → hand out copies → lay out → check → bind → write.

Three PDFs come out, bound from parts each variant's work unit made, so every pupil's sheet
and every key keeps its own page numbers:

- `<id>-sheets.pdf`: the question papers, one per variant or, with a roster, one per pupil
  with the name printed, in class-list order;
- `<id>-answer-sheets.pdf` (optional): one page per copy, circles to fill and the teacher's
  tick boxes, with corner markers and a QR code naming the copy, for `booklet scan`;
- `<id>-keys.pdf`: the teacher's pages: every variant's answers in one grid (and the class
  list), then for each variant its key, its filled answer sheet and its marking scheme.

A variant is laid out once: its key, whose pages without the answers are its sheet, and whose
sheet, with a name stamped on, is each pupil's copy (engine/). Variants are laid out in worker
processes, their parts kept on disk until binding, so memory does not grow with the set. Each
sheet must paginate exactly like its key, and an answer sheet must fit on one page; only when
every part is made and bound are the files replaced.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .builds import Made, default_seed
from .choices import ASSIGNMENTS
from .engine.binding import Blank, Placed, bind
from .engine.imposition import impose
from .engine.painting import Field, answers_and_furniture, field, without_answers, without_furniture
from .engine.tagging import marking_fields
from .engine.workers import run_units
from .errors import BookletError
from .exam import Grid, Variant, derive_variants, grid
from .exam_loader import load_exam
from .exam_pages import (
    Copy,
    Stamp,
    answer_sheet_context,
    answer_sheet_html,
    answer_sheet_qr,
    feet_html,
    furniture_html,
    grid_parts,
    qr_code,
    rubric_html,
    sheet_context,
    sheet_html,
    stamps_html,
    summative_name,
    teacher_context,
    teacher_html,
)
from .labels import Labels
from .latin import latin_exam
from .lesson_build import PaginationMismatch, page_settings
from .model import Exam
from .paper import current_paper, current_variant, on_paper, writing_as
from .render import Layout, Renderer, current_renderer, rendering_with
from .roster import Pupil, read_roster


class Steps(Protocol):
    def step(self, what: str) -> None: ...


@dataclass(frozen=True)
class MadeExam:
    """An exam set made in memory, for `builds.build_exam` to write."""

    exam_id: str
    files: list[Made]
    seed: int
    variants: tuple[Variant, ...]
    copies: tuple[Copy, ...]
    steps: Steps | None
    """Where progress goes: the last step is the writing, which `builds.build_exam` does."""


def make_exam(
    path: Path,
    variants: int,
    seed: int | None,
    roster: str | Path | None,
    assign: str,
    answer_sheets: bool,
    duplex: bool,
    renderer: Renderer | None,
    lang: str | None,
    script: str | None,
    progress: Callable[[int], Steps] | None,
    jobs: int | None,
    imposed: str | None = None,
) -> MadeExam:
    """The PDFs of an exam set, in memory, checked (`builds.build_exam` says what the options
    mean, and writes them). Each variant is laid out once, in up to `jobs` worker processes,
    on the build's paper (paper.py); `renderer` is used for what is laid out in this process.
    `imposed`, each copy and each variant's key is put on A4 sheets of its own."""
    exam = load_exam(path)
    pupils = read_roster(roster) if roster is not None else None
    if assign not in ASSIGNMENTS:
        raise BookletError(f"unknown assignment {assign!r}; choose from {', '.join(ASSIGNMENTS)}")
    if seed is None:
        seed = default_seed(path.read_bytes())
    labels, alphabet = page_settings(exam, lang, script)
    if alphabet == "latn":
        exam = latin_exam(exam, exam.latin)
    try:
        derived = tuple(derive_variants(exam, seed, variants, labels))
    except ValueError as error:
        raise BookletError(str(error)) from None
    copies = hand_out(derived, pupils, seed, assign, exam.id)
    folder = path.resolve().parent
    named = tuple(copy for copy in copies if copy.pupil)
    # The grid first: it is the largest unit (a column per variant), and last it would leave
    # every other worker idle while it is laid out (30 variants: about 2 s of one core).
    answers = grid(list(derived))
    units: list[VariantUnit | FrontUnit] = [
        FrontUnit(exam, answers, labels, folder, seed, named, part, current_paper(), current_variant())
        for part in range(grid_parts(answers))
    ]
    units += [
        VariantUnit(
            exam, variant, labels, folder, answer_sheets, *_names(copies, variant), current_paper(), current_variant()
        )
        for variant in derived
    ]
    steps = progress(len(units) + 1) if progress else None

    with tempfile.TemporaryDirectory(prefix="booklet-") as staging:
        parts: dict[str, Path] = {}
        made: dict[int, Parts] = {}
        """Each variant's parts, by variant index; their bytes are on disk, in `staging`."""

        def done(unit: VariantUnit | FrontUnit, result: Parts) -> None:
            index = unit.variant.index if isinstance(unit, VariantUnit) else None
            for kind, data in result.files.items():
                name = kind if index is None else f"{kind}-{index}"
                parts[name] = Path(staging) / f"{name}.pdf"
                parts[name].write_bytes(data)
            made[-1 - unit.part if index is None else index] = Parts({}, result.pages)
            if steps:
                steps.step(labels.exam.grid if index is None else _named(unit.variant, labels))

        with rendering_with(renderer):
            run_units(lay_out_unit, units, done, jobs)
        title = f"{exam.title} – {summative_name(exam, labels)}"
        with rendering_with(renderer):
            front = _front_furniture(exam, answers, labels, folder, seed, named, made, parts, staging)
        documents = {
            "sheets": (_sheets(copies, made), title),
            "answer-sheets": (
                _answer_sheets(copies, made) if answer_sheets else [],
                f"{exam.title} – {labels.exam.answer_sheet}",
            ),
            "keys": (_keys(derived, made, front), f"{exam.title} – {labels.answer_key}"),
        }
        # Imposed, each copy is padded to whole sheets by the imposition, not with blank pages.
        bindings = [
            Binding(kind, _padded(groups, duplex and not imposed), parts, title, imposed, duplex, _sizes(groups))
            for kind, (groups, title) in documents.items()
            if groups
        ]
        bound: dict[str, tuple[bytes, int]] = {}
        run_units(bind_unit, bindings, lambda binding, data: bound.__setitem__(binding.kind, data), jobs)
        files = [(b.kind, f"{exam.id}-{b.kind}.pdf", *bound[b.kind]) for b in bindings]
    return MadeExam(exam.id, files, seed, derived, copies, steps)


@dataclass(frozen=True)
class Binding:
    """One file of the set to bind from the parts: the files are bound side by side, one per
    worker, as the sheets and the keys take about as long as each other (0.3 s each for 30
    variants, mostly merging the fonts) and nothing else is left to do."""

    kind: str
    pages: list[Placed | Blank]
    parts: dict[str, Path]
    title: str
    imposed: str | None = None
    """`2up` or `booklet`: the bound file put on A4 sheets (engine/imposition.py)."""
    duplex: bool = False
    documents: tuple[int, ...] = ()
    """The pages of each copy (or each variant's key) in the file, kept whole when imposed."""


def bind_unit(binding: Binding) -> tuple[bytes, int]:
    """The bound file and its pages (imposed: the sides of its sheets)."""
    pdf = bind(binding.pages, binding.parts, binding.title)
    if binding.imposed is None:
        return pdf, len(binding.pages)
    return impose(pdf, binding.imposed, binding.documents, binding.duplex)


# --- work units: plain data, laid out in any process (engine/workers.py) ---------------------


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
class Parts:
    """A unit's documents as PDFs, by kind, with their page counts. A variant's are the key,
    the sheet (the key's pages without the answers), the marking scheme, the answer sheet and
    its key, and the names (per pupil, one page for the sheet and one for the answer sheet)."""

    files: dict[str, bytes]
    pages: dict[str, int]


def lay_out_unit(unit: VariantUnit | FrontUnit) -> Parts:
    """The PDFs of one unit, laid out on its paper. Runs in a worker process, or in the build's own."""
    with on_paper(unit.paper), writing_as(unit.pdf_variant):
        return _lay_out_unit(unit, current_renderer())


def _lay_out_unit(unit: VariantUnit | FrontUnit, renderer: Renderer) -> Parts:
    if isinstance(unit, FrontUnit):
        html = teacher_html(unit.exam, unit.grid, unit.labels, unit.seed, unit.named, unit.part)
        what = f"{unit.exam.id} grid {unit.part + 1}"
        laid = renderer.lay_out(html, unit.folder, what)
        bare = laid.repainted([without_furniture(page) for page in laid.document.pages], laid.document.metadata.title)
        return Parts({f"front-{unit.part}": renderer.bind([bare], what).pdf}, {"front": laid.pages})
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
    laid = _painted_once(renderer, key, context, folder, "")
    check_exam_pagination(variant, laid["shared"], key)
    fields = [field(key.document.pages[0], "field", "name")]
    forms = [field(key.document.pages[0], "field", "form")]
    qr_field = None
    if unit.answer_sheets:
        answer_key, context = lay_out_answer_sheet(exam, variant, labels, renderer, folder, form)
        laid |= _painted_once(renderer, answer_key, context, folder, "answer-")
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
    files = {}
    for kind, layout in laid.items():  # marked for binding: the key's answers join their questions,
        # a pupil's name the sheet's name field (engine/structure.py)
        with marking_fields(in_order=kind in _ANSWERED):
            files[kind] = renderer.bind([layout], _what(exam, variant, kind)).pdf
    return Parts(files, {kind: layout.pages for kind, layout in laid.items()})


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


def _painted_once(renderer: Renderer, key: Layout, context: dict, folder: Path, prefix: str) -> dict[str, Layout]:
    """A key's pages as three parts that bind into the key and its sheet with nothing painted
    twice (engine/painting.py): `shared`, the pages without the answers and without running
    header and footer; `key`, the answers and the key's header and footer, to draw over them;
    `sheet`, the sheet's own header and footer («Бет 2 / 3» of the sheet), laid out on empty
    pages, to draw over them instead."""
    furniture = renderer.lay_out(furniture_html(context, key.pages), folder, "furniture")
    pages = key.document.pages
    return {
        f"{prefix}shared": key.repainted(
            [without_furniture(without_answers(page)) for page in pages], context["doc_title"]
        ),
        f"{prefix}key": key.repainted(
            [answers_and_furniture(page) for page in pages], key.document.metadata.title or ""
        ),
        f"{prefix}sheet": furniture,
    }


def _names(copies: tuple[Copy, ...], variant: Variant) -> tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...]]:
    """The names of the pupils who get `variant`, their places in the class list, and their classes."""
    mine = [
        (place, copy.pupil)
        for place, copy in enumerate(copies, start=1)
        if copy.pupil and copy.variant.index == variant.index
    ]
    return (
        tuple(pupil.name for _, pupil in mine),
        tuple(place for place, _ in mine),
        tuple(pupil.class_name for _, pupil in mine),
    )


# --- binding: which page of which part goes where ------------------------------------------


def _sheets(copies: tuple[Copy, ...], made: dict[int, Parts]) -> list[list[Placed]]:
    """Every copy in class-list order: its variant's sheet, the pupil's name stamped on page 1 and at
    the foot of every page."""
    return [_copy(copy, made, "sheet", 0, copies) for copy in copies]


def _answer_sheets(copies: tuple[Copy, ...], made: dict[int, Parts]) -> list[list[Placed]]:
    """Every copy's answer sheet, in class-list order, the pupil's name stamped on it."""
    return [_copy(copy, made, "answer-sheet", 1, copies) for copy in copies]


def _copy(copy: Copy, made: dict[int, Parts], kind: str, which: int, copies: tuple[Copy, ...]) -> list[Placed]:
    """The pages of one copy: its variant's `kind`, page 1 stamped with the pupil's name (the
    names of a variant are laid out in class-list order, one page per name and field)."""
    index = copy.variant.index
    stamp: tuple[tuple[str, int], ...] = ()
    foot: tuple[tuple[str, int], ...] = ()
    if copy.pupil is not None:
        same = [c for c in copies if c.pupil is not None and c.variant.index == index]
        fields = 2 if "answer-sheet" in made[index].pages else 1
        stamp = ((f"names-{index}", same.index(copy) * fields + which),)
        if kind == "sheet":  # not the answer sheet: one page, named, and its corners are read by the scanner
            foot = ((f"feet-{index}", same.index(copy)),)
    return [_page(kind, index, page, (stamp if page == 0 else ()) + foot) for page in range(made[index].pages[kind])]


def _front_furniture(
    exam: Exam,
    answers: Grid,
    labels: Labels,
    folder: Path,
    seed: int,
    named: tuple[Copy, ...],
    made: dict[int, Parts],
    parts: dict[str, Path],
    staging: str,
) -> list[int]:
    """The teacher's pages were laid out a grid page at a time, without running header and
    footer; their header and footer («Бет 2 / 8» over all of them) are laid out here, on empty
    pages, to be drawn over them (as a sheet's are over its key's pages). Returns each grid
    part's pages, in order."""
    counts = [made.pop(-1 - part).pages["front"] for part in range(grid_parts(answers))]
    context = teacher_context(exam, answers, labels, seed, named)
    furniture = current_renderer().render(furniture_html(context, sum(counts)), folder, f"{exam.id} grid furniture")
    parts["front-furniture"] = Path(staging) / "front-furniture.pdf"
    parts["front-furniture"].write_bytes(furniture.pdf)
    return counts


def _keys(variants: tuple[Variant, ...], made: dict[int, Parts], front: list[int]) -> list[list[Placed]]:
    """The grid and class list, then each variant's key, filled answer sheet and marking scheme."""
    offsets = [sum(front[:part]) for part in range(len(front))]
    groups = [
        [
            Placed(f"front-{part}", page, (("front-furniture", offsets[part] + page),))
            for part, count in enumerate(front)
            for page in range(count)
        ]
    ]
    for variant in variants:
        parts = made[variant.index]
        groups.append(
            [
                _page(kind, variant.index, page)
                for kind in ("key", "answer-key", "rubric")
                if kind in parts.pages
                for page in range(parts.pages[kind])
            ]
        )
    return groups


_ANSWERED = {"shared", "key", "answer-shared", "answer-key"}
"""The parts laid out from one key layout, whose structure elements are merged when bound."""

_SHARED = {"key": "shared", "sheet": "shared", "answer-key": "answer-shared", "answer-sheet": "answer-shared"}
"""The part whose pages a document draws itself over (see `_painted_once`)."""


def _page(kind: str, index: int, page: int, stamp: tuple[tuple[str, int], ...] = ()) -> Placed:
    """Page `page` of variant `index`'s document `kind`, with `stamp` drawn over it."""
    if kind in _SHARED:
        return Placed(f"{_SHARED[kind]}-{index}", page, ((f"{kind}-{index}", page), *stamp))
    return Placed(f"{kind}-{index}", page, stamp)


def _sizes(groups: list[list[Placed]]) -> tuple[int, ...]:
    return tuple(len(group) for group in groups)


def _padded(groups: list[list[Placed]], duplex: bool) -> list[Placed | Blank]:
    """The groups' pages in order; printing on both sides, each group fills whole sheets of paper."""
    pages: list[Placed | Blank] = []
    for group in groups:
        pages += group
        if duplex and len(group) % 2:
            pages.append(Blank())
    return pages


def hand_out(
    variants: tuple[Variant, ...], pupils: tuple[Pupil, ...] | None, seed: int, assign: str, exam_id: str
) -> tuple[Copy, ...]:
    """The copies to print: one per variant, or one per pupil in class-list order.

    Round-robin gives pupil n variant n mod count, so neighbours on the list (who often sit
    together) differ; `shuffle` deals the same even counts out in an order drawn from the
    seed, so the same class and seed always get the same variants."""
    if pupils is None:
        return tuple(Copy(variant) for variant in variants)
    dealt = [variants[index % len(variants)] for index in range(len(pupils))]
    if assign == "shuffle":
        random.Random(f"{exam_id}/{seed}/roster").shuffle(dealt)
    return tuple(Copy(variant, pupil) for variant, pupil in zip(dealt, pupils, strict=True))


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


def _named(variant: Variant, labels: Labels) -> str:
    return f"{labels.variant} {variant.letter} ({variant.code})"


def _what(exam: Exam, variant: Variant, kind: str) -> str:
    return f"{exam.id} variant {variant.letter} {kind}"
