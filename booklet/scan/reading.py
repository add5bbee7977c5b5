"""Reading one scanned page: straighten it, find which copy it is, measure every circle and box.

Each step can fail, and a failure is said, never guessed past: a page without three corner
markers, or without a readable QR code, comes back with a `problem` (a `PageProblem`: the
English sentence, and a code the review page says it again with in the page's language) and
the raw image. Once straightened by the markers (`straighten.py`), the page is aligned to the
blank sheet exactly by the printed rings themselves (each ring matched against the blank's, a
homography fitted to them with outliers dropped), so a 5 mm circle is measured where it printed
to a pixel.

A circle's darkness is the share of its inside (r <= 0.8 radius) inked beyond what the blank
sheet prints there: its letter and its ring are not a mark. An empty circle must show its
printed ring where it is measured, or it is not called empty. Strokes through a thin ring just
outside the printed one, two or more, are a cross reaching past the circle: a cancelled
circle. Between the thresholds a circle is uncertain and goes to review.
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
from .words import PageProblem

FILLED, EMPTY = 0.6, 0.05
"""Inside inked over FILLED: filled; under EMPTY: empty; between: uncertain ("light"). A fill
the sheet asks for covers 75 % or more, a partial one or a tick or cross inside 15-45 %
(`simulate.py`), noise and JPEG ringing under 1 %: over 18,000 generated circles, filled
ones read 0.99-1.00, doubtful ones 0.15-0.48, empty ones 0.00-0.01."""
INKED = 0.18
"""A pixel this much darker (0 to 1) than the blank sheet there is ink: pencil (40 % dark)
blurred by a phone still is, sensor noise (a few percent) and JPEG ringing are not."""
OUTSIDE = (0.7, 1.1)
"""mm beyond the ring where a cross's arms are looked for: past a sloppy fill's overflow,
short of the next circle's ring (at least 1.5 mm away)."""
BINS, BIN_INKED, ARM_INK, ARM_BINS, CROSSED = 32, 0.15, 0.12, 4, 2
"""That outer ring is cut into BINS angles (0.7 mm each); one with a BIN_INKED share of it
darker than the blank by ARM_INK (after a 3-pixel smoothing, which keeps noise well under
it) is crossed; a run of up to ARM_BINS crossed angles (2.8 mm: a blurred pen stroke) is one
stroke through the ring, and CROSSED strokes or more are a cross cancelling the circle (an X
has four; a sloppy fill spills over in one wide run)."""
SMUDGE = 0.1
"""Mean darkness of an otherwise empty inside above which it is uncertain ("smudge": an
erased pencil mark, a thumbprint)."""
TICKED, UNTICKED = 0.04, 0.012
"""A teacher's tick covers a fifth of its box's inside or more (generated ones read 0.19-0.75,
empty boxes 0.00): over TICKED ticked, under UNTICKED not, between uncertain."""
SEARCH = 4
"""Pixels each way a ring is looked for round where four markers put it."""
COARSE = (0.5, 1.5)
"""Pixels a millimetre the whole page is aligned at after three markers, coarse to fine."""
A4 = markers(210, 297)
"""The markers of an A4 sheet: where they are looked for before the QR code names the sheet."""
QR_SEARCH = (130.0, 0.0, 80.0, 60.0)
"""Where on the page (x, y, width, height, mm) the QR code is looked for once straightened."""
RING_MATCH = 0.6
"""Least correlation of a scanned ring with the blank's to be taken as a point for alignment."""
RING_DARK, RING_SEEN = 0.25, 0.5
"""An empty circle's printed ring must be seen (this dark) over this share of it; if not, the
page is not where it is measured there (or something covers it): uncertain ("smudge")."""
LOST_RINGS = 0.05
"""Share of circles whose ring is not seen above which the page is not read at all."""
MARGIN = 2
"""Pixels (a third of a millimetre) round the print where ink is not measured."""

PlanFor = Callable[[SheetId], Any]


@dataclass(frozen=True)
class Window:
    """Where one circle is measured on the page at `PIXELS_PER_MM`: its square of the page, and
    in it (as flat indices) the inside, the thin ring outside with each pixel's angle (one of
    `BINS`), and the print. The same for every scan of a plan, so made once."""

    where: tuple[slice, slice]
    inside: np.ndarray
    outer: np.ndarray
    sectors: np.ndarray
    ring: np.ndarray


@dataclass(frozen=True)
class Reference:
    """The blank sheet at `PIXELS_PER_MM`, as reading needs it (made once per plan)."""

    blank: np.ndarray
    """Grayscale uint8, the page as printed."""
    printed: np.ndarray
    """Darkness of the print (uint8, 255 black), widened by a pixel each way: ink there is not
    a mark."""
    paper: np.ndarray
    """Where nothing is printed within `MARGIN` pixels: only there is ink measured, so that a
    blurred ring or box edge (a phone's 0.3 mm blur) is not taken for a mark beside it."""
    windows: tuple[Window, ...]
    """Where each of the geometry's circles is measured, in its order."""
    coarse: tuple[np.ndarray, ...]
    """The blank at each of the `COARSE` resolutions (float32), for whole-page alignment."""


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
        problem = PageProblem("code-of-other-exam", exam=sheet.exam, variant=sheet.variant)
        return PageReading(source, sheet, page_image=image, problem=problem)
    if plan.geometry.markers != A4:
        found = straighten.assign_markers(blobs, plan.geometry.markers)
    page, notes, problem = _straightened(flat, found, code, plan)
    if page is None:
        return PageReading(source, sheet, plan.geometry, page_image=image, problem=problem, notes=notes)
    reading = _measured(page, source, sheet, plan, notes)
    if reading.problem:
        reading.page_image = image
    return reading


def _straightened(flat: np.ndarray, found: dict, code: straighten.Code, plan: Any) -> tuple[Any, list[str], str]:
    """The page at `PIXELS_PER_MM`, aligned to the plan's blank; the notes on the way; or None
    and why not."""
    geometry: SheetGeometry = plan.geometry
    if len(found) < 3:
        return None, [], PageProblem("few-markers")
    homography = straighten.marker_homography(found, geometry.markers)
    if len(found) == 3:
        homography = straighten.guess_with_code(found, geometry, code)
    if not _code_in_its_box(code, homography, geometry):
        return None, [], PageProblem("markers-and-code-disagree")
    reference = _reference(plan)
    page, aligned = _aligned(flat, homography, reference, geometry, wide=len(found) < 4)
    if page is None and len(found) == 4:  # a marker cut by a staple or a fold, not quite square
        page, aligned = _aligned(flat, homography, reference, geometry, wide=True)
    notes = _notes(found, aligned, flat.shape)
    if page is None:
        return None, notes, PageProblem("circles-out-of-line")
    return page, notes, ""


def _measured(page: np.ndarray, source: PageSource, sheet: SheetId, plan: Any, notes: list[str]) -> PageReading:
    """Every circle and tick box of the straightened `page` measured against the plan's blank."""
    geometry, reference = plan.geometry, _reference(plan)
    dark = 1 - page.astype(np.float32) / 255
    excess = np.clip(dark - reference.printed.astype(np.float32) / 255, 0, 1)
    smooth = cv2.blur(excess, (3, 3))
    measured = [_circle(excess, smooth, dark, w, c) for w, c in zip(reference.windows, geometry.circles, strict=True)]
    lost = sum(1 for _, ring_seen in measured if not ring_seen)
    if lost > LOST_RINGS * len(measured):
        problem = PageProblem("circles-lost", lost=lost, count=len(measured))
        return PageReading(source, sheet, geometry, page_image=page, problem=problem, notes=notes)
    circles = tuple(reading for reading, _ in measured)
    ticks = tuple(_tick(excess > INKED, reference.paper, box) for box in geometry.ticks)
    return PageReading(source, sheet, geometry, circles, ticks, page, notes=notes)


def _unread(code: straighten.Code | None, found: dict) -> PageProblem:
    """Why a page names no sheet, in the words a teacher rescanning it needs."""
    if code is not None:
        return PageProblem("not-a-sheet-code")
    if not found:
        return PageProblem("no-markers")
    return PageProblem("unreadable-code")


def _code_in_its_box(code: straighten.Code, homography: np.ndarray, geometry: SheetGeometry) -> bool:
    """Whether the QR code lies where the markers say the sheet's QR box is (within 10 mm)."""
    centre = np.float32([[np.mean(code.corners, axis=0)]])
    x, y = cv2.perspectiveTransform(centre, homography)[0, 0] / PIXELS_PER_MM
    box = geometry.qr
    return abs(x - box.x - box.width / 2) < 10 + box.width / 2 and abs(y - box.y - box.height / 2) < 10 + box.height / 2


def _notes(markers: dict, homography: np.ndarray, shape: tuple[int, ...]) -> list[str]:
    """What was put right on the way: a quarter turn, a hidden marker."""
    notes = []
    turn = straighten.quarter_turn(homography, (shape[1] / 2, shape[0] / 2))
    if turn:
        notes.append({1: "turned 90° clockwise", 2: "turned 180°", 3: "turned 90° anticlockwise"}[turn])
    for corner in CORNERS:
        if corner not in markers:
            notes.append(f"{corner} marker hidden: placed by the other three and the printed circles")
    return notes


@lru_cache(maxsize=16)  # about 7 MB each: a class set's variants, a few times over
def _reference(plan: Any) -> Reference:
    """The plan's blank sheet rendered at `PIXELS_PER_MM`, once per plan."""
    import pypdfium2

    from .images import gray_page

    document = pypdfium2.PdfDocument(plan.blank_pdf)
    try:
        blank = gray_page(document[0], PIXELS_PER_MM * 25.4)
    finally:
        document.close()
    darkness = 1 - blank.astype(np.float32) / 255
    printed = cv2.erode(blank, np.ones((3, 3), np.uint8)) ^ 255  # the darkest print round each pixel
    near = cv2.dilate((darkness > 0.2).astype(np.uint8), np.ones((2 * MARGIN + 1, 2 * MARGIN + 1), np.uint8))
    paper, ring = near == 0, blank < 128
    windows = tuple(_window(circle, paper, ring) for circle in plan.geometry.circles)
    shrinks = [per_mm / PIXELS_PER_MM for per_mm in COARSE]
    coarse = tuple(cv2.resize(blank, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) for f in shrinks)
    coarse = tuple(image.astype(np.float32) for image in coarse)
    return Reference(blank, printed, paper, windows, coarse)


def _aligned(
    flat: np.ndarray, homography: np.ndarray, reference: Reference, geometry: SheetGeometry, wide: bool
) -> tuple[np.ndarray | None, np.ndarray]:
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
    """`homography` corrected by matching the whole page with the blank (OpenCV's ECC, a
    homography), at `COARSE` pixels a millimetre and finer: blocks of text and rows of rings
    line up from a centimetre off, where rings alone would be taken for their neighbours."""
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 60, 1e-5)
    for per_mm, template in zip(COARSE, reference.coarse, strict=True):
        scale = np.diag([per_mm / PIXELS_PER_MM, per_mm / PIXELS_PER_MM, 1.0])
        size = (template.shape[1], template.shape[0])
        page = cv2.warpPerspective(flat, scale @ homography, size, flags=cv2.INTER_AREA, borderValue=255)
        warp = np.eye(3, dtype=np.float32)
        try:
            page = page.astype(np.float32)
            _, warp = cv2.findTransformECC(template, page, warp, cv2.MOTION_HOMOGRAPHY, criteria, None, 5)
        except cv2.error:
            return None
        homography = np.linalg.inv(scale) @ np.linalg.inv(warp) @ scale @ homography
    return homography


def _ring_shift(
    page: np.ndarray, blank: np.ndarray, x: int, y: int, half: int, search: int
) -> tuple[float, float] | None:
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
    """The peak's offset (-0.5 to 0.5) of a parabola through three scores round the best."""
    left, middle, right = (float(v) for v in values)
    bend = left - 2 * middle + right
    return 0.0 if bend >= 0 else max(-0.5, min(0.5, 0.5 * (left - right) / bend))


def _window(circle: Circle, paper: np.ndarray, ring: np.ndarray) -> Window:
    """Where `circle` is measured, from the blank's unprinted paper and its print."""
    radius = circle.radius * PIXELS_PER_MM
    reach = radius + OUTSIDE[1] * PIXELS_PER_MM
    cx, cy = circle.x * PIXELS_PER_MM, circle.y * PIXELS_PER_MM
    left, top = int(cx - reach) - 1, int(cy - reach) - 1
    where = np.s_[top : int(cy + reach) + 2, left : int(cx + reach) + 2]
    paper, ring = paper[where], ring[where]
    rows, columns = np.mgrid[: paper.shape[0], : paper.shape[1]]
    distance = np.hypot(columns - (cx - left), rows - (cy - top))
    inside = (distance <= 0.8 * radius) & paper
    outer = (distance >= radius + OUTSIDE[0] * PIXELS_PER_MM) & (distance <= reach) & paper
    angle = np.arctan2(rows - (cy - top), columns - (cx - left))
    sectors = ((angle + np.pi) / (2 * np.pi) * BINS).astype(int) % BINS
    outer_sectors = sectors.ravel()[outer.ravel()]
    return Window(where, np.flatnonzero(inside), np.flatnonzero(outer), outer_sectors, np.flatnonzero(ring))


def _circle(
    excess: np.ndarray, smooth: np.ndarray, dark: np.ndarray, window: Window, circle: Circle
) -> tuple[CircleReading, bool]:
    """One circle measured: the share of its inside inked where the blank has no print, and
    whether `CROSSED` strokes or more cross the thin ring just outside it; and whether
    its printed ring was seen (always, unless it looked empty and no ring showed).

    A pixel is inked when darker than the blank by half the mark's own darkness there (its
    90th percentile), and at least by `INKED`: the half-way line of a blurred stroke stays where
    its edge was, so blur neither fattens a cross inside into a fill nor thins a fill."""
    excess = excess[window.where].ravel()
    values = excess[window.inside]
    if values.size == 0:
        return CircleReading(circle, "uncertain", 0.0, "smudge"), True
    tenth = int(0.9 * (values.size - 1))  # the 90th percentile, without sorting
    level = max(INKED, 0.5 * float(np.partition(values, tenth)[tenth]))
    darkness = float((values >= level).mean())
    if _strokes(smooth[window.where].ravel()[window.outer] > ARM_INK, window.sectors) >= CROSSED:
        return CircleReading(circle, "uncertain", darkness, "cancelled"), True
    if darkness >= FILLED:
        return CircleReading(circle, "filled", darkness), True
    if darkness > EMPTY:
        return CircleReading(circle, "uncertain", darkness, "light"), True
    if float(values.mean()) > SMUDGE:
        return CircleReading(circle, "uncertain", darkness, "smudge"), True
    ring = dark[window.where].ravel()[window.ring]
    if ring.size and float((ring > RING_DARK).mean()) < RING_SEEN:
        # no printed ring where this empty circle should be: not where we measure, or covered
        return CircleReading(circle, "uncertain", darkness, "smudge"), False
    return CircleReading(circle, "empty", darkness), True


def _strokes(inked: np.ndarray, bins: np.ndarray) -> int:
    """How many strokes cross the ring: runs of crossed angles (round the ring) no wider than
    `ARM_BINS`; a wider run is a fill spilling over its ring, not a stroke through it."""
    share = np.bincount(bins, inked, BINS) / np.maximum(np.bincount(bins, minlength=BINS), 1)
    crossed = share >= BIN_INKED
    before = np.roll(crossed, 1) | np.roll(crossed, 2)
    crossed |= before & (np.roll(crossed, -1) | np.roll(crossed, -2))  # one stroke, a gap or two of noise
    if crossed.all():
        return BINS  # ink all round: a scribble over everything
    crossed = np.roll(crossed, -int(np.argmin(crossed)))  # start on an angle not crossed
    edges = np.flatnonzero(np.diff(np.concatenate([[0], crossed.astype(int), [0]])))
    widths = edges[1::2] - edges[::2]
    return int((widths <= ARM_BINS).sum())


def _tick(ink: np.ndarray, paper: np.ndarray, box: TickBox) -> TickReading:
    """A tick box measured: the share of its inside (0.6 mm in from the printed edge) inked."""
    half = (box.size / 2 - 0.6) * PIXELS_PER_MM
    cx, cy = box.x * PIXELS_PER_MM, box.y * PIXELS_PER_MM
    where = np.s_[round(cy - half) : round(cy + half) + 1, round(cx - half) : round(cx + half) + 1]
    inside = paper[where]
    darkness = float(ink[where][inside].mean()) if inside.any() else 0.0
    if darkness >= TICKED:
        return TickReading(box, "filled", darkness)
    if darkness > UNTICKED:
        return TickReading(box, "uncertain", darkness, "light")
    return TickReading(box, "empty", darkness)
