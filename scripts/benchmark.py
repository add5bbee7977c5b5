"""Measure a lesson build (or a textbook): wall time, pages per second, peak memory, bytes per page.

    python3 scripts/benchmark.py [LESSON.yaml] [--rounds 5]
    python3 scripts/benchmark.py --book [COURSE.yaml] [--rounds 5]

Two ways of building are timed in the same run, interleaved, because these machines are
noisy and only ratios measured side by side mean anything:

- baseline: a fresh `Renderer` (FontConfiguration, parsed CSS, font registration) for
  every lesson build, as a naive caller would do;
- booklet: one `Renderer` reused for every build, which is what `booklet build` does.

With `--book` each build is `booklet book --with-worksheets` of a course file (default: the
bundled unit) instead of the four printouts of one lesson.

Peak memory is the process's maximum resident set size, so it is reported once, at the end.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from booklet import Renderer, build, build_book, sample_course, sample_lesson


def timed_build(source: Path, out: str, renderer: Renderer | None, book: bool) -> tuple[float, int, int]:
    start = time.perf_counter()
    renderer = renderer or Renderer()
    written = [build_book(source, out, True, renderer)] if book else build(source, out, renderer=renderer)
    seconds = time.perf_counter() - start
    return seconds, sum(p.pages for p in written), sum(p.size for p in written)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, help="lesson file, or course file with --book")
    parser.add_argument("--book", action="store_true", help="build the textbook of a course file")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    source = args.source or (sample_course() if args.book else sample_lesson())

    shared = Renderer()
    results: dict[str, list[float]] = {"baseline": [], "booklet": []}
    pages = size = 0
    with tempfile.TemporaryDirectory() as out:
        timed_build(source, out, shared, args.book)  # warm imports and caches for both
        for _ in range(args.rounds):
            for name, renderer in (("baseline", None), ("booklet", shared)):
                seconds, pages, size = timed_build(source, out, renderer, args.book)
                results[name].append(seconds)

    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    base = statistics.median(results["baseline"])
    what = "course" if args.book else "lesson"
    print(f"{what}: {source}  rounds: {args.rounds}  pages per build: {pages}  bytes per page: {size // pages:,}")
    for name, times in results.items():
        median = statistics.median(times)
        print(
            f"{name:>9}: median {median:6.3f} s  {pages / median:6.1f} pages/s  ratio to baseline {median / base:5.2f}"
        )
    print(f"peak memory (max RSS of the whole run): {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
