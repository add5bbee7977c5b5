"""Where does WeasyPrint's layout time go on booklet's own pages?

    python3 scripts/layout_profile.py [--repeats 5] [--variants 3] [--only rubric,answer-sheet]
    python3 scripts/layout_profile.py --profile [--top 30]
    python3 scripts/layout_profile.py --instructions [--only worksheet,key]
    python3 scripts/layout_profile.py --write DIR

Lays out, in one process with one warm `Renderer`, every document of the bundled sample: the
four printouts of each lesson of the unit, the textbook with worksheets, and for the bundled
exam a few variants' question paper, key, answer sheet, filled answer sheet, marking scheme,
and the teacher's grid. The HTML is made once; only `Renderer.lay_out` (WeasyPrint's
`HTML(...).render()`: parsing, cascade, box tree, layout) is timed, `--repeats` times after
one untimed round, and each document's median is kept. It prints, per kind of document, the
documents, their pages, the summed medians and the milliseconds per page.

`--profile` then lays everything out once more under cProfile and prints:

- where the time goes by part of the engine, each function's own time counted once (time in
  C, the standard library and cffi goes to the engine function that called it);
- the engine functions with the most cumulative time (which nest: table layout contains
  the inline layout of its cells);
- how many pages WeasyPrint made for how many pages printed (more: pages laid out again).

cProfile makes small Python functions look dearer than they are, so its shares are for
finding the expensive parts, and the timings above are what a change is judged by.

`--instructions` counts instead of timing: for each kind, a child process under valgrind's
callgrind lays its documents out once untimed, then once more with instruction counting on,
and the count is printed. It is slow (a minute or two a kind) but the same to a tenth of a
percent from run to run, while the clock on these shared two-core machines wanders by 10–20%:
it is how a change of a few percent can be told from noise. (Laying out is mostly Python, so
instructions follow time closely.)

`--write DIR` writes every laid-out document to DIR as a PDF, for scripts/compare_pages.py.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # measure the checkout, installed or not
    sys.path.insert(0, str(ROOT))

from booklet import Renderer, load_course, load_exam, sample_course, sample_exam  # noqa: E402
from booklet.book import book_html  # noqa: E402
from booklet.builds import default_seed  # noqa: E402
from booklet.choices import KINDS  # noqa: E402
from booklet.exam import derive_variants, grid  # noqa: E402
from booklet.exam_pages import (  # noqa: E402
    Copy,
    answer_sheet_html,
    qr_code,
    rubric_html,
    sheet_html,
    teacher_html,
)
from booklet.lesson_build import page_settings  # noqa: E402
from booklet.printouts import html_for  # noqa: E402
from booklet.worksheet import derive_sheet  # noqa: E402


@dataclass(frozen=True)
class Page:
    """One document to lay out: its kind (what the timings are summed by), name and HTML."""

    kind: str
    name: str
    html: str
    folder: Path


def lesson_documents() -> Iterator[Page]:
    """The four printouts of every lesson of the bundled unit."""
    for path, lesson in load_course(sample_course()).lessons:
        labels, _ = page_settings(lesson, None, None)
        sheet = derive_sheet(lesson, labels)
        for kind in KINDS:
            yield Page(kind, f"{lesson.id}-{kind}", html_for(kind, lesson, labels, sheet), path.resolve().parent)


def book_document() -> Page:
    """The bundled unit's textbook with its worksheets."""
    textbook = load_course(sample_course())
    labels, _ = page_settings(textbook.course, None, None)
    html = book_html(textbook, labels, with_worksheets=True)
    return Page("book", f"{textbook.course.id}-book", html, textbook.path.resolve().parent)


def exam_documents(variants: int) -> Iterator[Page]:
    """The bundled exam's pages for `variants` variants, seeded as `booklet exam` seeds them."""
    path = sample_exam()
    exam = load_exam(path)
    labels, _ = page_settings(exam, None, None)
    seed = default_seed(path.read_bytes())
    derived = derive_variants(exam, seed, variants, labels)
    folder = path.resolve().parent
    for variant in derived:
        copy, qr, name = Copy(variant), qr_code(exam, variant), f"{exam.id}-{variant.code}"
        yield Page("exam-sheet", f"{name}-sheet", sheet_html(exam, copy, labels, qr), folder)
        yield Page("exam-key", f"{name}-key", sheet_html(exam, copy, labels, qr, show_answers=True), folder)
        yield Page("answer-sheet", f"{name}-answer-sheet", answer_sheet_html(exam, copy, labels, qr), folder)
        html = answer_sheet_html(exam, copy, labels, qr, show_answers=True)
        yield Page("answer-key", f"{name}-answer-key", html, folder)
        yield Page("rubric", f"{name}-rubric", rubric_html(exam, variant, labels), folder)
    yield Page("grid", f"{exam.id}-grid", teacher_html(exam, grid(derived), labels, seed), folder)


def documents(variants: int) -> list[Page]:
    return [*lesson_documents(), book_document(), *exam_documents(variants)]


@dataclass(frozen=True)
class Timing:
    """A document's median layout time, on the clock and in this process's CPU time, in seconds."""

    wall: float
    cpu: float


def time_layouts(renderer: Renderer, pages: list[Page], repeats: int) -> tuple[dict[str, Timing], dict[str, int]]:
    """Each document's median layout time, and its page count. CPU time is shown beside the
    clock because these machines are shared: another process's work slows the clock, not it."""
    times: dict[str, list[tuple[float, float]]] = defaultdict(list)
    counts = {page.name: renderer.lay_out(page.html, page.folder, page.name).pages for page in pages}  # warm up
    for _ in range(repeats):
        for page in pages:
            wall, cpu = time.perf_counter(), time.process_time()
            renderer.lay_out(page.html, page.folder, page.name)
            times[page.name].append((time.perf_counter() - wall, time.process_time() - cpu))
    medians = {
        name: Timing(statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
        for name, values in times.items()
    }
    return medians, counts


def print_timings(pages: list[Page], medians: dict[str, Timing], counts: dict[str, int], repeats: int) -> None:
    kinds: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        kinds[page.kind].append(page)
    print(f"layout time, median of {repeats} runs per document, summed per kind")
    print(f"{'kind':<13} {'docs':>4} {'pages':>5} {'ms':>8} {'ms/page':>8} {'cpu ms/page':>12}")
    for kind, group in [*kinds.items(), ("all", pages)]:
        wall = sum(medians[page.name].wall for page in group) * 1000
        cpu = sum(medians[page.name].cpu for page in group) * 1000
        printed = sum(counts[page.name] for page in group)
        print(f"{kind:<13} {len(group):>4} {printed:>5} {wall:>8.0f} {wall / printed:>8.1f} {cpu / printed:>12.1f}")


# ---------- the profile ----------

PARTS = (
    ("hyphenation (pyphen)", ("pyphen/",)),
    ("HTML parsing (tinyhtml5)", ("tinyhtml5/", "weasyprint/html.py")),
    ("selector matching (cssselect2)", ("cssselect2/",)),
    ("css parsing (tinycss2, validation)", ("tinycss2/", "weasyprint/css/validation/", "weasyprint/css/tokens.py")),
    ("cascade and computed values", ("weasyprint/css/",)),
    ("box tree (formatting structure)", ("weasyprint/formatting_structure/",)),
    ("text shaping, line breaking", ("weasyprint/text/",)),
    ("inline layout", ("weasyprint/layout/inline.py",)),
    ("min/max-content widths", ("weasyprint/layout/preferred.py",)),
    ("table layout", ("weasyprint/layout/table.py",)),
    ("flex layout", ("weasyprint/layout/flex.py",)),
    ("grid layout", ("weasyprint/layout/grid.py",)),
    ("absolute and float layout", ("weasyprint/layout/absolute.py", "weasyprint/layout/float.py")),
    ("page and margin boxes", ("weasyprint/layout/page.py",)),
    ("block layout", ("weasyprint/layout/",)),
    ("SVG and images", ("weasyprint/svg/", "weasyprint/images.py")),
    ("document, anchors, stacking", ("weasyprint/",)),
)
"""Parts of the engine by the file a function is in; the first that matches wins."""

Func = tuple[str, int, str]


def part_of(func: Func) -> str | None:
    """The engine part `func` belongs to, or None for C, the standard library and glue."""
    filename = func[0].replace("\\", "/")
    for part, paths in PARTS:
        if any(path in filename for path in paths):
            return part
    return None


def by_part(stats: dict[Func, tuple]) -> Counter[str]:
    """Own time per engine part. A function of no part (a C call, `copy.deepcopy`) passes its
    own time on to its callers, in proportion to the time each call took."""
    shares: dict[Func, dict[str, float]] = {}

    def share(func: Func, seen: frozenset[Func]) -> dict[str, float]:
        if func in shares:
            return shares[func]
        part = part_of(func)
        if part is not None:
            result = {part: 1.0}
        else:
            callers = {caller: edge[3] for caller, edge in stats[func][4].items() if caller not in seen}
            total = sum(callers.values())
            result: dict[str, float] = defaultdict(float)
            if not total:
                result["other"] = 1.0
            for caller, weight in callers.items() if total else ():
                for name, fraction in share(caller, seen | {func}).items():
                    result[name] += fraction * weight / total
        shares[func] = dict(result)
        return shares[func]

    parts: Counter[str] = Counter()
    for func, (_, _, own, _, _) in stats.items():
        for name, fraction in share(func, frozenset()).items():
            parts[name] += own * fraction
    return parts


def count_pages_made() -> tuple[Counter[str], Callable[[str], None]]:
    """Count WeasyPrint's `make_page` calls per document: more than its pages means re-layout."""
    from weasyprint.layout import page as page_module

    made: Counter[str] = Counter()
    current = [""]
    original = page_module.make_page

    def counting(*args, **kwargs):
        made[current[0]] += 1
        return original(*args, **kwargs)

    page_module.make_page = counting

    def switch(name: str) -> None:
        current[0] = name

    return made, switch


def profile(renderer: Renderer, pages: list[Page], counts: dict[str, int], top: int) -> None:
    made, switch = count_pages_made()
    profiler = cProfile.Profile()
    start = time.perf_counter()
    for page in pages:
        switch(page.name)
        profiler.enable()
        renderer.lay_out(page.html, page.folder, page.name)
        profiler.disable()
    wall = time.perf_counter() - start
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    parts = by_part(stats)
    total = sum(parts.values())
    print(f"\nprofile: one layout of each document, {wall:.1f} s under cProfile; own time by engine part")
    for name, seconds in parts.most_common():
        print(f"  {name:<36} {seconds:7.2f} s {100 * seconds / total:5.1f}%")
    engine = [(func, row) for func, row in stats.items() if "weasyprint/" in func[0]]
    engine.sort(key=lambda item: item[1][3], reverse=True)
    print(f"\nengine functions by cumulative time (top {top})")
    print(f"  {'cumulative':>10} {'own':>7} {'calls':>9}  function")
    for (filename, line, name), (_, calls, own, cumulative, _) in engine[:top]:
        where = filename.replace("\\", "/").split("weasyprint/", 1)[1]
        print(f"  {cumulative:9.2f}s {own:6.2f}s {calls:>9}  {where}:{line} {name}")
    kinds: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        kinds[page.kind].append(page)
    print("\npages laid out / pages printed, per kind (more laid out: pages made again)")
    for kind, group in kinds.items():
        print(f"  {kind:<13} {sum(made[p.name] for p in group):>4} / {sum(counts[p.name] for p in group)}")


# ---------- instructions ----------


def count_instructions(kinds: list[str], variants: int) -> None:
    """Instructions of one layout of each kind's documents, each kind in a child under callgrind."""
    print("instructions of one layout of every document of a kind, after one uncounted (callgrind)")
    print(f"{'kind':<13} {'pages':>5} {'M instr':>9} {'M/page':>7}")
    for kind in kinds:
        with tempfile.TemporaryDirectory() as folder:
            command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={folder}/out"]
            command += [sys.executable, __file__, "--only", kind, "--variants", str(variants), "--counted-round"]
            child = subprocess.run(command, capture_output=True, text=True, check=True)
        refs = re.search(r"I\s+refs:\s+([\d,]+)", child.stderr)
        pages = re.search(r"pages (\d+)", child.stdout)
        if refs is None or pages is None:
            sys.exit(f"no instruction count from valgrind for {kind}:\n{child.stderr}")
        millions, printed = int(refs.group(1).replace(",", "")) / 1e6, int(pages.group(1))
        print(f"{kind:<13} {printed:>5} {millions:>9,.0f} {millions / printed:>7,.0f}")


def counted_round(renderer: Renderer, pages: list[Page]) -> None:
    """In the child under callgrind: lay everything out once, then once more counted."""
    printed = sum(renderer.lay_out(page.html, page.folder, page.name).pages for page in pages)
    _callgrind("on")
    for page in pages:
        renderer.lay_out(page.html, page.folder, page.name)
    _callgrind("off")
    print(f"pages {printed}")


def _callgrind(switch: str) -> None:
    subprocess.run(["callgrind_control", "--instr=" + switch, str(os.getpid())], check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed layouts of each document (default: 5)")
    parser.add_argument("--variants", type=int, default=3, help="exam variants laid out (default: 3)")
    parser.add_argument("--only", help="kinds to lay out, comma-separated (e.g. rubric,answer-sheet)")
    parser.add_argument("--profile", action="store_true", help="then lay everything out once under cProfile")
    parser.add_argument("--top", type=int, default=30, help="engine functions listed by --profile (default: 30)")
    parser.add_argument("--instructions", action="store_true", help="count instructions under valgrind instead")
    parser.add_argument("--counted-round", action="store_true", help=argparse.SUPPRESS)  # the child of --instructions
    parser.add_argument("--write", type=Path, metavar="DIR", help="write each laid-out document to DIR as a PDF")
    args = parser.parse_args()

    pages = documents(args.variants)
    if args.only:
        wanted = set(args.only.split(","))
        if unknown := wanted - {page.kind for page in pages}:
            parser.error(f"no documents of kind {', '.join(sorted(unknown))}")
        pages = [page for page in pages if page.kind in wanted]
    if args.instructions:
        count_instructions(list(dict.fromkeys(page.kind for page in pages)), args.variants)
        return
    renderer = Renderer()
    if args.counted_round:
        counted_round(renderer, pages)
        return
    if args.write:
        args.write.mkdir(parents=True, exist_ok=True)
        for page in pages:
            (args.write / f"{page.name}.pdf").write_bytes(renderer.render(page.html, page.folder, page.name).pdf)
        print(f"wrote {len(pages)} PDFs to {args.write}")
    medians, counts = time_layouts(renderer, pages, args.repeats)
    print_timings(pages, medians, counts, args.repeats)
    if args.profile:
        profile(renderer, pages, counts, args.top)


if __name__ == "__main__":
    main()
