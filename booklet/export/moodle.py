"""Moodle XML: every exercise kind as the Moodle question type that asks the same thing.

| booklet | Moodle question |
|---|---|
| multiple_choice | a `multichoice` (one right answer) per question |
| true_false | a `truefalse` per statement |
| matching | `matching`; the extra right-hand items are Moodle's extra wrong answers |
| ordering | `ordering` (standard in Moodle 4.4 and later), marked by each event's place |
| cloze | `cloze` (embedded answers, alternatives accepted); with a word bank, `ddwtos` (drag and drop |
| | into text) with its distractors |
| table_completion | `cloze`: the table, its blanked cells as embedded answers |
| categorize | `matching`: each item to its category |
| short_answer | `shortanswer` when the answer is a few words; otherwise `essay`, the model answer as the |
| | grader's information |

Points carry over as each question's default mark (`defaultgrade`; in a cloze, each blank's
weight). Questions are filed in a category per lesson, or per exam and section. The file is
the same bytes for the same input: no dates, questions in the file's order.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction
from functools import cache

from markdown_it import MarkdownIt

from ..model.exercises import (
    Categorize,
    Cloze,
    Gap,
    Matching,
    MultipleChoice,
    Ordering,
    ShortAnswer,
    TableCompletion,
    TrueFalse,
    parse_cloze,
)
from .questions import Entry, cell

MATCHING_ANSWERS = 3
"""Moodle refuses a matching question with fewer answers than this (its extra wrong ones count)."""

SHORT_WORDS = 4
"""An answer of at most this many words is marked by Moodle (`shortanswer`); a longer one
is a model answer in sentences, which only a teacher can mark (`essay`)."""


def moodle_xml(entries: tuple[Entry, ...]) -> tuple[bytes, int, tuple[str, ...]]:
    """The Moodle XML file of `entries`, how many questions it has, and notes on what Moodle
    will do differently."""
    quiz = ET.Element("quiz")
    notes: list[str] = []
    filed: tuple[str, ...] | None = None
    for entry in entries:
        if entry.category != filed:
            _category(quiz, entry.category)
            filed = entry.category
        notes += _questions(quiz, entry)
    ET.indent(quiz)
    questions = sum(question.get("type") != "category" for question in quiz)
    data = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode").encode() + b"\n"
    return data, questions, tuple(notes)


def _category(quiz: ET.Element, path: tuple[str, ...]) -> None:
    question = ET.SubElement(quiz, "question", type="category")
    _text(ET.SubElement(question, "category"), "$course$/top/" + "/".join(part.replace("/", "//") for part in path))


def _questions(quiz: ET.Element, entry: Entry) -> list[str]:
    exercise = entry.exercise
    match exercise:
        case MultipleChoice():
            for n, q in enumerate(exercise.questions, start=1):
                question = _question(
                    quiz, "multichoice", f"{entry.name}.{n}", _lead(entry, q.question), entry.item_points
                )
                for tag, value in (("single", "true"), ("shuffleanswers", "true"), ("answernumbering", "abc")):
                    ET.SubElement(question, tag).text = value
                for option in q.options:
                    _answer(question, _html(option), 100 if option == q.answer else 0, "html")
        case TrueFalse():
            for n, s in enumerate(exercise.statements, start=1):
                question = _question(
                    quiz, "truefalse", f"{entry.name}.{n}", _lead(entry, s.statement), entry.item_points
                )
                _answer(question, "true", 100 if s.answer else 0)
                _answer(question, "false", 0 if s.answer else 100)
        case Matching():
            question = _question(quiz, "matching", entry.name, _html(entry.instruction), entry.points)
            ET.SubElement(question, "shuffleanswers").text = "true"
            for left, right in [(p.left, p.right) for p in exercise.pairs] + [("", extra) for extra in exercise.extra]:
                _subquestion(question, left, right)
            if len(exercise.pairs) + len(exercise.extra) < MATCHING_ANSWERS:
                return [f"{entry.name}: Moodle asks a matching for three answers or more: add an extra one there"]
        case Categorize():
            question = _question(quiz, "matching", entry.name, _html(entry.instruction), entry.points)
            ET.SubElement(question, "shuffleanswers").text = "true"
            for category in exercise.categories:
                for item in category.items:
                    _subquestion(question, item, category.label)
        case Ordering():
            question = _question(quiz, "ordering", entry.name, _html(entry.instruction), entry.points)
            for tag, value in (
                ("layouttype", "VERTICAL"),
                ("selecttype", "ALL"),
                ("selectcount", "0"),
                ("gradingtype", "ABSOLUTE_POSITION"),
                ("showgrading", "SHOW"),
                ("numberingstyle", "none"),
            ):
                ET.SubElement(question, tag).text = value
            for place, event in enumerate(exercise.events, start=1):  # `fraction` holds an answer's place
                _answer(question, _html(event), place, "html")
        case Cloze() if exercise.word_bank:
            _word_bank(quiz, entry, exercise)
        case Cloze():
            return _cloze(
                quiz, entry, [_html(part) if isinstance(part, str) else part for part in parse_cloze(exercise.text)]
            )
        case TableCompletion():
            return _cloze(quiz, entry, _table(exercise, entry))
        case ShortAnswer():
            for n, q in enumerate(exercise.questions, start=1):
                text = _lead(entry, q.question)
                if len(q.answer.split()) <= SHORT_WORDS:
                    question = _question(quiz, "shortanswer", f"{entry.name}.{n}", text, entry.item_points)
                    ET.SubElement(question, "usecase").text = "0"
                    _answer(question, q.answer, 100)
                else:
                    question = _question(quiz, "essay", f"{entry.name}.{n}", text, entry.item_points)
                    for tag, value in (
                        ("responseformat", "editor"),
                        ("responserequired", "1"),
                        ("responsefieldlines", str(max(3, q.lines))),
                        ("attachments", "0"),
                    ):
                        ET.SubElement(question, tag).text = value
                    _text(ET.SubElement(question, "graderinfo", format="html"), _html(q.answer))
        case _:
            raise ValueError(f"no Moodle question for {exercise!r}")
    return []


def _question(quiz: ET.Element, kind: str, name: str, text: str, points: Fraction) -> ET.Element:
    question = ET.SubElement(quiz, "question", type=kind)
    _text(ET.SubElement(question, "name"), name)
    _text(ET.SubElement(question, "questiontext", format="html"), text)
    _text(ET.SubElement(question, "generalfeedback", format="html"), "")
    ET.SubElement(question, "defaultgrade").text = _number(points)
    ET.SubElement(question, "penalty").text = "0.3333333"
    ET.SubElement(question, "hidden").text = "0"
    return question


def _answer(question: ET.Element, text: str, fraction: int, form: str = "moodle_auto_format") -> None:
    answer = ET.SubElement(question, "answer", fraction=str(fraction), format=form)
    _text(answer, text)
    _text(ET.SubElement(answer, "feedback", format="html"), "")


def _subquestion(question: ET.Element, left: str, right: str) -> None:
    sub = ET.SubElement(question, "subquestion", format="html")
    _text(sub, _html(left) if left else "")
    _text(ET.SubElement(sub, "answer"), right)


def _cloze(quiz: ET.Element, entry: Entry, parts: list[str | Gap]) -> list[str]:
    """A `cloze` question: HTML with each gap as an embedded short answer, weighted by its points."""
    weight, notes = entry.item_points, []
    if weight.denominator != 1:  # embedded answers take whole weights
        notes.append(
            f"{entry.name}: a blank is worth {_number(weight)} points; Moodle weighs each blank 1, "
            f"so set the question's mark to {_number(entry.points)} in the quiz"
        )
        weight = Fraction(1)
    text = "".join(
        part
        if isinstance(part, str)
        else "{"
        + f"{weight}:SHORTANSWER:"
        + "~".join("=" + _embedded(a) for a in (part.answer, *part.alternatives))
        + "}"
        for part in parts
    )
    gaps = sum(isinstance(part, Gap) for part in parts)
    _question(quiz, "cloze", entry.name, f"<p>{_html(entry.instruction)}</p><p>{text}</p>", weight * gaps)
    return notes


def _word_bank(quiz: ET.Element, entry: Entry, exercise: Cloze) -> None:
    """Drag and drop into text: each gap is [[n]], n the place of its word among the boxes; a
    word that fills two gaps is one box that can be used again."""
    parts = parse_cloze(exercise.text)
    words = list(dict.fromkeys([part.answer for part in parts if isinstance(part, Gap)] + list(exercise.distractors)))
    again = {word for word in words if sum(isinstance(p, Gap) and p.answer == word for p in parts) > 1}
    text = "".join(_html(part) if isinstance(part, str) else f"[[{words.index(part.answer) + 1}]]" for part in parts)
    question = _question(quiz, "ddwtos", entry.name, f"<p>{_html(entry.instruction)}</p><p>{text}</p>", entry.points)
    ET.SubElement(question, "shuffleanswers").text = "1"
    for word in words:
        box = ET.SubElement(question, "dragbox")
        _text(box, word)
        ET.SubElement(box, "group").text = "1"
        if word in again:
            ET.SubElement(box, "infinite")


def _table(exercise: TableCompletion, entry: Entry) -> list[str | Gap]:
    """The summary table as HTML, its blanked cells as gaps, row by row."""
    table = entry.table
    parts: list[str | Gap] = [
        '<table border="1"><tr>' + "".join(f"<th>{_html(c)}</th>" for c in table.columns) + "</tr>"
    ]
    blanks = {tuple(b) for b in exercise.blanks}
    for r, row in enumerate(table.rows, start=1):
        parts.append("<tr>")
        for c, value in enumerate(row, start=1):
            if (r, c) in blanks:
                parts += ["<td>", Gap(cell(table, r, c)), "</td>"]
            else:
                parts.append(f"<td>{_html(value)}</td>")
        parts.append("</tr>")
    return [*parts, "</table>"]


def _lead(entry: Entry, text: str) -> str:
    return f"<p>{_html(entry.instruction)}</p><p>{_html(text)}</p>"


def _text(parent: ET.Element, value: str) -> None:
    ET.SubElement(parent, "text").text = value


def _html(text: str) -> str:
    """Inline Markdown (emphasis) as HTML, everything else escaped: as the printed page shows it."""
    return _inline().renderInline(text)


@cache
def _inline() -> MarkdownIt:
    return MarkdownIt("zero", {"html": False}).enable(["emphasis"])


def _embedded(answer: str) -> str:
    """An answer inside Moodle's embedded-answer syntax: its own marks escaped."""
    for mark in '\\}#~/"':
        answer = answer.replace(mark, "\\" + mark)
    return answer


def _number(value: Fraction) -> str:
    """Points as Moodle writes them: 2, or 0.6666667."""
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.7f}"
