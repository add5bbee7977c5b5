"""Export to learning platforms: a lesson's, a course's or an exam's exercises as a Moodle
question bank, in Moodle XML (every kind, with points) or GIFT (the kinds it has).

Online, variants are not needed (Moodle shuffles answers and draws questions itself), so an
exam is exported as written: every task, every task of a pool, with its points. What a
format cannot ask is never dropped silently: it is listed in `Exported.notes`, which the
command prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FORMATS = ("moodle", "gift")
"""`moodle`: Moodle XML (.xml); `gift`: GIFT text (.gift.txt)."""

SUFFIXES = {"moodle": ".moodle.xml", "gift": ".gift.txt"}


@dataclass(frozen=True)
class Exported:
    data: bytes
    questions: int
    """Questions written (a multiple-choice exercise of four is four)."""
    notes: tuple[str, ...]
    """What was left out or will work differently in Moodle, and why: one line each."""


def export_questions(path: str | Path, form: str) -> Exported:
    """The exercises of the lesson, course or exam file at `path` in `form` (see `FORMATS`)."""
    from ..loader import Textbook, load_content
    from .gift import gift
    from .moodle import moodle_xml
    from .questions import entries

    if form not in FORMATS:
        raise ValueError(f"no export format {form!r}: choose from {', '.join(FORMATS)}")
    content = load_content(path)
    found = (
        tuple(entry for _, lesson in content.lessons for entry in entries(lesson))
        if isinstance(content, Textbook)
        else entries(content)
    )
    data, count, notes = (moodle_xml if form == "moodle" else gift)(found)
    return Exported(data, count, notes)
