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

import pickle
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
from .engine.workers import run_units
from .errors import BookletError
from .exam import Grid, Variant, derive_variants, grid
from .exam_loader import load_exam
from .exam_pages import (
    Copy,
    furniture_html,
    grid_parts,
    summative_name,
    teacher_context,
)
from .exam_units import FrontUnit, FurnitureUnit, Parts, VariantUnit, lay_out_unit, sheet_head
from .labels import Labels
from .latin import latin_exam
from .lesson_build import page_settings
from .model import Exam
from .paper import current_paper, current_variant
from .render import Renderer, rendering_with
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
    units: list[VariantUnit | FrontUnit | FurnitureUnit] = [
        FrontUnit(exam, answers, labels, folder, seed, named, part, current_paper(), current_variant())
        for part in range(grid_parts(answers))
    ]
    heads = [
        sheet_head(exam, derived[0], labels, answer_sheet, folder)
        for answer_sheet in (False, True)[: 1 + answer_sheets]
    ]
    units += [
        VariantUnit(
            exam, variant, labels, folder, answer_sheets, *_names(copies, variant), current_paper(), current_variant()
        )
        for variant in derived
    ]
    steps = progress(len(units) + 1) if progress else None  # a step per variant and grid page, and the writing
    units += heads

    with tempfile.TemporaryDirectory(prefix="booklet-") as staging:
        parts: dict[str, Path] = {}
        made: dict[int, Parts] = {}
        """Each variant's parts, by variant index; their bytes are on disk, in `staging`."""

        def done(unit: VariantUnit | FrontUnit | FurnitureUnit, result: Parts) -> None:
            index = unit.variant.index if isinstance(unit, VariantUnit) else None
            for kind, data in result.files.items():
                name = kind if index is None else f"{kind}-{index}"
                parts[name] = Path(staging) / f"{name}.pdf"
                parts[name].write_bytes(data)
                if kind in result.trees:  # the part's structure tree, beside it (engine/binding.py)
                    parts[name].with_suffix(".tree").write_bytes(pickle.dumps(result.trees[kind]))
            if isinstance(unit, FurnitureUnit):
                return
            made[-1 - unit.part if index is None else index] = Parts({}, result.pages)
            if isinstance(unit, FrontUnit) and unit.part == grid_parts(answers) - 1:  # the grid's pages are counted
                units.append(_front_furniture(exam, answers, labels, folder, seed, named, made))
            if steps:
                steps.step(labels.exam.grid if index is None else _named(unit.variant, labels))

        with rendering_with(renderer):
            run_units(lay_out_unit, units, done, jobs)
        title = f"{exam.title} – {summative_name(exam, labels)}"
        front = [made.pop(-1 - part).pages["front"] for part in range(grid_parts(answers))]
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
        first = sorted(bindings, key=lambda binding: binding.kind != "keys")  # the longest first
        run_units(bind_unit, first, lambda binding, data: bound.__setitem__(binding.kind, data), jobs)
        files = [(b.kind, f"{exam.id}-{b.kind}.pdf", *bound[b.kind]) for b in bindings]
    return MadeExam(exam.id, files, seed, derived, copies, steps)


@dataclass(frozen=True)
class Binding:
    """One file of the set to bind from the parts: the files are bound side by side, one per
    worker, the keys first, as the longest (30 variants: about 0.5 s, the sheets 0.3 s,
    mostly merging the fonts and writing the structure tree); nothing else is left to do."""

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
    exam: Exam, answers: Grid, labels: Labels, folder: Path, seed: int, named: tuple[Copy, ...], made: dict[int, Parts]
) -> FurnitureUnit:
    """The teacher's pages are laid out a grid page at a time, without running header and
    footer; their header and footer («Бет 2 / 8» over all of them) are laid out on empty
    pages, to be drawn over them (as a sheet's are over its key's pages), once the grid's
    pages (in `made`) are counted."""
    pages = sum(made[-1 - part].pages["front"] for part in range(grid_parts(answers)))
    html = furniture_html(teacher_context(exam, answers, labels, seed, named), pages)
    return FurnitureUnit(html, folder, f"{exam.id} grid furniture", current_paper(), current_variant())


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


_SHARED = {"key": "shared", "sheet": "shared", "answer-key": "answer-shared", "answer-sheet": "answer-shared"}
"""The part whose pages a document draws itself over (see `exam_units._painted_once`)."""


_HEADS = {"sheet": "sheet-head", "answer-sheet": "answer-sheet-head"}
"""The running header a pupil's document draws over its shared pages: one page for the set
(`exam_units.sheet_head`)."""


def _page(kind: str, index: int, page: int, stamp: tuple[tuple[str, int], ...] = ()) -> Placed:
    """Page `page` of variant `index`'s document `kind`, with `stamp` drawn over it."""
    if kind in _SHARED:
        own = (_HEADS[kind], 0) if kind in _HEADS else (f"{kind}-{index}", page)
        return Placed(f"{_SHARED[kind]}-{index}", page, (own, *stamp))
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


def _named(variant: Variant, labels: Labels) -> str:
    return f"{labels.variant} {variant.letter} ({variant.code})"
