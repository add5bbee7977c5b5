"""Proof that a PDF is drawn with booklet's fonts only, read from what WeasyPrint embedded.

Checking the HTML or CSS would prove nothing: when a glyph is missing, Pango silently takes
it from any system font, or WeasyPrint draws `.notdef`. So after rendering we look at the
fonts the document actually embeds and at WeasyPrint's `.notdef` warnings.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from io import BytesIO
from pathlib import Path

from fontTools.ttLib import TTFont
from weasyprint import Document

from .errors import BookletError
from .resources import fonts_dir

_NOTDEF = re.compile(r"\.notdef glyph rendered for Unicode string unsupported by fonts: \"(.*)\" \(U\+([0-9A-F]+)\)")


class FontError(BookletError):
    """Text that the bundled fonts cannot draw."""


CSS_FAMILIES = frozenset({"Booklet Serif", "Booklet Sans", "Booklet Answer"})
"""The families booklet.css declares with @font-face; nothing else may be drawn."""


@cache
def bundled_fonts() -> dict[str, str]:
    """PostScript name of every bundled font file, mapped to the file's name."""
    return {_postscript_name(path.read_bytes()): path.name for path in sorted(fonts_dir().glob("*.ttf"))}


def _postscript_name(content: bytes) -> str:
    return str(TTFont(BytesIO(content), lazy=True)["name"].getDebugName(6))


def embedded_font_file(font: object) -> str | None:
    """The bundled file an embedded font came from, or None for any other font.

    The embedded bytes are a subset, so they cannot be compared with the file; the font
    must both be asked for under one of our CSS families (so Pango did not fall back) and
    carry the PostScript name of one of our files.
    """
    if font.family not in CSS_FAMILIES:
        return None
    return bundled_fonts().get(_postscript_name(font.file_content))


def foreign_characters(document: Document) -> dict[str, str]:
    """Characters drawn from fonts that are not bundled, by font family (call after write_pdf)."""
    found: dict[str, set[str]] = {}
    for font in document.fonts.values():
        if embedded_font_file(font) is None:
            found.setdefault(font.family, set()).update(ch for ch in font.to_unicode.values() if ch.strip())
    return {family: "".join(sorted(chars)) for family, chars in sorted(found.items())}


def characters_in_fonts(document: Document) -> dict[str, str]:
    """For each embedded font, the characters drawn with it (for tests and reports)."""
    drawn: dict[str, set[str]] = {}
    for font in document.fonts.values():
        name = embedded_font_file(font) or font.family
        drawn.setdefault(name, set()).update(font.to_unicode.values())
    return {name: "".join(sorted(chars)) for name, chars in drawn.items()}


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def collect_warnings() -> Iterator[list[str]]:
    """Gather WeasyPrint's warnings while rendering, instead of letting them scroll past."""
    logger = logging.getLogger("weasyprint")
    collector = _Collector()
    logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)


def check_fonts(document: Document, warnings: list[str], what: Path | str) -> None:
    """Raise FontError naming every character drawn as .notdef or from a foreign font."""
    problems = []
    for message in warnings:
        if match := _NOTDEF.search(message):
            problems.append(f"the character «{match[1]}» (U+{match[2]}) is in no bundled font")
    for family, characters in foreign_characters(document).items():
        named = ", ".join(f"«{ch}» (U+{ord(ch):04X})" for ch in characters) or "spaces"
        problems.append(f"{named} drawn from {family}, a font booklet does not ship")
    if problems:
        advice = "replace the character, e.g. U+202F or U+2009 by a no-break space (U+00A0)"
        raise FontError(f"{what}: " + "; ".join(dict.fromkeys(problems)) + f" ({advice})")
