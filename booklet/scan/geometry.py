"""Where everything a scanner reads sits on an answer sheet, in millimetres from the page's top left.

The answer sheet is laid out by WeasyPrint like every other page; `layout.py` reads the laid
out boxes back into a `SheetGeometry` (the one place that knows the box tree for scanning).
Reading (`reading.py`), the test-scan generator (`simulate.py`) and the annotated copies all
work from this plain data, so a scan is measured exactly where the sheet printed its circles,
whatever the variant, the language or the paper.

The corner markers are fixed by the constants below rather than found in the layout, so a
page can be straightened before anything else about it is known: three solid squares and,
at the bottom right, a square with a white hole, which tells a page's top from its bottom
and its left from its right under any quarter turn or mirror-free tilt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MARKER_SIZE = 7.0
"""Side of a corner marker, mm."""
MARKER_HOLE = 3.0
"""Side of the white square inside the bottom-right marker, mm."""
MARKER_INSET = 6.0
"""From the paper's edge to a marker's outer edge, mm: inside what printers can print."""

Corner = Literal["top-left", "top-right", "bottom-left", "bottom-right"]
CORNERS: tuple[Corner, ...] = ("top-left", "top-right", "bottom-left", "bottom-right")


@dataclass(frozen=True)
class Marker:
    corner: Corner
    x: float
    """Centre, mm from the page's left edge."""
    y: float
    """Centre, mm from the page's top edge."""
    size: float = MARKER_SIZE
    hole: float = 0.0
    """Side of the white square in the middle (only the bottom-right marker has one)."""


def markers(page_width: float, page_height: float) -> tuple[Marker, ...]:
    """The four corner markers of a page of this size, in `CORNERS` order."""
    near = MARKER_INSET + MARKER_SIZE / 2
    return (
        Marker("top-left", near, near),
        Marker("top-right", page_width - near, near),
        Marker("bottom-left", near, page_height - near),
        Marker("bottom-right", page_width - near, page_height - near, hole=MARKER_HOLE),
    )


@dataclass(frozen=True)
class Circle:
    """One circle a pupil may fill: the answer `mark` to item `item` of task `task`."""

    task: int
    """The task's number as this variant prints it."""
    item: str
    """The row's label as printed (an item's letter or number, a blank's number)."""
    mark: str
    """What is printed inside the circle: a choice letter, Д/Ж, a position, a bank letter."""
    x: float
    """Centre, mm from the page's left edge."""
    y: float
    """Centre, mm from the page's top edge."""
    radius: float
    """Outer radius of the printed ring, mm."""


@dataclass(frozen=True)
class TickBox:
    """A box the teacher ticks when an open answer meets descriptor `descriptor` of task `task`."""

    task: int
    descriptor: int
    """The descriptor's place (0-based) among the task's descriptors in the marking scheme."""
    points: int
    x: float
    """Centre, mm from the page's left edge."""
    y: float
    size: float
    """Side of the square, mm."""


@dataclass(frozen=True)
class Box:
    """A rectangle on the page, mm from the top left corner."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class SheetGeometry:
    """Everything scanning needs to know about where one variant's answer sheet put things."""

    page_width: float
    page_height: float
    markers: tuple[Marker, ...]
    qr: Box
    circles: tuple[Circle, ...]
    ticks: tuple[TickBox, ...]
