"""The `booklet` command: parse options, call the library, print one line or the errors.

Nothing here decides anything about lessons or pages; it only turns `BookletError` into a
message on stderr and exit code 2. Any other exception is a bug and keeps its traceback.
Each command takes what it uses from the library when it runs, so `--help`, `check`, `lint`
and `schema` start without loading the renderer.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import ASSIGNMENTS, KINDS, ContentError
from .cli_options import (
    force_option,
    impose_option,
    jobs_option,
    kinds_option_value,
    lang_option,
    nothing_changed,
    output_option,
    paper_option,
    pdf_variant_option,
    script_option,
    user_errors,
)

if TYPE_CHECKING:
    from . import Exam, Lesson, Textbook


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="booklet")
def main() -> None:
    """Turn lesson files (YAML) into print-ready PDFs: handout, tables, worksheet and key."""


@main.command("build")
@click.argument("lessons", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@output_option
@click.option(
    "--only",
    callback=kinds_option_value,
    metavar="KINDS",
    help=f"Comma-separated printouts to make (default: all of {','.join(KINDS)}).",
)
@lang_option
@script_option
@paper_option
@impose_option
@pdf_variant_option
@jobs_option
@force_option
@user_errors
def build_command(
    lessons: tuple[Path, ...],
    out_dir: Path,
    only: tuple[str, ...],
    lang: str | None,
    script: str | None,
    paper: str | None,
    impose: str | None,
    pdf_variant: str | None,
    jobs: int | None,
    force: bool,
) -> None:
    """Build LESSONS (default: the bundled sample lesson) into PDFs named after each lesson's id."""
    from . import build, sample_lesson

    written = build(
        lessons or [sample_lesson()],
        out_dir,
        only,
        lang=lang,
        script=script,
        jobs=jobs,
        force=force,
        paper=paper,
        impose=impose,
        pdf_variant=pdf_variant,
    )
    if nothing_changed(written, out_dir):
        return
    pages = sum(printout.pages for printout in written)
    names = ", ".join(printout.path.name for printout in written)
    click.echo(f"wrote {len(written)} PDFs ({pages} pages) to {out_dir}/: {names}")


@main.command("book")
@click.argument("course", required=False, type=click.Path(dir_okay=False, path_type=Path))
@output_option
@click.option("--with-worksheets", is_flag=True, help="Put each lesson's worksheet after its chapter.")
@click.option(
    "--single-sided", is_flag=True, help="For printing on one side: no blank pages before chapters (on the right)."
)
@lang_option
@script_option
@paper_option
@impose_option
@pdf_variant_option
@force_option
@user_errors
def book_command(
    course: Path | None,
    out_dir: Path,
    with_worksheets: bool,
    single_sided: bool,
    lang: str | None,
    script: str | None,
    paper: str | None,
    impose: str | None,
    pdf_variant: str | None,
    force: bool,
) -> None:
    """Build the textbook of COURSE (default: the bundled unit): cover, contents, chapters, glossary, answers."""
    from . import build_book, sample_course

    printout = build_book(
        course or sample_course(),
        out_dir,
        with_worksheets,
        lang=lang,
        script=script,
        force=force,
        paper=paper,
        impose=impose,
        pdf_variant=pdf_variant,
        single_sided=single_sided,
    )
    if nothing_changed([printout], out_dir):
        return
    click.echo(f"wrote {printout.path} ({printout.pages} pages)")


@main.command("exam")
@click.argument("exam", required=False, type=click.Path(dir_okay=False, path_type=Path))
@output_option
@click.option("--variants", "-n", type=click.IntRange(1, 99), default=4, show_default=True, help="How many variants.")
@click.option(
    "--seed", type=click.IntRange(0), help="Seed of the shuffles (default: derived from the exam file; printed)."
)
@click.option(
    "--roster",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Class list (CSV with a name column): one sheet per pupil, name printed.",
)
@click.option(
    "--assign",
    type=click.Choice(ASSIGNMENTS),
    default="round-robin",
    show_default=True,
    help="How pupils of the roster get variants: in turn, or shuffled by the seed.",
)
@click.option("--answer-sheet", is_flag=True, help="Also make a one-page answer sheet per copy (circles and boxes).")
@click.option("--duplex", is_flag=True, help="Start every copy on a new sheet of paper when printing on both sides.")
@lang_option
@script_option
@paper_option
@impose_option
@pdf_variant_option
@jobs_option
@force_option
@user_errors
def exam_command(
    exam: Path | None,
    out_dir: Path,
    variants: int,
    seed: int | None,
    roster: Path | None,
    assign: str,
    answer_sheet: bool,
    duplex: bool,
    lang: str | None,
    script: str | None,
    paper: str | None,
    impose: str | None,
    pdf_variant: str | None,
    jobs: int | None,
    force: bool,
) -> None:
    """Build the question papers, keys, answer grid and marking scheme of EXAM (default: the bundled БЖБ)."""
    from . import Progress, build_exam, sample_exam

    made = build_exam(
        exam or sample_exam(),
        out_dir,
        variants,
        seed,
        roster,
        assign,
        answer_sheet,
        duplex,
        lang=lang,
        script=script,
        progress=Progress,
        jobs=jobs,
        force=force,
        paper=paper,
        impose=impose,
        pdf_variant=pdf_variant,
    )
    if nothing_changed(made.printouts, out_dir):
        return
    for warning in made.warnings:
        click.echo(f"booklet: warning: {warning}", err=True)
    copies = f"{len(made.copies)} pupils" if roster else f"{len(made.variants)} variants"
    files = ", ".join(f"{p.path.name} ({p.pages} pages)" for p in made.printouts)
    click.echo(f"seed {made.seed}: {copies}, wrote {files} to {out_dir}/")
    if seed is None:
        click.echo(f"the same set again: --variants {variants} --seed {made.seed}")


@main.command("scan")
@click.argument("scans", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--exam",
    "exam",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The exam file the sheets were printed from (the same file, as it was then).",
)
@click.option(
    "--roster",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The class list the named sheets were printed with: names for the results.",
)
@click.option(
    "--corrections",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A corrections file (CSV) settling what review.html lists as doubtful.",
)
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("marked"),
    show_default=True,
    help="Folder for results.xlsx, the CSV files, review.html and annotated.pdf.",
)
@lang_option
@script_option
@user_errors
def scan_command(
    scans: tuple[Path, ...],
    exam: Path,
    roster: Path | None,
    corrections: Path | None,
    out_dir: Path,
    lang: str | None,
    script: str | None,
) -> None:
    """Read filled answer sheets (scanned PDFs, phone photos), mark them against each variant's key, report.

    Pages may come in any order, any way up, mixed variants; what cannot be read for sure is
    listed in review.html and settled with --corrections, never guessed."""
    from . import scan_exam

    marked = scan_exam(scans, exam, out_dir, roster=roster, corrections=corrections, lang=lang, script=script)
    click.echo(marked.summary)


@main.command("export")
@click.argument("form", metavar="moodle|gift", type=click.Choice(["moodle", "gift"]))
@click.argument("content", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (default: beside CONTENT, <name>.moodle.xml or <name>.gift.txt).",
)
@user_errors
def export_command(form: str, content: Path, out_file: Path | None) -> None:
    """Write a lesson's, course's or exam's exercises as Moodle questions: Moodle XML or GIFT.

    Every question keeps its points (Moodle XML), filed in a category per lesson or per exam
    section; what the format cannot ask is listed, never dropped silently."""
    from .export import SUFFIXES, export_questions
    from .output import write_set

    exported = export_questions(content, form)
    target = out_file or content.with_name(content.stem + SUFFIXES[form])
    write_set(target.parent if str(target.parent) else Path("."), {target.name: exported.data})
    for note in exported.notes:
        click.echo(f"booklet: {note}", err=True)
    click.echo(f"wrote {exported.questions} questions to {target}")


@main.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@script_option
@user_errors
def check_command(files: tuple[Path, ...], script: str | None) -> None:
    """Validate lesson, course or exam FILES without rendering; every problem is listed as file:line:col.

    A course file (one with a `lessons` list) is checked with every lesson it names, an exam
    file (one with `summative`) with every exercise it draws; with --script latn, also that
    the Latin conversion keeps every answer distinct."""
    from . import Exam, Problem, Textbook, load_content

    problems: list[Problem] = []
    counts = {"course": 0, "lesson": 0, "exam": 0}
    for path in files:
        try:
            loaded = load_content(path)
        except ContentError as error:
            problems += error.problems
            continue
        if (script or loaded_script(loaded)) == "latn":
            to_latin_alphabet(loaded)
        if isinstance(loaded, Textbook):
            counts["course"] += 1
            counts["lesson"] += len(loaded.lessons)
        else:
            counts["exam" if isinstance(loaded, Exam) else "lesson"] += 1
    if problems:
        raise ContentError(problems)
    click.echo(", ".join(_counted(counts)) + " OK")


def _counted(counts: dict[str, int]) -> list[str]:
    """«1 course file with 4 lesson files», «1 exam file»: what `check` found, for its summary line."""

    def files(kind: str) -> str:
        return f"{counts[kind]} {kind} file{'s' if counts[kind] != 1 else ''}"

    found = [f"{files('course')} with {files('lesson')}" if counts["course"] else files("lesson")]
    if counts["exam"]:
        found = [*found[: bool(counts["lesson"])], files("exam")]
    return found


@main.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--fix", is_flag=True, help="Write the safe fixes into the files first; comments and layout are kept.")
@user_errors
def lint_command(paths: tuple[Path, ...], fix: bool) -> None:
    """Report typographic defects in lesson files (or folders of them) as file:line:col: code: message (fix).

    Exit code 1 when anything is found (after --fix: anything a person must decide)."""
    from . import fix_paths, format_change, format_finding, lint_paths

    if fix:
        for change in fix_paths(paths):
            click.echo(format_change(change))
    findings = lint_paths(paths)
    for finding in findings:
        click.echo(format_finding(finding))
    sys.exit(1 if findings else 0)


@main.command("serve")
@click.argument("folder", required=False, default=".", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port (0 or a busy one: any free port).",
)
@click.option("--no-browser", is_flag=True, help="Only print the address; do not open the web browser.")
@user_errors
def serve_command(folder: Path, port: int, no_browser: bool) -> None:
    """Open the studio for FOLDER (default: this one): edit lessons with their problems shown, see pages, print.

    Listens on 127.0.0.1 only; the printed address carries the token every request needs."""
    from .studio.server import serve

    serve(folder, port, open_browser=not no_browser, say=click.echo)


@main.command("new")
@click.argument("kind", type=click.Choice(["lesson", "course", "exam"]))
@click.argument("name")
@click.option(
    "--folder",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=Path("."),
    help="Where to write it.",
)
@user_errors
def new_command(kind: str, name: str, folder: Path) -> None:
    """Write NAME.yaml: a lesson, course or exam in Kazakh that builds as it is, to change into yours.

    NAME is the file's id too (Latin small letters, digits, hyphens); nothing is overwritten.
    A course also gets its first lesson, NAME-1.yaml."""
    from .studio.workspace import new_files

    for path in new_files(folder, kind, name):
        click.echo(f"wrote {path}")


@main.command("schema")
@click.option("--course", "kind", flag_value="course", help="The schema of course files instead of lesson files.")
@click.option("--exam", "kind", flag_value="exam", help="The schema of exam files instead of lesson files.")
def schema_command(kind: str | None) -> None:
    """Print the JSON Schema of lesson files (for editors' YAML language servers)."""
    from . import course_schema, exam_schema, lesson_schema

    schema = {"course": course_schema, "exam": exam_schema}.get(kind or "", lesson_schema)()
    click.echo(json.dumps(schema, ensure_ascii=False, indent=2))


def loaded_script(loaded: Lesson | Textbook | Exam) -> str | None:
    """The alphabet a lesson, course or exam file asks for, if it asks."""
    from . import Textbook

    return loaded.course.script if isinstance(loaded, Textbook) else loaded.script


def to_latin_alphabet(loaded: Lesson | Textbook | Exam) -> None:
    """Convert what was loaded to the Latin alphabet, for the problems that conversion finds."""
    from . import Exam, Textbook, latin_exam, latin_lesson, latin_textbook

    if isinstance(loaded, Textbook):
        latin_textbook(loaded, loaded.course.latin)
    elif isinstance(loaded, Exam):
        latin_exam(loaded, loaded.latin)
    else:
        latin_lesson(loaded, loaded.latin)
