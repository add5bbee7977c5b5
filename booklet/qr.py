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
    the outlines of the dark regions (`outlines`), in module units, rather than reportlab's SVG
    of a rectangle per run, which is 20 times the size and makes every sheet slower to lay
    out. WeasyPrint reads a path number by number as it draws it: outlines take 1,018
    numbers for a pupil's code where a rectangle per run took 1,830, and a named copy's code
    was two thirds of the time its page of names took to write.
    """
    widget = QrCodeWidget(text, barLevel="M", barBorder=QUIET_MODULES)
    widget.qr.make()
    modules = [[bool(cell) for cell in row] for row in widget.qr.modules]
    size = len(modules) + 2 * QUIET_MODULES
    runs = []
    for loop in outlines(modules):
        (x, y), rest = loop[0], loop[1:]
        steps = [f"M{x + QUIET_MODULES} {y + QUIET_MODULES}"]
        for (x0, y0), (x1, y1) in itertools.pairwise([loop[0], *rest]):
            steps.append(f"h{x1 - x0}" if y1 == y0 else f"v{y1 - y0}")
        runs.append("".join(steps) + "z")
    return Markup(
        f'<svg id="{anchor}" width="{width_mm:g}mm" height="{width_mm:g}mm" viewBox="0 0 {size} {size}" '
        f'xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges">'
        f"<title>{escape(text)}</title>"
        f'<rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{"".join(runs)}"/></svg>'
    )


def outlines(modules: list[list[bool]]) -> list[list[tuple[int, int]]]:
    """The outlines of the dark cells of `modules` (rows of columns), as closed loops of
    corner points (x, y), each corner where the outline turns. Every dark cell's four edges
    run clockwise (on the page, y downwards); an edge two dark cells share runs both ways and
    cancels, so what is left is the regions' outer edges clockwise and their holes' edges
    anticlockwise, which the nonzero rule fills as the cells themselves. Where two dark cells
    touch only at a corner, the outline turns away from the other cell, so no loop crosses
    itself."""
    edges: dict[tuple[int, int], list[tuple[int, int]]] = {}
    """Each corner -> the corners the outline goes on to from it."""
    for y, row in enumerate(modules):
        for x, dark in enumerate(row):
            if not dark:
                continue
            corners = [(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)]
            for start, end in zip(corners, corners[1:] + corners[:1], strict=True):
                back = edges.get(end)
                if back is not None and start in back:  # the neighbour's edge, the other way
                    back.remove(start)
                else:
                    edges.setdefault(start, []).append(end)
    loops = []
    for first in sorted(edges):
        while edges[first]:
            loop, at, heading = [first], first, None
            while True:
                ahead = edges[at]
                end = ahead[0] if len(ahead) == 1 or heading is None else _right_turn(at, heading, ahead)
                ahead.remove(end)
                step = (end[0] - at[0], end[1] - at[1])
                if step != heading and at != first:
                    loop.append(at)
                at, heading = end, step
                if at == first:
                    break
            loops.append(loop)
    return loops


def _right_turn(at: tuple[int, int], heading: tuple[int, int], ahead: list[tuple[int, int]]) -> tuple[int, int]:
    """Of the two ways on at a corner two regions share, the one turning right (clockwise on
    the page): it keeps to the region the outline came along."""
    right = (-heading[1], heading[0])
    return next((end for end in ahead if (end[0] - at[0], end[1] - at[1]) == right), ahead[0])
