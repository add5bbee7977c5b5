"""The content model: what a lesson file may contain, validated by pydantic."""

from .exercises import (
    EXERCISE_TYPES,
    Categorize,
    Category,
    ChoiceQuestion,
    Cloze,
    Exercise,
    Gap,
    Matching,
    MultipleChoice,
    Ordering,
    Pair,
    ShortAnswer,
    ShortQuestion,
    Statement,
    TableCompletion,
    TrueFalse,
    parse_cloze,
)
from .lesson import Event, Figure, Lesson, Person, Section, SummaryTable, Term, Worksheet

__all__ = [
    "EXERCISE_TYPES", "Categorize", "Category", "ChoiceQuestion", "Cloze", "Event", "Exercise", "Figure", "Gap",
    "Lesson", "Matching", "MultipleChoice", "Ordering", "Pair", "Person", "Section", "ShortAnswer", "ShortQuestion",
    "Statement", "SummaryTable", "TableCompletion", "Term", "TrueFalse", "Worksheet", "parse_cloze",
]
