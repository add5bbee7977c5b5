"""A class roster: the pupils' names from a spreadsheet's CSV export, for one exam sheet each.

Spreadsheets export CSV in several ways: UTF-8 with or without a byte-order mark, commas or
(in Kazakh and Russian locales, where the comma is the decimal sign) semicolons. All of them
are read; anything else is a `ContentError` that names the row, like a lesson's problems.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .engine.record import note_read
from .errors import ContentError, Problem
from .glyphs import undrawable
from .source import character_name

NAME_HEADINGS = (
    "аты-жөні",
    "аты жөні",
    "оқушы",
    "оқушының аты-жөні",
    "фио",
    "ф.и.о.",
    "имя",
    "ученик",
    "name",
    "student",
)
"""Column headings taken to mean the pupil's name (compared without case or surrounding space)."""


@dataclass(frozen=True)
class Pupil:
    """One pupil of the roster, with the row of the file it came from (for messages)."""

    name: str
    row: int


MAX_PUPILS = 1000
"""Copies one run prints: a whole school year's class lists at once. A longer file is more
likely a school's whole register, and would take hours to print."""

MAX_LINE = 2000
"""Characters in one line of the file: a name is a few dozen; a longer line is not a class list
(and Python's CSV reader would stop at 131,072 characters with an error of its own)."""


def read_roster(path: str | Path) -> tuple[Pupil, ...]:
    """The pupils of the roster at `path`, in file order; raise ContentError naming each bad row."""
    path = Path(path)
    text = _text(path)
    lines = [line.rstrip("\r") for line in text.split("\n")]  # numbered as the CSV reader numbers them
    if problems := _long_lines(path, lines):
        raise ContentError(problems)
    empty = Problem(path, 1, 1, "", "the roster is empty", "export the class list with a name column")
    if not any(line.strip(" \t,;") for line in lines):
        raise ContentError([empty])
    header_row = next(index for index, line in enumerate(lines, 1) if line.strip(" \t,;"))
    delimiter = ";" if lines[header_row - 1].count(";") > lines[header_row - 1].count(",") else ","
    rows = _rows(path, text, delimiter)
    header_line, header = next(((line, row) for line, row in rows if any(cell.strip() for cell in row)), (0, None))
    if header is None:
        raise ContentError([empty])
    column = _name_column(path, header_line, header)
    pupils, problems = [], []
    for line, row in rows:
        if line <= header_line or not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            message = f"row has {len(row)} cells but the heading row has {len(header)}"
            problems.append(Problem(path, line, 1, "", message, f"separate cells with '{delimiter}' only"))
            continue
        name = " ".join(row[column].split())
        if not name:
            problems.append(Problem(path, line, 1, "", "the name cell is empty", "fill it in or delete the row"))
            continue
        problems += _unprintable(path, line, lines[line - 1] if line <= len(lines) else name, name)
        pupils.append(Pupil(name, line))
    if problems:
        raise ContentError(problems)
    if not pupils:
        raise ContentError([Problem(path, header_line, 1, "", "the roster has a heading row but no pupils")])
    if len(pupils) > MAX_PUPILS:
        message = f"the roster has {len(pupils):,} pupils; booklet prints up to {MAX_PUPILS:,} copies in one run"
        raise ContentError([Problem(path, pupils[MAX_PUPILS].row, 1, "", message, "split the class list")])
    return tuple(pupils)


def _rows(path: Path, text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """The CSV rows with the line each ends on; a quotation mark left open is an error, not one
    long name swallowing the rows after it."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            if any("\n" in cell or "\r" in cell for cell in row):
                raise csv.Error("a cell runs over several lines")
            rows.append((reader.line_num, row))
    except csv.Error:
        line = rows[-1][0] + 1 if rows else 1
        hint = 'a name holds a " that is never closed: delete it, or close it'
        raise ContentError(
            [Problem(path, line, 1, "", "a quotation mark opens a cell that never ends", hint)]
        ) from None
    return rows


def _long_lines(path: Path, lines: list[str]) -> list[Problem]:
    return [
        Problem(
            path,
            number,
            MAX_LINE + 1,
            "",
            f"the line has {len(line):,} characters",
            f"a roster line holds up to {MAX_LINE:,}",
        )
        for number, line in enumerate(lines, 1)
        if len(line) > MAX_LINE
    ][:20]


def _unprintable(path: Path, line: int, written: str, name: str) -> list[Problem]:
    """A name's characters that no bundled font has, at their column in the file's line."""
    problems = []
    for character in undrawable(name, typeset=False):
        column = written.find(character) + 1 or 1
        message = f"{character_name(character)} in the name «{name}» is in no bundled font"
        problems.append(Problem(path, line, column, "", message, "retype the name in Kazakh or Russian letters"))
    return problems


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ContentError([Problem(path, 1, 1, "", "file not found")]) from None
    except OSError as error:  # a folder, a symbolic link loop, a permission
        raise ContentError([Problem(path, 1, 1, "", f"cannot read the class list: {error.strerror}")]) from None
    note_read(path, data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        hint = "save it from the spreadsheet as «CSV UTF-8»"
        raise ContentError([Problem(path, line, 1, "", "the roster is not UTF-8 text", hint)]) from None


def _name_column(path: Path, line: int, header: list[str]) -> int:
    headings = [cell.strip().casefold() for cell in header]
    for index, heading in enumerate(headings):
        if heading in NAME_HEADINGS:
            return index
    found = ", ".join(f"'{cell.strip()}'" for cell in header)
    hint = "name the pupils' column «Аты-жөні» (or «ФИО», «name»)"
    raise ContentError([Problem(path, line, 1, "", f"no name column among {found}", hint)])
