"""What reading a scanned page found: plain data passed from reading to marking and reporting.

Reading (`reading.py`) measures; it decides only what a circle looks like (filled, empty or
uncertain) and never what the pupil meant. Marking (`marking.py`) decides what an item's
answer is (one filled circle, or a doubt for review), and corrections settle the doubts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..qr import SheetId
from .geometry import Circle, SheetGeometry, TickBox

State = Literal["filled", "empty", "uncertain"]


@dataclass(frozen=True)
class CircleReading:
    circle: Circle
    state: State
    darkness: float
    """Share of the circle's inside inked beyond what the blank sheet prints there, 0 to 1."""
    reason: str = ""
    """Why a circle is uncertain: "light" (a faint or partial mark), "cancelled" (crossed out,
    ink beyond the ring), "smudge"; empty for filled and empty circles."""


@dataclass(frozen=True)
class TickReading:
    box: TickBox
    state: State
    darkness: float
    reason: str = ""


@dataclass(frozen=True)
class PageSource:
    """Where a scanned page came from, as the teacher will look for it."""

    file: str
    """The file's name as given on the command line."""
    page: int
    """1-based page of a PDF; 1 for a photo."""


@dataclass
class PageReading:
    """One scanned page: which sheet it is, and every circle and tick box measured on it."""

    source: PageSource
    sheet: SheetId | None
    """From the QR code; None when it could not be read (then `problem` says so)."""
    geometry: SheetGeometry | None = None
    circles: tuple[CircleReading, ...] = ()
    ticks: tuple[TickReading, ...] = ()
    page_image: Any = None
    """The straightened page, grayscale (a numpy array, `PIXELS_PER_MM` pixels a millimetre),
    for review crops and the annotated copy; the raw image when the page could not be read."""
    problem: str = ""
    """Why the page could not be read (no markers, no QR, not this exam...); empty when read."""
    notes: list[str] = field(default_factory=list)
    """What was corrected on the way (a quarter turn, a hidden marker), for the report."""


PIXELS_PER_MM = 6.0
"""Resolution of straightened pages (about 150 dpi): circles 5 mm wide are 30 pixels across."""
