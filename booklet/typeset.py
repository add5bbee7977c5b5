"""Page geometry and measuring text, so blanks are sized before anything is rendered.

A blank must hold a pupil's handwriting, which runs about half as wide again as print, and
must hold the printed answer in the key without changing the line: both documents share
the same box widths, so the key can never paginate differently from the sheet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from fontTools.ttLib import TTFont

from .paper import current_paper
from .resources import fonts_dir

MM_PER_PT = 25.4 / 72


@dataclass(frozen=True)
class Geometry:
    """Sizes shared by the stylesheet and by the measurements below (millimetres, points)."""

    paper: str = "a4"
    page_width: float = 210
    page_height: float = 297
    margin_top: float = 20
    margin_bottom: float = 18
    margin_side: float = 18
    body_pt: float = 11
    answer_pt: float = 10.5
    rule_gap: float = 9
    """Distance between the ruled lines of a short answer."""
    min_blank: float = 28
    """Shortest blank: room for a short word in handwriting."""
    handwriting: float = 1.6
    """How much wider handwriting is than the printed answer."""

    @property
    def text_width(self) -> float:
        return self.page_width - 2 * self.margin_side


GEOMETRY = Geometry()
"""A4: what every printout is laid out on unless a build asks for A5."""

A5 = Geometry(paper="a5", page_width=148, page_height=210, margin_top=15, margin_bottom=13, margin_side=13)
"""Half an A4 sheet, for handouts printed two to a sheet or folded into a booklet. The type
keeps its size (11 pt is as easy to read on A5, and a booklet's pages are read at arm's
length too); only the margins shrink, in proportion to the smaller page, which leaves a
measure of about 60 characters, as a book of this size has."""

_GEOMETRIES = {"a4": GEOMETRY, "a5": A5}


def geometry_of(paper: str) -> Geometry:
    """The geometry of pages laid out on `paper` (`choices.PAPERS`)."""
    return _GEOMETRIES[paper]


def current_geometry() -> Geometry:
    """The geometry of the paper the current build lays out on (paper.py)."""
    return _GEOMETRIES[current_paper()]


@cache
def _answer_font() -> tuple[dict[int, str], dict[str, tuple[int, int]], int]:
    font = TTFont(fonts_dir() / "PTSansNarrow-Bold.ttf", lazy=True)
    return font.getBestCmap(), font["hmtx"].metrics, font["head"].unitsPerEm


def answer_width(text: str, geometry: Geometry | None = None) -> float:
    """Printed width of `text` in the key's answer face, in millimetres."""
    geometry = geometry or current_geometry()
    cmap, metrics, units = _answer_font()
    default = metrics[cmap[ord("о")]][0]
    advance = sum(metrics[cmap[ord(ch)]][0] if ord(ch) in cmap else default for ch in text)
    return advance / units * geometry.answer_pt * MM_PER_PT


def blank_width(answers: list[str], geometry: Geometry | None = None, limit: float | None = None) -> float:
    """Width of a blank that fits any of `answers` handwritten, rounded up to whole millimetres."""
    geometry = geometry or current_geometry()
    widest = max(answer_width(answer, geometry) for answer in answers)
    width = max(geometry.min_blank, widest * geometry.handwriting + 4)
    return float(math.ceil(min(width, limit or geometry.text_width - 20)))


def ruled_lines(answer: str, asked: int, width: float, geometry: Geometry | None = None) -> int:
    """Lines for a short answer: as many as asked, and enough for the model answer handwritten."""
    geometry = geometry or current_geometry()
    needed = math.ceil(answer_width(answer, geometry) * geometry.handwriting / (width * 0.92))
    return max(asked, needed)
