"""Tagged PDFs: what WeasyPrint's writer is told beyond `pdf_tags=True`.

WeasyPrint tags what it paints: every text run is a marked-content sequence, and the structure
tree follows the HTML (h1 → H1, table → Table with TH and TD, ul → L, img and svg → Figure with
their alternative text). Two things it does not do, which a screen reader needs and PDF/UA
asks for, are done here, at the moment WeasyPrint paints and tags a page:

- **Furniture is an artifact.** Running headers, «Бет 2 / 3» and the pupil's name at the
  foot of every page are repeated on every page: a reader must skip them, not read them as
  the page's text. WeasyPrint tags the text of margin boxes as content that belongs to no
  element; here it is painted as a pagination artifact (`/Artifact <</Type /Pagination>>`),
  as is the text of any element of class `artifact` (the feet) or `strings` (the hidden
  source of the running header's strings), and nothing of theirs enters the tree.
- **Fields are findable.** A pupil's name is printed on a copy of a shared page by drawing a
  page of names over it (binding.py). So that the name is read where the name field is, the
  structure elements of elements of class `field` (and the sheet's QR code) carry a private
  mark (`/BookletField /name`) while the parts are bound; structure.py uses and removes it.

Both hook WeasyPrint's writer (`Page.paint`, `Stream.marked`, `tags._build_box_tree`): the one
place booklet changes how WeasyPrint writes, installed once by the renderer. The tests read
the tags back from the PDFs, so a WeasyPrint that changes these internals fails them loudly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pydyf
from weasyprint.document import Page
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import tags as _tags
from weasyprint.pdf.stream import Stream

ARTIFACT_CLASSES = frozenset({"artifact", "strings"})
"""Elements whose text is repeated furniture, painted as artifacts (see the module's doc)."""

FIELD = "/BookletField"
"""The private key of a field's structure element while parts are bound (structure.py)."""

_painting: set[Any] = set()
"""The boxes of the page being painted that are furniture (set by `Page.paint`)."""

_marking: list[bool] = []


@contextmanager
def marking_fields() -> Iterator[None]:
    """Mark fields' structure elements in the PDFs written while inside (parts to be bound)."""
    _marking.append(True)
    try:
        yield
    finally:
        _marking.pop()


def install() -> None:
    """Hook WeasyPrint's writer (once per process)."""
    if getattr(Page.paint, "_booklet", False):
        return
    original_paint, original_marked, original_tree = Page.paint, Stream.marked, _tags._build_box_tree

    def paint(self: Page, stream: Stream, scale: float = 1) -> None:
        _painting.clear()
        if stream._tags is not None:
            _painting.update(_furniture(self._page_box))
        try:
            original_paint(self, stream, scale)
        finally:
            _painting.clear()

    @contextmanager
    def marked(self: Stream, box: Any, tag: str) -> Iterator[None]:
        if self._tags is None or box not in _painting:
            with original_marked(self, box, tag):
                yield
            return
        self.begin_marked_content("Artifact", pydyf.Dictionary({"Type": "/Pagination"}))
        try:
            yield
        finally:
            self.end_marked_content()

    def build_box_tree(box: Any, parent: Any, pdf: Any, *rest: Any) -> Iterator[Any]:
        real = box._box if isinstance(box, AbsolutePlaceholder) else box
        if isinstance(real, boxes.MarginBox) or _classes(real) & ARTIFACT_CLASSES:
            return  # painted as an artifact: nothing of it is in the tree
        mark = _field(real) if _marking else None
        for element in original_tree(box, parent, pdf, *rest):
            if mark is not None and FIELD[1:] not in element:
                element[FIELD[1:]] = f"/{mark}"
            yield element

    paint._booklet = True  # type: ignore[attr-defined]
    Page.paint = paint  # type: ignore[method-assign]
    Stream.marked = marked  # type: ignore[method-assign]
    _tags._build_box_tree = build_box_tree


def _furniture(page_box: Any) -> Iterator[Any]:
    """Every box of a page that is furniture: margin boxes and artifact elements, and all inside."""
    stack = list(page_box.children)
    while stack:
        box = stack.pop()
        real = box._box if isinstance(box, AbsolutePlaceholder) else box
        if isinstance(real, boxes.MarginBox) or _classes(real) & ARTIFACT_CLASSES:
            yield from _all(real)
        else:
            stack.extend(getattr(real, "children", None) or ())


def _all(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _all(child._box if isinstance(child, AbsolutePlaceholder) else child)


def _classes(box: Any) -> frozenset[str]:
    element = getattr(box, "element", None)
    if element is None or getattr(box, "element_tag", None) is None:
        return frozenset()
    return frozenset((element.get("class") or "").split())


def _field(box: Any) -> str | None:
    """`name`, `form` or `qr` for the boxes a copy's stamp is drawn over (and the stamp's own)."""
    found = _classes(box)
    if "exam-qr" in found:
        return "qr"
    if "field" in found:
        return next((c for c in ("name", "form") if c in found), None)
    return None
