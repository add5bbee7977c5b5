"""The QR code on an exam sheet: vector, drawn by reportlab's QR widget, inlined as SVG.

It encodes what a teacher (or a scanning app) needs to find a sheet's key again: the exam's
id, the variant and the seed that made the variants. Vector, so it stays sharp on any
printer and costs a few hundred bytes rather than an image.
"""

from __future__ import annotations

from markupsafe import Markup
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing

from .svg import inline_svg

QUIET_MODULES = 4
"""White modules around the code, as the QR standard asks, so scanners find its edges."""


def payload(exam_id: str, variant: str, seed: int) -> str:
    """The text a sheet's QR code holds: `booklet:exam=<id>;variant=<code>;seed=<seed>`."""
    return f"booklet:exam={exam_id};variant={variant};seed={seed}"


def qr_svg(text: str, anchor: str, width_mm: float = 22.0) -> Markup:
    """`text` as a QR code (error correction M), `width_mm` wide with its quiet zone."""
    widget = QrCodeWidget(text, barLevel="M", barBorder=QUIET_MODULES)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(x1 - x0, y1 - y0)
    drawing.add(widget)
    return Markup(inline_svg(drawing, text, anchor, width_mm))
