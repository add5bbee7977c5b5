"""The shared base of every content model, and the one way models report a problem.

Models are frozen and forbid unknown keys, so a misspelt key is an error rather than a
silently ignored line. Field docstrings become the JSON Schema descriptions that editors
show while a teacher types a lesson.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError


class ContentModel(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        use_attribute_docstrings=True,
        defer_build=True,  # a model's validator is built when first used: `check` on a lesson builds no exam's
    )


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""A non-empty line of content text."""


def content_error(
    message: str, *, at: tuple[str | int, ...] = (), hint: str | None = None, find: tuple[str, int] | None = None
) -> PydanticCustomError:
    """A validation error whose location is refined by `at`, relative to the model raising it.

    pydantic places an error raised by a model validator on the model itself; the loader
    appends `at` so the message points at the exact key, e.g. the `answer` of a question.
    `find` = (text, n) points inside that value, at the n-th (from 0) occurrence of the text,
    e.g. the bracket a cloze blank is missing.
    """
    context: dict[str, Any] = {"message": message, "at": at, "hint": hint, "find": find}
    return PydanticCustomError("booklet", "{message}", context)


def shown(value: str, limit: int = 40) -> str:
    """`value` as a message quotes it: on one line, and cut short with … when long."""
    value = " ".join(value.split())
    return f"'{value}'" if len(value) <= limit else f"'{value[: limit - 1]}…'"


def occurrence_before(text: str, needle: str, offset: int) -> int:
    """How many times `needle` is found in `text`, searching on from each find, before `offset`:
    the n of `content_error(find=(needle, n))` for the `needle` at `offset`."""
    count, at = 0, text.find(needle)
    while 0 <= at < offset:
        count, at = count + 1, text.find(needle, at + len(needle))
    return count


# --- values a teacher writes as words ----------------------------------------------------------
#
# The YAML reader hands every plain value over as the text it was written as (see
# `booklet.source`); these types read the numbers, dates and yes/no answers out of it, and
# accept the ways a Kazakh, Russian or English-speaking teacher writes them.

YES_WORDS = ("true", "yes", "on", "дұрыс", "иә", "ия", "верно", "да", "правильно")
NO_WORDS = ("false", "no", "off", "жалған", "бұрыс", "жоқ", "неверно", "нет", "неправильно")


def _yes_or_no(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str):
        return value
    word = value.strip().casefold()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise content_error(
        f"{shown(value)} is neither true nor false",
        hint="write true or false (also дұрыс/жалған, иә/жоқ, верно/неверно, yes/no)",
    )


YesNo = Annotated[
    bool,
    BeforeValidator(_yes_or_no),
    WithJsonSchema({"anyOf": [{"type": "boolean"}, {"enum": [*YES_WORDS, *NO_WORDS]}]}),
]
"""true or false, also written дұрыс/жалған, иә/жоқ, верно/неверно or yes/no."""

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
DATE_FORMATS = "2026-11-10 or 10.11.2026"


def date_written(text: str) -> dt.date | None:
    """The date `text` writes as 2026-11-10 or 10.11.2026; None when it is not written as a date;
    a content error when it is written as one that does not exist (2026-09-31)."""
    text = text.strip()
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DOTTED_DATE.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        return None
    hint = f"write it as {DATE_FORMATS}"
    if not 1 <= month <= 12:
        raise content_error(f"{shown(text)} is not a date: there is no month {month}", hint=hint)
    if day < 1:
        raise content_error(f"{shown(text)} is not a date: there is no day {day}", hint=hint)
    if year < 1:
        raise content_error(f"{shown(text)} is not a date: there is no year {year}", hint=hint)
    try:
        return dt.date(year, month, day)
    except ValueError:
        last = calendar.monthrange(year, month)[1]
        message = f"{shown(text)} is not a date: month {month} of {year} has {last} days"
        raise content_error(message, hint=hint) from None


def _date(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    date = date_written(value)
    if date is None:
        raise content_error(f"{shown(value)} is not a date", hint=f"write it as {DATE_FORMATS}")
    return date


Date = Annotated[
    dt.date, BeforeValidator(_date), WithJsonSchema({"type": "string", "description": f"A date: {DATE_FORMATS}."})
]
"""A date, written 2026-11-10 or, as Kazakhstan writes it, 10.11.2026."""


def _decimal(value: Any) -> Any:
    if isinstance(value, str):
        if not _NUMBER.fullmatch(value.strip()):
            raise content_error("not a number", hint=_NUMBER_HINT)
        value = float(value.strip().replace(",", ".", 1))
    if isinstance(value, float) and not math.isfinite(value):
        raise content_error("not a finite number", hint=_NUMBER_HINT)
    return value


_NUMBER_HINT = "write a number such as 19.8 or 19,8"
_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
"""A number as a teacher writes it: digits, with a decimal point or comma; not 1e3, 1_000 or inf."""


Decimal = Annotated[float, BeforeValidator(_decimal)]
"""A finite number, written with a decimal point (19.8) or comma (19,8)."""
