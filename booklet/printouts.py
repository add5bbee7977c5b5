"""What each printout shows: the typed context its template receives.

Templates only lay out what they are given; every decision (numbering, shuffles, which
labels) is made here or in `worksheet.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from .labels import Labels
from .markup import reading_html
from .model import Figure, Lesson
from .templating import environment
from .worksheet import Sheet

KINDS = ("handout", "tables", "worksheet", "key")
"""Every printout of a lesson, in the order they are built."""


@dataclass(frozen=True)
class NumberedFigure:
    src: str
    caption: str
    width: int
    number: int


@dataclass(frozen=True)
class ReadingSection:
    title: str
    html: Markup
    figures: tuple[NumberedFigure, ...]


def _sections(lesson: Lesson) -> tuple[ReadingSection, ...]:
    sections, number = [], 0
    for section in lesson.sections:
        figures = []
        for figure in section.figures:
            number += 1
            figures.append(_numbered(figure, number))
        sections.append(ReadingSection(section.title, reading_html(section.text), tuple(figures)))
    return tuple(sections)


def _numbered(figure: Figure, number: int) -> NumberedFigure:
    return NumberedFigure(figure.src, figure.caption, figure.width, number)


def html_for(kind: str, lesson: Lesson, labels: Labels, sheet: Sheet | None = None) -> str:
    """The HTML of one printout of `lesson`; the worksheet and key need the derived `sheet`."""
    kind_label = {
        "handout": labels.handout,
        "tables": labels.tables_sheet,
        "worksheet": labels.worksheet,
        "key": labels.answer_key,
    }[kind]
    context: dict[str, Any] = {
        "lesson": lesson,
        "labels": labels,
        "lang": lesson.language,
        "kind_label": kind_label,
        "doc_title": f"{lesson.title} – {kind_label}",
        "body_class": kind,
    }
    if kind == "handout":
        template = "handout.html"
        context["sections"] = _sections(lesson)
    elif kind == "tables":
        template = "tables.html"
    else:
        template = "worksheet.html"
        if sheet is None:
            raise ValueError(f"the {kind} needs the derived sheet")
        context["sheet"] = sheet
        context["show_answers"] = kind == "key"
        context["body_class"] = "worksheet" if kind == "worksheet" else "key"
    return environment().get_template(template).render(context)
