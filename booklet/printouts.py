"""What each printout shows: the typed context its template receives.

Templates only lay out what they are given; every decision (numbering, shuffles, which
labels) is made here or in `worksheet.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from .charts import DrawnChart, draw
from .hyphenation import keep_whole_in_html
from .labels import Labels
from .markup import reading_html
from .model import Figure, Lesson
from .templating import environment
from .worksheet import Sheet


@dataclass(frozen=True)
class NumberedFigure:
    src: str
    caption: str
    width: int
    number: int


@dataclass(frozen=True)
class ReadingSection:
    anchor: str
    title: str
    html: Markup
    figures: tuple[NumberedFigure, ...]
    charts: tuple[DrawnChart, ...]


def reading_sections(lesson: Lesson, figure_folder: str = "", anchor_prefix: str = "") -> tuple[ReadingSection, ...]:
    """The lesson's sections as printed: text as HTML, figures and charts numbered through the
    lesson. In a book, `figure_folder` is the lesson's folder relative to the book's base and
    `anchor_prefix` keeps ids unique among the chapters."""
    sections, figures_before, charts_before = [], 0, 0
    for index, section in enumerate(lesson.sections, 1):
        figures = tuple(_numbered(f, figures_before + n, figure_folder) for n, f in enumerate(section.figures, 1))
        charts = tuple(
            draw(chart, charts_before + n, f"{anchor_prefix}chart{charts_before + n}")
            for n, chart in enumerate(section.charts, 1)
        )
        figures_before += len(figures)
        charts_before += len(charts)
        html = reading_html(section.text)
        sections.append(ReadingSection(f"section-{index}", section.title, html, figures, charts))
    return tuple(sections)


def _numbered(figure: Figure, number: int, folder: str) -> NumberedFigure:
    src = f"{folder}/{figure.src}" if folder else figure.src
    return NumberedFigure(src, figure.caption, figure.width, number)


def html_for(kind: str, lesson: Lesson, labels: Labels, sheet: Sheet | None = None) -> str:
    """The HTML of one printout of `lesson`; the worksheet and key need the derived `sheet`."""
    template, context = printout_context(kind, lesson, labels, sheet)
    return keep_whole_in_html(environment().get_template(template).render(context))


def furniture_html(kind: str, lesson: Lesson, labels: Labels, sheet: Sheet | None, pages: int) -> str:
    """`pages` empty pages with the running header and footer of the printout `kind`: the
    worksheet's furniture, painted on pages laid out once for the key (engine/painting.py)."""
    _, context = printout_context(kind, lesson, labels, sheet)
    return environment().get_template("furniture.html").render(context | {"pages": pages})


def printout_context(kind: str, lesson: Lesson, labels: Labels, sheet: Sheet | None) -> tuple[str, dict[str, Any]]:
    """The template of the printout `kind` and what it is given."""
    kind_label = {
        "handout": labels.handout,
        "tables": labels.tables_sheet,
        "worksheet": labels.worksheet,
        "key": labels.answer_key,
    }[kind]
    context: dict[str, Any] = {
        "lesson": lesson,
        "about": lesson,
        "labels": labels,
        "lang": lesson.language,
        "kind_label": kind_label,
        "doc_title": f"{lesson.title} – {kind_label}",
        "body_class": kind,
        "anchor_prefix": "",
    }
    if kind == "handout":
        template = "handout.html"
        context["sections"] = reading_sections(lesson)
    elif kind == "tables":
        template = "tables.html"
    else:
        template = "worksheet.html"
        if sheet is None:
            raise ValueError(f"the {kind} needs the derived sheet")
        context["sheet"] = sheet
        context["show_answers"] = kind == "key"
        context["body_class"] = "worksheet" if kind == "worksheet" else "key"
    return template, context
