"""An exam set's build: load → derive variants → hand out copies → lay out → check → bind → write.

Three PDFs come out, each bound from documents laid out one by one, so every pupil's sheet
and every key keeps its own page numbers:

- `<id>-sheets.pdf`: the question papers, one per variant or, with a roster, one per pupil
  with the name printed, in class-list order;
- `<id>-answer-sheets.pdf` (optional): one page per copy, circles and boxes;
- `<id>-keys.pdf`: the teacher's pages: every variant's answers in one grid (and the class
  list), then for each variant its key, its filled answer sheet and its marking scheme.

Everything is laid out and checked in memory first: each copy must paginate exactly like its
variant's key, and an answer sheet must fit on one page. Only then are the files replaced.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .choices import ASSIGNMENTS
from .errors import BookletError
from .exam import Variant, default_seed, derive_variants, grid
from .exam_loader import load_exam
from .exam_pages import Copy, answer_sheet_html, qr_code, rubric_html, sheet_html, summative_name, teacher_html
from .latin import latin_exam
from .lesson_build import PaginationMismatch, Printout, page_settings
from .model import Exam
from .output import write_set
from .render import Layout, Rendered, Renderer, default_renderer
from .roster import Pupil, read_roster


class Steps(Protocol):
    def step(self, what: str) -> None: ...


@dataclass(frozen=True)
class ExamSet:
    """What `build_exam` made: the files, and the seed and variants that reproduce them."""

    printouts: tuple[Printout, ...]
    seed: int
    variants: tuple[Variant, ...]
    copies: tuple[Copy, ...]


def build_exam(
    exam_path: str | Path,
    out_dir: str | Path,
    variants: int = 4,
    seed: int | None = None,
    roster: str | Path | None = None,
    assign: str = "round-robin",
    answer_sheets: bool = False,
    duplex: bool = False,
    renderer: Renderer | None = None,
    lang: str | None = None,
    script: str | None = None,
    progress: Callable[[int], Steps] | None = None,
) -> ExamSet:
    """Build `variants` variants of the exam at `exam_path` into `out_dir`.

    `seed` defaults to one derived from the exam file, so the same file gives the same set;
    `roster` (a CSV class list) makes one named sheet per pupil; `duplex` starts every copy on
    a fresh sheet of paper; `progress(total)` returns what is told of each finished step.
    """
    path = Path(exam_path)
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
    renderer = renderer or default_renderer()
    folder = path.resolve().parent
    steps = progress(len(copies) + len(derived) + 2) if progress else None

    def done(what: str) -> None:
        if steps:
            steps.step(what)

    qr = {variant.index: qr_code(exam, variant) for variant in derived}
    keys: dict[int, Layout] = {}
    teacher: list[list[Layout]] = []
    for variant in derived:
        unnamed = Copy(variant)
        key_html = sheet_html(exam, unnamed, labels, qr[variant.index], show_answers=True)
        keys[variant.index] = renderer.lay_out(key_html, folder, _what(exam, variant, "key"))
        group = [keys[variant.index]]
        if answer_sheets:
            html = answer_sheet_html(exam, unnamed, labels, qr[variant.index], show_answers=True)
            group.append(_one_page(renderer.lay_out(html, folder, "answer key"), exam, variant))
        group.append(renderer.lay_out(rubric_html(exam, variant, labels), folder, _what(exam, variant, "rubric")))
        teacher.append(group)
        done(f"{labels.answer_key} {variant.letter} ({variant.code})")

    sheets: list[list[Layout]] = []
    answer_pages: list[list[Layout]] = []
    for copy in copies:
        variant = copy.variant
        html = sheet_html(exam, copy, labels, qr[variant.index])
        sheet = renderer.lay_out(html, folder, _what(exam, variant, "sheet"))
        check_exam_pagination(variant, sheet, keys[variant.index], copy.pupil)
        sheets.append([sheet])
        if answer_sheets:
            html = answer_sheet_html(exam, copy, labels, qr[variant.index])
            answer_pages.append([_one_page(renderer.lay_out(html, folder, "answer sheet"), exam, variant)])
        done(copy.pupil.name if copy.pupil else f"{labels.variant} {variant.letter} ({variant.code})")

    named = tuple(copy for copy in copies if copy.pupil)
    front = renderer.lay_out(teacher_html(exam, grid(list(derived)), labels, seed, named), folder, f"{exam.id} grid")
    done(labels.exam.grid)

    spare = renderer.lay_out(_SPARE_PAGE, folder, "spare page") if duplex else None
    title = f"{exam.title} – {summative_name(exam, labels)}"
    documents = [
        ("sheets", sheets, title),
        ("answer-sheets", answer_pages, f"{exam.title} – {labels.exam.answer_sheet}"),
        ("keys", [[front], *teacher], f"{exam.title} – {labels.answer_key}"),
    ]
    bound: list[tuple[str, Rendered]] = []
    for kind, groups, doc_title in documents:
        if groups:
            parts = _padded(groups, spare)
            bound.append((kind, renderer.bind(parts, f"{exam.id}-{kind}.pdf", title=doc_title)))
    out = Path(out_dir)
    # An answer-sheets file from an earlier build would not match the new sheets: it goes too.
    unmade = [f"{exam.id}-{kind}.pdf" for kind, groups, _ in documents if not groups]
    write_set(out, {f"{exam.id}-{kind}.pdf": result.pdf for kind, result in bound}, retire=unmade)
    written = [Printout(kind, out / f"{exam.id}-{kind}.pdf", result.pages, len(result.pdf)) for kind, result in bound]
    done(", ".join(p.path.name for p in written))
    return ExamSet(tuple(written), seed, derived, copies)


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


def _padded(groups: list[list[Layout]], spare: Layout | None) -> list[Layout]:
    """The groups' documents in order; with a spare page, each group fills whole sheets of paper."""
    parts: list[Layout] = []
    for group in groups:
        parts += group
        if spare is not None and sum(layout.pages for layout in group) % 2:
            parts.append(spare)
    return parts


def _what(exam: Exam, variant: Variant, kind: str) -> str:
    return f"{exam.id} variant {variant.letter} {kind}"


_SPARE_PAGE = '<!DOCTYPE html><html><body class="spare"><div class="spare-page"></div></body></html>'
"""The blank back of a copy's last sheet when printing on both sides: no header, no number."""
