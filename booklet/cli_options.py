"""What the `booklet` commands share: the options every printing command takes, and how a
problem becomes a message on stderr and exit code 2 (`user_errors`), so cli.py holds only
the commands themselves."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from . import KINDS, LANGUAGES, SCRIPTS, BookletError, ContentError
from .choices import IMPOSITIONS, PAPERS, PDF_VARIANTS


def user_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BookletError as error:
            # Problems in files already say where they are; anything else says who is talking.
            click.echo(str(error) if isinstance(error, ContentError) else f"booklet: {error}", err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            # Builds write all their PDFs in one step at the end (output.py), and workers are
            # stopped (engine/workers.py): an interrupted build has changed nothing.
            click.echo("booklet: interrupted; no PDF was changed", err=True)
            sys.exit(130)

    return wrapper


def kinds_option_value(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
    if value is None:
        return KINDS
    kinds = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown or not kinds:
        raise click.BadParameter(f"choose from {','.join(KINDS)}; got {value!r}")
    return kinds


def nothing_changed(printouts: Any, out_dir: Path) -> bool:
    """Say so when a build found its PDFs up to date (engine/record.py) and did nothing."""
    if not all(printout.unchanged for printout in printouts):
        return False
    names = ", ".join(printout.path.name for printout in printouts)
    click.echo(f"nothing changed since the last build: {names} in {out_dir}/ are up to date (--force builds anyway)")
    return True


lang_option = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    help="Language of the page labels (default: the file's `labels`, else its `language`).",
)
script_option = click.option(
    "--script",
    type=click.Choice(SCRIPTS),
    help="Alphabet of the pages: cyrl, or latn for the 2021 Kazakh Latin alphabet (default: the file's, else cyrl).",
)

jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1),
    help="Worker processes laying out pages (default: one per core; the PDFs are the same for any number).",
)

force_option = click.option(
    "--force", is_flag=True, help="Build even if nothing changed since the last build into the same folder."
)

paper_option = click.option(
    "--paper",
    type=click.Choice(PAPERS),
    help="Lay the pages out on A4 or on A5, with the same type size (default: a4; a5 with --impose).",
)

impose_option = click.option(
    "--impose",
    type=click.Choice(IMPOSITIONS),
    help="Put two A5 pages on each A4 sheet: 2up in order, to cut; booklet in the order of a folded, "
    "stapled booklet (padded with blank pages to a multiple of four). Each pupil's copy stays whole.",
)

pdf_variant_option = click.option(
    "--pdf-variant",
    type=click.Choice(PDF_VARIANTS),
    help="The standard the PDFs claim; all are tagged for screen readers (default: pdf/ua-1, accessible; "
    "pdf/a-2b, pdf/a-2u or pdf/a-2a for archives).",
)

output_option = click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder to write the PDFs into.",
)
