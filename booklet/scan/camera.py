"""Phones and copiers, simulated: a filled test sheet scanned or photographed badly.

What happens to a real page, in the order it happens: a corner folded or stapled over its
marker, the page leaned away from the camera (up to 25 degrees), turned (any quarter, and up
to 15 degrees more), sampled at 100-300 dpi, in a shadow, out of focus, noisy, saved as JPEG
down to quality 50. Deterministic from the `random.Random` given.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import cv2
import numpy as np

from .geometry import CORNERS, Corner

if TYPE_CHECKING:
    from .simulate import FilledSheet


@dataclass(frozen=True)
class Degradation:
    """How a sheet is scanned or photographed; every field's neutral value changes nothing."""

    dpi: float = 150.0
    """Pixels an inch on the paper in the result."""
    turn: int = 0
    """Quarter turns clockwise."""
    tilt: float = 0.0
    """Degrees the page is turned in its plane (beyond the quarter turns)."""
    perspective: float = 0.0
    """Degrees the camera looks away from straight down."""
    perspective_towards: float = 0.0
    """Direction (degrees on the page) the camera leans."""
    blur: float = 0.0
    """Gaussian blur sigma, pixels of the result."""
    noise: float = 0.0
    """Sensor noise sigma, gray levels."""
    jpeg: int | None = None
    """JPEG quality the result was saved at, or None for lossless."""
    shadow: float = 0.0
    """Share of the light lost at the dark end of a shadow across the page (0 to about 0.6)."""
    shadow_angle: float = 0.0
    hidden_corner: Corner | None = None
    """A corner hidden by a fold or a staple (part of its marker may go)."""
    hider: Literal["fold", "staple"] = "fold"
    hidden_size: float = 15.0
    """mm the fold reaches along each edge (a staple is a fixed 12 mm)."""
    photo: bool = False
    """A photo: the page lies on a darker table, with room around it."""


def random_degradation(rng: random.Random) -> Degradation:
    """A scan or a photo as schools make them: every kind of damage mixed, each on or off by `rng`."""
    photo = rng.random() < 0.5
    return Degradation(
        dpi=rng.uniform(100, 300),
        turn=rng.randrange(4) if rng.random() < 0.4 else 0,
        tilt=rng.uniform(-15, 15) if rng.random() < 0.6 else rng.uniform(-2, 2),
        perspective=rng.uniform(0, 25) if photo else 0.0,
        perspective_towards=rng.uniform(0, 360),
        blur=rng.uniform(0, 1.5) if rng.random() < 0.6 else 0.0,
        noise=rng.uniform(0, 8),
        jpeg=rng.randint(50, 95) if rng.random() < 0.7 else None,
        shadow=rng.uniform(0.1, 0.6) if rng.random() < 0.4 else 0.0,
        shadow_angle=rng.uniform(0, 360),
        hidden_corner=rng.choice(CORNERS) if rng.random() < 0.2 else None,
        hider=rng.choice(("fold", "staple")),
        hidden_size=rng.uniform(8, 20),
        photo=photo,
    )


def degrade(sheet: FilledSheet, damage: Degradation, rng: random.Random) -> np.ndarray:
    """`sheet` as a phone or a copier gives it back: hidden corner, perspective, turn, scale,
    shadow, blur, noise and JPEG, in the order they happen to a real page. Grayscale uint8."""
    per_mm = sheet.dpi / 25.4
    page = sheet.image.astype(np.float32)
    if damage.hidden_corner is not None:
        _hide_corner(page, per_mm, damage)
    height, width = page.shape
    corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    target = _photographed(corners / per_mm, damage) * damage.dpi / 25.4
    margin = (rng.uniform(5, 25) if damage.photo else rng.uniform(0, 4)) * damage.dpi / 25.4
    target -= target.min(axis=0) - margin
    size = (int(target[:, 0].max() + margin), int(target[:, 1].max() + margin))
    shrink = per_mm / (damage.dpi / 25.4)
    if shrink > 1.2:  # the camera's pixels average the paper: no aliasing from point sampling
        page = cv2.GaussianBlur(page, (0, 0), 0.45 * shrink)
    warp = cv2.getPerspectiveTransform(corners, np.float32(target))
    table = rng.uniform(60, 170) if damage.photo else 250.0
    image = cv2.warpPerspective(page, warp, size, flags=cv2.INTER_LINEAR, borderValue=table)
    if damage.shadow:
        image *= _shadow(image.shape, damage)
    if damage.blur:
        image = cv2.GaussianBlur(image, (0, 0), damage.blur)
    if damage.noise:
        image += np.random.default_rng(rng.getrandbits(32)).normal(0, damage.noise, image.shape).astype(np.float32)
    image = np.clip(image, 0, 255).astype(np.uint8)
    if damage.jpeg is not None:
        _, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, damage.jpeg])
        image = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    return image


def _photographed(corners_mm: np.ndarray, damage: Degradation) -> np.ndarray:
    """The page's corners (mm) as they land on the sensor: leaned `perspective` degrees,
    turned by `tilt` and the quarter turns, at the same scale in the middle."""
    centre = corners_mm.mean(axis=0)
    points = np.hstack([corners_mm - centre, np.zeros((4, 1), np.float32)])
    towards = math.radians(damage.perspective_towards)
    axis = np.array([-math.sin(towards), math.cos(towards), 0.0])
    lean, _ = cv2.Rodrigues(axis * math.radians(damage.perspective))
    points = points @ lean.T
    distance = 1.3 * float(np.hypot(*(corners_mm[2] - corners_mm[0])))  # a phone held over the page
    flat = points[:, :2] * (distance / (distance + points[:, 2:3]))
    angle = math.radians(damage.tilt + 90 * damage.turn)
    turn = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    return (flat @ turn.T).astype(np.float32)


def _shadow(shape: tuple[int, int], damage: Degradation) -> np.ndarray:
    """Light falling off across the page: a soft edge, the far side `shadow` darker."""
    rows, columns = np.mgrid[: shape[0], : shape[1]].astype(np.float32)
    angle = math.radians(damage.shadow_angle)
    along = (columns - shape[1] / 2) * math.cos(angle) + (rows - shape[0] / 2) * math.sin(angle)
    edge = 1 / (1 + np.exp(-along / (0.15 * max(shape))))
    return 1 - damage.shadow * edge


def _hide_corner(page: np.ndarray, per_mm: float, damage: Degradation) -> None:
    """A folded corner (the paper's grey back, a triangle) or a staple over one corner."""
    height, width = page.shape
    sx = 0 if damage.hidden_corner.endswith("left") else width
    sy = 0 if damage.hidden_corner.startswith("top") else height
    ux, uy = (1 if sx == 0 else -1), (1 if sy == 0 else -1)
    if damage.hider == "fold":
        reach = damage.hidden_size * per_mm
        triangle = np.int32([[sx, sy], [sx + ux * reach, sy], [sx, sy + uy * reach]])
        cv2.fillPoly(page, [triangle], 215.0)
        cv2.line(page, tuple(map(int, triangle[1])), tuple(map(int, triangle[2])), 150.0, max(1, round(0.3 * per_mm)))
        return
    # a staple across the marker, at 45 degrees: 12 mm of grey wire, 1 mm wide
    cx, cy = sx + ux * 9.5 * per_mm, sy + uy * 9.5 * per_mm
    half = 6 * per_mm / math.sqrt(2)
    ends = (int(cx - half), int(cy + ux * uy * half)), (int(cx + half), int(cy - ux * uy * half))
    cv2.line(page, *ends, 90.0, max(2, round(per_mm)))
