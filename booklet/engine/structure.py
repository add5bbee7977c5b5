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

The parent tree (which element each numbered content belongs to) is rebuilt for the new
pages and forms, identifiers of header cells are made unique in the file, and links'
annotations are left out with the links (neither binding nor imposition carries them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name

from .tagging import FIELD

_KEPT = ("/A", "/Alt", "/ActualText", "/E", "/Lang", "/T", "/C")
"""What an element keeps when copied, beside its type and kids (its /ID is renamed)."""


class SourceTree:
    """The structure of a tagged PDF that pages are taken from: its elements by page."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.by_page: dict[tuple[int, int], list[Dictionary]] = {}
        root = pdf.Root.get("/StructTreeRoot")
        self.tagged = root is not None
        if root is None:
            return
        for top in _tops(root):
            page = _page_of(top)
            if page is not None:
                self.by_page.setdefault(page, []).append(top)

    def elements(self, index: int) -> list[Dictionary]:
        return self.by_page.get(self.pdf.pages[index].obj.objgen, [])


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
        self.marked: list[Dictionary] = []
        self.keyed: set[tuple[int, int]] = set()

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
        fields: dict[str, Dictionary] = {}
        for element in _walk(base):
            if FIELD in element:
                fields.setdefault(str(element[FIELD]), element)
        left: list[Dictionary] = []
        for top in over:
            found = list(_fields(top))
            if not found:
                left.append(top)
            for element in found:
                target = fields.get(str(element[FIELD]))
                if target is None:
                    left.append(element)
                    continue
                for kid in _kids(element):
                    if isinstance(kid, Dictionary) and "/S" in kid:
                        kid.P = target
                    target.K.append(kid)
        return left

    def finish(self, first: pikepdf.Pdf, title: str | None = None) -> None:
        """Put the tree in `out`, with what a tagged file declares: marked, its language, its
        title shown, the metadata (XMP) and output intent of `first`, retitled `title`."""
        out = self.out
        for element in self.marked:
            del element[FIELD]
        numbers = Array()
        for key, parents in enumerate(self.parents):
            numbers.extend([key, parents])
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

    def _copy(self, element: Dictionary, parent: Dictionary, copying: _Copying) -> Dictionary:
        new = self.out.make_indirect(Dictionary(Type=Name.StructElem, S=element.S, P=parent, Pg=copying.page))
        for key in _KEPT:
            if key in element:
                new[key] = _direct(element[key], copying.prefix)
        if "/ID" in element:
            new.ID = pikepdf.String(copying.prefix + str(element.ID))
        if FIELD in element:
            new[FIELD] = element[FIELD]
            self.marked.append(new)
        kids = Array()
        for kid in _kids(element):
            if isinstance(kid, int):
                kids.append(self._content(kid, None, new, copying))
            elif isinstance(kid, Dictionary) and str(kid.get("/Type", "")) == "/MCR":
                kids.append(self._content(int(kid.MCID), kid.get("/Stm"), new, copying))
            elif isinstance(kid, Dictionary) and str(kid.get("/Type", "")) == "/OBJR":
                continue  # an annotation (a link's): not carried over
            elif isinstance(kid, Dictionary):
                kids.append(self._copy(kid, new, copying))
        new.K = kids
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
        self.parents.append(Array([numbers.get(n) for n in range(max(numbers) + 1)]))


def _direct(value: pikepdf.Object, prefix: str) -> pikepdf.Object:
    """An element's attributes, copied: header cell identifiers in /Headers get `prefix`."""
    if isinstance(value, Dictionary):
        copied = Dictionary()
        for key, item in value.items():
            if key == "/Headers" and isinstance(item, Array):
                copied[key] = Array([pikepdf.String(prefix + str(header)) for header in item])
            else:
                copied[key] = _direct(item, prefix)
        return copied
    if isinstance(value, Array):
        return Array([_direct(item, prefix) for item in value])
    return value


def _walk(elements: list[Dictionary]) -> Iterator[Dictionary]:
    for element in elements:
        yield element
        yield from _walk([kid for kid in _kids(element) if isinstance(kid, Dictionary) and "/S" in kid])


def _fields(element: Dictionary) -> Iterator[Dictionary]:
    """The outermost field elements in `element` (itself, if it is one)."""
    if FIELD in element:
        yield element
        return
    for kid in _kids(element):
        if isinstance(kid, Dictionary) and "/S" in kid:
            yield from _fields(kid)


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
