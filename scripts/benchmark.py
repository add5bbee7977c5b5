"""Booklet against bare WeasyPrint on the same work, side by side in one run (issue 11, point 8).

    python3 scripts/benchmark.py [--rounds N] [--jobs N] [--variants 30] [--only JOB[,JOB]]

A benchmark, not a timed test: it prints figures and the targets they are held to, and fails
only if a build fails. The jobs:

- `exam`: the bundled exam, `--variants` variants (default 30): sheets, keys and marking
  schemes, as the issue measured it (275 pages), from a fixed seed;
- `class`: the same exam, 4 variants with answer sheets, for a 30-pupil class list (names
  on every sheet and answer sheet);
- `exam4`: the same 4 variants with answer sheets and no class list, to price the names;
- `book`: the bundled textbook with its worksheets;
- `lesson`: the four printouts of the bundled lesson;
- `memory`: booklet alone, 10 and 40 variants, with `--jobs 1` and with `--jobs` (point 4).

Each job is done two ways:

- booklet: the library call a teacher's command makes (`build`, `build_book`, `build_exam`),
  into a fresh folder, with its worker processes (`--jobs`, default every core);
- baseline: bare WeasyPrint laying out the same HTML naively, in one process: every document
  booklet printed before the engine work (each pupil's sheet, each key, each marking scheme...)
  made from the same templates and laid out and written on its own with
  `HTML(...).render(stylesheets=[css], font_config=fc).write_pdf(path, pdf_tags=True,
  pdf_variant="pdf/ua-1")`, tagged as booklet's files are (`--untagged-baseline`: untagged);
  one parsed stylesheet and one FontConfiguration serve the whole run, as any careful caller
  would do.

Every build runs in a process of its own (this script, with `--one`), so neither way warms
the other's caches and each has its own peak memory. Rounds alternate baseline, booklet,
baseline, booklet..., and medians are shown, so a noisy machine slows both alike: only the
ratios measured side by side mean much. Time counts from the call to the files written
(imports done before, alike for both ways): `wall` as a clock shows it, `cpu` the processor
time of the build's process and its workers together, which other programs on the machine
disturb less (a build that uses two cores well has `cpu` near twice `wall`).

Memory columns:

- `RSS`: the maximum resident set of the build's own process (for booklet, the parent);
- `worker`: the largest maximum resident set among booklet's worker processes (forked, so
  pages they share with the parent count in both); none with `--jobs 1`;
- `tree`: the peak of the summed proportional set size (PSS: a page shared by n processes
  counts 1/n in each) of the build's process and all its workers, sampled by this script
  every 0.1 s: what the machine gave the whole build at its largest, short spikes aside.

The targets (the issue's points 8, 2 and 4) are printed with a verdict after the table: a
30-variant set at least 3× the pages per second of bare WeasyPrint; 30 named copies on 4
variants at most 1.3× the time of the 4 variants alone; a 40-variant set at most 300 MiB and
at most 1.2× a 10-variant set, its peak counted high (the larger of `RSS` and `tree`).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # measure the checkout, installed or not
    sys.path.insert(0, str(ROOT))

SEED = 2026
"""A fixed seed, so every build, and every run, lays out the same variants."""

CLASS_VARIANTS = 4
"""Variants the 30 pupils of the class list share."""

PUPILS = (
    "Әлиев Нұрлан",
    "Құрманғазиева Үміт",
    "Өтебаева Іңкәр",
    "Қасымов Ерлан",
    "Нұрпейісова Айгерім",
    "Сәрсенбаев Дәулет",
    "Жұмабекова Әсел",
    "Төлегенов Арман",
    "Бекмұханбетова Гүлнұр",
    "Ыбырайұлы Ғалым",
    "Мұқанов Бауыржан",
    "Шәкәрімова Аяжан",
    "Есенғали Мирас",
    "Қуанышбаева Жансая",
    "Әбдірахманов Нұрсұлтан",
    "Серікқызы Меруерт",
    "Оспанов Ақжол",
    "Исабекова Дариға",
    "Тұрсынбай Еділ",
    "Жақсылықова Ләззат",
    "Байжанов Алмас",
    "Кенжебекова Толқын",
    "Ермеков Темірлан",
    "Ахметова Әйгерім",
    "Рысқұлов Асқар",
    "Смағұлова Назерке",
    "Үсенов Бекзат",
    "Ғабдуллина Жұлдыз",
    "Дүйсенбаев Ерасыл",
    "Нұрланқызы Аружан",
)
"""The class list of the `class` job, in class-list order."""

WAYS = ("baseline", "booklet")

UNTAGGED = {"on": False}
"""`--untagged-baseline`: bare WeasyPrint writes untagged PDFs (a lighter job than booklet's,
whose files are all tagged), as before tagging came in."""


# --- one build, in a process of its own ---------------------------------------------------


@dataclass(frozen=True)
class Task:
    """What one child process builds: a kind of job, and for exams how many variants and whether named."""

    kind: str
    """lesson, book or exam."""
    variants: int = 0
    named: bool = False
    answer_sheets: bool = False


def run_one(task: Task, way: str, jobs: int | None) -> dict:
    """Build `task` the `way` given into a fresh folder; the figures as a dict for the parent."""
    import booklet.book  # noqa: F401  (what either way uses is imported before the clock starts)
    import booklet.exam_build  # noqa: F401
    import booklet.lesson_build  # noqa: F401

    with tempfile.TemporaryDirectory(prefix="benchmark-") as folder:
        roster = write_roster(Path(folder)) if task.named else None
        out = Path(folder) / "out"
        out.mkdir()
        build = booklet_build if way == "booklet" else baseline_build
        before = resource.getrusage(resource.RUSAGE_CHILDREN)  # cffi ran gcc and ld on import
        cpu, start = cpu_seconds(), time.perf_counter()
        pages, size = build(task, out, roster, jobs)
        seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "seconds": seconds,
        "cpu": cpu,
        "pages": pages,
        "bytes": size,
        "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "worker": workers * 1024 if workers > before.ru_maxrss else None,
    }


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have been waited for (booklet's workers)."""
    used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(usage.ru_utime + usage.ru_stime for usage in used)


def write_roster(folder: Path) -> Path:
    """The class list as a spreadsheet exports it."""
    path = folder / "9A.csv"
    path.write_text("Аты-жөні\n" + "".join(f"{name}\n" for name in PUPILS), encoding="utf-8")
    return path


def booklet_build(task: Task, out: Path, roster: Path | None, jobs: int | None) -> tuple[int, int]:
    """Pages and bytes written by booklet's own build of `task`."""
    from booklet import build, build_book, build_exam, sample_course, sample_exam, sample_lesson

    if task.kind == "lesson":
        written = build(sample_lesson(), out, **taken(build, jobs=jobs))
    elif task.kind == "book":
        written = [build_book(sample_course(), out, with_worksheets=True, **taken(build_book))]
    else:
        options = {"seed": SEED, "roster": roster, "answer_sheets": task.answer_sheets}
        written = list(
            build_exam(sample_exam(), out, task.variants, **options, **taken(build_exam, jobs=jobs)).printouts
        )
    return sum(p.pages for p in written), sum(p.size for p in written)


def taken(function: Callable, **options: object) -> dict:
    """`options` and `force=True`, as far as the build takes them: a fresh folder builds anyway,
    `force` makes sure; booklet before the engine work (issue 11) had neither, and copied into
    an older checkout this script measures it too, for the README's before and after."""
    wanted = {"force": True} | options
    return {name: value for name, value in wanted.items() if name in inspect.signature(function).parameters}


def baseline_build(task: Task, out: Path, roster: Path | None, jobs: int | None) -> tuple[int, int]:
    """Pages and bytes of the same documents, each laid out and written on its own by bare WeasyPrint."""
    from weasyprint import HTML

    from booklet.fetcher import LessonFetcher
    from booklet.render import Renderer
    from booklet.resources import data_dir, fonts_dir

    renderer = Renderer()  # its parsed stylesheet and FontConfiguration, nothing else of it
    documents = {"lesson": lesson_documents, "book": book_documents, "exam": exam_documents}[task.kind]
    pages = size = 0
    for name, html, folder in documents(task, roster):
        fetcher = LessonFetcher([folder, data_dir("templates"), fonts_dir()])
        document = HTML(string=html, base_url=folder.resolve().as_uri() + "/", url_fetcher=fetcher).render(
            stylesheets=[renderer.stylesheet], font_config=renderer.font_config
        )
        path = out / f"{name}.pdf"
        document.write_pdf(path, **({} if UNTAGGED["on"] else {"pdf_tags": True, "pdf_variant": "pdf/ua-1"}))
        pages += len(document.pages)
        size += path.stat().st_size
    return pages, size


Documents = Iterator[tuple[str, str, Path]]
"""Each document of a job: its file name, its HTML and the folder its relative URLs resolve in."""


def lesson_documents(task: Task, roster: Path | None) -> Documents:
    """The handout, tables, worksheet and key of the bundled lesson, as booklet printed them."""
    from booklet import load_lesson, sample_lesson
    from booklet.lesson_build import page_settings
    from booklet.printouts import html_for
    from booklet.worksheet import derive_sheet

    path = sample_lesson()
    lesson = load_lesson(path)
    labels, _ = page_settings(lesson, None, None)
    sheet = derive_sheet(lesson, labels)
    for kind in ("handout", "tables", "worksheet", "key"):
        yield f"{lesson.id}-{kind}", html_for(kind, lesson, labels, sheet), path.parent


def book_documents(task: Task, roster: Path | None) -> Documents:
    """The bundled textbook with its worksheets, one document."""
    from booklet import load_course, sample_course
    from booklet.book import book_html
    from booklet.lesson_build import page_settings

    path = sample_course()
    textbook = load_course(path)
    labels, _ = page_settings(textbook.course, None, None)
    yield f"{textbook.course.id}-book", book_html(textbook, labels, True), path.parent


def exam_documents(task: Task, roster: Path | None) -> Documents:
    """Every document of the exam set, one file each: each variant's key, answer-sheet key
    and marking scheme, each copy's sheet and answer sheet, and the teacher's grid."""
    from booklet import load_exam, sample_exam
    from booklet.exam import derive_variants, grid
    from booklet.exam_build import hand_out
    from booklet.exam_pages import Copy, answer_sheet_html, qr_code, rubric_html, sheet_html, teacher_html
    from booklet.lesson_build import page_settings
    from booklet.roster import read_roster

    path = sample_exam()
    folder = path.parent
    exam = load_exam(path)
    labels, _ = page_settings(exam, None, None)
    variants = tuple(derive_variants(exam, SEED, task.variants, labels))
    copies = hand_out(variants, read_roster(roster) if roster else None, SEED, "round-robin", exam.id)
    qrs = {variant.index: qr_code(exam, variant) for variant in variants}
    for variant in variants:
        key, qr = Copy(variant), qrs[variant.index]
        yield f"key-{variant.letter}", sheet_html(exam, key, labels, qr, show_answers=True), folder
        if task.answer_sheets:
            yield f"answer-key-{variant.letter}", answer_sheet_html(exam, key, labels, qr, show_answers=True), folder
        yield f"rubric-{variant.letter}", rubric_html(exam, variant, labels), folder
    for number, copy in enumerate(copies, 1):
        qr = qrs[copy.variant.index]
        yield f"sheet-{number}", sheet_html(exam, copy, labels, qr), folder
        if task.answer_sheets:
            yield f"answer-sheet-{number}", answer_sheet_html(exam, copy, labels, qr), folder
    named = tuple(copy for copy in copies if copy.pupil)
    yield "grid", teacher_html(exam, grid(list(variants)), labels, SEED, named), folder


# --- the run: children, rounds, medians, the table ------------------------------------------


@dataclass(frozen=True)
class Job:
    """A row group of the table: one task, done both ways for `rounds` interleaved rounds."""

    name: str
    title: str
    task: Task
    rounds: int


def jobs_for(args: argparse.Namespace) -> list[Job]:
    """The jobs of this run, in order, with their rounds (`--rounds`, else few for the exams)."""

    def rounds(default: int) -> int:
        return args.rounds if args.rounds is not None else default

    return [
        Job("exam", f"{args.variants}-variant set", Task("exam", args.variants), rounds(1)),
        Job(
            "class",
            f"{len(PUPILS)} pupils, {CLASS_VARIANTS} variants",
            Task("exam", CLASS_VARIANTS, True, True),
            rounds(2),
        ),
        Job("exam4", f"{CLASS_VARIANTS}-variant set", Task("exam", CLASS_VARIANTS, answer_sheets=True), rounds(2)),
        Job("book", "textbook", Task("book"), rounds(2)),
        Job("lesson", "one lesson", Task("lesson"), rounds(5)),
    ]


def child(task: Task, way: str, jobs: int | None) -> dict:
    """Run one build in a process of its own and read back its figures, with the peak of its
    process tree's summed PSS, sampled from here every 0.1 s."""
    command = [sys.executable, __file__, "--one", task.kind, "--way", way, "--variants", str(task.variants)]
    command += ["--named"] if task.named else []
    command += ["--answer-sheets"] if task.answer_sheets else []
    command += ["--jobs", str(jobs)] if jobs is not None else []
    command += ["--untagged-baseline"] if UNTAGGED["on"] else []
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    tree = 0 if Path(f"/proc/{process.pid}/smaps_rollup").exists() else None
    while True:
        if tree is not None:
            tree = max(tree, sum(_pss(pid) for pid in _tree(process.pid)))
        try:
            out, err = process.communicate(timeout=0.1)
            break
        except subprocess.TimeoutExpired:
            continue
    if process.returncode != 0:
        sys.exit(f"{' '.join(command[1:])} failed:\n{err}")
    return json.loads(out.strip().splitlines()[-1]) | {"tree": tree}


def _tree(root: int) -> list[int]:
    """`root` and every process descended from it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:  # gone since listed
                continue
            parent = int(stat.rpartition(")")[2].split()[1])
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _pss(pid: int) -> int:
    """Proportional set size of `pid` in bytes (0 if it has gone)."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    line = next((line for line in text.splitlines() if line.startswith("Pss:")), "Pss: 0 kB")
    return int(line.split()[1]) * 1024


def measure(job: Job, jobs: int | None) -> dict[str, dict]:
    """Interleaved rounds of both ways; per way, the median of each figure."""
    runs: dict[str, list[dict]] = {way: [] for way in WAYS}
    for number in range(job.rounds):
        for way in WAYS:
            print(f"  {job.title}: {way}, round {number + 1} of {job.rounds}", file=sys.stderr, flush=True)
            runs[way].append(child(job.task, way, jobs))
    return {way: medians(found) for way, found in runs.items()}


def medians(runs: list[dict]) -> dict:
    """The median of each figure over `runs` (None where no run has it)."""
    found = {key: [run[key] for run in runs if run[key] is not None] for key in runs[0]}
    return {key: statistics.median(values) if values else None for key, values in found.items()}


COLUMNS = (
    ("wall s", 8, ".2f"),
    ("cpu s", 8, ".2f"),
    ("pages", 7, ".0f"),
    ("pages/s", 9, ".1f"),
    ("bytes/page", 12, ",.0f"),
    ("RSS MiB", 9, ",.0f"),
    ("worker MiB", 12, ",.0f"),
    ("tree MiB", 10, ",.0f"),
)
"""The table's figures: heading, width, format."""


def figures(run: dict) -> dict[str, float | None]:
    """A run's figures under the table's headings."""
    return {
        "wall s": run["seconds"],
        "cpu s": run["cpu"],
        "pages": run["pages"],
        "pages/s": run["pages"] / run["seconds"],
        "bytes/page": run["bytes"] / run["pages"],
        "RSS MiB": mib(run["rss"]),
        "worker MiB": mib(run["worker"]),
        "tree MiB": mib(run["tree"]),
    }


def mib(value: int | None) -> float | None:
    return None if value is None else value / 2**20


def line(title: str, way: str, cells: list[str]) -> str:
    return f"{title:<28}{way:<10}" + "".join(
        f"{cell:>{width}}" for cell, (_, width, _) in zip(cells, COLUMNS, strict=True)
    )


def row(title: str, way: str, run: dict) -> str:
    shown = figures(run)
    return line(title, way, ["–" if shown[name] is None else f"{shown[name]:{form}}" for name, _, form in COLUMNS])


def ratio_row(title: str, base: dict, ours: dict) -> str:
    """`ours`/`base` for each figure: above 1 is more pages per second, or more time, bytes, memory."""
    below, above = figures(base), figures(ours)
    cells = [f"{above[name] / below[name]:.2f}×" if below[name] and above[name] else "–" for name, _, _ in COLUMNS]
    return line("", title, cells)


def header() -> str:
    return line("job", "way", [name for name, _, _ in COLUMNS])


def peak(run: dict) -> float:
    """A build's peak memory in MiB, counted high: the larger of its own process's maximum RSS
    and the sampled PSS of its whole process tree (the build and its workers)."""
    return max(mib(run["rss"]) or 0, mib(run["tree"]) or 0)


def memory_check(jobs: int | None) -> tuple[list[str], list[str]]:
    """Point 4: booklet's builds of 10 and 40 variants, with one process and with workers:
    the table's rows, and the verdicts."""
    rows, verdicts = [], []
    for count in dict.fromkeys((1, jobs)):
        way = f"jobs {count or 'all'}"
        runs = {}
        for variants in (10, 40):
            print(f"  memory: {variants}-variant set, booklet, {way}", file=sys.stderr, flush=True)
            runs[variants] = child(Task("exam", variants), "booklet", count)
            rows.append(row(f"memory: {variants}-variant set", way, runs[variants]))
        rows.append(ratio_row("40/10", runs[10], runs[40]))
        large, growth = peak(runs[40]), peak(runs[40]) / peak(runs[10])
        verdict = "met" if large <= 300 and growth <= 1.2 else "NOT met"
        verdicts.append(
            f"point 4, {way}: a 40-variant set peaks at {large:,.0f} MiB, {growth:.2f}× a 10-variant set"
            f" (target at most 300 MiB and 1.2×: {verdict})"
        )
    return rows, verdicts


def targets(results: dict[str, dict[str, dict]], variants: int) -> list[str]:
    """The issue's targets for speed, against the figures of this run."""
    lines = []
    if "exam" in results:
        base, ours = (figures(results["exam"][way])["pages/s"] for way in WAYS)
        verdict = "met" if ours >= 3 * base else "NOT met"
        lines.append(
            f"point 8: {variants}-variant set, booklet makes {ours / base:.2f}× the pages per second"
            f" of bare WeasyPrint (target at least 3×: {verdict})"
        )
    if "class" in results and "exam4" in results:
        for way in WAYS:
            cost = results["class"][way]["seconds"] / results["exam4"][way]["seconds"]
            target = f" (target at most 1.3×: {'met' if cost <= 1.3 else 'NOT met'})" if way == "booklet" else ""
            lines.append(
                f"names, {way}: {len(PUPILS)} named copies on {CLASS_VARIANTS} variants take {cost:.2f}×"
                f" the time of the {CLASS_VARIANTS} variants alone{target}"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rounds", type=int, help="interleaved rounds per job (default: 1 or 2 for exams, 5 for the lesson)"
    )
    parser.add_argument("--jobs", type=int, help="booklet's worker processes (default: every core)")
    parser.add_argument("--variants", type=int, default=30, help="variants of the exam job (default: 30)")
    parser.add_argument("--only", help="comma-separated jobs: exam, class, exam4, book, lesson, memory (default: all)")
    parser.add_argument(
        "--untagged-baseline",
        action="store_true",
        help="bare WeasyPrint writes untagged PDFs (default: tagged, as booklet's)",
    )
    parser.add_argument("--one", choices=("lesson", "book", "exam"), help=argparse.SUPPRESS)
    parser.add_argument("--way", choices=WAYS, default="booklet", help=argparse.SUPPRESS)
    parser.add_argument("--named", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--answer-sheets", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    UNTAGGED["on"] = args.untagged_baseline
    if args.one:
        print(json.dumps(run_one(Task(args.one, args.variants, args.named, args.answer_sheets), args.way, args.jobs)))
        return
    every = [job.name for job in jobs_for(args)] + ["memory"]
    chosen = args.only.split(",") if args.only else every
    if unknown := set(chosen) - set(every):
        parser.error(f"unknown jobs: {', '.join(sorted(unknown))}; choose from {', '.join(every)}")
    cores = len(os.sched_getaffinity(0))
    print(f"booklet against bare WeasyPrint: {cores} cores, booklet's jobs: {args.jobs or 'all cores'}, seed {SEED}")
    print("medians of interleaved rounds (×n: rounds); ratio: booklet/baseline")
    print(header())
    results = {}
    for job in jobs_for(args):
        if job.name in chosen:
            results[job.name] = found = measure(job, args.jobs)
            print(row(f"{job.title} ×{job.rounds}", "baseline", found["baseline"]))
            print(row("", "booklet", found["booklet"]))
            print(ratio_row("ratio", found["baseline"], found["booklet"]), flush=True)
    rows, verdicts = memory_check(args.jobs) if "memory" in chosen else ([], [])
    for text in rows + [""] + targets(results, args.variants) + verdicts:
        print(text)


if __name__ == "__main__":
    main()
