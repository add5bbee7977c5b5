"""Which characters the bundled fonts can draw, known before anything is laid out.

The font check after rendering (`fontcheck`) is the proof, but it can only name the PDF: by
then the text has left its file. Checking each string of a lesson, exam or class list against
the fonts' character maps when it is read lets the message point at the line and column
where the character was typed.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from fontTools.ttLib import TTFont

from .resources import fonts_dir
from .typography import FONT_CHARACTERS

_INVISIBLE = frozenset("\t\n\r\u200b\u200c\u200d\u2060\ufeff\u00ad")
"""Characters laid out without a glyph: white space, zero-width joiners and breaks, the soft hyphen."""

_REPLACED = frozenset(chr(code) for code in FONT_CHARACTERS)
"""Characters the typographic normalisation replaces by ones the fonts have."""


@cache
def drawable() -> frozenset[str]:
    """Every character that every bundled face has a glyph for.

    Any text may be set in any face (headings in PT Sans, answers in PT Sans Narrow, reading
    text in PT Serif), so a character counts only when all of them have it."""
    maps = [set(TTFont(path, lazy=True).getBestCmap()) for path in sorted(fonts_dir().glob("*.ttf"))]
    return frozenset(chr(code) for code in set.intersection(*maps)) | _INVISIBLE


def undrawable(text: str, typeset: bool = True) -> list[str]:
    """The distinct characters of `text` that no bundled font can draw, in order of appearance.
    `typeset`: the text goes through Kazakh typography first, which composes letters (NFC) and
    replaces the thin and narrow spaces and the Unicode hyphens."""
    if typeset:
        text = unicodedata.normalize("NFC", text)
    allowed = drawable() | (_REPLACED if typeset else frozenset())
    return list(dict.fromkeys(ch for ch in text if ch not in allowed))
