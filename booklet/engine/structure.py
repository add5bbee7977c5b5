"""The structure tree of a file made of other files' pages: bound parts, imposed sheets.

Every part WeasyPrint writes is tagged (tagging.py): its structure tree reads the page as the
HTML does, and each element's content is marked in the page's content stream by number
(MCID). When pages are bound into a teacher's file (binding.py) or put on sheets of paper
(imposition.py), the tree must come with them, element by element, pointing at the page the
content is now on, and at the form XObject it is now inside, where it is one:

- a bound page is its part's page: the part's elements for that page are copied under the
  file's Document, once for every page made from it (a variant's page in every pupil's copy
  is the same content stream, but each copy is its own page with its own elements);
- what is drawn over a page (a pupil's name, a copy's QR code) is a form XObject: its
  elements point into it (marked-content references with `/Stm`), and a field's elements
  join the element of the field they are drawn over, so the name is read where the name
  field is (tagging.py marks both);
- an imposed sheet holds two pages, each a form XObject: each page's elements point into its
  form, and the tree keeps the pages' order, 1, 2, 3 …, whatever order the sheets hold them in.

A part's tree comes as data beside its PDF (tagging.py's `taken_tree`: a PDF with its tree
in it is heavier to open); a PDF's own tree is read where there is no such data (an imposed
file's pages are a bound file's). The parent tree (which element each numbered content
belongs to) is rebuilt for the new pages and forms, identifiers of header cells are made unique in the file, and links'
annotations are left out with the links (neither binding nor imposition carries them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name

from .tagging import FIELD, KEPT, ORDER

Element = tuple
"""An element as structure data: (type, attributes, field, place, kids). The type is a name
(`/P`); attributes map a key without its slash to a value (plain data from a part's tree,
tagging.py, or pikepdf objects from a PDF's); field and place are the marks tagging.py gives
while parts are bound (or None); each kid is an MCID (int), a marked-content reference in a
form (`("mcr", mcid, form)`), or an element."""


class SourceTree:
    """The structure of a tagged PDF that pages are taken from: its elements by page, from
    the structure data its part was written with (`tree`: tagging.py takes a part's tree out
    of its PDF, which is then lighter to open and to parse) or else read from the PDF."""

    def __init__(self, pdf: pikepdf.Pdf, tree: list[list[Element]] | None = None) -> None:
        self.pdf = pdf
        self.by_page: list[list[Element]] = tree if tree is not None else _read(pdf)
        self.tagged = any(self.by_page)

    def elements(self, index: int) -> list[Element]:
        return self.by_page[index] if index < len(self.by_page) else []


def _read(pdf: pikepdf.Pdf) -> list[list[Element]]:
    """The elements of `pdf`'s structure tree under its Document, by the page they are on."""
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    by_page: list[list[Element]] = [[] for _ in pages]
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return by_page
    for top in _tops(root):
        page = _page_of(top)
        if page in pages:
            by_page[pages[page]].append(_element(top))
    return by_page


def _element(element: Dictionary) -> Element:
    kids: list = []
    for kid in _kids(element):
        if isinstance(kid, int):
            kids.append(kid)
            continue
        kind = kid.get("/Type")
        if kind == Name.MCR:
            kids.append(("mcr", int(kid.MCID), kid.get("/Stm")) if "/Stm" in kid else int(kid.MCID))
        elif kind != Name.OBJR:  # an annotation (a link's) is not carried over
            kids.append(_element(kid))
    attributes = {key[1:]: element[key] for key in element.keys() if key[1:] in KEPT}  # noqa: SIM118
    field, place = element.get(FIELD), element.get(ORDER)
    return (str(element.S), attributes, str(field) if field is not None else None, place, kids)


def _tops(root: Dictionary) -> Iterator[Dictionary]:
    """The elements under the Document element (or under the root, if it has none)."""
    for kid in _kids(root):
        if isinstance(kid, Dictionary) and str(kid.get("/S", "")) == "/Document":
            yield from (k for k in _kids(kid) if isinstance(k, Dictionary))
        elif isinstance(kid, Dictionary):
            yield kid


def _kids(element: Dictionary) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _page_of(element: Dictionary) -> tuple[int, int] | None:
    if "/Pg" in element:
        return element.Pg.objgen
    for kid in _kids(element):
        if isinstance(kid, Dictionary) and (found := _page_of(kid)) is not None:
            return found
    return None


@dataclass
class _Copying:
    """One page's elements being copied: where their content now is, and what they claim."""

    prefix: str
    page: Dictionary
    form: pikepdf.Object | None
    own: dict[int, Dictionary] = field(default_factory=dict)
    """MCID -> element, for the content that was the source page's own."""
    nested: dict[tuple[int, int], tuple[pikepdf.Object, dict[int, Dictionary]]] = field(default_factory=dict)
    """For content the source page drew from form XObjects of its own: form -> MCID -> element."""


class StructureWriter:
    """Builds the structure tree of `out` from the trees of the files its pages come from."""

    def __init__(self, out: pikepdf.Pdf) -> None:
        self.out = out
        self.document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
        self.parents: list[Array] = []
        self.keyed: set[tuple[int, int]] = set()
        self.field: dict[tuple[int, int], str] = {}
        """A copied element that is a field (tagging.py's mark, kept here, not in the file) -> its name."""
        self.order: dict[tuple[int, int], int] = {}
        """A copied element -> its HTML element's place in its document (tagging.py's mark)."""
        self.page_fields: dict[tuple[int, int], dict[str, Dictionary]] = {}
        """A page -> the first element of each field on it, of its own content."""

    def copy_page(
        self, source: SourceTree, index: int, page: pikepdf.Page, form: pikepdf.Object | None = None
    ) -> list[Dictionary]:
        """Copies of the elements of page `index` of `source`, whose content is now `page`'s own
        (`form` None) or inside `form`, drawn on `page`. They are not yet in the tree: `add` them
        (or `join_fields` them to others) in reading order."""
        if not source.tagged or (form is not None and form.objgen in self.keyed):
            return []  # a form drawn twice could not be read twice: only its first place is tagged
        copying = _Copying(f"p{len(self.parents)}-", page.obj, form)
        copies = [self._copy(element, self.document, copying) for element in source.elements(index)]
        if copying.own:
            self._claim(form if form is not None else page.obj, copying.own)
        for stream, numbers in copying.nested.values():
            self._claim(stream, numbers)
        return copies

    def add(self, elements: list[Dictionary]) -> None:
        """Put `elements` at the end of the Document, in order."""
        for element in elements:
            element.P = self.document
            self.document.K.append(element)

    def join_fields(self, base: list[Dictionary], over: list[Dictionary]) -> list[Dictionary]:
        """Move the content of every field in `over` into the same field in `base` (a pupil's
        name into the sheet's name field, after what it holds); returns what found no field."""
        fields = self.page_fields.get(over[0].Pg.objgen, {}) if over else {}
        left: list[Dictionary] = []
        for top in over:
            found = list(self._fields(top))
            if not found:
                left.append(top)
            for element in found:
                target = fields.get(self.field[element.objgen])
                if target is None:
                    left.append(element)
                    continue
                for kid in _kids(element):
                    self._move(kid, element, target)
        return left

    def join_in_order(self, base: list[Dictionary], over: list[Dictionary]) -> list[Dictionary]:
        """Merge `over` into `base`, both copied from one HTML document (a key's answers drawn
        over the pages it shares with its sheet): an element of `over` that stands for an
        element `base` has (the same place in the document, the same type) gives it its
        content and its children; one that does not is put among `base`'s elements where its
        place in the document puts it. Returns what could not be merged (elements of another
        document, a stamp's)."""
        if not any(element.objgen in self.order for element in over):
            return over
        self._merge(base, None, over)
        return []

    def _merge(self, kids: list | Array, owner: Dictionary | None, over: list) -> None:
        used: set[tuple[int, int]] = set()
        for element in over:
            if not (isinstance(element, Dictionary) and "/S" in element):
                continue
            place = self.order.get(element.objgen)
            match = (
                next(
                    (
                        kid
                        for kid in kids
                        if isinstance(kid, Dictionary)
                        and self.order.get(kid.objgen) == place
                        and kid.S == element.S
                        and kid.objgen not in used
                    ),
                    None,
                )
                if place is not None
                else None
            )
            if match is not None:
                used.add(match.objgen)
                own = [kid for kid in _kids(element) if not (isinstance(kid, Dictionary) and "/S" in kid)]
                for kid in own:
                    self._move(kid, element, match)
                self._merge(match.K, match, [kid for kid in _kids(element) if kid not in own])
                continue
            at = next(
                (
                    i
                    for i, kid in enumerate(kids)
                    if isinstance(kid, Dictionary) and place is not None and self.order.get(kid.objgen, -1) > place
                ),
                len(kids),
            )
            kids.insert(at, element)
            if owner is not None:
                element.P = owner

    def _fields(self, element: Dictionary) -> Iterator[Dictionary]:
        """The outermost field elements in `element` (itself, if it is one)."""
        if element.objgen in self.field:
            yield element
            return
        for kid in _kids(element):
            if isinstance(kid, Dictionary) and "/S" in kid:
                yield from self._fields(kid)

    def _move(self, kid: object, element: Dictionary, target: Dictionary) -> None:
        """Give `kid` of `element` to `target`: an element changes parent, content changes owner
        in the parent tree."""
        if isinstance(kid, Dictionary) and "/S" in kid:
            kid.P = target
        else:
            holder = kid.Stm if isinstance(kid, Dictionary) and "/Stm" in kid else element.Pg
            number = int(kid.MCID) if isinstance(kid, Dictionary) else int(kid)
            self.parents[int(holder.StructParents)][number] = target
        target.K.append(kid)

    def finish(self, first: pikepdf.Pdf, title: str | None = None) -> None:
        """Put the tree in `out`, with what a tagged file declares: marked, its language, its
        title shown, the metadata (XMP) and output intent of `first`, retitled `title`."""
        out = self.out
        numbers = Array([item for key, parents in enumerate(self.parents) for item in (key, parents)])
        root = out.make_indirect(
            Dictionary(
                Type=Name.StructTreeRoot,
                K=Array([self.document]),
                ParentTree=out.make_indirect(Dictionary(Nums=numbers)),
                ParentTreeNextKey=len(self.parents),
            )
        )
        self.document.P = root
        out.Root.StructTreeRoot = root
        out.Root.MarkInfo = Dictionary(Marked=True)
        out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        for page in out.pages:
            page.obj.Tabs = Name.S
        describe(out, first, title)

    def _copy(self, element: Element, parent: Dictionary, copying: _Copying) -> Dictionary:
        kind, attributes, mark, place, kids = element
        new = self.out.make_indirect(Dictionary(Type=Name.StructElem, S=Name(kind), P=parent, Pg=copying.page))
        for key, value in attributes.items():
            if key == "ID":
                new.ID = pikepdf.String(copying.prefix + str(value[1] if isinstance(value, tuple) else value))
            else:
                new[f"/{key}"] = _attribute(value, copying.prefix)
        if mark is not None:
            self.field[new.objgen] = mark
            if copying.form is None:
                self.page_fields.setdefault(copying.page.objgen, {}).setdefault(mark, new)
        if place is not None:
            self.order[new.objgen] = int(place)
        copied = []
        for kid in kids:
            if isinstance(kid, int):
                copied.append(self._content(kid, None, new, copying))
            elif kid[0] == "mcr":
                copied.append(self._content(kid[1], kid[2], new, copying))
            else:
                copied.append(self._copy(kid, new, copying))
        new.K = Array(copied)
        return new

    def _content(self, number: int, stream: pikepdf.Object | None, owner: Dictionary, copying: _Copying):
        """The reference to content `number` of the source page (of its form `stream`, if
        given), from where it is now, noted as `owner`'s."""
        if stream is None:
            copying.own[number] = owner
            if copying.form is None:
                return number
            stream = copying.form
        else:
            stream = stream if stream.is_owned_by(self.out) else self.out.copy_foreign(stream)
            copying.nested.setdefault(stream.objgen, (stream, {}))[1][number] = owner
        return Dictionary(Type=Name.MCR, Pg=copying.page, Stm=stream, MCID=number)

    def _claim(self, holder: pikepdf.Object, numbers: dict[int, Dictionary]) -> None:
        """Give `holder` (a page or a form XObject) its entry in the parent tree."""
        holder.StructParents = len(self.parents)
        if isinstance(holder, pikepdf.Stream):
            self.keyed.add(holder.objgen)
        # indirect: a number tree of direct arrays is copied item by item as it grows (slowly)
        self.parents.append(self.out.make_indirect(Array([numbers.get(n) for n in range(max(numbers) + 1)])))


def _attribute(value: object, prefix: str) -> object:
    """An element's attribute as a PDF object: plain data from a part's tree (a name is a
    string `/Layout`, a text string is `("s", text)`), or a PDF's own, copied; header cell
    identifiers in /Headers get `prefix`, as the cells' IDs do."""
    if isinstance(value, tuple):
        return pikepdf.String(value[1])
    if isinstance(value, str):
        return Name(value) if value.startswith("/") else pikepdf.String(value)
    if isinstance(value, dict | Dictionary):
        copied = Dictionary()
        for key, item in value.items():
            name = key if key.startswith("/") else f"/{key}"
            if name == "/Headers":
                copied[name] = Array([pikepdf.String(prefix + str(_text(header))) for header in item])
            else:
                copied[name] = _attribute(item, prefix)
        return copied
    if isinstance(value, list | Array):
        return Array([_attribute(item, prefix) for item in value])
    return value


def _text(value: object) -> str:
    return value[1] if isinstance(value, tuple) else str(value)


def describe(out: pikepdf.Pdf, first: pikepdf.Pdf, title: str | None = None) -> None:
    """`out` described as `first` is (document information, language, metadata, output
    intents), titled `title` if given."""
    for key, value in first.docinfo.items():
        out.docinfo[key] = foreign(out, value)
    if title is not None:
        out.docinfo["/Title"] = title
    if "/Lang" in first.Root:
        out.Root.Lang = first.Root.Lang
    if "/OutputIntents" in first.Root:
        out.Root.OutputIntents = foreign(out, first.Root.OutputIntents)
    if "/Metadata" in first.Root:
        xmp = first.Root.Metadata.read_bytes()
        out.Root.Metadata = out.make_stream(_retitled(xmp, title) if title is not None else xmp)
        out.Root.Metadata.Type, out.Root.Metadata.Subtype = Name.Metadata, Name.XML


def _retitled(xmp: bytes, title: str) -> bytes:
    """XMP metadata with its dc:title (which must agree with the document's) set to `title`."""
    text = xmp.decode("utf-8")
    li = f'<rdf:li xml:lang="x-default">{escape(title)}</rdf:li>'
    new, found = re.subn(
        r"<dc:title>.*?</dc:title>", lambda _: f"<dc:title><rdf:Alt>{li}</rdf:Alt></dc:title>", text, flags=re.S
    )
    if not found:
        description = f'<rdf:Description rdf:about=""><dc:title><rdf:Alt>{li}</rdf:Alt></dc:title></rdf:Description>'
        new = text.replace("</rdf:RDF>", description + "</rdf:RDF>", 1)
    return new.encode("utf-8")


def foreign(out: pikepdf.Pdf, value: pikepdf.Object) -> pikepdf.Object:
    """`value` from another file, in `out`: indirect objects through qpdf's copier (once each),
    direct dictionaries and arrays rebuilt around them."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return out.copy_foreign(value)
    if isinstance(value, Dictionary):
        return Dictionary({key: foreign(out, item) for key, item in value.items()})
    if isinstance(value, Array):
        return Array([foreign(out, item) for item in value])
    return value
