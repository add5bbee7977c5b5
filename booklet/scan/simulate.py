"""Filled and degraded test scans: pupils' marks drawn on a blank sheet, then photographed badly.

The tests and `scripts/scan_accuracy.py` need thousands of scans whose truth is known. They
are drawn here from a blank answer sheet (the plan's PDF, rendered) and its `SheetGeometry`,
deterministically from the `random.Random` the caller gives (never the global one).

What a circle's truth is, decided from the ink actually drawn (not from what was meant):

- "filled": ink covers at least `FILLED_COVER` of the circle's inside (r <= 0.8 radius): full
  fills and heavy scribbles, pen (black, dark blue) or pencil (40-60 % dark, grainy);
- "empty": nothing drawn in or on the circle (stray marks elsewhere on the page do not count);
- "cancelled": filled, then crossed out with an X (same pen or pencil) whose arms reach 1.2-2
  mm beyond the ring, as the sheet tells pupils to do; reading must call it uncertain
  (reason "cancelled");
- "doubtful": a mark that is not the fill the sheet asks for: a partial fill covering 18-42 %
  of the inside (at most `DOUBTFUL_COVER`), or a tick or cross inside the ring (covering 10 %
  or more). Reading must call it uncertain: whether the pupil meant it is the teacher's call,
  not a scanner's.

Rows: 6 % are left empty, 6 % corrected (one circle cancelled, another filled), 8 % marked
doubtfully, 4 % answered twice, the rest answered once; a third of the tools are pencils.

A teacher's tick box is "filled" (a tick or a cross, red or dark pen) or "empty".

How the filled sheet is then scanned or photographed (`Degradation`, `degrade`) is
`camera.py`'s, imported here so that tests and scripts find the whole generator in one place.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from .camera import Degradation, degrade, random_degradation
from .geometry import SheetGeometry

__all__ = ["Degradation", "FilledSheet", "Truth", "blank_page", "degrade", "fill", "random_degradation"]

Truth = Literal["filled", "empty", "cancelled", "doubtful"]
FILLED_COVER = 0.75
"""Least share of a circle's inside a "filled" mark covers."""
DOUBTFUL_COVER = 0.45
"""Most share of a circle's inside a partial fill covers (between the two, nothing is drawn)."""
INSIDE = 0.8
"""The inside of a circle, as a share of its radius: within the printed ring."""


@dataclass(frozen=True)
class FilledSheet:
    """A sheet as the pupil and the teacher left it, before it was scanned."""

    image: np.ndarray
    """Grayscale uint8, `dpi` pixels an inch, the page's top left at (0, 0)."""
    dpi: float
    circles: tuple[Truth, ...]
    """The truth of each of the geometry's circles, in its order."""
    ticks: tuple[Truth, ...]
    """"filled" or "empty" per tick box."""
    kinds: tuple[str, ...]
    """What was drawn in each circle ("pen fill", "pencil scribble", "tick"...), for reports."""


def blank_page(pdf: bytes, dpi: float) -> np.ndarray:
    """The first page of `pdf` (a plan's blank sheet) as grayscale uint8 at `dpi`."""
    import pypdfium2

    from .images import gray_page

    document = pypdfium2.PdfDocument(pdf)
    try:
        return gray_page(document[0], dpi)
    finally:
        document.close()


def fill(
    blank: np.ndarray, geometry: SheetGeometry, dpi: float, rng: random.Random, qr_text: str | None = None
) -> FilledSheet:
    """`blank` (rendered at `dpi`) marked as a pupil and a teacher do, with the truth of each mark.

    Each answer row gets, mostly, one filled circle; some rows are left empty, answered twice,
    corrected (a cancelled circle and another filled) or marked doubtfully; stray marks land
    away from the circles. `qr_text`, if given, replaces the blank's QR code (a named copy's)."""
    per_mm = dpi / 25.4
    page = blank.astype(np.float32) / 255
    if qr_text is not None:
        _paint_qr(page, geometry, per_mm, qr_text)
    ink = np.zeros_like(page)
    truths: list[Truth] = ["empty"] * len(geometry.circles)
    kinds = [""] * len(geometry.circles)
    rows: dict[tuple[int, str], list[int]] = {}
    for index, circle in enumerate(geometry.circles):
        rows.setdefault((circle.task, circle.item), []).append(index)
    for row in rows.values():
        for index, kind in _row_marks(row, rng):
            truths[index], kinds[index] = _mark_circle(ink, geometry.circles[index], per_mm, kind, rng)
    ticks: list[Truth] = []
    for box in geometry.ticks:
        ticked = rng.random() < 0.5
        if ticked:
            _tick_box(ink, box.x, box.y, box.size, per_mm, rng)
        ticks.append("filled" if ticked else "empty")
    for _ in range(rng.randint(0, 4)):
        _stray_mark(ink, geometry, per_mm, rng)
    image = np.clip(page * (1 - ink) * 255, 0, 255).astype(np.uint8)
    return FilledSheet(image, dpi, tuple(truths), tuple(ticks), tuple(kinds))


def _row_marks(row: list[int], rng: random.Random) -> list[tuple[int, str]]:
    """What a pupil does with one answer row: which circles get which kind of mark."""
    chosen = rng.sample(row, min(len(row), 2))
    roll = rng.random()
    if roll < 0.06:
        return []
    if roll < 0.12 and len(chosen) == 2:
        return [(chosen[0], "cancel"), (chosen[1], "fill")]
    if roll < 0.20:
        return [(chosen[0], rng.choice(("partial", "tick", "cross")))]
    if roll < 0.24 and len(chosen) == 2:
        return [(chosen[0], "fill"), (chosen[1], "fill")]
    return [(chosen[0], "fill")]


def _pen(rng: random.Random) -> tuple[str, float, float]:
    """A writing tool: its name, its darkness, and how grainy its line is (pencil on paper)."""
    if rng.random() < 0.35:
        return "pencil", rng.uniform(0.4, 0.6), 0.35
    return "pen", rng.uniform(0.8, 0.95), 0.05


def _mark_circle(ink: np.ndarray, circle, per_mm: float, kind: str, rng: random.Random) -> tuple[Truth, str]:
    tool, darkness, grain = _pen(rng)

    def stamp(draw, half: float = circle.radius + 2, shade: float = darkness, grainy: float = grain) -> float:
        return _stamp(ink, circle.x, circle.y, half, per_mm, shade, grainy, rng, draw, circle.radius)

    if kind in ("tick", "cross"):
        # a tick or cross inside the ring, never beyond it: not a fill, for the teacher to judge
        width = rng.uniform(0.4, 0.7)
        while (
            stamp(
                lambda mask, at, width=width: _tick_or_cross(mask, at, circle.radius * 0.75, kind, rng, per_mm, width)
            )
            < 0.1
        ):
            width += 0.2  # gone over again, harder: a mark too thin to see is not a mark
        return "doubtful", f"{tool} {kind} inside"
    if kind == "partial":
        share = rng.uniform(0.18, 0.42)
        stamp(lambda mask, at: _partial(mask, at, circle.radius, share, rng, per_mm))
        return "doubtful", f"{tool} partial fill"
    scribble = rng.random() < 0.3
    if stamp(lambda mask, at: _fill(mask, at, circle.radius, scribble, rng, per_mm)) < FILLED_COVER:
        stamp(lambda mask, at: _fill(mask, at, circle.radius, False, rng, per_mm))  # gaps gone over
    if kind == "cancel":
        reach = circle.radius + rng.uniform(1.2, 2.0)
        width = rng.uniform(0.4, 0.7)
        stamp(lambda mask, at: _tick_or_cross(mask, at, reach, "cross", rng, per_mm, width), reach + 1, darkness, grain)
        return "cancelled", f"{tool} fill, crossed out"
    return "filled", f"{tool} {'scribble' if scribble else 'fill'}"


def _stamp(
    ink: np.ndarray,
    x: float,
    y: float,
    half: float,
    per_mm: float,
    darkness: float,
    grain: float,
    rng: random.Random,
    draw: Callable[[np.ndarray, tuple[float, float]], None],
    radius: float | None = None,
) -> float:
    """Draws a mark with `draw(mask, centre)` on a patch round (x, y) mm, adds it to `ink`, and
    returns the share of the inside of a circle of `radius` mm there now covered (by this mark
    and any before it), counting a pixel covered where the ink has half the tool's darkness."""
    half_px = int(math.ceil(half * per_mm))
    cx, cy = int(round(x * per_mm)), int(round(y * per_mm))
    top, left = cy - half_px, cx - half_px
    mask = np.zeros((2 * half_px + 1, 2 * half_px + 1), np.uint8)
    draw(mask, (x * per_mm - left, y * per_mm - top))
    shade = mask.astype(np.float32) / 255 * darkness
    if grain:
        noise = np.random.default_rng(rng.getrandbits(32)).uniform(1 - grain, 1, mask.shape)
        shade *= noise.astype(np.float32)
    window = ink[top : top + mask.shape[0], left : left + mask.shape[1]]
    np.maximum(window, shade[: window.shape[0], : window.shape[1]], out=window)
    if radius is None:
        return 0.0
    rows, columns = np.ogrid[: window.shape[0], : window.shape[1]]
    inside = (columns - (x * per_mm - left)) ** 2 + (rows - (y * per_mm - top)) ** 2 <= (INSIDE * radius * per_mm) ** 2
    return float((window[inside] >= 0.5 * darkness).mean())


SHIFT = 4
"""Fractional bits of the coordinates given to OpenCV's drawing functions."""


def _pt(x: float, y: float) -> tuple[int, int]:
    return int(round(x * (1 << SHIFT))), int(round(y * (1 << SHIFT)))


def _fill(mask, at, radius: float, scribble: bool, rng: random.Random, per_mm: float) -> None:
    cx, cy = at
    if not scribble:
        r = radius * rng.uniform(0.85, 1.02) * per_mm
        dx, dy = (rng.uniform(-0.25, 0.25) * per_mm for _ in range(2))
        cv2.circle(mask, _pt(cx + dx, cy + dy), int(r * (1 << SHIFT)), 255, -1, cv2.LINE_AA, SHIFT)
        return
    # zig-zag strokes across the circle, as a hurried pupil fills it
    width = rng.uniform(0.7, 1.1)
    angle = rng.uniform(0, math.pi)
    along, across = (math.cos(angle), math.sin(angle)), (-math.sin(angle), math.cos(angle))
    r = radius * 0.97 - width / 2  # the stroke's edge, not its middle, reaches the ring
    points = []
    spacing = width * rng.uniform(0.8, 1.4)  # a careful pupil overlaps strokes, a hurried one leaves gaps
    for step in np.arange(-r, r + 1e-6, spacing):
        half = math.sqrt(max(r * r - step * step, 0))
        for end in ((-half, step), (half, step)) if len(points) % 4 == 0 else ((half, step), (-half, step)):
            u, v = end[0] * rng.uniform(0.9, 1.0), end[1]
            dx, dy = (u * along[0] + v * across[0]) * per_mm, (u * along[1] + v * across[1]) * per_mm
            points.append(_pt(cx + dx, cy + dy))
    cv2.polylines(mask, [np.array(points, np.int32)], False, 255, max(1, round(width * per_mm)), cv2.LINE_AA, SHIFT)


def _partial(mask, at, radius: float, share: float, rng: random.Random, per_mm: float) -> None:
    """A disk cut by a chord: the part of the circle a pupil began to fill, covering `share`
    of the inside (the chord is placed on the inside's disk; the ink runs on to the ring)."""
    cx, cy = at
    disk = np.zeros_like(mask)
    cv2.circle(disk, _pt(cx, cy), int(radius * 0.92 * per_mm * (1 << SHIFT)), 255, -1, cv2.LINE_AA, SHIFT)
    low, high = -1.0, 1.0  # the chord's distance from the centre, in inside radii
    for _ in range(30):
        middle = (low + high) / 2
        segment = (math.acos(middle) - middle * math.sqrt(1 - middle * middle)) / math.pi
        low, high = (middle, high) if segment > share else (low, middle)
    angle = rng.uniform(0, 2 * math.pi)
    rows, columns = np.mgrid[: mask.shape[0], : mask.shape[1]]
    along = (columns - cx) * math.cos(angle) + (rows - cy) * math.sin(angle)
    cut = low * INSIDE * radius * per_mm
    np.maximum(mask, np.where(along > cut, disk, 0).astype(np.uint8), out=mask)


def _tick_or_cross(mask, at, reach: float, kind: str, rng: random.Random, per_mm: float, width_mm: float = 0.5) -> None:
    cx, cy = at
    width = max(1, round(width_mm * per_mm))
    r = reach * per_mm
    if kind == "cross":
        turn = rng.uniform(-0.3, 0.3)
        for angle in (math.pi / 4 + turn, 3 * math.pi / 4 + turn):
            dx, dy = math.cos(angle) * r, math.sin(angle) * r
            cv2.line(mask, _pt(cx - dx, cy - dy), _pt(cx + dx, cy + dy), 255, width, cv2.LINE_AA, SHIFT)
        return
    points = [(-0.7, 0.0), (-0.15, 0.6), (0.7, -0.7)]
    line = np.array([_pt(cx + u * r, cy + v * r) for u, v in points], np.int32)
    cv2.polylines(mask, [line], False, 255, width, cv2.LINE_AA, SHIFT)


def _tick_box(ink, x: float, y: float, size: float, per_mm: float, rng: random.Random) -> None:
    """A teacher's tick or cross in a descriptor's box (red or dark pen; it may overrun the box)."""
    darkness = rng.uniform(0.5, 0.9)
    kind = rng.choice(("tick", "cross"))
    reach = size / 2 * rng.uniform(0.6, 1.1)
    width = rng.uniform(0.4, 0.7)

    def tick(mask: np.ndarray, at: tuple[float, float]) -> None:
        _tick_or_cross(mask, at, reach, kind, rng, per_mm, width)

    _stamp(ink, x, y, size, per_mm, darkness, 0.05, rng, tick)


def _stray_mark(ink, geometry: SheetGeometry, per_mm: float, rng: random.Random) -> None:
    """A line or a blot on the page at least 2.5 mm from any circle's ring, and off the markers."""
    for _ in range(20):
        x, y = rng.uniform(20, geometry.page_width - 20), rng.uniform(45, geometry.page_height - 25)
        near = min(math.hypot(c.x - x, c.y - y) - c.radius for c in geometry.circles)
        near = min([near] + [max(abs(t.x - x), abs(t.y - y)) - t.size / 2 for t in geometry.ticks])
        if near > 6:
            break
    else:
        return
    length = rng.uniform(1, 3.5)
    darkness = rng.uniform(0.4, 0.9)
    angle = rng.uniform(0, math.pi)
    dx, dy = math.cos(angle) * length * per_mm, math.sin(angle) * length * per_mm
    width = max(1, round(0.6 * per_mm))

    def line(mask: np.ndarray, at: tuple[float, float]) -> None:
        cv2.line(mask, _pt(at[0] - dx, at[1] - dy), _pt(at[0] + dx, at[1] + dy), 255, width, cv2.LINE_AA, SHIFT)

    _stamp(ink, x, y, 4, per_mm, darkness, 0.1, rng, line)


def _paint_qr(page: np.ndarray, geometry: SheetGeometry, per_mm: float, text: str) -> None:
    """A named copy's QR code in place of the blank's: same box, four modules of quiet zone."""
    import zxingcpp

    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    modules = np.asarray(code.to_image(scale=1, add_quiet_zones=False), np.float32) / 255
    box = geometry.qr
    module = box.width / (len(modules) + 8)
    left, top = round(box.x * per_mm), round(box.y * per_mm)
    page[top : round((box.y + box.height) * per_mm), left : round((box.x + box.width) * per_mm)] = 1
    x0, y0 = (box.x + 4 * module) * per_mm, (box.y + 4 * module) * per_mm
    side = len(modules) * module * per_mm
    scale = np.array([[side / len(modules), 0, x0], [0, side / len(modules), y0]], np.float32)
    size = (page.shape[1], page.shape[0])
    drawn = cv2.warpAffine(modules, scale, size, flags=cv2.INTER_NEAREST, borderValue=1.0)
    where = np.s_[round(y0) : round(y0 + side) + 1, round(x0) : round(x0 + side) + 1]
    page[where] = drawn[where]
