"""One scanning run: read every page, find its copy's sheet, mark it, write the results at once.

A pile of scans is read page by page. Each page's QR code names the sheet; the sheet's plan
(where its circles are, and the blank page as printed) is laid out once per variant and
reused for every pupil who had that variant. Pages that cannot be read, and answers that
cannot be read for sure, are kept for review rather than marked. The files of a run
(results.xlsx and CSV, review.html, corrections.csv, annotated.pdf) are written together by
`output.write_set`, so a folder never holds the results of one run beside the review of another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import BookletError
from ..qr import SheetId
from .words import PageProblem, Words, words_for


@dataclass(frozen=True)
class Marked:
    """What a scanning run wrote, and the line the command prints."""

    folder: Path
    files: tuple[str, ...]
    pages: int
    """Scanned pages read (photos count one each)."""
    summary: str


class Plans:
    """The plan of each sheet met in a run, laid out once per variant (the pupils of a variant
    share their sheet's layout; only the QR and the name differ)."""

    def __init__(self, exam: Any, labels: Any, make: Callable[[Any, Any], Any], variant_at: Callable[[int], Any]):
        self._exam, self._labels, self._make, self._variant_at = exam, labels, make, variant_at
        self._plans: dict[tuple[int, int], Any] = {}
        self.variants: dict[tuple[int, int], Any] = {}

    def variant(self, sheet: SheetId) -> Any | None:
        """The variant a sheet's QR names, or None when this exam file did not make it."""
        if sheet.exam != self._exam.id or sheet.index is None:
            return None
        key = (sheet.seed, sheet.index)
        if key not in self.variants:
            variant = self._variant_at(sheet.seed, sheet.index)
            self.variants[key] = variant if variant.code == sheet.variant else None
        return self.variants[key]

    def __call__(self, sheet: SheetId) -> Any | None:
        variant = self.variant(sheet)
        if variant is None:
            return None
        key = (sheet.seed, sheet.index)
        if key not in self._plans:
            self._plans[key] = self._make(self._exam, variant)
        return self._plans[key]


def not_this_exam(sheet: SheetId, exam_id: str) -> PageProblem:
    """Why a page whose QR was read is not a sheet of this exam file, in the teacher's words."""
    if sheet.exam != exam_id:
        return PageProblem("other-exam", exam=sheet.exam, ours=exam_id)
    if sheet.index is None:
        return PageProblem("question-paper")
    return PageProblem("other-variant", variant=sheet.variant, seed=sheet.seed)


def check_roster(sheets: Iterable[tuple[str, SheetId]], pupils: int | None) -> None:
    """Every named sheet's place must be in the class list given; otherwise names would be wrong."""
    for where, sheet in sheets:
        if sheet.pupil is None:
            continue
        if pupils is None:
            continue
        if not 1 <= sheet.pupil <= pupils:
            raise BookletError(
                f"{where}: the sheet is for pupil {sheet.pupil} of the class list, but the roster given has "
                f"{pupils} pupils: give the class list the sheets were printed with (--roster)"
            )


OUTPUTS = ("results.xlsx", "results.csv", "items.csv", "review.html", "corrections.csv", "annotated.pdf")


def scan_exam(
    scans: Sequence[str | Path],
    exam_path: str | Path,
    out_dir: str | Path,
    roster: str | Path | None = None,
    corrections: str | Path | None = None,
    lang: str | None = None,
    script: str | None = None,
) -> Marked:
    """Read the filled answer sheets in `scans` (scanned PDFs, photos), mark them against the
    variants of the exam at `exam_path`, and write the results into `out_dir` together.

    `roster` is the class list the named sheets were printed with; `corrections` a corrections
    file (as written into `out_dir` by an earlier run) settling what was doubtful; `lang` and
    `script` as the sheets were printed with (default: the exam file's)."""
    from ..exam import derive_variants
    from ..exam_loader import load_exam
    from ..latin import latin_exam
    from ..lesson_build import page_settings
    from ..output import write_set
    from ..render import default_renderer
    from ..roster import read_roster
    from .annotated import annotated_pdf
    from .corrections import correction_lines, corrections_csv, read_corrections
    from .images import scanned_pages
    from .layout import sheet_plan
    from .marking import apply_corrections, mark_all
    from .reading import read_page
    from .report import items_csv, results_csv, results_xlsx, summary
    from .review import review_html

    path = Path(exam_path)
    exam = load_exam(path)
    labels, alphabet = page_settings(exam, lang, script)
    words = run_words(exam, lang)
    if alphabet == "latn":
        exam = latin_exam(exam, exam.latin)
    pupils = read_roster(roster) if roster is not None else None
    settled = read_corrections(corrections) if corrections is not None else None
    renderer, folder = default_renderer(), path.resolve().parent

    def variant_at(seed: int, index: int) -> Any:
        return derive_variants(exam, seed, index + 1, labels)[index]

    plans = Plans(exam, labels, lambda exam, variant: sheet_plan(exam, variant, labels, renderer, folder), variant_at)
    readings = []
    for scan in scans:
        for source, image in scanned_pages(scan):
            reading = read_page(image, source, plans)
            if reading.sheet is not None and plans.variant(reading.sheet) is None:
                reading = replace(reading, problem=not_this_exam(reading.sheet, exam.id))
            readings.append(reading)
    _refuse_other_exams(readings, exam.id)
    check_roster(
        ((f"{r.source.file}, page {r.source.page}", r.sheet) for r in readings if r.sheet),
        len(pupils) if pupils else None,
    )
    results, unreadable = mark_all(readings, plans.variant, labels, exam.mark_scale())
    if settled is not None:
        results = apply_corrections(results, settled, corrections)
    files = {
        "results.xlsx": results_xlsx(exam, results, pupils, words),
        "results.csv": results_csv(exam, results, pupils, words),
        "items.csv": items_csv(results, words),
        "review.html": review_html(exam, results, unreadable, pupils, words).encode("utf-8"),
        "corrections.csv": corrections_csv(correction_lines(results, pupils, words)),
        "annotated.pdf": annotated_pdf(exam, results, unreadable, pupils, words),
    }
    write_set(Path(out_dir), files)
    return Marked(Path(out_dir), tuple(files), len(readings), summary(results, unreadable))


def run_words(exam: Any, lang: str | None) -> Words:
    """The words of a run's files: the language its sheets were printed in, chosen as
    `page_settings` chooses their labels (`--lang`, else the file's `labels`, else its language)."""
    return words_for(lang or exam.labels or exam.language)


def _refuse_other_exams(readings: Sequence[Any], exam_id: str) -> None:
    """A file of which no page is a sheet of this exam, while some are of another, is the wrong
    file (or the wrong --exam): said at once rather than as a review list of every page."""
    by_file: dict[str, list[Any]] = {}
    for reading in readings:
        by_file.setdefault(reading.source.file, []).append(reading)
    for file, pages in by_file.items():
        ours = [r for r in pages if r.sheet is not None and not r.problem]
        others = [
            r for r in pages if r.sheet is not None and r.problem and r.problem == not_this_exam(r.sheet, exam_id)
        ]
        if not ours and others:
            raise BookletError(f"{file}: {not_this_exam(others[0].sheet, exam_id)}")
