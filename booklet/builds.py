"""The three builds a teacher runs, as the library's front door: lessons, a textbook, an exam set.

Each build first asks its record in the output folder (engine/record.py) whether anything it
used has changed since it last wrote there: the files it was given and every file they use,
its options, booklet itself. If nothing has, the build is done: the PDFs there are the ones it
would write. Only then are the loaders and the renderer imported, so a build with nothing to
do takes about as long as `booklet --help`. Otherwise the build's own module makes the PDFs
(lesson_build, book, exam_build: load → validate → derive → lay out → bind, in memory), and
they are written here with the new record, as one set (output.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .choices import IMPOSITIONS, KINDS
from .engine.record import BuildRecord, RecordedPrintout, reading
from .errors import BookletError
from .paper import on_paper, writing_as

if TYPE_CHECKING:
    from .exam import Variant
    from .exam_pages import Copy
    from .progress import Progress
    from .render import Renderer


@dataclass(frozen=True)
class Printout:
    """One PDF a build wrote, or found up to date."""

    kind: str
    path: Path
    pages: int
    size: int
    unchanged: bool = False
    """Not written by this build: nothing it uses changed since it was."""


@dataclass(frozen=True)
class ExamSet:
    """What `build_exam` made: the files, and the seed and variants that reproduce them
    (no variants or copies when nothing changed and nothing was made)."""

    printouts: tuple[Printout, ...]
    seed: int
    variants: tuple[Variant, ...]
    copies: tuple[Copy, ...]
    warnings: tuple[str, ...] = ()
    """What the teacher should look at although the set was made (a pupil listed twice)."""

    @property
    def unchanged(self) -> bool:
        return all(printout.unchanged for printout in self.printouts)


Made = tuple[str, str, bytes, int]
"""A PDF a build made: its kind, its file name, its bytes, its pages."""


def build(
    lessons: str | Path | Iterable[str | Path],
    out_dir: str | Path,
    only: Iterable[str] = KINDS,
    renderer: Renderer | None = None,
    lang: str | None = None,
    script: str | None = None,
    jobs: int | None = None,
    force: bool = False,
    paper: str | None = None,
    impose: str | None = None,
    pdf_variant: str | None = None,
) -> list[Printout]:
    """Build the printouts `only` names (default: all) of one or more lessons into `out_dir`.

    Every lesson is loaded before anything is rendered, so one run reports the problems of
    all files; everything is rendered before anything is written. Printouts are laid out in up
    to `jobs` worker processes (default: every core; the bytes are the same for any number).
    Unless `force`, nothing is done if nothing changed since the last build into `out_dir`.
    Pages are laid out on `paper` (`a4`, or `a5`), and with `impose` (`2up`, `booklet`) put
    on A4 sheets, which implies A5 (see `printed_on`). Every PDF is tagged for screen
    readers and claims `pdf_variant` (`choices.PDF_VARIANTS`; default PDF/UA-1).
    """
    paths = [Path(lessons)] if isinstance(lessons, (str, Path)) else [Path(p) for p in lessons]
    kinds = [kind for kind in KINDS if kind in set(only)]
    paper = printed_on(paper, impose)
    options = {"only": kinds, "lang": lang, "script": script, "paper": paper, "impose": impose, "pdf": pdf_variant}
    record = BuildRecord("build", paths, options)
    if not force and (done := record.fresh(out_dir)) is not None:
        return _unchanged(out_dir, done)
    from .lesson_build import make_lessons

    with reading() as reads, on_paper(paper), writing_as(pdf_variant):
        made = make_lessons(paths, kinds, renderer, lang, script, jobs, paper, impose)
    return _written(out_dir, record.write(out_dir, reads, made))


def build_book(
    course: str | Path,
    out_dir: str | Path,
    with_worksheets: bool = False,
    renderer: Renderer | None = None,
    lang: str | None = None,
    script: str | None = None,
    force: bool = False,
    paper: str | None = None,
    impose: str | None = None,
    single_sided: bool = False,
    pdf_variant: str | None = None,
) -> Printout:
    """Build the textbook of the course file `course` into `out_dir` as `<id>-book.pdf`; the
    course's labels and alphabet (or `lang`, `script`) hold for every chapter. Unless `force`,
    nothing is done if nothing changed since the last build into `out_dir`. `paper` and
    `impose` as for `build`; `single_sided` leaves out the blank versos that start every
    chapter on a right-hand page; `pdf_variant` as for `build`."""
    paper = printed_on(paper, impose)
    options = {"with_worksheets": with_worksheets, "lang": lang, "script": script}
    options |= {"paper": paper, "impose": impose, "single_sided": single_sided, "pdf": pdf_variant}
    record = BuildRecord("book", [course], options)
    if not force and (done := record.fresh(out_dir)) is not None:
        return _unchanged(out_dir, done)[0]
    from .book import make_book

    with reading() as reads, on_paper(paper), writing_as(pdf_variant):
        made = make_book(Path(course), with_worksheets, renderer, lang, script, impose, single_sided)
    return _written(out_dir, record.write(out_dir, reads, [made]))[0]


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
    progress: type[Progress] | Any = None,
    jobs: int | None = None,
    force: bool = False,
    paper: str | None = None,
    impose: str | None = None,
    pdf_variant: str | None = None,
) -> ExamSet:
    """Build `variants` variants of the exam at `exam_path` into `out_dir`.

    `seed` defaults to one derived from the exam file, so the same file gives the same set;
    `roster` (a class list) makes one named sheet per pupil; `duplex` starts every copy on a
    fresh sheet of paper; `progress(total)` returns what is told of each finished step. Each
    variant is laid out once, in up to `jobs` worker processes (default: every core; the bytes
    are the same for any number). Unless `force`, nothing is done if nothing changed since
    the last build into `out_dir`. `paper` and `impose` as for `build`: every copy is imposed
    on sheets of its own, and so is each variant's key; answer sheets, read by `booklet scan`,
    are A4 only; `pdf_variant` as for `build`.
    """
    path = Path(exam_path)
    paper = printed_on(paper, impose)
    if answer_sheets and paper != "a4":
        raise BookletError(
            "answer sheets are A4 only (booklet scan reads them at that size): "
            "leave out --answer-sheet, or --paper a5 and --impose"
        )
    options = {
        "variants": variants,
        "seed": seed,
        "roster": str(Path(roster).resolve()) if roster is not None else None,
        "assign": assign,
        "answer_sheets": answer_sheets,
        "duplex": duplex,
        "lang": lang,
        "script": script,
        "paper": paper,
        "impose": impose,
        "pdf": pdf_variant,
    }
    record = BuildRecord("exam", [path], options)
    if not force and (done := record.fresh(out_dir)) is not None:
        chosen = seed if seed is not None else default_seed(path.read_bytes())
        return ExamSet(tuple(_unchanged(out_dir, done)), chosen, (), ())
    from .exam_build import make_exam
    from .roster import repeated

    with reading() as reads, on_paper(paper), writing_as(pdf_variant):
        made = make_exam(
            path, variants, seed, roster, assign, answer_sheets, duplex, renderer, lang, script, progress, jobs, impose
        )
    # An answer-sheets file from an earlier build would not match the new sheets: it goes too.
    unmade = [] if answer_sheets else [f"{made.exam_id}-answer-sheets.pdf"]
    written = _written(out_dir, record.write(out_dir, reads, made.files, retire=unmade))
    if made.steps is not None:
        made.steps.step(", ".join(printout.path.name for printout in written))
    pupils = tuple(copy.pupil for copy in made.copies if copy.pupil is not None)
    warnings = tuple(repeated(roster, pupils)) if roster is not None else ()
    return ExamSet(tuple(written), made.seed, made.variants, made.copies, warnings)


def printed_on(paper: str | None, impose: str | None) -> str:
    """The paper pages are laid out on: the one asked for, else A5 when imposing (two A5 pages
    make an A4 sheet), else A4. A4 pages imposed would be shrunk to 71 %, too small for
    pupils to read or write in: that is refused, not done."""
    if impose is not None and impose not in IMPOSITIONS:
        raise BookletError(f"unknown imposition {impose!r}; choose from {', '.join(IMPOSITIONS)}")
    if impose is not None and paper == "a4":
        raise BookletError(
            f"--impose {impose} puts two A5 pages on each A4 sheet; A4 pages would be shrunk to 71 %: "
            "leave out --paper a4 (the pages are then laid out for A5)"
        )
    return paper or ("a5" if impose else "a4")


def default_seed(exam_text: str | bytes) -> int:
    """A seed from the exam file's content (pass its text): the same file always gives the same seed.

    Line endings are ignored, so a checkout on Windows gives the same seed; the seed is
    at most six digits, short enough to print on the key and type back with `--seed`.
    """
    data = exam_text.encode("utf-8") if isinstance(exam_text, str) else exam_text
    data = data.replace(b"\r\n", b"\n")
    return int.from_bytes(hashlib.sha256(data).digest()[:8], "big") % 1_000_000


def _unchanged(out_dir: str | Path, done: list[RecordedPrintout]) -> list[Printout]:
    return [Printout(p.kind, Path(out_dir) / p.name, p.pages, p.size, unchanged=True) for p in done]


def _written(out_dir: str | Path, done: list[RecordedPrintout]) -> list[Printout]:
    return [Printout(p.kind, Path(out_dir) / p.name, p.pages, p.size) for p in done]
