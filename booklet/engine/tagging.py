"""Tagged PDFs: what WeasyPrint's writer is told beyond `pdf_tags=True`.

WeasyPrint tags what it paints: every text run is a marked-content sequence, and the structure
tree follows the HTML (h1 → H1, table → Table with TH and TD, ul → L, img and svg → Figure with
their alternative text). Two things it does not do, which a screen reader needs and PDF/UA
asks for, are done here, at the moment WeasyPrint paints and tags a page:

- **Furniture is an artifact.** Running headers, «Бет 2 / 3» and the pupil's name at the
  foot of every page are repeated on every page: a reader must skip them, not read them as
  the page's text. WeasyPrint tags the text of margin boxes as content that belongs to no
  element; here it is painted as a pagination artifact (`/Artifact <</Type /Pagination>>`),
  as is anything of an element of class `artifact` (the feet; the QR code, which is for
  `booklet scan`, not for a reader; the example circles beside the answer sheet's
  instructions, which say the same) or `strings` (the hidden source of the running
  header's strings), and nothing of theirs enters the tree.
- **Fields are findable.** A pupil's name is printed on a copy of a shared page by drawing a
  page of names over it (binding.py). So that the name is read where the name field is, the
  structure elements of elements of class `field` carry a private
  mark (`/BookletField /name`) while the parts are bound; structure.py uses and removes it.

- **Text is held by its element.** A paragraph's runs of text are its own content, not
  each a Span of its own (see `_text_in_place`).

These hook WeasyPrint's writer (`Page.paint`, `Stream.marked`, `tags._build_box_tree`): the one
place booklet changes how WeasyPrint writes, installed once by the renderer. The tests read
the tags back from the PDFs, so a WeasyPrint that changes these internals fails them loudly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pydyf
from weasyprint import pdf as _pdf
from weasyprint.document import Page
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import tags as _tags
from weasyprint.pdf.stream import Stream

ARTIFACT_CLASSES = frozenset({"artifact", "strings"})
"""Elements whose text is repeated furniture, painted as artifacts (see the module's doc)."""

FIELD = "/BookletField"
"""The private key of a field's structure element while parts are bound (structure.py)."""

ORDER = "/BookletOrder"
"""The private key giving a structure element its HTML element's place in the document (in
document order), while the parts laid out from one layout are bound (structure.py)."""

_painting: set[Any] = set()
"""The boxes of the margins of the page being painted (set by `Page.paint`)."""

_inside: frozenset[int] = frozenset()
"""The ids of the elements of the page being painted that are artifacts (set by `Page.paint`)."""

_artifacts: dict[int, tuple[Any, frozenset[int]]] = {}
"""A document's root element -> its artifact elements' ids (`_artifact_elements`)."""

_marking: list[bool] = []
"""Whether PDFs now written mark their elements' places too (`marking_fields(in_order=...)`)."""

_places: dict[int, tuple[Any, dict[int, int]]] = {}
"""The root element of the document being written -> its elements' places in document
order, by the elements' ids (`_places[0]` is the document whose page is being tagged)."""


_trees: list[list[list[tuple]]] = []
"""The structure trees of the parts written while marking (`taken_tree`)."""


def taken_tree() -> list[list[tuple]]:
    """The structure tree of the part just written while marking, as data (structure.py's
    `Element`s, by page). A part's PDF goes without it: opening a PDF parses its one object
    stream, tree and all, which for 40 variants' parts was 43 MiB of binding's memory."""
    return _trees.pop()


@contextmanager
def marking_fields(in_order: bool = False) -> Iterator[None]:
    """Mark fields' structure elements in the PDFs written while inside (parts to be bound),
    and, `in_order`, every element's place in its HTML document: the parts a key is painted
    from (the shared pages, the answers drawn over them) are joined element by element."""
    _marking.append(in_order)
    try:
        yield
    finally:
        _marking.pop()
        _places.clear()
        _trees.clear()


def install() -> None:
    """Hook WeasyPrint's writer (once per process)."""
    if getattr(Page.paint, "_booklet", False):
        return
    original_paint, original_marked, original_tree = Page.paint, Stream.marked, _tags._build_box_tree

    def paint(self: Page, stream: Stream, scale: float = 1) -> None:
        global _inside
        _painting.clear()
        if stream._tags is not None:
            _painting.update(_furniture(self._page_box))
            _inside = _artifact_elements(self._page_box)
        try:
            original_paint(self, stream, scale)
        finally:
            _painting.clear()
            _inside = frozenset()

    @contextmanager
    def marked(self: Stream, box: Any, tag: str) -> Iterator[None]:
        if self._tags is None or (box not in _painting and id(getattr(box, "element", None)) not in _inside):
            with original_marked(self, box, tag):
                yield
            return
        self.begin_marked_content("Artifact", pydyf.Dictionary({"Type": "/Pagination"}))
        try:
            yield
        finally:
            self.end_marked_content()

    def build_box_tree(box: Any, parent: Any, pdf: Any, page: int, numbers: dict, *rest: Any) -> Iterator[Any]:
        real = box._box if isinstance(box, AbsolutePlaceholder) else box
        if isinstance(real, boxes.MarginBox) or _classes(real) & ARTIFACT_CLASSES:
            return  # painted as an artifact: nothing of it is in the tree
        mark = _field(real) if _marking else None
        if _marking and _marking[-1] and isinstance(real, boxes.PageBox):
            _enter(real)
        place = _place(real) if _marking and _marking[-1] else None
        for element in original_tree(box, parent, pdf, page, numbers, *rest):
            if mark is not None and FIELD[1:] not in element:
                element[FIELD[1:]] = f"/{mark}"
            if place is not None and ORDER[1:] not in element:
                element[ORDER[1:]] = place
            _text_in_place(element, pdf, numbers)
            yield element

    original_add_tags = _pdf.add_tags

    def add_tags(pdf: Any, document: Any, version: Any, streams: Any) -> None:
        start = len(pdf.objects)
        original_add_tags(pdf, document, version, streams)
        if _marking:  # a part, to be bound: its tree goes to the binding as data, not in its PDF
            _trees.append(_tree(pdf))
            del pdf.objects[start:]
            del pdf.catalog["StructTreeRoot"]

    _pdf.add_tags = add_tags
    paint._booklet = True  # type: ignore[attr-defined]
    Page.paint = paint  # type: ignore[method-assign]
    Stream.marked = marked  # type: ignore[method-assign]
    _tags._build_box_tree = build_box_tree


def _tree(pdf: Any) -> list[list[tuple]]:
    """The structure tree WeasyPrint built in `pdf` (pydyf objects) as data, by page."""
    objects = pdf.objects

    def resolved(reference: bytes) -> Any:
        return objects[int(reference.split(b" ", 1)[0])]

    def element(node: Any) -> tuple:
        kids: list[Any] = []
        for kid in node["K"]:
            if isinstance(kid, int):
                kids.append(kid)
            elif (inner := resolved(kid)).get("Type") != "/OBJR":  # a link's annotation: not bound
                kids.append(element(inner))
        attributes = {key: _plain(node[key]) for key in KEPT if key in node}
        return (node["S"], attributes, node.get(FIELD[1:]), node.get(ORDER[1:]), kids)

    pages = {reference: number for number, reference in enumerate(pdf.page_references)}
    tree: list[list[tuple]] = [[] for _ in pages]
    document = resolved(resolved(pdf.catalog["StructTreeRoot"])["K"][0])
    for reference in document["K"]:
        top = resolved(reference)
        tree[pages[top["Pg"]]].append(element(top))
    return tree


KEPT = ("A", "Alt", "ActualText", "E", "Lang", "T", "C", "ID")
"""What an element keeps when its part is bound, beside its type and kids (structure.py makes
its ID unique in the bound file)."""


def _plain(value: Any) -> Any:
    """A pydyf value as plain data: a text string as ("s", text), a name as "/Name"."""
    if isinstance(value, pydyf.String):
        return ("s", value.string)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _text_in_place(element: Any, pdf: Any, numbers: dict[int, bytes]) -> None:
    """Hand the element what its plain kids hold. WeasyPrint gives each run of text a Span
    element of its own, and each anonymous or plain block a Div or NonStruct: more than half
    of all elements, with nothing to tell a reader (no attributes, no meaning), and each
    costs its share of writing and binding. Their content (runs of text, elements) goes into
    the element in their place, which reads the same; each emptied kid is left as an empty
    dictionary that nothing points to. Children are simplified before their parents, so
    what moves up is already simple."""
    kids = element.get("K")
    if not kids or element.get("S") == "/Link":
        return
    simpler: list[Any] = []
    changed = False
    for kid in kids:
        plain = pdf.objects[int(kid.split(b" ", 1)[0])] if isinstance(kid, bytes) else None
        if plain is None or plain.get("S") not in _PLAIN or len(plain) != 5:
            simpler.append(kid)
            continue  # content, or an element that says something (a heading, a cell, a field)
        for inner in plain["K"]:
            if isinstance(inner, int):
                numbers[inner] = element.reference
            else:
                pdf.objects[int(inner.split(b" ", 1)[0])]["P"] = element.reference
            simpler.append(inner)
        plain.clear()
        changed = True
    if changed:
        kids[:] = simpler


_PLAIN = frozenset({"/Span", "/Div", "/NonStruct"})
"""Elements WeasyPrint makes that mean nothing by themselves (see `_text_in_place`)."""


def _enter(page_box: Any) -> None:
    """Note the places of the elements of the document `page_box` is a page of."""
    root = _root(page_box)
    if root is None:
        return
    known = _places.get(id(root))
    if known is None or known[0] is not root:
        _places.clear()
        known = _places[id(root)] = (root, _answer_places(root))
    _places[0] = known


def _answer_places(root: Any) -> dict[int, int]:
    """The places in document order of the elements that are answers or hold one, by id:
    only these can be drawn over the shared pages (painting.py's hollow copies), and the
    others' text is then left to their parents (`_text_in_place`)."""
    places: dict[int, int] = {}
    order = {id(node): number for number, node in enumerate(root.iter())}

    def holds(element: Any) -> bool:
        found = "answer" in (element.get("class") or "").split()
        for child in element:
            found = holds(child) or found
        if found:
            places[id(element)] = order[id(element)]
        return found

    holds(root)
    return places


def _place(box: Any) -> int | None:
    """The place of `box`'s HTML element in its document, counted in document order."""
    element = getattr(box, "element", None)
    if element is None or 0 not in _places:
        return None
    return _places[0][1].get(id(element))


def _furniture(page_box: Any) -> Iterator[Any]:
    """Every box of a page's margins (running header and footer), and all inside them."""
    for box in page_box.children:
        if isinstance(box, boxes.MarginBox):
            yield from _all(box)


def _artifact_elements(page_box: Any) -> frozenset[int]:
    """The ids of the HTML elements of the page's document that are artifacts or inside one,
    found once per document (a box's element says whether its text is furniture)."""
    root = _root(page_box)
    if root is None:
        return frozenset()
    known = _artifacts.get(id(root))
    if known is None or known[0] is not root:
        found: set[int] = set()
        for element in root.iter():
            if ARTIFACT_CLASSES.intersection((element.get("class") or "").split()):
                found.update(id(inner) for inner in element.iter())
        _artifacts.clear()  # the last document's only: the cache must not keep documents alive
        known = _artifacts[id(root)] = (root, frozenset(found))
    return known[1]


def _root(page_box: Any) -> Any:
    return next((child.element for child in page_box.children if getattr(child, "element", None) is not None), None)


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
    """`name` or `form` for the fields a copy's stamp is drawn over (and the stamp's own)."""
    found = _classes(box)
    if "field" in found:
        return next((c for c in ("name", "form") if c in found), None)
    return None
