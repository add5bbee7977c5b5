"""The corrections file: the teacher's answers for what scanning could not read for sure.

Each run writes `corrections.csv` with one line per doubtful answer, the `answer` cell left
empty; the teacher fills it in (in a spreadsheet or a text editor, with review.html open
beside it) and gives the file back with the next run, which marks those answers as written.
The lines of answers settled before are written again with their answers, so the file of a
run can be given to the next run as it is. The columns:

    file;page;pupil;task;item;descriptor;read;answer

- `file`, `page`, `task`, `item` (a row's label) or `descriptor` (a tick box's number, from 1,
  for an open task) say which answer; `pupil` and `read` (what the circles look like:
  «Б+В» two filled, «В?» one uncertain) are there for the teacher and not read back;
- `answer`: the mark the pupil meant (А, Д, 3 …; a Latin A is taken for the Cyrillic А),
  or `-` for no answer; for a tick box `+` (ticked) or `-`. Left empty, the answer stays in
  doubt and the pupil's result stays incomplete: an empty cell never means "no answer", so
  a file given back unfilled cannot mark anything by accident.

Semicolons separate the cells, and the file starts with a UTF-8 byte-order mark: Excel in
Kazakh and Russian settings opens such a file in columns with its Cyrillic intact. Commas
and tabs are read too (a file saved by other spreadsheets). Every slip is reported at once as
`corrections.csv:7:12: answer: «Z» is not a circle of item 3 of task 2 (write one of …)`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError, Problem
from ..roster import Pupil, file_bytes, spreadsheet_text
from .marking import Correction, SheetResult
from .words import KK, Words, read_as, tick_read_as, who

COLUMNS = ("file", "page", "pupil", "task", "item", "descriptor", "read", "answer")
REQUIRED = ("file", "page", "task", "item", "answer")
NO_ANSWER = ("-", "–", "—", "жоқ", "нет", "none")
TICKED = ("+", "1", "иә", "да", "yes")
NOT_TICKED = ("-", "–", "—", "0", "жоқ", "нет", "no")
DELIMITER = ";"


@dataclass(frozen=True)
class CorrectionLine:
    """One line of the written corrections file, for review.html to show beside its crop."""

    source: tuple[str, int]
    task: int
    item: str
    """The row's label, or empty for a tick box."""
    descriptor: int | None
    line: int
    """Its line in corrections.csv (the heading row is line 1)."""
    text: str
    """The line as written, without the line break."""


def correction_lines(
    results: Iterable[SheetResult], roster: Sequence[Pupil] | None = None, words: Words = KK
) -> tuple[CorrectionLine, ...]:
    """A line for every answer in doubt or settled by the teacher, in the results' order, then
    by task and row; numbered as the written file numbers them (the heading row is line 1).
    The `pupil` cell, for the teacher only, is in `words` (a sheet without a name: its page)."""
    lines: list[tuple[tuple[str, int], int, str, int | None, tuple[str, ...]]] = []
    for result in results:
        name = who(result, roster, words)[0]
        source = (result.source.file, result.source.page)
        head = (result.source.file, str(result.source.page), name)
        for task in result.tasks:
            for item in task.items:
                if item.status == "doubt" or item.settled:
                    answer = "" if item.status == "doubt" else item.answer or "-"
                    cells = (*head, str(task.number), item.item, "", read_as(item), answer)
                    lines.append((source, task.number, item.item, None, cells))
            for tick in task.ticks:
                if tick.status == "doubt" or tick.settled:
                    answer = "" if tick.status == "doubt" else "+" if tick.status == "ticked" else "-"
                    cells = (*head, str(task.number), "", str(tick.descriptor + 1), tick_read_as(tick), answer)
                    lines.append((source, task.number, "", tick.descriptor, cells))
    return tuple(
        CorrectionLine(source, task, item, descriptor, number, _joined(cells))
        for number, (source, task, item, descriptor, cells) in enumerate(lines, start=2)
    )


def corrections_csv(lines: Iterable[CorrectionLine]) -> bytes:
    """The corrections file to write: a BOM, the heading row, then `lines`, CRLF as Excel writes."""
    text = "".join(f"{line}\r\n" for line in (_joined(COLUMNS), *(line.text for line in lines)))
    return ("\ufeff" + text).encode("utf-8")


def _joined(cells: Iterable[str]) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=DELIMITER, lineterminator="").writerow(list(cells))
    return out.getvalue()


def read_corrections(path: str | Path) -> tuple[Correction, ...]:
    """The filled lines of a corrections file (lines whose answer is empty are still in doubt
    and left out); every bad line is reported at once as a ContentError."""
    path = Path(path)
    rows = [(n, line.rstrip("\r")) for n, line in enumerate(_text(path).split("\n"), 1) if line.strip(" \t\r,;")]
    if not rows:
        raise ContentError([Problem(path, 1, 1, "", "the file is empty", "give the corrections.csv a run wrote")])
    head_line, head = rows[0]
    delimiter = max((";", ",", "\t"), key=head.count)
    header = [cell.strip().casefold() for cell in _cells(head, delimiter)]
    if missing := [name for name in REQUIRED if name not in header]:
        message = f"no column {', '.join(missing)} in the heading row"
        hint = f"keep the heading row as written: {DELIMITER.join(COLUMNS)}"
        raise ContentError([Problem(path, head_line, 1, "", message, hint)])
    corrections, problems = [], []
    for number, line in rows[1:]:
        found = _Line(path, number, line, delimiter, header).correction()
        if isinstance(found, list):
            problems += found
        elif found is not None:
            corrections.append(found)
    if problems:
        raise ContentError(problems)
    return tuple(corrections)


COPY_HINT = "copy the line from review.html"


class _Line:
    """One line of the file being read, and what is wrong with it."""

    def __init__(self, path: Path, number: int, line: str, delimiter: str, header: list[str]):
        self.path, self.number, self.delimiter, self.header = path, number, delimiter, header
        self.cells = _cells(line, delimiter)
        self.value = {name: cell.strip() for name, cell in zip(header, self.cells, strict=False)}
        self.column = dict(zip(header, _starts(line, delimiter), strict=False))
        self.problems: list[Problem] = []

    def problem(self, name: str, message: str, hint: str = COPY_HINT) -> None:
        column = self.column.get(name, 1) if name else 1
        self.problems.append(Problem(self.path, self.number, column, name, message, hint))

    def whole_number(self, name: str) -> int | None:
        text = self.value.get(name, "")
        if text.isdigit() and int(text) >= 1:
            return int(text)
        self.problem(name, f"«{text}» is not a number from 1")
        return None

    def correction(self) -> Correction | list[Problem] | None:
        """The line's correction; None when its answer is still empty; its problems otherwise."""
        if len(self.cells) != len(self.header):
            message = f"the line has {len(self.cells)} cells but the heading row has {len(self.header)}"
            self.problem("", message, f"separate cells with '{self.delimiter}' only; quote a cell that holds one")
            return self.problems
        value = self.value
        if not value["answer"]:
            return None  # still to be decided: the doubt stays open
        page, task = self.whole_number("page"), self.whole_number("task")
        descriptor = self.whole_number("descriptor") if value.get("descriptor") else None
        if not value["file"]:
            self.problem("file", "the file cell is empty")
        if descriptor is not None and value["item"]:
            self.problem("item", "both item and descriptor are given", "a line corrects an item or a tick box")
        if not value.get("descriptor") and not value["item"]:
            self.problem("item", "the item cell is empty")
        answer = _answer(value["answer"], bool(value.get("descriptor")))
        if answer is False:
            hint = "write + for a ticked box or - for one not ticked"
            self.problem("answer", f"«{value['answer']}» is neither + nor -", hint)
        if self.problems or page is None or task is None or answer is False:
            return self.problems
        index = None if descriptor is None else descriptor - 1
        columns = tuple(self.column.items())
        return Correction(value["file"], page, task, value["item"], index, answer, self.number, columns)


def _answer(text: str, tick: bool) -> str | None | bool:
    """The answer as `Correction` keeps it: None for no answer (or a box not ticked); False
    when a tick box's cell is neither."""
    word = text.casefold()
    if tick:
        return "ticked" if word in TICKED else None if word in NOT_TICKED else False
    return None if word in NO_ANSWER else text


def _cells(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _starts(line: str, delimiter: str) -> list[int]:
    """The 1-based character column where each cell of the line starts (quotes respected)."""
    starts, quoted = [1], False
    for index, character in enumerate(line):
        if character == '"':
            quoted = not quoted
        elif character == delimiter and not quoted:
            starts.append(index + 2)
    return starts


def _text(path: Path) -> str:
    return spreadsheet_text(path, file_bytes(path, "the corrections"), "the corrections file")
