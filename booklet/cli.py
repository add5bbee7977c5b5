"""The `booklet` command: parse options, call the library, print one line or the errors.

Nothing here decides anything about lessons or pages; it only turns `BookletError` into a
message on stderr and exit code 2. Any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from . import KINDS, BookletError, build, lesson_schema, load_lesson, sample_lesson


def _user_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BookletError as error:
            click.echo(f"booklet: {error}" if "\n" not in str(error) else str(error), err=True)
            sys.exit(error.exit_code)

    return wrapper


def _kinds(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
    if value is None:
        return KINDS
    kinds = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown or not kinds:
        raise click.BadParameter(f"choose from {','.join(KINDS)}; got {value!r}")
    return kinds


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="booklet")
def main() -> None:
    """Turn lesson files (YAML) into print-ready PDFs: handout, tables, worksheet and key."""


@main.command("build")
@click.argument("lessons", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder to write the PDFs into.",
)
@click.option(
    "--only",
    callback=_kinds,
    metavar="KINDS",
    help=f"Comma-separated printouts to make (default: all of {','.join(KINDS)}).",
)
@_user_errors
def build_command(lessons: tuple[Path, ...], out_dir: Path, only: tuple[str, ...]) -> None:
    """Build LESSONS (default: the bundled sample lesson) into PDFs named after each lesson's id."""
    written = build(lessons or [sample_lesson()], out_dir, only)
    pages = sum(printout.pages for printout in written)
    names = ", ".join(printout.path.name for printout in written)
    click.echo(f"wrote {len(written)} PDFs ({pages} pages) to {out_dir}/: {names}")


@main.command("check")
@click.argument("lessons", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@_user_errors
def check_command(lessons: tuple[Path, ...]) -> None:
    """Validate LESSONS without rendering; every problem is listed as file:line:col."""
    problems: list[str] = []
    for lesson in lessons:
        try:
            load_lesson(lesson)
        except BookletError as error:
            problems.append(str(error))
    if problems:
        raise BookletError("\n".join(problems))
    click.echo(f"{len(lessons)} lesson file{'s' if len(lessons) != 1 else ''} OK")


@main.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of lesson files (for editors' YAML language servers)."""
    click.echo(json.dumps(lesson_schema(), ensure_ascii=False, indent=2))
