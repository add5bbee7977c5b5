"""Printing from the studio: the same builds as the command line, and the files teachers upload.

A build writes into the workspace's `out/` folder, as `booklet build` run in the workspace
would (same library call, same atomic set of files, same «nothing changed» record), so the
PDFs are there afterwards too. A class list is stored in `.booklet-studio/rosters/` and read
by `roster.read_roster`, exactly as `--roster` reads one. A figure is stored in the lesson's
`figures/` folder only after `figure_problem` accepts it, as the loader checks figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BookletError, ContentError
from .workspace import Workspace, write_whole

OUTPUT = "out"
UPLOADS = ".booklet-studio"
MAX_ROSTER_BYTES = 5 * 1024 * 1024
MAX_FIGURE_BYTES = 10 * 1024 * 1024
ROSTER_SUFFIXES = (".csv", ".xlsx", ".txt")
FIGURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")


@dataclass
class Printed:
    """What a build made, for the page: file names (in `out/`), warnings, and problems."""

    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seed: int | None = None


@dataclass(frozen=True)
class Order:
    """What the teacher asked to print."""

    path: str
    what: str
    """lesson (its four PDFs), book, exam, or named (an exam's sheets, one per pupil)."""
    variants: int = 4
    seed: int | None = None
    answer_sheets: bool = False
    duplex: bool = False
    roster: str | None = None
    """The class list's file in the workspace, for `named`."""


def print_order(workspace: Workspace, order: Order, renderer: object | None = None) -> Printed:
    """Build what `order` asks into the workspace's out/ folder; problems are returned, not raised."""
    from .. import build, build_book, build_exam

    path = workspace.file(order.path)
    out = workspace.root / OUTPUT
    try:
        if order.what == "lesson":
            made = build(path, out, renderer=renderer, jobs=1)  # type: ignore[arg-type]
            return Printed([p.path.name for p in made])
        if order.what == "book":
            return Printed([build_book(path, out, renderer=renderer).path.name])  # type: ignore[arg-type]
        if order.what not in ("exam", "named"):
            raise BookletError(f"unknown build {order.what!r}")
        roster = None
        if order.what == "named":
            if not order.roster:
                raise BookletError("choose the class list (CSV or XLSX) first")
            roster = workspace.root / UPLOADS / "rosters" / order.roster
        made_set = build_exam(
            path,
            out,
            order.variants,
            order.seed,
            roster,
            answer_sheets=order.answer_sheets,
            duplex=order.duplex,
            renderer=renderer,  # type: ignore[arg-type]
            jobs=1,
        )
        warnings = [_relative(workspace, w) for w in made_set.warnings]
        return Printed([p.path.name for p in made_set.printouts], warnings, seed=made_set.seed)
    except ContentError as error:
        return Printed(problems=[_relative(workspace, str(p)) for p in error.problems])
    except BookletError as error:
        return Printed(problems=[_relative(workspace, str(error))])


def printed_file(workspace: Workspace, name: str) -> Path:
    """A PDF of out/ to download, by its plain name."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*\.pdf", name):
        raise BookletError(f"{name!r} is not the name of a printed PDF")
    out = (workspace.root / OUTPUT).resolve()
    path = (out / name).resolve()  # the names are links into out/.booklet (output.py)
    if not path.is_relative_to(out) or not path.is_file():
        raise BookletError(f"{name}: no such PDF in {OUTPUT}/")
    return path


def store_roster(workspace: Workspace, filename: str, data: bytes) -> tuple[str, int]:
    """Keep an uploaded class list and read it as the command line would; return its stored name
    and the number of pupils. ContentError (at the rows) if it is not a class list."""
    from ..roster import read_roster

    name = _plain_name(filename, ROSTER_SUFFIXES, "class list")
    if len(data) > MAX_ROSTER_BYTES:
        raise BookletError(f"the class list is {len(data):,} bytes; the studio takes up to {MAX_ROSTER_BYTES:,}")
    if name.lower().endswith(".xlsx") and not data.startswith(b"PK\x03\x04"):
        raise BookletError(f"{name} is not an XLSX workbook; save it from the spreadsheet again, or as CSV")
    folder = workspace.root / UPLOADS / "rosters"
    folder.mkdir(parents=True, exist_ok=True)
    write_whole(folder / name, data)
    try:
        pupils = read_roster(folder / name)
    except ContentError as error:
        raise ContentError([_named(p, name) for p in error.problems]) from None
    return name, len(pupils)


def store_figure(workspace: Workspace, lesson: str, filename: str, data: bytes) -> str:
    """Keep an uploaded picture in the lesson's figures/ folder, checked as a figure is when the
    lesson is loaded; return its `src`, relative to the lesson."""
    from ..figures import figure_problem

    name = _plain_name(filename, FIGURE_SUFFIXES, "figure")
    if len(data) > MAX_FIGURE_BYTES:
        raise BookletError(f"the picture is {len(data):,} bytes; the studio takes up to {MAX_FIGURE_BYTES:,}")
    folder = workspace.file(lesson).parent / "figures"
    folder.mkdir(exist_ok=True)
    if not folder.resolve().is_relative_to(workspace.root):
        raise BookletError("the lesson's figures folder leads outside the workspace")
    target = folder / name
    if target.exists() and target.read_bytes() != data:
        target = folder / _free_name(folder, name)
    staged = folder / f".upload-{target.name}"
    staged.write_bytes(data)
    try:
        if problem := figure_problem(staged):
            raise BookletError(f"{name}: {problem}")
        staged.replace(target)
    finally:
        staged.unlink(missing_ok=True)
    return f"figures/{target.name}"


def _plain_name(filename: str, suffixes: tuple[str, ...], what: str) -> str:
    name = Path(filename.replace("\\", "/")).name
    stem, dot, suffix = name.rpartition(".")
    if not dot or f".{suffix.lower()}" not in suffixes:
        raise BookletError(f"a {what} must be a {', '.join(s.lstrip('.').upper() for s in suffixes)} file")
    stem = re.sub(r"[^\w-]+", "-", stem, flags=re.UNICODE).strip("-.") or what.replace(" ", "-")
    return f"{stem[:80]}.{suffix.lower()}"


def _free_name(folder: Path, name: str) -> str:
    stem, _, suffix = name.rpartition(".")
    return next(f"{stem}-{n}.{suffix}" for n in range(2, 10_000) if not (folder / f"{stem}-{n}.{suffix}").exists())


def _named(problem: object, name: str) -> object:
    from dataclasses import replace

    return replace(problem, file=Path(name))  # type: ignore[type-var]


def _relative(workspace: Workspace, message: str) -> str:
    """A message without the workspace's own folder in it: the teacher knows where it is."""
    return message.replace(f"{workspace.root}/{UPLOADS}/rosters/", "").replace(f"{workspace.root}/", "")
