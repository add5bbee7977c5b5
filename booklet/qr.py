"""The QR code on an exam sheet: vector, drawn by reportlab's QR widget, inlined as SVG.

It encodes what a teacher (or a scanning app) needs to find a sheet's key again: the exam's
id, the variant and the seed that made the variants. Vector, so it stays sharp on any
printer and costs a few hundred bytes rather than an image.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from markupsafe import Markup, escape
from reportlab.graphics.barcode.qr import QrCodeWidget

QUIET_MODULES = 4
"""White modules around the code, as the QR standard asks, so scanners find its edges."""


PREFIX = "booklet:"


@dataclass(frozen=True)
class SheetId:
    """What a sheet's QR code says about it: enough to rebuild that copy's page from the exam file."""

    exam: str
    variant: str
    """The variant's code, as printed beside its letter."""
    seed: int
    index: int | None = None
    """The variant's place in its set (0 for A): variants are rebuilt from exam, seed and index."""
    pupil: int | None = None
    """For a class set, the pupil's place (1-based) in the class list."""


def payload(exam_id: str, variant: str, seed: int, index: int | None = None, pupil: int | None = None) -> str:
    """The text a sheet's QR code holds: `booklet:exam=<id>;variant=<code>;seed=<seed>`, then
    `;index=<i>` on answer sheets (to rebuild the variant) and `;pupil=<n>` on a named copy."""
    text = f"{PREFIX}exam={exam_id};variant={variant};seed={seed}"
    if index is not None:
        text += f";index={index}"
    if pupil is not None:
        text += f";pupil={pupil}"
    return text


def parse_payload(text: str) -> SheetId | None:
    """The `SheetId` a QR code's text names, or None when it is not a booklet sheet's code."""
    if not text.startswith(PREFIX):
        return None
    fields: dict[str, str] = {}
    for part in text[len(PREFIX) :].split(";"):
        key, equals, value = part.partition("=")
        if not equals or key in fields:
            return None
        fields[key] = value
    try:
        return SheetId(
            exam=fields["exam"],
            variant=fields["variant"],
            seed=int(fields["seed"]),
            index=int(fields["index"]) if "index" in fields else None,
            pupil=int(fields["pupil"]) if "pupil" in fields else None,
        )
    except (KeyError, ValueError):
        return None


def qr_svg(text: str, anchor: str, width_mm: float = 22.0) -> Markup:
    """`text` as a QR code (error correction M), `width_mm` wide with its quiet zone.

    The modules are those reportlab's QR widget encodes; they are written as one SVG path of
    horizontal runs in module units rather than reportlab's SVG of a rectangle per run, which
    is 20 times the size and makes every sheet slower to lay out.
    """
    widget = QrCodeWidget(text, barLevel="M", barBorder=QUIET_MODULES)
    widget.qr.make()
    modules = widget.qr.modules
    size = len(modules) + 2 * QUIET_MODULES
    runs = []
    for row, cells in enumerate(modules):
        column = 0
        for dark, run in itertools.groupby(map(bool, cells)):
            length = len(list(run))
            if dark:
                runs.append(f"M{column + QUIET_MODULES} {row + QUIET_MODULES}h{length}v1h-{length}z")
            column += length
    return Markup(
        f'<svg id="{anchor}" width="{width_mm:g}mm" height="{width_mm:g}mm" viewBox="0 0 {size} {size}" '
        f'xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges">'
        f"<title>{escape(text)}</title>"
        f'<rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{"".join(runs)}"/></svg>'
    )
