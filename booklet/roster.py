"""A class roster: the pupils' names from a school's class list, for one exam sheet each.

Class lists come as schools keep them: a spreadsheet (XLSX, read with openpyxl) or its CSV
export (UTF-8 with or without a byte-order mark; commas, or in Kazakh and Russian locales,
where the comma is the decimal sign, semicolons; or tab-separated text copied out of a
table). A title row above the headings («9 Ә сыныбы, 2026–2027 оқу жылы») is skipped; the
name is one column (Аты-жөні) or the surname and given name in two (Тегі, Аты), joined; a
class column (Сынып) is kept with each pupil. Anything else is a `ContentError` that names
the row, like a lesson's problems; a pupil listed twice is a warning (`repeated`), since
two pupils may share a name.
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
"""Column headings taken to mean the pupil's whole name (compared without case or surrounding space)."""

SURNAME_HEADINGS = ("тегі", "фамилия", "surname", "last name", "family name")
GIVEN_HEADINGS = ("аты", "есімі", "first name", "given name")
PATRONYMIC_HEADINGS = ("әкесінің аты", "отчество", "patronymic")
"""A name in separate columns: «Тегі» and «Аты» (and «Әкесінің аты»), joined in that order.
«Имя» is a whole name in Russian lists of one column, so it stays in NAME_HEADINGS."""

CLASS_HEADINGS = ("сынып", "класс", "class", "form")


@dataclass(frozen=True)
class Pupil:
    """One pupil of the roster, with the row of the file it came from (for messages)."""

    name: str
    row: int
    class_name: str = ""
    """The pupil's class («9 Ә») when the list has a class column."""


MAX_PUPILS = 1000
"""Copies one run prints: a whole school year's class lists at once. A longer file is more
likely a school's whole register, and would take hours to print."""

MAX_LINE = 2000
"""Characters in one line of the file: a name is a few dozen; a longer line is not a class list
(and Python's CSV reader would stop at 131,072 characters with an error of its own)."""


def read_roster(path: str | Path) -> tuple[Pupil, ...]:
    """The pupils of the roster at `path`, in file order; raise ContentError naming each bad row."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        rows = _workbook_rows(path)
        written = {line: "\t".join(row) for line, row in rows}
    else:
        text = _text(path)
        lines = [line.rstrip("\r") for line in text.split("\n")]  # numbered as the CSV reader numbers them
        if problems := _long_lines(path, lines):
            raise ContentError(problems)
        filled = [line for line in lines if line.strip(" \t,;")]
        rows = _rows(path, text, _delimiter(filled[0])) if filled else []
        written = dict(enumerate(lines, 1))
    empty = Problem(path, 1, 1, "", "the roster is empty", "export the class list with a name column")
    rows = [(line, row) for line, row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise ContentError([empty])
    header_line, header, columns = _heading_row(path, rows)
    pupils, problems = [], []
    for line, row in rows:
        if line <= header_line:
            continue
        if len(row) != len(header) and not (len(row) < len(header) and path.suffix.lower() == ".xlsx"):
            delimiter = _delimiter(written.get(header_line, ","))
            message = f"row has {len(row)} cells but the heading row has {len(header)}"
            shown = "a tab" if delimiter == "\t" else f"'{delimiter}'"
            problems.append(Problem(path, line, 1, "", message, f"separate cells with {shown} only"))
            continue
        row = row + [""] * (len(header) - len(row))
        name = " ".join(" ".join(row[column] for column in columns.name).split())
        if not name:
            problems.append(Problem(path, line, 1, "", "the name cell is empty", "fill it in or delete the row"))
            continue
        problems += _unprintable(path, line, written.get(line, name), name)
        class_name = " ".join(row[columns.form].split()) if columns.form is not None else ""
        pupils.append(Pupil(name, line, class_name))
    if problems:
        raise ContentError(problems)
    if not pupils:
        raise ContentError([Problem(path, header_line, 1, "", "the roster has a heading row but no pupils")])
    if len(pupils) > MAX_PUPILS:
        message = f"the roster has {len(pupils):,} pupils; booklet prints up to {MAX_PUPILS:,} copies in one run"
        raise ContentError([Problem(path, pupils[MAX_PUPILS].row, 1, "", message, "split the class list")])
    return tuple(pupils)


def repeated(path: str | Path, pupils: tuple[Pupil, ...]) -> list[str]:
    """A warning for each pupil listed again under the same name and class: perhaps a slip of
    copying, perhaps two pupils who share a name (then each still gets a sheet)."""
    first: dict[tuple[str, str], int] = {}
    warnings = []
    for pupil in pupils:
        key = (pupil.name.casefold(), pupil.class_name.casefold())
        if key in first:
            warnings.append(
                f"{path}:{pupil.row}: «{pupil.name}» is listed twice (also row {first[key]}); "
                "each row gets a sheet: delete one if it is a slip"
            )
        else:
            first[key] = pupil.row
    return warnings


@dataclass(frozen=True)
class Columns:
    name: tuple[int, ...]
    """The name column, or the surname, given name (and patronymic) columns in that order."""
    form: int | None
    """The class column, if any."""


HEADING_SEARCH = 10
"""Rows looked at for the headings: a title or two, a blank line, then the headings."""


def _heading_row(path: Path, rows: list[tuple[int, list[str]]]) -> tuple[int, list[str], Columns]:
    """The first row (of the first few) with a name heading, what is above it being a title."""
    for line, row in rows[:HEADING_SEARCH]:
        if (columns := _columns(row)) is not None:
            return line, row, columns
    line, header = rows[0]
    found = ", ".join(f"'{cell.strip()}'" for cell in header if cell.strip())
    hint = "name the pupils' column «Аты-жөні» (or «ФИО», «name»), or the two columns «Тегі» and «Аты»"
    raise ContentError([Problem(path, line, 1, "", f"no name column among {found}", hint)])


def _columns(header: list[str]) -> Columns | None:
    headings = [" ".join(cell.split()).casefold() for cell in header]

    def find(names: tuple[str, ...]) -> int | None:
        return next((index for index, heading in enumerate(headings) if heading in names), None)

    form = find(CLASS_HEADINGS)
    if (whole := find(NAME_HEADINGS)) is not None:
        return Columns((whole,), form)
    surname, given = find(SURNAME_HEADINGS), find(GIVEN_HEADINGS)
    if surname is None or given is None:
        return None
    patronymic = find(PATRONYMIC_HEADINGS)
    return Columns(tuple(i for i in (surname, given, patronymic) if i is not None), form)


def _delimiter(line: str) -> str:
    """Tabs (text copied out of a table), semicolons (Kazakh and Russian CSV), or commas."""
    counts = {delimiter: line.count(delimiter) for delimiter in ("\t", ";", ",")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _workbook_rows(path: Path) -> list[tuple[int, list[str]]]:
    """The first sheet's rows as text, numbered as the spreadsheet numbers them."""
    from openpyxl import load_workbook  # only for XLSX class lists

    data = file_bytes(path, "the class list")
    note_read(path, data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises zipfile, KeyError and its own errors for a damaged file
        hint = "open it in the spreadsheet and save it again as «Excel Workbook (.xlsx)», or as «CSV UTF-8»"
        raise ContentError([Problem(path, 1, 1, "", "the class list is not a readable XLSX workbook", hint)]) from None
    rows = []
    try:
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
            if number > MAX_PUPILS + HEADING_SEARCH + 1:
                break
            rows.append((number, [_cell_text(value) for value in values]))
    finally:
        book.close()
    return rows


def _cell_text(value: object) -> str:
    """A cell as the teacher sees it: 9 rather than 9.0, nothing for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


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
    data = file_bytes(path, "the class list")
    note_read(path, data)
    return spreadsheet_text(path, data, "the roster")


def file_bytes(path: Path, what: str) -> bytes:
    """The bytes of a file the teacher named (a class list, a corrections file), or a
    ContentError at its line 1 saying why it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ContentError([Problem(path, 1, 1, "", "file not found")]) from None
    except OSError as error:  # a folder, a symbolic link loop, a permission
        raise ContentError([Problem(path, 1, 1, "", f"cannot read {what}: {error.strerror}")]) from None


def spreadsheet_text(path: Path, data: bytes, what: str) -> str:
    """A spreadsheet's CSV export as text (UTF-8, with or without a BOM); anything else is an
    error at the line where the first byte that is not UTF-8 sits."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        hint = "save it from the spreadsheet as «CSV UTF-8»"
        raise ContentError([Problem(path, line, 1, "", f"{what} is not UTF-8 text", hint)]) from None
