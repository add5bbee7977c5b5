"""The results of a scanning run as a teacher files them: results.xlsx, results.csv, items.csv.

Every heading, sheet name and word in a cell is in the exam's language (`words.py`).
Sheet 1 «Нәтижелер» (ru «Результаты», en «Results») has one row per pupil (points per task and per criterion, total,
percentage, mark); sheet 2 «Сұрақтар» one row per item of the exam file (how many got it
right, which wrong answers were chosen how often, items nobody or everybody got right).
A variant shuffles its tasks, items and options, so task 3's item 2 and its option «Б» in
variant А are another task, item and letter in variant Б: an item is known by the exam
file's task it comes from and its text, an answer by what it says, and each row says where
the item sat in each variant («А 3.2; Б 5.1»).

A result with an open doubt has no total and no mark: its mark cell says «толық емес» («не завершено») and its
status how many answers wait for review, so an incomplete result is never filed as a mark.

The same input gives the same bytes: the workbook's dates are the exam's date, not the
clock, and its zip entries are written again with one fixed time (zipfile stamps them with
the moment of writing). The CSV files are UTF-8 with a byte-order mark, semicolons between
cells and a decimal comma, as Excel in Kazakh and Russian settings writes and reads them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..model import Exam
from ..roster import Pupil
from .annotated import annotated_pdf
from .marking import SheetResult
from .readings import PageReading
from .words import KK, Words, who

__all__ = ["ItemStatistic", "annotated_pdf", "item_statistics", "items_csv", "results_csv", "results_xlsx", "summary"]

Cell = str | int | float | None


def pupil_table(
    exam: Exam, results: Sequence[SheetResult], roster: Sequence[Pupil] | None, words: Words = KK
) -> list[list[Cell]]:
    """Sheet 1 as rows of cells, the heading row first."""
    numbers = sorted({task.number for result in results for task in result.tasks})
    criteria = [criterion.id for criterion in exam.criteria]
    head: list[Cell] = [words.pupil, words.class_, words.variant, words.file, words.page]
    head += [words.task_heading(n) for n in numbers] + criteria
    head += [words.total, words.out_of, words.percent, words.mark, words.status]
    rows = [head]
    for result in results:
        name, class_name = who(result, roster, words)
        points = {task.number: task.points for task in result.tasks}
        row: list[Cell] = [name, class_name, f"{result.variant.letter} ({result.variant.code})"]
        row += [result.source.file, result.source.page]
        row += ["?" if points.get(n, 0) is None else points.get(n) for n in numbers]
        row += [result.criterion_points(c) for c in criteria]
        percent = None if result.percent is None else round(result.percent, 1)
        row += [result.total, result.out_of, percent, result.mark or words.incomplete, _status(result, words)]
        rows.append(row)
    return rows


def _status(result: SheetResult, words: Words) -> str:
    if result.complete:
        return words.done
    return f"{words.incomplete_doubts.format(n=result.doubts)} (review.html, corrections.csv)"


@dataclass(frozen=True)
class ItemStatistic:
    """How one item of the exam file went across every pupil who had it, in any variant."""

    item: str
    """The item as written (a question, a statement, an event, a blank's word), or
    «Д1: …» for an open task's descriptor."""
    where: str
    """Where each variant printed it: «А 3.2; Б 5.1» (variant, task, item)."""
    right_answer: str
    """What the right answer says (the same in every variant, whatever its letter)."""
    answered: int
    """Sheets with this item settled (doubts still open are counted in `doubts` only)."""
    right: int
    wrong: tuple[tuple[str, int], ...]
    """Each wrong answer chosen (what it says), with how often, the most chosen first."""
    blank: int
    doubts: int
    flag: str
    """«nobody got it right» or «everybody got it right», in the run's words; else empty."""

    @property
    def share(self) -> float | None:
        return None if not self.answered else 100 * self.right / self.answered


def _flag(answered: int, right: int, words: Words) -> str:
    if not answered:
        return ""
    return words.nobody_right if right == 0 else words.everybody_right if right == answered else ""


@dataclass
class _Tally:
    item: str
    right_answer: str
    order: int
    """The item's place in its task in the first variant that has it: the order of the rows."""
    places: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, status: str, answer: str | None = None) -> None:
        bucket = answer if status == "wrong" and answer is not None else status
        self.counts[bucket] = self.counts.get(bucket, 0) + 1


def item_statistics(results: Sequence[SheetResult], words: Words = KK) -> tuple[ItemStatistic, ...]:
    """One statistic per item of the exam file, in the file's order, every variant counted
    together: an item is the exam file's task (`VariantTask.source`) and the item's text, an
    answer what its circle stands for (`Bubble.text`)."""
    tallies: dict[tuple, _Tally] = {}
    for result in sorted(results, key=lambda r: r.variant.index):
        tasks = {task.number: task for task in result.variant.tasks}
        letter = result.variant.letter
        for task, answer in zip(result.tasks, result.key, strict=True):
            source = tasks[task.number].source
            for place, (item, row) in enumerate(zip(task.items, answer.rows, strict=True)):
                meaning = {bubble.mark: bubble.text or bubble.mark for bubble in row.bubbles}
                text = _plain(row.text) or row.label
                tally = tallies.setdefault((source, text), _Tally(text, meaning.get(item.right, item.right), place))
                tally.places.setdefault(letter, f"{task.number}.{row.label}")
                tally.count(item.status, None if item.answer is None else meaning.get(item.answer, item.answer))
            descriptors = tasks[task.number].task.descriptors
            for tick in task.ticks:
                label = words.descriptor_label.format(n=tick.descriptor + 1)
                text = f"{label}: {_plain(descriptors[tick.descriptor].text)}"
                tally = tallies.setdefault((source, label), _Tally(text, "+", tick.descriptor))
                tally.places.setdefault(letter, f"{task.number} {label}")
                tally.count({"ticked": "right", "not ticked": "blank"}.get(tick.status, "doubt"))
    stats = []
    for _, tally in sorted(tallies.items(), key=lambda entry: (entry[0][0], entry[1].order)):
        counts = dict(tally.counts)
        right, blank, doubts = (counts.pop(bucket, 0) for bucket in ("right", "blank", "doubt"))
        wrong = tuple(sorted(counts.items(), key=lambda chosen: (-chosen[1], chosen[0])))
        where = "; ".join(f"{letter} {place}" for letter, place in tally.places.items())
        answered = right + blank + sum(n for _, n in wrong)
        flag = _flag(answered, right, words)
        stats.append(ItemStatistic(tally.item, where, tally.right_answer, answered, right, wrong, blank, doubts, flag))
    return tuple(stats)


def _plain(text: str) -> str:
    """An item's text for a spreadsheet cell: one line, no soft hyphens, no emphasis marks."""
    return " ".join(text.replace("\u00ad", "").replace("**", "").split())


def item_table(results: Sequence[SheetResult], words: Words = KK) -> list[list[Cell]]:
    """Sheet 2 as rows of cells, the heading row first."""
    head: list[Cell] = [words.item, words.where, words.right_answer, words.answered]
    head += [words.share_right, words.wrong_chosen, words.blank, words.doubts, words.flag]
    rows = [head]
    for s in item_statistics(results, words):
        wrong = "; ".join(f"{answer}: {n}" for answer, n in s.wrong)
        share = None if s.share is None else round(s.share, 1)
        rows.append([s.item, s.where, s.right_answer, s.answered, share, wrong, s.blank, s.doubts, s.flag])
    return rows


def results_xlsx(
    exam: Exam, results: Sequence[SheetResult], roster: Sequence[Pupil] | None = None, words: Words = KK
) -> bytes:
    """results.xlsx: the pupils' sheet (header frozen with the names) and the items' sheet, in `words`."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    when = dt.datetime.combine(exam.date, dt.time()) if getattr(exam, "date", None) else dt.datetime(2000, 1, 1)
    book.properties.created = book.properties.modified = when
    book.properties.creator = book.properties.lastModifiedBy = "booklet"
    book.properties.title = exam.title
    for sheet, (title, rows) in zip(
        (book.active, book.create_sheet()),
        (
            (words.results_sheet, pupil_table(exam, results, roster, words)),
            (words.items_sheet, item_table(results, words)),
        ),
        strict=True,
    ):
        sheet.title = title
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "B2"
        for index, column in enumerate(zip(*rows, strict=True), start=1):
            width = (
                max((len(str(value)) for value in column[1:] if value is not None), default=0) if len(rows) > 1 else 0
            )
            sheet.column_dimensions[_letter(index)].width = min(max(width, len(str(column[0])) // 2, 6) + 2, 45)
    out = io.BytesIO()
    # openpyxl's `save` stamps `modified` with the clock; its writer, called directly, keeps ours.
    ExcelWriter(book, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return _fixed_zip(out.getvalue())


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry stamped 1980-01-01, the earliest time a zip can hold."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def _csv(rows: list[list[Cell]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else str(v).replace(".", ",") if isinstance(v, float) else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def results_csv(
    exam: Exam, results: Sequence[SheetResult], roster: Sequence[Pupil] | None = None, words: Words = KK
) -> bytes:
    """results.csv: sheet 1 of results.xlsx."""
    return _csv(pupil_table(exam, results, roster, words))


def items_csv(results: Sequence[SheetResult], words: Words = KK) -> bytes:
    """items.csv: sheet 2 of results.xlsx."""
    return _csv(item_table(results, words))


def summary(results: Sequence[SheetResult], unreadable: Sequence[PageReading]) -> str:
    """The line `booklet scan` prints: sheets marked, the average of the complete ones,
    answers to review, pages that could not be read. In English, as every line the command
    line prints is; the files it points to speak the exam's language."""
    complete = [r for r in results if r.complete]
    text = f"{len(results)} {'sheet' if len(results) == 1 else 'sheets'} read, {len(complete)} marked"
    if complete:
        text += f", average {sum(r.percent or 0 for r in complete) / len(complete):.1f} %"
    doubts = sum(r.doubts for r in results)
    if doubts:
        waiting = len(results) - len(complete)
        text += (
            f"; {doubts} {'answer' if doubts == 1 else 'answers'} to review on {waiting} "
            f"{'sheet' if waiting == 1 else 'sheets'} (review.html, then corrections.csv)"
        )
    if unreadable:
        text += f"; {len(unreadable)} {'page' if len(unreadable) == 1 else 'pages'} unreadable (see review.html)"
    return text
