"""Imposition: a finished PDF's pages put on the sheets of paper they are printed on.

Two A5 pages fill one side of an A4 sheet turned landscape. `2up` puts them there in order
(pages 1 and 2 on the first side, to cut apart); `booklet` in the order of a folded,
saddle-stitched booklet: for n pages (padded to a multiple of four) the first sheet carries
n and 1 on its front and 2 and n - 1 on its back, the next n - 2 and 3, 4 and n - 3, and so
on, so the sheets printed on both sides (flipped on the short edge), stacked and folded read
1, 2, 3 … n.

A file may hold several documents that must stay whole: a class set's copies, one per pupil.
Each is imposed on sheets of its own, padded on its own, so the copies are cut or folded
apart. Padding is nothing drawn: a padding page carries no header and no number, and the
pages keep the «Бет 2 / 5» they were laid out with.

The pages are placed as form XObjects, each source page copied into the imposed file once;
laid out for A5, they are placed at their own size (an A4 page would be shrunk to 71 %,
which `builds` refuses before it gets here). The structure tree comes with them, reading the
pages in their order, 1, 2, 3 …, not the sheets' (structure.py). Pure PDF to PDF, with a
deterministic file identifier: the same pages give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pikepdf

from ..choices import IMPOSITIONS
from ..errors import BookletError
from .structure import SourceTree, StructureWriter, describe

SHEET = (841.89, 595.28)
"""An A4 sheet turned landscape, in points: two A5 pages side by side."""


def impose(pdf: bytes, how: str, documents: Sequence[int] = (), duplex: bool = False) -> tuple[bytes, int]:
    """`pdf` imposed `how` (`choices.IMPOSITIONS`) on A4 sheets, and its number of sides.
    `documents` are the page counts of the documents in it that must stay whole, in order
    (default: it is one); `duplex` (for 2up) starts every document on a fresh sheet of paper,
    front and back."""
    if how not in IMPOSITIONS:
        raise BookletError(f"unknown imposition {how!r}; choose from {', '.join(IMPOSITIONS)}")
    with pikepdf.open(io.BytesIO(pdf)) as source:
        counts = list(documents) or [len(source.pages)]
        if sum(counts) != len(source.pages):
            raise ValueError(f"documents of {sum(counts)} pages in a file of {len(source.pages)}")
        sides: list[tuple[int | None, int | None]] = []
        first = 0
        for count in counts:
            pages = list(range(first, first + count))
            sides += booklet_sides(pages) if how == "booklet" else two_up_sides(pages, 4 if duplex else 2)
            first += count
        return _placed(source, sides), len(sides)


def booklet_sides(pages: Sequence[int]) -> list[tuple[int | None, int | None]]:
    """The sides of a saddle-stitched booklet of `pages`, front then back of each sheet,
    each side (left, right); None is a padding page."""
    padded: list[int | None] = [*pages, *[None] * (-len(pages) % 4)]
    n = len(padded)
    sides = []
    for sheet in range(n // 4):
        sides.append((padded[n - 1 - 2 * sheet], padded[2 * sheet]))
        sides.append((padded[2 * sheet + 1], padded[n - 2 - 2 * sheet]))
    return sides


def two_up_sides(pages: Sequence[int], multiple: int = 2) -> list[tuple[int | None, int | None]]:
    """`pages` two to a side, in order, padded to a `multiple` of pages (4: whole sheets
    printed on both sides)."""
    padded: list[int | None] = [*pages, *[None] * (-len(pages) % multiple)]
    return [(padded[i], padded[i + 1]) for i in range(0, len(padded), 2)]


def _placed(source: pikepdf.Pdf, sides: list[tuple[int | None, int | None]]) -> bytes:
    out = pikepdf.new()
    forms: dict[int, pikepdf.Object] = {}
    tree, structure = SourceTree(source), StructureWriter(out)
    elements: dict[int, list] = {}
    """Each page's structure elements, put in the tree in the pages' order, not the sheets'."""

    def form(index: int) -> pikepdf.Object:
        if index not in forms:
            forms[index] = out.copy_foreign(source.pages[index].as_form_xobject())
        return forms[index]

    width, height = SHEET
    for left, right in sides:
        xobjects, drawing = {}, []
        for slot, index in enumerate((left, right)):
            if index is None:
                continue
            name = f"/Page{slot}"
            xobjects[name] = form(index)
            drawing.append(_placement(source.pages[index], slot * width / 2, width / 2, height, name))
        page = out.add_blank_page(page_size=SHEET)
        page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(xobjects))
        page.obj.Contents = out.make_stream(b"".join(drawing))
        for index in (left, right):
            if index is not None:
                elements[index] = structure.copy_page(tree, index, page, forms[index])
    for index in sorted(elements):
        structure.add(elements[index])
    describe(out, source)
    structure.finish()
    return structure.saved(source.pdf_version)


def _placement(page: pikepdf.Page, x: float, width: float, height: float, name: str) -> bytes:
    """Draw the form `name` of `page` centred in the half-sheet at `x`, at its own size unless
    it is larger (then scaled down to fit)."""
    box = [float(v) for v in page.mediabox]
    own_width, own_height = box[2] - box[0], box[3] - box[1]
    scale = min(1.0, width / own_width, height / own_height)
    dx = x + (width - own_width * scale) / 2 - box[0] * scale
    dy = (height - own_height * scale) / 2 - box[1] * scale
    return f"q {scale:.5f} 0 0 {scale:.5f} {dx:.3f} {dy:.3f} cm {name} Do Q\n".encode()
