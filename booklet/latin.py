"""Kazakh in the 2021 Latin alphabet: text, page labels and whole lessons.

The 31 letters follow the table in the Kazakh reference (Ң as Ñ, per the April 2021 draft).
Casing is Turkish-style and comes from the Cyrillic letter itself (И/и → İ/i, І/і → I/ı), so
`str.upper()` and `str.lower()` are never applied to Latin text.

The nine letters the 2021 alphabet has no place for (Ё Ц Ч Щ Ъ Ь Э Ю Я, in Russian loans and
names) are written as `LatinSettings` says. The default, and why:

- Ц → s: Kazakh pronounces it [s] in loans, and the 2021 spellings write it so (Konstitusia);
  C is not a letter of the alphabet and reads [k] or [ts] depending on the reader.
- Ч → ç: the one letter outside the 31. Ş would merge Ч with Ш (чек and шек); Ç is what every
  other Turkic Latin alphabet and the 2017–2019 Kazakh drafts use, and the PT fonts have it.
- Щ → ş: Kazakh pronounces щ as ш (Голощекин → Goloşekin); Şç is a Russian-only cluster.
- Ъ, Ь → dropped: they stand for no Kazakh sound (съезі → sezı).
- Э → e: the 31 letters write the sound so (ЖЭС → JES, экономика → ekonomika).
- Ю → iu, Я → ia, Ё → io: the glide is Й (İ i) and the vowel follows; after И or Й, whose
  Latin already ends in i, the glide is not written twice (индустрия → industria, Азия → Azia,
  not industriia), unless `no_double_i` is turned off.

Conversion happens before the worksheet is derived, so the sheet and its key are made from
the same Latin text and cannot disagree. Ids, figure paths and table references are left as
they are; cloze text keeps its [[…|…]] marks, with the answers inside converted.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import BookletError
from .kazakh import LATIN_ALPHABET  # noqa: F401  (part of this module's API: the alphabet it writes)
from .labels import Labels
from .loader import Textbook
from .model import Course, Exam, Lesson
from .model.latin_spelling import DEFAULT_RUSSIAN_LETTERS, RUSSIAN_ONLY, SETTING_LETTERS, LatinSettings  # noqa: F401

KAZAKH_LETTERS = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e", "ж": "j",
    "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "ñ",
    "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "ū", "ү": "ü",
    "ф": "f", "х": "h", "һ": "h", "ш": "ş", "ы": "y", "і": "ı",
}  # fmt: skip
"""The 33 Cyrillic letters the 2021 alphabet has a letter for (lower case; И and Й both give İ i)."""

CHOICE_LETTERS = ("A", "B", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "T")
"""Letters of choices in Latin-script pages: the alphabet's order without the letters a pupil's
hand confuses (Ä with A, Ğ with G, Ñ with N, Ö/Ş/Ū/Ü with their bare letters, I and İ with
each other and with l and 1, O and Q with each other and with 0); there is no C in the alphabet."""

_GLIDE_VOWELS = "ёюя"
_KEPT_KEYS = frozenset({"id", "src", "table", "type", "language", "lessons", "labels", "script", "latin"})
"""Content keys whose values are names, not text: ids, figure and lesson paths, table references."""

M = TypeVar("M", bound=BaseModel)


DEFAULT_SETTINGS = LatinSettings()


def latin_upper(text: str) -> str:
    """Upper case, Turkish-style: i → İ and ı → I (`str.upper` makes both I)."""
    return text.replace("i", "İ").replace("ı", "I").upper()


def to_latin(text: str, settings: LatinSettings = DEFAULT_SETTINGS) -> str:
    """`text` with every Kazakh Cyrillic letter written in the 2021 Latin alphabet.

    Everything else (Latin letters, digits, punctuation, «», Markdown, no-break spaces) is kept,
    so converting Latin text again changes nothing. A capital whose spelling has two letters
    (Я → İa) is capitalised like its word: «Ясауи» → «İasaui», «ЯССЫ» → «İASSY».
    """
    table = _table(tuple(sorted(settings.russian_letters.items())))
    out: list[str] = []
    for index, char in enumerate(text):
        lower = char.lower()
        latin = table.get(lower)
        if latin is None:
            out.append(char)
            continue
        if settings.no_double_i and lower in _GLIDE_VOWELS and index and text[index - 1] in "ИиЙй":
            latin = latin.removeprefix("i")
        if char == lower:
            out.append(latin)
        elif len(latin) < 2 or _in_capitals(text, index):
            out.append(latin_upper(latin))
        else:
            out.append(latin_upper(latin[0]) + latin[1:])
    return "".join(out)


@cache
def _table(russian_letters: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return KAZAKH_LETTERS | dict(russian_letters)


def _in_capitals(text: str, index: int) -> bool:
    """Whether the capital at `index` is part of a word in capitals (its neighbour is a capital too)."""
    after = text[index + 1 : index + 2]
    if after.isalpha():
        return after.isupper()
    before = text[index - 1 : index] if index else ""
    return before.isalpha() and before.isupper()


def latin_labels(labels: Labels, settings: LatinSettings = DEFAULT_SETTINGS) -> Labels:
    """The page labels in the Latin alphabet; Cyrillic choice letters become `CHOICE_LETTERS`.

    The true/false marks are converted like the instruction that names them (Д/Ж → D/J), so the
    two stay the same; the result is validated again (distinct letters and marks)."""
    data = _converted(labels.as_data(), settings, kept=frozenset({"letters"}))
    if any(_has_cyrillic(letter) for letter in labels.letters):
        data["letters"] = CHOICE_LETTERS[: len(labels.letters)]
    return Labels.model_validate(data)


def latin_lesson(lesson: Lesson, settings: LatinSettings = DEFAULT_SETTINGS) -> Lesson:
    """`lesson` with every content string in the Latin alphabet, validated again.

    Two spellings that the Latin alphabet merges (И and Й, Х and Һ) could make two options or
    two items equal; that is reported as a `BookletError`, as any other content problem."""
    return _validated(Lesson, _converted(lesson.model_dump(by_alias=True), settings), f"lesson '{lesson.id}'")


def latin_course(course: Course, settings: LatinSettings = DEFAULT_SETTINGS) -> Course:
    """A course's cover (title, subject, author) in the Latin alphabet; its lesson paths are kept."""
    return _validated(Course, _converted(course.model_dump(by_alias=True), settings), f"course '{course.id}'")


def latin_exam(exam: Exam, settings: LatinSettings = DEFAULT_SETTINGS) -> Exam:
    """A loaded (resolved) exam with every content string in the Latin alphabet.

    Criterion ids are converted too (К1 → K1), the same way wherever they are named, so tasks,
    descriptors and the rubric still agree. Drawn tasks already hold their exercise; their
    `from` is dropped so the copy validates as an exam with the exercises written in."""
    data = exam.model_dump(by_alias=True)
    tasks = [task for s in data["sections"] for e in s["tasks"] for task in (e["tasks"] if "pick" in e else [e])]
    tables = []
    for task in tasks:
        task.pop("from", None)
        # `table` names a table in an exercise, but holds the whole table in a task.
        tables.append(_converted(task.pop("table"), settings) if task.get("table") else None)
    converted = _converted(data, settings, _KEPT_KEYS | _EXAM_CODES)
    done = [t for s in converted["sections"] for e in s["tasks"] for t in (e["tasks"] if "pick" in e else [e])]
    for task, table in zip(done, tables, strict=True):
        task["table"] = table
    for criterion in converted["criteria"]:
        criterion["id"] = to_latin(criterion["id"], settings)
    return _validated(Exam, converted, f"exam '{exam.id}'")


_EXAM_CODES = frozenset({"level", "summative"})
"""Exam keys whose values are codes, not text."""


def latin_textbook(textbook: Textbook, settings: LatinSettings = DEFAULT_SETTINGS) -> Textbook:
    """A loaded course and all its lessons in the Latin alphabet, for `book.render_book`."""
    lessons = tuple((path, latin_lesson(lesson, settings)) for path, lesson in textbook.lessons)
    return replace(textbook, course=latin_course(textbook.course, settings), lessons=lessons)


def _converted(value: Any, settings: LatinSettings, kept: frozenset[str] = _KEPT_KEYS) -> Any:
    """Every string in plain data (a model's dump) converted, except under the keys `kept`."""
    if isinstance(value, str):
        return to_latin(value, settings)
    if isinstance(value, dict):
        return {key: item if key in kept else _converted(item, settings, kept) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_converted(item, settings, kept) for item in value)
    return value


def _validated(model: type[M], data: dict[str, Any], what: str) -> M:
    """`data`, now in the Latin alphabet, as a `model` that says so (`script: latn`), so that its
    pages carry the Latin language tag and are hyphenated with the Latin dictionary."""
    try:
        return model.model_validate({**data, "script": "latn"})
    except ValidationError as error:
        problems = [
            f"{what} in the Latin alphabet: {'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
            for item in error.errors()
        ]
        raise BookletError("\n".join(problems)) from None


def _has_cyrillic(text: str) -> bool:
    return any("\u0400" <= char <= "\u04ff" for char in text)
