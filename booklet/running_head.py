"""The running header's title, shortened to stay on one line beside the kind of page.

The header is two margin boxes (templates/booklet.css `@top-left`, `@top-right`) that share
the page's width: a long lesson title took two lines and squeezed the label beside it until it
wrapped («Жұмыс / парағы»). WeasyPrint cannot put an ellipsis in a margin box, so the title is
cut here, at a word where it can be, to the width the label leaves, measured with the header
face's own advance widths; the label is never cut (`white-space: nowrap` in the stylesheet).
"""

from __future__ import annotations

from functools import cache

from fontTools.ttLib import TTFont

from .resources import fonts_dir
from .typeset import MM_PER_PT, current_geometry

HEADER_PT = 8.5
"""The header's type size (`@top-left`, `@top-right`)."""
GAP = 8.0
"""mm kept between the title and the label, so they never touch and rounding cannot wrap."""
ELLIPSIS = "…"


@cache
def _font(name: str) -> tuple[dict[int, str], dict[str, tuple[int, int]], int]:
    font = TTFont(fonts_dir() / name, lazy=True)
    return font.getBestCmap(), font["hmtx"].metrics, font["head"].unitsPerEm


def header_width(text: str, *, bold: bool = False) -> float:
    """Width of `text` in the header's face and size, in millimetres."""
    cmap, metrics, units = _font("PTSans-Bold.ttf" if bold else "PTSans-Regular.ttf")
    wide = metrics[cmap[ord("Ш")]][0]  # a letter the font lacks would come from no font: count it wide
    advance = sum(metrics[cmap[ord(ch)]][0] if ord(ch) in cmap else wide for ch in text)
    return advance / units * HEADER_PT * MM_PER_PT


def running_title(title: str, kind: str = "") -> str:
    """`title` as the header prints it beside the label `kind`: whole if it fits on the line,
    else cut after the last word that fits, with an ellipsis (inside a word only if the first
    word alone is too long)."""
    room = current_geometry().text_width - header_width(kind, bold=True) - GAP
    title = " ".join(title.split())
    if header_width(title) <= room:
        return title
    room -= header_width(ELLIPSIS)
    words = title.split(" ")
    kept = ""
    for word in words:
        candidate = f"{kept} {word}" if kept else word
        if header_width(candidate) > room:
            break
        kept = candidate
    if not kept:  # one very long word: cut it by letters
        kept = words[0]
        while kept and header_width(kept) > room:
            kept = kept[:-1]
    return kept.rstrip(" ,.:;–-") + ELLIPSIS
