"""reportlab drawings as SVG inlined into a page: charts and QR codes share this.

reportlab writes a standalone SVG file; a page needs it without the XML prologue, with ids
unique in the document (a book holds many charts), at a printed size in millimetres, and
with presentation attributes instead of `style="…"`, which WeasyPrint would read as page
CSS and warn about.
"""

from __future__ import annotations

import re

from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Drawing


def inline_svg(drawing: Drawing, title: str, anchor: str, width_mm: float) -> str:
    """`drawing` as an `<svg>` element `width_mm` wide, titled `title`, its ids prefixed by `anchor`."""
    svg = renderSVG.drawToString(drawing)
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<title>.*?</title>", f"<title>{_escape(title)}</title>", svg, count=1, flags=re.S)
    svg = re.sub(r"<desc>.*?</desc>\s*", "", svg, count=1, flags=re.S)
    svg = re.sub(r'style="([^"]*)"', _presentation_attributes, svg)
    svg = re.sub(r'id="(\w+)"', rf'id="{anchor}-\1"', svg)
    svg = re.sub(r"url\(#(\w+)\)", rf"url(#{anchor}-\1)", svg)
    size = f'width="{width_mm:g}mm" height="{width_mm * drawing.height / drawing.width:.1f}mm"'
    return re.sub(r'<svg width="[^"]*" height="[^"]*"', f"<svg {size}", svg, count=1)


def _presentation_attributes(style: re.Match[str]) -> str:
    """`style="fill: red; stroke: none"` as `fill="red" stroke="none"`."""
    pairs = (part.split(":", 1) for part in style.group(1).split(";") if ":" in part)
    return " ".join(f'{name.strip()}="{value.strip()}"' for name, value in pairs)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
