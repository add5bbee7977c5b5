"""Bar charts drawn from a lesson's series of numbers, as vector SVG made with reportlab.

The numbers stay data in the lesson (`Section.charts`), so the picture can never disagree
with the text. reportlab measures every label with the same PT Sans the page uses (it is
registered under the CSS family name, so WeasyPrint draws the SVG's text with the bundled
font and the font check sees nothing foreign). The SVG is inlined into the page; ids inside
it are made unique per chart so several charts can share one document.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from markupsafe import Markup
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .kazakh import format_number
from .model import Chart
from .resources import fonts_dir
from .svg import inline_svg

FONT = "Booklet Sans"
"""The CSS family of PT Sans in booklet.css; the SVG's text names it, WeasyPrint resolves it."""

WIDTH, HEIGHT = 340.0, 150.0
"""Drawing size in SVG user units (about points: text sizes below are what is printed)."""
PRINTED_MM = 120.0
"""Printed width; the height keeps the drawing's proportions."""
LABEL_PT, VALUE_PT = 9.0, 10.0
TOP, BOTTOM, SIDE = 18.0, 30.0, 8.0
BAR = colors.HexColor("#9a9a9a")
"""A middle grey that copies well on a school photocopier."""


@dataclass(frozen=True)
class DrawnChart:
    """A chart ready for a template: its number, title, caption and inline SVG."""

    number: int
    title: str
    caption: str
    svg: Markup


@cache
def _register_font() -> None:
    pdfmetrics.registerFont(TTFont(FONT, str(fonts_dir() / "PTSans-Regular.ttf")))


def value_text(value: float, unit: str) -> str:
    """`19,8%`, `213 есе`: a percent sign sticks to the number, other units follow a no-break space."""
    number = format_number(value)
    return f"{number}{unit}" if unit == "%" else f"{number}\u00a0{unit}"


def draw(chart: Chart, number: int, anchor: str) -> DrawnChart:
    """The bar chart of `chart`, numbered `number` among the lesson's charts; `anchor` makes
    the ids inside its SVG unique in the document."""
    _register_font()
    drawing = Drawing(WIDTH, HEIGHT)
    count = len(chart.points)
    slot = (WIDTH - 2 * SIDE) / count
    bar_width = min(56.0, slot * 0.55)
    plot_height = HEIGHT - TOP - BOTTOM
    top = max(point.value for point in chart.points) or 1.0
    drawing.add(Line(SIDE, BOTTOM, WIDTH - SIDE, BOTTOM, strokeColor=colors.black, strokeWidth=0.8))
    for index, point in enumerate(chart.points):
        centre = SIDE + slot * (index + 0.5)
        height = plot_height * point.value / top
        bar = Rect(centre - bar_width / 2, BOTTOM, bar_width, height, fillColor=BAR, strokeColor=colors.black)
        bar.strokeWidth = 0.6
        drawing.add(bar)
        drawing.add(_text(centre, BOTTOM + height + 4, value_text(point.value, chart.unit), VALUE_PT))
        for line, words in enumerate(simpleSplit(point.label, FONT, LABEL_PT, slot - 4)[:2]):
            drawing.add(_text(centre, BOTTOM - 11 - line * (LABEL_PT + 2), words, LABEL_PT))
    svg = inline_svg(drawing, alternative_text(chart), anchor, PRINTED_MM)
    return DrawnChart(number, chart.title, chart.caption, Markup(svg))


def alternative_text(chart: Chart) -> str:
    """What a screen reader says for the chart (its SVG's title, the PDF figure's /Alt): the
    title and every bar's label and value, «Өнеркәсіп үлесі: 1928 – 28%; 1940 – 61%», as the
    picture shows them to a reader who sees it."""
    points = "; ".join(f"{point.label} – {value_text(point.value, chart.unit)}" for point in chart.points)
    return f"{chart.title}: {points}"


def _text(x: float, y: float, text: str, size: float) -> String:
    return String(x, y, text, fontName=FONT, fontSize=size, textAnchor="middle", fillColor=colors.black)
