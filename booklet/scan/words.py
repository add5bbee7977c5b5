"""What the results, the review page and the annotated copies call things, in Kazakh.

Kept in one place so the spreadsheet's headings, the review page and the marks drawn on
the copies say the same thing the same way; other languages can come in as locales later.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..roster import Pupil
from .marking import ItemResult, SheetResult, TickResult

PUPIL = "Оқушы"
CLASS = "Сынып"
VARIANT = "Нұсқа"
FILE = "Файл"
PAGE = "Бет"
TASK = "тапсырма"
TASK_COLUMN = "Тапсырма"
TOTAL = "Жалпы балл"
OUT_OF = "Ең жоғары балл"
PERCENT = "Пайыз"
MARK = "Баға"
STATUS = "Күйі"
DONE = "бағаланды"
INCOMPLETE = "толық емес"
"""An unsettled doubt: the result is not a mark yet."""
ITEM = "Сұрақ"
WHERE = "Нұсқалардағы орны"
RIGHT_ANSWER = "Дұрыс жауап"
ANSWERED = "Жауап бергені"
SHARE_RIGHT = "Дұрыс жауап үлесі, %"
WRONG_CHOSEN = "Таңдалған қате жауаптар"
BLANK = "Жауап жоқ"
DOUBTS = "Күмәнді"
FLAG = "Белгі"
NOBODY_RIGHT = "ешкім дұрыс жауап бермеді"
EVERYBODY_RIGHT = "барлығы дұрыс жауап берді"
DESCRIPTOR = "Дескриптор"
ANNOTATED = "тексерілген парақтар"
SEE_REVIEW = "review.html файлын қараңыз"

DOUBT_REASONS = {
    "several": "бір қатарда бірнеше дөңгелек боялған",
    "uncertain": "белгі анық емес (әлсіз, сызылған немесе дақ)",
    "missing": "парақтың орналасуында бұл жол табылмады",
}
"""Why an answer is doubtful, as the review page explains it."""

STATES = {"filled": "боялған", "empty": "бос", "uncertain": "анық емес"}


def task_heading(number: int) -> str:
    """«3-тапсырма», as the sheets print it."""
    return f"{number}-{TASK}"


def who(result: SheetResult, roster: Sequence[Pupil] | None) -> tuple[str, str]:
    """(name, class) of a sheet's pupil from the class list by the QR's place; without one, the
    file and page, so a teacher can still find the sheet."""
    place = result.sheet.pupil
    if roster is not None and place is not None and 1 <= place <= len(roster):
        pupil = roster[place - 1]
        return pupil.name, pupil.class_name
    return f"{result.source.file}, {result.source.page}-бет", ""


def read_as(item: ItemResult) -> str:
    """What the circles of a row look like, in the corrections file's short form: the filled
    marks joined by «+», an uncertain one followed by «?», nothing for an empty row."""
    parts = [r.circle.mark + ("?" if r.state == "uncertain" else "") for r in item.readings if r.state != "empty"]
    return "+".join(parts)


def tick_read_as(tick: TickResult) -> str:
    if tick.reading is None:
        return ""
    return {"filled": "+", "empty": "", "uncertain": "?"}[tick.reading.state]
