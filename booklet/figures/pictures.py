"""PNG and JPEG pictures: what kind of file a figure really is, and whether it decodes within bounds.

A picture's width and height are read from its header before Pillow decodes anything, so a
small file that claims 100,000 × 100,000 pixels is refused without a decompression bomb going
off; only then is it decoded in full, with a file cut short treated as an error.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from urllib.parse import unquote_to_bytes

from PIL import Image, ImageFile

MEGABYTE = 1024 * 1024

MAX_PICTURE_BYTES = 20 * MEGABYTE
"""Largest PNG or JPEG file: a full-page photo at print resolution is 2–8 MB, so 20 MB only
turns away files nobody meant to print (camera RAW exports, uncompressed scans)."""

MAX_PIXELS = 40_000_000
"""Most pixels in a PNG or JPEG (e.g. 8000 × 5000), read from its header before decoding.
A picture across an A4 text column at 300 dpi needs about 2000 pixels across, 4 megapixels;
40 allows any phone photo and bounds the memory of a decode to about 160 MB."""

PICTURE_MEDIA_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/jpg": "JPEG"}
"""The `data:` media types an SVG may embed a picture as (and the fetcher serves)."""

RESIZE = "scale it down: 2,000 pixels across is plenty for a printed page"


def picture_problem(data: bytes, expected: str = "PNG") -> str | None:
    """Why `data` is not a printable PNG or JPEG picture (named as an `expected` one), or None."""
    kind = sniff(data)
    if kind not in ("PNG", "JPEG"):
        if kind == "an SVG drawing":
            return f"not a {expected} picture: the file is an SVG drawing (rename it to .svg)"
        if kind == "a web page":
            return f"not a {expected} picture: the file is a web page (save the picture itself as {expected})"
        return f"not a {expected} picture: {described(kind)} (save the picture again as {expected})"
    dimensions = _png_size(data) if kind == "PNG" else _jpeg_size(data)
    if dimensions is not None and (problem := _size_problem(*dimensions)):
        return problem
    try:
        with warnings.catch_warnings(), _strict_decoding():
            warnings.simplefilter("ignore")  # metadata chatter; errors raise
            with Image.open(BytesIO(data), formats=[kind]) as image:  # reads the header only
                if problem := _size_problem(*image.size):
                    return problem
                image.load()
    except Image.DecompressionBombError:
        return f"the picture has more than {MAX_PIXELS // 1_000_000} megapixels ({RESIZE})"
    except Exception as error:  # any failure to decode untrusted bytes is the file's fault
        if "truncated" in str(error).lower() or isinstance(error, EOFError):
            return f"the {kind} picture is damaged: the file is cut short (save or download it again)"
        if isinstance(error, Image.UnidentifiedImageError):
            reason = "its header is damaged"
        else:  # Pillow's words, without the addresses of Python objects
            reason = re.sub(r"\s*<[^>]* at 0x[0-9a-f]+>", "", str(error)).strip() or type(error).__name__
        return f"the {kind} picture is damaged and cannot be decoded: {reason} (save it again from the original)"
    return None


def data_url_picture(url: str) -> tuple[str, bytes]:
    """The media type and bytes of a `data:` URL; ValueError if it is not one that decodes."""
    head, comma, payload = url.partition(",")
    if not head.lower().startswith("data:") or not comma:
        raise ValueError("not a data: URL")
    params = [part.strip() for part in head[5:].split(";")]
    media = params[0].lower() or "text/plain"
    if "base64" in (p.lower() for p in params[1:]):
        try:
            return media, base64.b64decode(re.sub(r"\s+", "", unquote_to_bytes(payload).decode("ascii")), validate=True)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise ValueError("its base64 text is damaged") from None
    return media, unquote_to_bytes(payload)


def sniff(data: bytes) -> str:
    """What the first bytes of `data` say it is: "PNG", "JPEG", or a description."""
    head = data[:512]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    signatures = {
        b"GIF87a": "a GIF picture",
        b"GIF89a": "a GIF picture",
        b"II*\x00": "a TIFF picture",
        b"MM\x00*": "a TIFF picture",
        b"%PDF-": "a PDF document",
        b"PK\x03\x04": "a ZIP archive or an Office document",
        b"\x1f\x8b": "a compressed file",
        b"\xd0\xcf\x11\xe0": "an Office document",
        b"8BPS": "a Photoshop document",
    }
    for signature, kind in signatures.items():
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP picture"
    if head[4:8] == b"ftyp":
        return "an AVIF picture" if head[8:12] in (b"avif", b"avis") else "a HEIC picture (a phone photo format)"
    text = _as_text(head)
    if text is None:
        return "a BMP picture" if head.startswith(b"BM") else "unknown"
    start = text.lstrip().lower()
    if not start.startswith("<"):
        return "text"
    if re.match(r"<!doctype html|<html|<head|<body", start):
        return "a web page"
    if "<svg" in text.lower() or "<svg" in _as_text(data[:65536], strict=False).lower():  # type: ignore[union-attr]
        return "an SVG drawing"
    return "XML"


def _as_text(head: bytes, strict: bool = True) -> str | None:
    """`head` as text if it looks like text (UTF-8 or UTF-16 with its mark), else None."""
    for mark, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(mark):
            return head[len(mark) :].decode(codec, "ignore")
    if b"\x00" in head and strict:
        return None
    text = head.decode("utf-8", "ignore" if not strict else "replace")
    if strict and text.count("\ufffd") > 2:  # allow a character cut at the end
        return None
    return text


def described(kind: str) -> str:
    if kind == "text":
        return "the file starts with text"
    if kind == "unknown":
        return "the file is not a PNG, JPEG or SVG (its first bytes are not a picture's)"
    if kind == "XML":
        return "the file is XML without an <svg> element"
    return f"the file is {kind}"


def _png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's IHDR chunk, or None if there is none to read."""
    if len(data) >= 24 and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a JPEG's first start-of-frame marker, or None if none comes first."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            at += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header before them
            return None
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if at + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return None


def _size_problem(width: int, height: int) -> str | None:
    if width == 0 or height == 0:
        return f"the picture is {width} × {height} pixels: it has none to print (save it again)"
    if width * height > MAX_PIXELS:
        megapixels = f"{width * height / 1_000_000:,.0f}"
        return (
            f"the picture is {width:,} × {height:,} pixels ({megapixels} megapixels); at most"
            f" {MAX_PIXELS // 1_000_000} megapixels are accepted ({RESIZE})"
        )
    return None


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Decode with truncated files as errors. WeasyPrint switches Pillow's global
    LOAD_TRUNCATED_IMAGES on when imported (it prints what it can); booklet wants to know."""
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def megabytes(size: int) -> str:
    """`size` in megabytes, rounded up to a tenth so that a file just past a limit shows as past it."""
    return f"{math.ceil(size * 10 / MEGABYTE) / 10:.1f} MB".replace(".0 MB", " MB")
