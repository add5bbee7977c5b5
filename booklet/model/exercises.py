"""Exercise kinds. Each is one source object that gives both the worksheet and its key.

A lesson's `worksheet.exercises` is a list of these, told apart by `type`. The checks
here are the ones a teacher can get wrong while writing: an answer that is not among the
options, a blank that names no cell, a cloze text without a blank.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .base import ContentModel, Text, YesNo, content_error, occurrence_before

if TYPE_CHECKING:
    from .lesson import SummaryTable

_BRACKETS = re.compile(r"\[\[|\]\]|\[|\]")


class _Exercise(ContentModel):
    instruction: str = ""
    """Instruction line printed under the exercise heading; the language's default when empty."""


@dataclass(frozen=True)
class Gap:
    """A blank in cloze text: the answer printed in the key and the other accepted answers."""

    answer: str
    alternatives: tuple[str, ...] = ()


def parse_cloze(text: str) -> list[str | Gap]:
    """Split cloze text into plain runs and gaps; `[[Астана|Ақмола]]` is a gap with an alternative.
    The text must be well formed (see `cloze_markup_problem`)."""
    parts: list[str | Gap] = []
    position = 0
    for opening, closing in _gap_spans(text):
        if opening > position:
            parts.append(text[position:opening])
        answers = [answer.strip() for answer in text[opening + 2 : closing].split("|")]
        parts.append(Gap(answers[0], tuple(answers[1:])))
        position = closing + 2
    if position < len(text):
        parts.append(text[position:])
    return parts


def _gap_spans(text: str) -> list[tuple[int, int]]:
    """Where each `[[` and its `]]` stand, for well-formed text."""
    spans, opening = [], None
    for match in _BRACKETS.finditer(text):
        if match.group() == "[[" and opening is None:
            opening = match.start()
        elif match.group() == "]]" and opening is not None:
            spans.append((opening, match.start()))
            opening = None
    return spans


@dataclass(frozen=True)
class MarkupProblem:
    """A slip in cloze markup: what is wrong, how to fix it, and which bracket (the
    `occurrence`-th `bracket` of the text) it is at."""

    message: str
    hint: str
    bracket: str
    occurrence: int


def cloze_markup_problem(text: str) -> MarkupProblem | None:
    """The first unbalanced, nested or stray bracket of a blank, or None when every blank is
    `[[answer]]`. Single brackets in the running text («[1]») are allowed, but not inside a
    blank nor glued to one (`[[XIV]]]`), where they would print into the key."""
    opening: tuple[str, int] | None = None
    after_gap = -1
    for match in _BRACKETS.finditer(text):
        token = match.group()
        here = (token, occurrence_before(text, token, match.start()))
        if opening is not None and token == "[[":
            return MarkupProblem(
                "a blank opens inside another blank", "close the first with ]] before the next [[", *here
            )
        if opening is not None and token == "]":
            return MarkupProblem("the blank is closed with a single «]»", "close it with ]]", *here)
        if opening is not None and token == "[":
            return MarkupProblem("a single «[» inside a blank", "an answer cannot hold brackets", *here)
        if token == "]]" and opening is None:
            return MarkupProblem("]] closes no blank", "open the blank with [[", *here)
        if token in "[]" and (match.start() == after_gap or text.startswith("[[", match.end())):
            return MarkupProblem(f"a stray «{token}» next to a blank", "each blank is [[answer]]", *here)
        if token == "[[":
            opening = here
        elif token == "]]":
            opening, after_gap = None, match.end()
    if opening is not None:
        return MarkupProblem("[[ opens a blank that is never closed", "close it with ]]", *opening)
    return None


class Cloze(_Exercise):
    """Running text with blanks to fill in; `[[answer]]` marks a blank, `[[answer|other]]` accepts both."""

    type: Literal["cloze"]
    """Exercise kind: `cloze`."""
    text: Text
    """The text, with each blank written as [[answer]] or [[answer|accepted alternative]]."""
    word_bank: YesNo = False
    """Print the answers (and any distractors) in a box above the text, in alphabetical order."""
    distractors: list[Text] = []
    """Extra words for the word bank that fit no blank."""

    @field_validator("text")
    @classmethod
    def _blanks_are_well_formed(cls, text: str) -> str:
        if slip := cloze_markup_problem(text):
            raise content_error(slip.message, hint=slip.hint, find=(slip.bracket, slip.occurrence))
        gaps = [part for part in parse_cloze(text) if isinstance(part, Gap)]
        if not gaps:
            raise content_error("the text has no blank", hint="mark each blank as [[answer]]")
        for index, gap in enumerate(gaps):
            if not gap.answer or not all(gap.alternatives):
                raise content_error(
                    "a blank is empty", hint="write the answer inside the brackets: [[answer]]", find=("[[", index)
                )
        return text

    @model_validator(mode="after")
    def _distractors_need_a_bank(self) -> Cloze:
        if self.distractors and not self.word_bank:
            raise content_error(
                "distractors are only printed in a word bank", at=("distractors",), hint="set word_bank: true"
            )
        return self

    @property
    def gaps(self) -> list[Gap]:
        return [part for part in parse_cloze(self.text) if isinstance(part, Gap)]


class Pair(ContentModel):
    """Two things that belong together."""

    left: Text
    """Item in the numbered left column."""
    right: Text
    """Its match in the lettered right column."""


class Matching(_Exercise):
    """Two columns to match: numbered items on the left, lettered ones (shuffled) on the right."""

    type: Literal["matching"]
    """Exercise kind: `matching`."""
    left_title: str = ""
    """Heading of the left column."""
    right_title: str = ""
    """Heading of the right column."""
    pairs: list[Pair] = Field(min_length=2, max_length=12)
    """The correct pairs; the right column is printed in a fixed shuffled order."""
    extra: list[Text] = []
    """Extra right-column items that match nothing."""

    @model_validator(mode="after")
    def _rights_are_distinct(self) -> Matching:
        rights = [pair.right for pair in self.pairs] + list(self.extra)
        for index, right in enumerate(rights):
            if right in rights[:index]:
                at = ("pairs", index, "right") if index < len(self.pairs) else ("extra", index - len(self.pairs))
                raise content_error(f"'{right}' appears twice in the right column", at=at)
        if len(rights) > 12:
            raise content_error("the right column has more than 12 items", at=("extra",))
        return self


class ChoiceQuestion(ContentModel):
    """A question with lettered options, exactly one of them correct."""

    question: Text
    """The question."""
    options: list[Text] = Field(min_length=2, max_length=6)
    """Options in the order they are printed."""
    answer: Text
    """The correct option, written exactly as in `options`."""

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> ChoiceQuestion:
        for index, option in enumerate(self.options):
            if option in self.options[:index]:
                raise content_error(f"option '{option}' is given twice", at=("options", index))
        if self.answer not in self.options:
            raise content_error(
                f"answer '{self.answer}' is not one of the options",
                at=("answer",),
                hint="copy the correct option into `answer` exactly",
            )
        return self


class MultipleChoice(_Exercise):
    """Questions with one correct option each."""

    type: Literal["multiple_choice"]
    """Exercise kind: `multiple_choice`."""
    questions: list[ChoiceQuestion] = Field(min_length=1)
    """The questions, numbered in order."""


class Statement(ContentModel):
    """A claim the student marks as true or false."""

    statement: Text
    """The claim."""
    answer: YesNo
    """true if the claim is right, false if it is wrong (also дұрыс/жалған, иә/жоқ, верно/неверно)."""


class TrueFalse(_Exercise):
    """Statements to mark true or false."""

    type: Literal["true_false"]
    """Exercise kind: `true_false`."""
    statements: list[Statement] = Field(min_length=2)
    """The statements, numbered in order."""


class Ordering(_Exercise):
    """Events to put in chronological order; they are printed shuffled."""

    type: Literal["ordering"]
    """Exercise kind: `ordering`."""
    events: list[Text] = Field(min_length=3, max_length=12)
    """The events in their correct order, earliest first."""

    @field_validator("events")
    @classmethod
    def _events_are_distinct(cls, events: list[str]) -> list[str]:
        if len(set(events)) != len(events):
            raise content_error("an event is listed twice")
        return events


class ShortQuestion(ContentModel):
    """A question answered in a sentence or two on ruled lines."""

    question: Text
    """The question."""
    answer: Text
    """A model answer, printed on the lines in the key."""
    lines: int = Field(default=3, ge=1, le=12)
    """How many ruled lines the student gets."""


class ShortAnswer(_Exercise):
    """Open questions with ruled lines to write on."""

    type: Literal["short_answer"]
    """Exercise kind: `short_answer`."""
    questions: list[ShortQuestion] = Field(min_length=1)
    """The questions, numbered in order."""


class TableCompletion(_Exercise):
    """A summary table of the lesson with chosen cells left blank."""

    type: Literal["table_completion"]
    """Exercise kind: `table_completion`."""
    table: Text
    """The `id` of one of the lesson's summary tables."""
    blanks: list[tuple[int, int]] = Field(min_length=1)
    """Cells to leave blank, as [row, column] counted from 1 (the heading row is not counted)."""

    def check_blanks(self, table: SummaryTable, where: tuple[str | int, ...]) -> None:
        """Refuse blanks outside `table` or given twice; `where` locates this exercise."""
        for index, (row, column) in enumerate(self.blanks):
            if not (1 <= row <= len(table.rows) and 1 <= column <= len(table.columns)):
                raise content_error(
                    f"cell [{row}, {column}] is outside table '{table.id}'",
                    at=(*where, "blanks", index),
                    hint=f"rows 1–{len(table.rows)}, columns 1–{len(table.columns)}",
                )
            if (row, column) in self.blanks[:index]:
                raise content_error(f"cell [{row}, {column}] is blanked twice", at=(*where, "blanks", index))


class Category(ContentModel):
    """A labelled column and the items that belong in it."""

    label: Text
    """Column heading."""
    items: list[Text] = Field(min_length=1)
    """Items that belong under this heading."""


class Categorize(_Exercise):
    """Items to sort into labelled columns; the items are printed mixed."""

    type: Literal["categorize"]
    """Exercise kind: `categorize`."""
    categories: list[Category] = Field(min_length=2, max_length=4)
    """The columns with their items."""

    @model_validator(mode="after")
    def _items_are_distinct(self) -> Categorize:
        seen: set[str] = set()
        for c_index, category in enumerate(self.categories):
            for i_index, item in enumerate(category.items):
                if item in seen:
                    raise content_error(f"'{item}' is in two places", at=("categories", c_index, "items", i_index))
                seen.add(item)
        return self


Exercise = Annotated[
    Cloze | Matching | MultipleChoice | TrueFalse | Ordering | ShortAnswer | TableCompletion | Categorize,
    Field(discriminator="type"),
]
"""Any exercise kind, chosen by its `type` key."""

EXERCISE_TYPES = tuple(
    typing.get_args(kind.model_fields["type"].annotation)[0] for kind in typing.get_args(typing.get_args(Exercise)[0])
)
"""The `type` names, in the order of the union (used in error hints)."""
