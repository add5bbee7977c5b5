"""From a photo or a scan to the page as printed: even light, corner markers, QR code, homography.

A page may arrive turned any quarter, tilted, photographed at an angle, in a shadow, with a
corner folded or stapled. The corner markers (three solid squares and a hollow one at the
bottom right, `geometry.markers`) are found as square, solid or singly-holed blobs of the
size a marker has on a page of that size; which marker is which comes from the hollow one and
from the shape they make (a rectangle of known sides, never mirrored). The QR code, read by
zxing-cpp, names the sheet and gives four more points, which stand in for a hidden marker.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import cv2
import numpy as np

from .geometry import CORNERS, Corner, Marker, SheetGeometry
from .readings import PIXELS_PER_MM

LONGEST = 2400
"""Pixels on an image's longer side above which it is shrunk first: about 200 dpi on A4, more
than circles 5 mm wide need, and a 12-megapixel photo is read in a fraction of the time."""
INK = 100
"""Gray level (of 255, paper white after evening the light) below which a pixel is a marker's ink."""
QUIET = 4
"""Modules of white round the printed QR code (`qr.QUIET_MODULES`)."""
SHARPENINGS = ((3.0, 1.0), (3.0, 3.0), (2.0, 2.0))
"""Unsharp masks (radius in pixels at 10 a millimetre, amount) tried on a QR code that does not read."""
DEBLURRINGS = ((3.0, 0.01), (3.0, 0.003), (4.0, 0.003))
"""Gaussian blurs (sigma, pixels at 10 a millimetre) undone, and the noise to signal allowed
(Wiener), when sharpening was not enough: out-of-focus photos at 100-150 dpi."""
FITS = 0.5
"""Worst `_fit` of markers taken for a page's: a photo 25 degrees off straight scores about 0.2."""


@dataclass(frozen=True)
class Blob:
    """A square blob on the image that may be a corner marker."""

    x: float
    y: float
    side: float
    hollow: bool


@dataclass(frozen=True)
class Code:
    """The QR code read on the image: its text and its four corners (the symbol's own top left
    first, then clockwise), image pixels."""

    text: str
    corners: tuple[tuple[float, float], ...]
    version: int | None


def working_image(image: np.ndarray) -> tuple[np.ndarray, float]:
    """`image` shrunk to at most `LONGEST` pixels long, and the factor it was shrunk by."""
    longest = max(image.shape[:2])
    if longest <= LONGEST:
        return image, 1.0
    factor = LONGEST / longest
    size = (round(image.shape[1] * factor), round(image.shape[0] * factor))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA), factor


def even_light(image: np.ndarray) -> np.ndarray:
    """`image` divided by its paper's brightness round each point, so a shadow or a lamp's
    gradient leaves white paper at 255 and ink as dark as it is against the paper beside it.

    The paper's brightness is the brightest level within about 12 mm (a grayscale closing on
    an image shrunk 8 times, then blurred): wider than any ink, a marker's 7 mm included."""
    height, width = image.shape[:2]
    small = cv2.resize(image, (max(1, width // 8), max(1, height // 8)), interpolation=cv2.INTER_AREA)
    per_mm = min(small.shape) / 210
    kernel = 2 * math.ceil(6 * per_mm) + 1
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (kernel, kernel)))
    paper = cv2.blur(paper, (kernel, kernel))
    paper = cv2.resize(paper, (width, height), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(image, np.maximum(paper, 1), scale=255)


def find_blobs(flat: np.ndarray) -> list[Blob]:
    """Solid or hollow squares of about a marker's size (for a page filling most of the image,
    down to 40 % of it), in no particular order."""
    per_mm = min(flat.shape) / 210
    smallest, largest = (0.4 * 7 * per_mm) ** 2, (1.4 * 7 * per_mm) ** 2
    dark = (flat < INK).astype(np.uint8)
    contours, hierarchy = cv2.findContours(dark, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    blobs = []
    for index, contour in enumerate(contours):
        if hierarchy[0][index][3] != -1:
            continue  # a hole
        area = cv2.contourArea(contour)
        if not smallest <= area <= largest:
            continue
        if not _square(contour, area):
            continue
        holes = [cv2.contourArea(contours[i]) for i in _children(hierarchy, index)]
        big = [a for a in holes if a > 0.02 * area]
        moments = cv2.moments(contour)
        x, y = moments["m10"] / moments["m00"], moments["m01"] / moments["m00"]
        if not big:
            blobs.append(Blob(x, y, math.sqrt(area), False))
        elif len(big) == 1 and 0.08 <= big[0] / area <= 0.35:
            blobs.append(Blob(x, y, math.sqrt(area), True))
    return blobs


def _square(contour: np.ndarray, area: float) -> bool:
    """Whether a blob is a quadrilateral it fills, with no side under half another: a marker,
    even 25 degrees off straight (a circle needs five corners, a cut marker fills less)."""
    hull = cv2.convexHull(contour)
    quad = cv2.approxPolyDP(hull, 0.05 * cv2.arcLength(hull, True), True)
    if len(quad) != 4 or not 0.88 <= area / max(cv2.contourArea(quad), 1) <= 1.1:
        return False
    sides = np.hypot(*(quad[:, 0] - np.roll(quad[:, 0], 1, axis=0)).T)
    return sides.max() <= 2 * sides.min()


def _children(hierarchy: np.ndarray, index: int) -> list[int]:
    child = hierarchy[0][index][2]
    found = []
    while child != -1:
        found.append(child)
        child = hierarchy[0][child][0]
    return found


def assign_markers(blobs: list[Blob], geometry_markers: tuple[Marker, ...]) -> dict[Corner, Blob]:
    """Which blob is which corner's marker: the most markers whose places fit the page's
    rectangle (an affine map from the page, not mirrored, near a similarity), the hollow blob
    only at the bottom right. Empty when fewer than three fit."""
    solid = sorted((b for b in blobs if not b.hollow), key=lambda b: -b.side)[:6]
    hollow = [b for b in blobs if b.hollow][:2]
    page = {m.corner: (m.x, m.y) for m in geometry_markers}
    best: tuple[int, float, dict[Corner, Blob]] = (0, math.inf, {})
    for right in [None, *hollow]:
        for count in (3, 2):
            for picked in itertools.permutations(solid, count):
                for corners in itertools.combinations(CORNERS[:3], count):
                    chosen: dict[Corner, Blob] = dict(zip(corners, picked, strict=False))
                    if right is not None:
                        chosen["bottom-right"] = right
                    if len(chosen) < 3 or len(chosen) < best[0]:
                        continue
                    score = _fit(chosen, page)
                    if score < FITS and (len(chosen), -score) > (best[0], -best[1]):
                        best = (len(chosen), score, chosen)
    return best[2]


def _fit(chosen: dict[Corner, Blob], page: dict[Corner, tuple[float, float]]) -> float:
    """How badly the blobs fit the page's markers: affine residual (a share of the page's size)
    plus how far the map is from a similarity; infinite for a mirror image."""
    source = np.array([page[c] for c in chosen], float)
    target = np.array([(b.x, b.y) for b in chosen.values()], float)
    design = np.hstack([source, np.ones((len(source), 1))])
    solution, *_ = np.linalg.lstsq(design, target, rcond=None)
    linear = solution[:2].T
    if np.linalg.det(linear) <= 0:
        return math.inf
    big, small = np.linalg.svd(linear, compute_uv=False)
    residual = np.sqrt(((design @ solution - target) ** 2).sum(axis=1).mean()) / (big * 300)
    sides = [b.side for b in chosen.values()]
    expected = 7 * math.sqrt(big * small)  # a marker's side at the map's scale
    sizes = abs(math.log(float(np.median(sides)) / expected))
    return abs(math.log(big / small)) + 4 * residual + sizes


def read_code(image: np.ndarray) -> Code | None:
    """The QR code on `image`, or None when none can be read."""
    import zxingcpp

    for found in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        p = found.position
        corners = tuple((float(c.x), float(c.y)) for c in (p.top_left, p.top_right, p.bottom_right, p.bottom_left))
        version = found.extra.get("Version") if isinstance(found.extra, dict) else None
        return Code(found.text, corners, int(version) if version and str(version).isdigit() else None)
    return None


def marker_homography(
    markers: dict[Corner, Blob], page_markers: tuple[Marker, ...], per_mm: float = PIXELS_PER_MM
) -> np.ndarray:
    """The map from image pixels to the page at `per_mm`: a homography through four markers,
    an affine map through three (a photo's perspective is then left to the rings to correct)."""
    places = {m.corner: (m.x * per_mm, m.y * per_mm) for m in page_markers}
    source = np.float32([(b.x, b.y) for b in markers.values()])
    target = np.float32([places[c] for c in markers])
    if len(markers) == 4:
        return cv2.getPerspectiveTransform(source, target)
    return np.vstack([cv2.getAffineTransform(source[:3], target[:3]), [0, 0, 1]])


def code_places(code: Code, geometry: SheetGeometry) -> list[tuple[float, float]] | None:
    """Where the QR symbol's corners are on the page (mm), in `code.corners` order: the symbol
    is centred in its box, `QUIET` modules in from each side."""
    if code.version is None:
        return None
    modules = 17 + 4 * code.version
    box = geometry.qr
    module = box.width / (modules + 2 * QUIET)
    left, top = box.x + QUIET * module, box.y + QUIET * module
    right, bottom = left + modules * module, top + modules * module
    return [(left, top), (right, top), (right, bottom), (left, bottom)]


def guess_with_code(markers: dict[Corner, Blob], geometry: SheetGeometry, code: Code) -> np.ndarray:
    """The map from image pixels to the page through three markers and the QR code's corners:
    the code's square gives some of a photo's perspective that three points cannot."""
    places = code_places(code, geometry)
    if places is None:
        return marker_homography(markers, geometry.markers)
    where = {m.corner: (m.x, m.y) for m in geometry.markers}
    source = [(b.x, b.y) for b in markers.values()] + list(code.corners)
    target = [where[c] for c in markers] + places
    homography, _ = cv2.findHomography(np.float32(source), np.float32(target) * PIXELS_PER_MM)
    return homography if homography is not None else marker_homography(markers, geometry.markers)


def code_on_page(flat: np.ndarray, homography: np.ndarray, box: tuple[float, float, float, float]) -> Code | None:
    """The QR code read on the straightened page's `box` (x, y, width, height, mm), drawn at
    10 pixels a millimetre: a code too small or too slanted to read on the photo often reads
    once straightened and enlarged. Its corners are given on `flat`."""
    x, y, width, height = box
    scale = 10 / PIXELS_PER_MM
    to_crop = np.array([[scale, 0, -x * 10], [0, scale, -y * 10], [0, 0, 1]]) @ homography
    size = (round(width * 10), round(height * 10))
    crop = cv2.warpPerspective(flat, to_crop, size, flags=cv2.INTER_CUBIC, borderValue=255)
    code = read_code(crop)
    for radius, amount in SHARPENINGS:  # blurred modules, sharpened (unsharp masking) before giving up
        if code is None:
            code = read_code(cv2.addWeighted(crop, 1 + amount, cv2.GaussianBlur(crop, (0, 0), radius), -amount, 0))
    for sigma, noise in DEBLURRINGS:
        if code is None:
            code = read_code(_deblurred(crop, sigma, noise))
    if code is None:
        return None
    back = np.linalg.inv(to_crop)
    corners = cv2.perspectiveTransform(np.float32([code.corners]), back)[0]
    return Code(code.text, tuple((float(a), float(b)) for a, b in corners), code.version)


def quarter_turn(homography: np.ndarray, point: tuple[float, float]) -> int:
    """Quarter turns (clockwise) the page lies at on the image, near `point` (image pixels)."""
    x, y = point
    here = cv2.perspectiveTransform(np.float32([[[x, y], [x + 10, y]]]), homography)[0]
    dx, dy = here[1] - here[0]  # the image's rightwards, seen on the page
    return round(math.degrees(math.atan2(-dy, dx)) / 90) % 4


def _deblurred(image: np.ndarray, sigma: float, noise: float) -> np.ndarray:
    """`image` with a Gaussian blur of `sigma` pixels undone by a Wiener filter."""
    height, width = image.shape
    rows, columns = np.ogrid[:height, :width]
    rows, columns = np.minimum(rows, height - rows), np.minimum(columns, width - columns)
    spread = np.exp(-(rows**2 + columns**2) / (2 * sigma**2))
    blur = np.fft.rfft2(spread / spread.sum())
    sharp = np.fft.irfft2(np.fft.rfft2(image / 255.0) * np.conj(blur) / (np.abs(blur) ** 2 + noise), s=image.shape)
    return np.clip(sharp * 255, 0, 255).astype(np.uint8)
