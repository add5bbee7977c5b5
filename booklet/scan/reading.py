"""Reading one scanned page: straighten it, find which copy it is, measure every circle and box.

Each step can fail, and a failure is said, never guessed past: a page without three corner
markers, or without a readable QR code, comes back with a `problem` and the raw image. Once
straightened by the markers (`straighten.py`), the page is aligned to the blank sheet exactly
by the printed rings themselves (each ring matched against the blank's, a homography fitted
to them with outliers dropped), so a 5 mm circle is measured where it printed to a pixel.

A circle's darkness is the share of its inside (r <= 0.8 radius) inked beyond what the blank
sheet prints there: its letter and its ring are not a mark. Ink in a thin ring just outside
the printed one, in three or more of its eight sectors, is a cross reaching past the circle:
a cancelled circle. Between the thresholds a circle is uncertain and goes to review.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import cv2
import numpy as np

from ..qr import SheetId, parse_payload
from . import straighten
from .geometry import CORNERS, Circle, SheetGeometry, TickBox, markers
from .readings import PIXELS_PER_MM, CircleReading, PageReading, PageSource, TickReading

FILLED, EMPTY = 0.6, 0.05
"""Inside inked over FILLED: filled; under EMPTY: empty; between: uncertain ("light"). A fill
the sheet asks for covers 75 % or more, a half-hearted one or a tick inside at most 45 %,
and a stray speck of dust or JPEG noise a percent or two."""
INKED = 0.18
"""A pixel this much darker (0 to 1) than the blank sheet there is ink: pencil (40 % dark)
blurred by a phone still is, sensor noise (a few percent) and JPEG ringing are not."""
OUTSIDE = (0.7, 1.1)
"""mm beyond the ring where a cross's arms are looked for: past a sloppy fill's overflow,
short of the next circle's ring (at least 1.5 mm away)."""
SECTOR_INKED, CROSSED = 0.12, 3
"""A sector of that outer ring with this share inked is crossed; CROSSED such sectors of the
eight make a cross through the circle."""
SMUDGE = 0.1
"""Mean darkness of an otherwise empty inside above which it is uncertain ("smudge": an
erased pencil mark, a thumbprint)."""
TICKED, UNTICKED = 0.04, 0.012
"""A teacher's tick covers 8-20 % of its box's inside: over TICKED ticked, under UNTICKED not."""
SEARCH = 4
"""Pixels each way a ring is looked for round where four markers put it."""
COARSE = 1.5
"""Pixels a millimetre the whole page is first aligned at after three markers."""
A4 = markers(210, 297)
"""The markers of an A4 sheet: where they are looked for before the QR code names the sheet."""
QR_SEARCH = (130.0, 0.0, 80.0, 60.0)
"""Where on the page (x, y, width, height, mm) the QR code is looked for once straightened."""
RING_MATCH = 0.6
"""Least correlation of a scanned ring with the blank's to be taken as a point for alignment."""

PlanFor = Callable[[SheetId], Any]


@dataclass(frozen=True)
class Reference:
    """The blank sheet at `PIXELS_PER_MM`, as reading needs it (made once per plan)."""

    blank: np.ndarray
    """Grayscale uint8, the page as printed."""
    printed: np.ndarray
    """Darkness (0 to 1) of the print, widened by a pixel each way: ink there is not a mark."""


def read_page(image: np.ndarray, source: PageSource, plan_for: PlanFor) -> PageReading:
    """What the page in `image` (grayscale uint8) says. `plan_for(sheet)` gives the `SheetPlan`
    (geometry, blank PDF) of the copy the QR code names, or None when it is not this exam's."""
    work, _ = straighten.working_image(image)
    flat = straighten.even_light(work)
    blobs = straighten.find_blobs(flat)
    found = straighten.assign_markers(blobs, A4)
    code = straighten.read_code(flat)
    if code is None and len(found) >= 3:
        code = straighten.code_on_page(flat, straighten.marker_homography(found, A4), QR_SEARCH)
    sheet = parse_payload(code.text) if code is not None else None
    if sheet is None:
        return PageReading(source, None, page_image=image, problem=_unread(code, found))
    plan = plan_for(sheet)
    if plan is None:
        problem = f"the QR code names exam «{sheet.exam}», variant {sheet.variant}: not a sheet of this exam"
        return PageReading(source, sheet, page_image=image, problem=problem)
    geometry: SheetGeometry = plan.geometry
    if geometry.markers != A4:
        found = straighten.assign_markers(blobs, geometry.markers)
    if len(found) < 3:
        problem = "fewer than three corner markers found: scan the whole page, markers included"
        return PageReading(source, sheet, geometry, page_image=image, problem=problem)
    homography = straighten.marker_homography(found, geometry.markers)
    if not _code_in_its_box(code, homography, geometry):
        problem = "the corner markers and the QR code do not agree: is the page folded or cut?"
        return PageReading(source, sheet, geometry, page_image=image, problem=problem)
    reference = _reference(plan)
    page, aligned = _aligned(flat, homography, reference, geometry, wide=len(found) < 4)
    if page is None and len(found) == 4:  # a marker cut by a staple or a fold, not quite square
        page, aligned = _aligned(flat, homography, reference, geometry, wide=True)
    homography = aligned
    notes = _notes(found, homography, flat.shape)
    if page is None:
        problem = "the printed circles do not line up with the sheet: scan the page again, flat"
        return PageReading(source, sheet, geometry, page_image=image, problem=problem, notes=notes)
    dark = 1 - page.astype(np.float32) / 255
    ink = (dark - reference.printed) > INKED
    circles = tuple(_circle(ink, dark, reference.printed, circle) for circle in geometry.circles)
    ticks = tuple(_tick(ink, reference.printed, box) for box in geometry.ticks)
    return PageReading(source, sheet, geometry, circles, ticks, page, notes=notes)


def _unread(code: straighten.Code | None, found: dict) -> str:
    if code is not None:
        return "the QR code is not a booklet answer sheet's"
    if not found:
        return "no corner markers found and no QR code: is this an answer sheet?"
    return "the QR code cannot be read: scan the page again, flat and sharp"


def _code_in_its_box(code: straighten.Code, homography: np.ndarray, geometry: SheetGeometry) -> bool:
    """Whether the QR code lies where the markers say the sheet's QR box is (within 10 mm)."""
    centre = np.float32([[np.mean(code.corners, axis=0)]])
    x, y = cv2.perspectiveTransform(centre, homography)[0, 0] / PIXELS_PER_MM
    box = geometry.qr
    return abs(x - box.x - box.width / 2) < 10 + box.width / 2 and abs(y - box.y - box.height / 2) < 10 + box.height / 2


def _notes(markers: dict, homography: np.ndarray, shape: tuple[int, ...]) -> list[str]:
    notes = []
    turn = straighten.quarter_turn(homography, (shape[1] / 2, shape[0] / 2))
    if turn:
        notes.append({1: "turned 90° clockwise", 2: "turned 180°", 3: "turned 90° anticlockwise"}[turn])
    for corner in CORNERS:
        if corner not in markers:
            notes.append(f"{corner} marker hidden: placed by the other three and the printed circles")
    return notes


@lru_cache(maxsize=32)
def _reference(plan: Any) -> Reference:
    """The plan's blank sheet rendered at `PIXELS_PER_MM`, once per plan."""
    from .simulate import blank_page

    blank = blank_page(plan.blank_pdf, PIXELS_PER_MM * 25.4)
    printed = cv2.dilate(1 - blank.astype(np.float32) / 255, np.ones((3, 3), np.uint8))
    return Reference(blank, printed)


def _aligned(flat: np.ndarray, homography: np.ndarray, reference: Reference, geometry: SheetGeometry, wide: bool) -> tuple[np.ndarray | None, np.ndarray]:
    """The page straightened, then aligned to the blank sheet: after three markers (an affine
    guess, a photo's perspective still in it) first as a whole, coarsely (`_coarse`); then by
    its printed rings, each found within `SEARCH` pixels of where it should be, a homography
    fitted to where they are (RANSAC drops the rings a fill or a cross hides), and the page
    warped again. None when too few rings are found."""
    size = reference.blank.shape[1], reference.blank.shape[0]
    if wide:
        homography = _coarse(flat, homography, reference)
        if homography is None:
            return None, np.eye(3)
    page = cv2.warpPerspective(flat, homography, size, flags=cv2.INTER_LINEAR, borderValue=255)
    found, wanted = [], []
    for item in (*geometry.circles, *geometry.ticks):
        x, y = item.x * PIXELS_PER_MM, item.y * PIXELS_PER_MM
        half = int((item.radius if isinstance(item, Circle) else item.size / 2) * PIXELS_PER_MM) + 3
        shift = _ring_shift(page, reference.blank, round(x), round(y), half, SEARCH)
        if shift is not None:
            found.append((x + shift[0], y + shift[1]))
            wanted.append((x, y))
    if len(found) < 8:
        return None, homography
    correction, kept = cv2.findHomography(np.float32(found), np.float32(wanted), cv2.RANSAC, 1.0)
    if correction is None or kept.sum() < max(8, len(found) // 3):
        return None, homography
    homography = correction @ homography
    return cv2.warpPerspective(flat, homography, size, flags=cv2.INTER_LINEAR, borderValue=255), homography


def _coarse(flat: np.ndarray, homography: np.ndarray, reference: Reference) -> np.ndarray | None:
    """`homography` corrected by matching the whole page with the blank at `COARSE` pixels a
    millimetre (OpenCV's ECC, a homography): the headings, rules and rows of rings line up
    from several millimetres off, where rings alone could be taken for their neighbours."""
    scale = np.diag([COARSE / PIXELS_PER_MM, COARSE / PIXELS_PER_MM, 1.0])
    size = round(reference.blank.shape[1] * COARSE / PIXELS_PER_MM), round(reference.blank.shape[0] * COARSE / PIXELS_PER_MM)
    template = cv2.resize(reference.blank, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    page = cv2.warpPerspective(flat, scale @ homography, size, flags=cv2.INTER_AREA, borderValue=255).astype(np.float32)
    warp = np.eye(3, dtype=np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 60, 1e-5)
    try:
        _, warp = cv2.findTransformECC(template, page, warp, cv2.MOTION_HOMOGRAPHY, criteria, None, 5)
    except cv2.error:
        return None
    return np.linalg.inv(scale) @ np.linalg.inv(warp) @ scale @ homography


def _ring_shift(page: np.ndarray, blank: np.ndarray, x: int, y: int, half: int, search: int) -> tuple[float, float] | None:
    """Where the blank's patch round (x, y) best matches the page, as an offset in pixels
    (to a tenth, by a parabola through the peak), or None when nothing matches well."""
    template = blank[y - half : y + half + 1, x - half : x + half + 1]
    window = page[y - half - search : y + half + search + 1, x - half - search : x + half + search + 1]
    if window.shape != (template.shape[0] + 2 * search, template.shape[1] + 2 * search):
        return None
    scores = cv2.matchTemplate(window, template, cv2.TM_CCOEFF_NORMED)
    _, best, _, (bx, by) = cv2.minMaxLoc(scores)
    if best < RING_MATCH or not (0 < bx < 2 * search and 0 < by < 2 * search):
        return None
    return bx - search + _vertex(scores[by, bx - 1 : bx + 2]), by - search + _vertex(scores[by - 1 : by + 2, bx])


def _vertex(values: np.ndarray) -> float:
    left, middle, right = (float(v) for v in values)
    bend = left - 2 * middle + right
    return 0.0 if bend >= 0 else max(-0.5, min(0.5, 0.5 * (left - right) / bend))


def _disk(shape: tuple[int, int], x: float, y: float, inner: float, outer: float) -> np.ndarray:
    rows, columns = np.ogrid[: shape[0], : shape[1]]
    distance = np.hypot(columns - x, rows - y)
    return (distance >= inner) & (distance <= outer)


def _circle(ink: np.ndarray, dark: np.ndarray, printed: np.ndarray, circle: Circle) -> CircleReading:
    """One circle measured: the share of its inside inked where the blank has no print, and
    whether ink crosses the thin ring just outside it in `CROSSED` or more sectors."""
    radius = circle.radius * PIXELS_PER_MM
    reach = radius + OUTSIDE[1] * PIXELS_PER_MM
    cx, cy = circle.x * PIXELS_PER_MM, circle.y * PIXELS_PER_MM
    left, top = int(cx - reach) - 1, int(cy - reach) - 1
    where = np.s_[top : int(cy + reach) + 2, left : int(cx + reach) + 2]
    ink, dark, printed = ink[where], dark[where], printed[where]
    x, y = cx - left, cy - top
    paper = printed < 0.5
    inside = _disk(ink.shape, x, y, 0, 0.8 * radius) & paper
    darkness = float(ink[inside].mean()) if inside.any() else 0.0
    outer = _disk(ink.shape, x, y, radius + OUTSIDE[0] * PIXELS_PER_MM, reach) & paper
    rows, columns = np.nonzero(outer)
    sectors = ((np.arctan2(rows - y, columns - x) + np.pi) / (2 * np.pi) * 8).astype(int) % 8
    crossed = sum(
        1 for s in range(8) if (sectors == s).any() and ink[rows[sectors == s], columns[sectors == s]].mean() > SECTOR_INKED
    )
    if crossed >= CROSSED:
        return CircleReading(circle, "uncertain", darkness, "cancelled")
    if darkness >= FILLED:
        return CircleReading(circle, "filled", darkness)
    if darkness > EMPTY:
        return CircleReading(circle, "uncertain", darkness, "light")
    if inside.any() and float((dark - printed)[inside].clip(0).mean()) > SMUDGE:
        return CircleReading(circle, "uncertain", darkness, "smudge")
    return CircleReading(circle, "empty", darkness)


def _tick(ink: np.ndarray, printed: np.ndarray, box: TickBox) -> TickReading:
    """A tick box measured: the share of its inside (0.6 mm in from the printed edge) inked."""
    half = (box.size / 2 - 0.6) * PIXELS_PER_MM
    cx, cy = box.x * PIXELS_PER_MM, box.y * PIXELS_PER_MM
    where = np.s_[round(cy - half) : round(cy + half) + 1, round(cx - half) : round(cx + half) + 1]
    inside = printed[where] < 0.5
    darkness = float(ink[where][inside].mean()) if inside.any() else 0.0
    if darkness >= TICKED:
        return TickReading(box, "filled", darkness)
    if darkness > UNTICKED:
        return TickReading(box, "uncertain", darkness, "light")
    return TickReading(box, "empty", darkness)
