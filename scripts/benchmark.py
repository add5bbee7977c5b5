"""Measure a lesson build (a textbook, or an exam set): wall time, pages per second, peak memory, bytes per page.

    python3 scripts/benchmark.py [LESSON.yaml] [--rounds 5]
    python3 scripts/benchmark.py --book [COURSE.yaml] [--rounds 5]
    python3 scripts/benchmark.py --exam [EXAM.yaml] [--variants 30] [--rounds 2]

Two ways of building are timed in the same run, interleaved, because these machines are
noisy and only ratios measured side by side mean anything:

- baseline: a fresh `Renderer` (FontConfiguration, parsed CSS, font registration) for
  every build, as a naive caller would do;
- booklet: one `Renderer` reused for every build, which is what `booklet build` does.

With `--book` each build is `booklet book --with-worksheets` of a course file (default: the
bundled unit) instead of the four printouts of one lesson.

With `--exam` each build is one `build_exam` of an exam file (default: the bundled exam):
`--variants` variants (default 30) with their keys, the grid, the marking schemes and the
answer sheets, from a fixed seed so that runs are comparable. One such build takes tens of
seconds, so exam mode does 2 rounds unless told otherwise (lesson and book modes do 5); the
pages and bytes per page of each file are listed once.

Peak memory is the process's maximum resident set size, so it is reported once, at the end.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from booklet import Printout, Renderer, build, build_book, build_exam, sample_course, sample_exam, sample_lesson

SEED = 2026  # a fixed seed, so every exam build (and every run) lays out the same variants


def timed_build(
    source: Path, out: str, renderer: Renderer | None, mode: str, variants: int
) -> tuple[float, list[Printout]]:
    start = time.perf_counter()
    renderer = renderer or Renderer()
    if mode == "exam":
        exam = build_exam(source, out, variants, seed=SEED, answer_sheets=True, renderer=renderer)
        written = list(exam.printouts)
    elif mode == "course":
        written = [build_book(source, out, True, renderer)]
    else:
        written = build(source, out, renderer=renderer)
    return time.perf_counter() - start, written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, help="lesson file, course file with --book, exam with --exam")
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--book", action="store_true", help="build the textbook of a course file")
    kind.add_argument("--exam", action="store_true", help="build variants of an exam with their keys")
    parser.add_argument("--variants", type=int, default=30, help="variants per exam build (default: 30)")
    parser.add_argument("--rounds", type=int, help="timed rounds of each way (default: 5, or 2 with --exam)")
    args = parser.parse_args()
    mode = "exam" if args.exam else "course" if args.book else "lesson"
    source = args.source or {"exam": sample_exam, "course": sample_course, "lesson": sample_lesson}[mode]()
    rounds = args.rounds if args.rounds is not None else 2 if args.exam else 5

    shared = Renderer()
    results: dict[str, list[float]] = {"baseline": [], "booklet": []}
    written: list[Printout] = []
    with tempfile.TemporaryDirectory() as out:
        timed_build(source, out, shared, mode, args.variants)  # warm imports and caches for both
        for _ in range(rounds):
            for name, renderer in (("baseline", None), ("booklet", shared)):
                seconds, written = timed_build(source, out, renderer, mode, args.variants)
                results[name].append(seconds)

    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pages = sum(p.pages for p in written)
    size = sum(p.size for p in written)
    base = statistics.median(results["baseline"])
    what = f"exam ({args.variants} variants, seed {SEED}, answer sheets)" if args.exam else mode
    print(f"{what}: {source}  rounds: {rounds}  pages per build: {pages}  bytes per page: {size // pages:,}")
    if args.exam:
        for printout in written:
            print(f"  {printout.path.name}: {printout.pages} pages  {printout.size // printout.pages:,} bytes per page")
    for name, times in results.items():
        median = statistics.median(times)
        print(
            f"{name:>9}: median {median:6.3f} s  {pages / median:6.1f} pages/s  ratio to baseline {median / base:5.2f}"
        )
    print(f"peak memory (max RSS of the whole run): {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
