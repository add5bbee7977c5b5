"""Scanned pages as grayscale images: PDFs from a scanner or copier, JPEG and PNG from a phone.

A scanner's PDF carries one picture per page; rendering the page (pypdfium2) gives it at a
known resolution whatever the scanner chose. Photos are decoded by OpenCV, which turns them
the way the phone's EXIF tag says they were held.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import BookletError
from .readings import PageSource

SCAN_DPI = 200
"""Resolution scanned PDF pages are rendered at: 5 mm circles are 39 pixels across."""
SMALLEST = 600
"""Pixels on an image's shorter side below which circles are too small to tell apart."""
PHOTOS = (".jpg", ".jpeg", ".png")


class ScanError(BookletError):
    """A file given to `booklet scan` that is not a readable scan."""


def scanned_pages(path: str | Path) -> Iterator[tuple[PageSource, np.ndarray]]:
    """Every page of the scan at `path`, in order, as a grayscale image (uint8)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScanError(f"{path}: file not found") from None
    except OSError as error:
        raise ScanError(f"{path}: cannot read the scan: {error.strerror}") from None
    if data.startswith(b"%PDF"):
        yield from _pdf_pages(path, data)
    elif path.suffix.lower() in PHOTOS or data[:4] == b"\x89PNG" or data[:3] == b"\xff\xd8\xff":
        yield PageSource(str(path), 1), _checked(str(path), _photo(path, data))
    else:
        raise ScanError(f"{path}: not a PDF, JPEG or PNG; scan the answer sheets to PDF, or photograph them")


def _pdf_pages(path: Path, data: bytes) -> Iterator[tuple[PageSource, np.ndarray]]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        raise ScanError(f"{path}: the PDF is damaged or locked; scan the sheets again") from None
    try:
        for index in range(len(document)):
            image = gray_page(document[index], SCAN_DPI)
            yield PageSource(str(path), index + 1), _checked(f"{path}, page {index + 1}", image)
    finally:
        document.close()


def gray_page(page: Any, dpi: float) -> np.ndarray:
    """A pypdfium2 page rendered as grayscale uint8 at `dpi` (the blank sheets' too)."""
    image = page.render(scale=dpi / 72, grayscale=True).to_numpy()
    return np.ascontiguousarray(image[:, :, 0] if image.ndim == 3 else image)


def _photo(path: Path, data: bytes) -> np.ndarray:
    import cv2

    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise ScanError(f"{path}: the picture cannot be read (damaged, or not a JPEG or PNG)")
    return image


def _checked(where: str, image: np.ndarray) -> np.ndarray:
    """`image`, if it has pixels enough for circles 5 mm wide to be measured."""
    if min(image.shape[:2]) < SMALLEST:
        height, width = image.shape[:2]
        raise ScanError(
            f"{where}: the image is {width}×{height} pixels, too small to read circles; "
            f"scan at 150 dpi or more, or photograph the sheet closer (at least {SMALLEST} pixels a side)"
        )
    return image
