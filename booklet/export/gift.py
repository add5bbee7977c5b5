"""GIFT, Moodle's plain-text question format: what it can ask, and a list of what it cannot.

GIFT has multiple choice, true/false, matching, short answer, essay and one missing word in
a sentence; it has no points (Moodle gives each question a mark of 1), no ordering, no
drag and drop, and no more than one blank in a question. So an ordering, a table to
complete and a cloze of several blanks are left out and listed with the reason (Moodle XML
has them all), and a matching's extra right-hand items, which GIFT cannot hold, are noted.
A categorize exercise is a matching of each item to its category, as in Moodle XML.
"""

from __future__ import annotations

import re

from ..model.exercises import (
    Categorize,
    Cloze,
    Matching,
    MultipleChoice,
    Ordering,
    ShortAnswer,
    TableCompletion,
    TrueFalse,
    parse_cloze,
)
from .moodle import MATCHING_ANSWERS, SHORT_WORDS
from .questions import Entry

LEFT_OUT = {
    "ordering": "GIFT has no ordering question; export as Moodle XML",
    "table_completion": "GIFT holds one blank a question, and no table; export as Moodle XML",
    "cloze": "GIFT holds one blank a question; export as Moodle XML",
}


def gift(entries: tuple[Entry, ...]) -> tuple[bytes, int, tuple[str, ...]]:
    """The GIFT text of `entries`, how many questions it has, and what was left out or
    changed, one line each."""
    lines: list[str] = []
    count = 0
    notes: list[str] = []
    filed: tuple[str, ...] | None = None
    for entry in entries:
        if entry.category != filed:
            lines += ["$CATEGORY: $course$/top/" + "/".join(part.replace("/", "//") for part in entry.category), ""]
            filed = entry.category
        questions, note = _questions(entry)
        lines += [line for question in questions for line in (question, "")]
        count += len(questions)
        notes += [f"{entry.name}: {note}"] if note else []
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8"), count, tuple(notes)


def _questions(entry: Entry) -> tuple[list[str], str]:
    exercise, lead = entry.exercise, _escaped(entry.instruction)
    match exercise:
        case MultipleChoice():
            return [
                _named(
                    f"{entry.name}.{n}",
                    f"{lead} {_escaped(q.question)} {{"
                    + " ".join(("=" if option == q.answer else "~") + _escaped(option) for option in q.options)
                    + "}",
                )
                for n, q in enumerate(exercise.questions, start=1)
            ], ""
        case TrueFalse():
            return [
                _named(f"{entry.name}.{n}", f"{lead} {_escaped(s.statement)} {{{'TRUE' if s.answer else 'FALSE'}}}")
                for n, s in enumerate(exercise.statements, start=1)
            ], ""
        case Matching() if len(exercise.pairs) < MATCHING_ANSWERS:
            return (
                [],
                "left out: Moodle's matching needs three answers or more, and GIFT has no extra ones; "
                "export as Moodle XML",
            )
        case Matching():
            pairs = " ".join(f"={_escaped(p.left)} -> {_escaped(p.right)}" for p in exercise.pairs)
            note = "the extra right-hand items are dropped: GIFT has no place for them" if exercise.extra else ""
            return [_named(entry.name, f"{lead} {{{pairs}}}")], note
        case Categorize():
            pairs = " ".join(
                f"={_escaped(item)} -> {_escaped(category.label)}"
                for category in exercise.categories
                for item in category.items
            )
            return [_named(entry.name, f"{lead} {{{pairs}}}")], ""
        case ShortAnswer():
            questions = []
            for n, q in enumerate(exercise.questions, start=1):
                answer = f"{{={_escaped(q.answer)}}}" if len(q.answer.split()) <= SHORT_WORDS else "{}"
                questions.append(_named(f"{entry.name}.{n}", f"{lead} {_escaped(q.question)} {answer}"))
            return questions, ""
        case Cloze() if len(exercise.gaps) == 1 and not exercise.word_bank:
            text = "".join(
                _escaped(part)
                if isinstance(part, str)
                else "{" + " ".join("=" + _escaped(a) for a in (part.answer, *part.alternatives)) + "}"
                for part in parse_cloze(exercise.text)
            )
            return [_named(entry.name, f"{lead} {text}")], ""
        case Cloze() | Ordering() | TableCompletion():
            reason = LEFT_OUT[exercise.type]
            if isinstance(exercise, Cloze) and exercise.word_bank and len(exercise.gaps) == 1:
                reason = "GIFT has no word bank; export as Moodle XML"
            return [], f"left out: {reason}"
    raise ValueError(f"no GIFT question for {exercise!r}")


def _named(name: str, text: str) -> str:
    return f"::{_escaped(name)}::{text}"


def _escaped(text: str) -> str:
    """GIFT's own marks in a text, escaped so they are read as text: ~ = # { } : and the
    backslash; a blank line would end the question, so lines are joined (no-break spaces,
    which keep initials with their name, are kept)."""
    for mark in "\\~=#{}:":
        text = text.replace(mark, "\\" + mark)
    return re.sub(r"[ \t]*[\r\n]+[ \t]*", " ", text).strip()
