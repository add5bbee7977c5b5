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
belongs to) is rebuilt for the new pages and forms, identifiers of header cells are made
unique in the file, and links' annotations are left out with the links (neither binding nor
imposition carries them).

The new tree is data until the file is saved, and is then written after it as an
incremental update (ISO 32000-1, 7.5.6): its elements as text in compressed object streams,
a cross-reference stream, and the catalog's stand-in root replaced. Made one by one as qpdf
objects, the 13,000 elements of 30 variants' keys took 0.4 s, and their memory grew with
the set until it was saved. Readers see one file: qpdf reads the same tree from it as from
the file it rewrites whole (tests/test_accessibility.py).
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple
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
    # in KEPT's order, as a part's tree data has them: pikepdf gives a dictionary's keys as a
    # set, whose order changes with Python's string hashing, and so did the bytes written
    attributes = {key: _plainly(element["/" + key]) for key in KEPT if "/" + key in element}
    field, place = element.get(FIELD), element.get(ORDER)
    return (str(element.S), attributes, str(field) if field is not None else None, place, kids)


def _plainly(value: object) -> object:
    """A PDF's attribute value as the plain data of a part's tree (tagging.py's `_plain`)."""
    if isinstance(value, Name):
        return str(value)
    if isinstance(value, pikepdf.String):
        return ("s", str(value))
    if isinstance(value, Dictionary):
        return {key[1:]: _plainly(item) for key, item in value.items()}
    if isinstance(value, Array):
        return [_plainly(item) for item in value]
    if isinstance(value, Decimal):
        return float(value)
    return value


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


class _Element:
    """A structure element of the file being made, held as data until the file is written:
    made as qpdf objects, 13,000 elements (a 30-variant set's keys) took 0.4 s and their
    memory grew with the set until it was saved."""

    __slots__ = ("kind", "attributes", "prefix", "parent", "page", "kids", "field", "place", "number")

    def __init__(
        self,
        kind: str,
        attributes: dict,
        prefix: str,
        parent: _Element | None,
        page: tuple[int, int] | None,
        field: str | None = None,
        place: int | None = None,
    ) -> None:
        self.kind, self.attributes, self.prefix = kind, attributes, prefix
        self.parent, self.page = parent, page
        self.kids: list[int | _Marked | _Element] = []
        """Content of `page` by MCID, content inside a form, and elements, in reading order."""
        self.field, self.place = field, place
        """tagging.py's marks: the field the element is (its name), its HTML element's place."""
        self.number = 0
        """Its object number in the written file (0 until it is written)."""


class _Marked(NamedTuple):
    """Content of an element that is inside a form XObject drawn on `page` (a marked-content
    reference); both are named by their objects' (number, generation) before saving."""

    mcid: int
    page: tuple[int, int]
    form: tuple[int, int]


@dataclass
class _Copying:
    """One page's elements being copied: where their content now is, and what they claim."""

    prefix: str
    page: tuple[int, int]
    form: tuple[int, int] | None
    own: dict[int, _Element] = field(default_factory=dict)
    """MCID -> element, for the content that was the source page's own."""
    nested: dict[tuple[int, int], tuple[pikepdf.Object, dict[int, _Element]]] = field(default_factory=dict)
    """For content the source page drew from form XObjects of its own: form -> MCID -> element."""


class StructureWriter:
    """Builds the structure tree of `out` from the trees of the files its pages come from.

    The elements are data until `out` is saved; `written` then adds them to the saved bytes
    as an incremental update (their objects, compressed, and a cross-reference stream), which
    is what qpdf would have written, less the time and memory of making each one an object."""

    def __init__(self, out: pikepdf.Pdf) -> None:
        self.out = out
        self.document = _Element("/Document", {}, "", None, None)
        self.parents: list[dict[int, _Element]] = []
        """Each parent-tree key (a page's or form's /StructParents): its content's elements by MCID."""
        self.key_of: dict[tuple[int, int], int] = {}
        """A page or form that holds tagged content -> its parent-tree key."""
        self.keyed: set[tuple[int, int]] = set()
        self.page_fields: dict[tuple[int, int], dict[str, _Element]] = {}
        """A page -> the first element of each field on it, of its own content."""
        self.root: pikepdf.Object | None = None
        self.pages: dict[tuple[int, int], int] = {}

    def copy_page(
        self, source: SourceTree, index: int, page: pikepdf.Page, form: pikepdf.Object | None = None
    ) -> list[_Element]:
        """Copies of the elements of page `index` of `source`, whose content is now `page`'s own
        (`form` None) or inside `form`, drawn on `page`. They are not yet in the tree: `add` them
        (or `join_fields` them to others) in reading order."""
        if not source.tagged or (form is not None and form.objgen in self.keyed):
            return []  # a form drawn twice could not be read twice: only its first place is tagged
        copying = _Copying(f"p{len(self.parents)}-", page.obj.objgen, form.objgen if form is not None else None)
        copies = [self._copy(element, self.document, copying) for element in source.elements(index)]
        if copying.own:
            self._claim(form if form is not None else page.obj, copying.own)
        for stream, numbers in copying.nested.values():
            self._claim(stream, numbers)
        return copies

    def add(self, elements: list[_Element]) -> None:
        """Put `elements` at the end of the Document, in order."""
        for element in elements:
            element.parent = self.document
            self.document.kids.append(element)

    def join_fields(self, base: list[_Element], over: list[_Element]) -> list[_Element]:
        """Move the content of every field in `over` into the same field in `base` (a pupil's
        name into the sheet's name field, after what it holds); returns what found no field."""
        fields = self.page_fields.get(over[0].page, {}) if over else {}
        left: list[_Element] = []
        for top in over:
            found = list(self._fields(top))
            if not found:
                left.append(top)
            for element in found:
                target = fields.get(element.field)  # type: ignore[arg-type]
                if target is None:
                    left.append(element)
                    continue
                for kid in element.kids:
                    self._move(kid, element, target)
                element.kids = []
        return left

    def join_in_order(self, base: list[_Element], over: list[_Element]) -> list[_Element]:
        """Merge `over` into `base`, both copied from one HTML document (a key's answers drawn
        over the pages it shares with its sheet): an element of `over` that stands for an
        element `base` has (the same place in the document, the same type) gives it its
        content and its children; one that does not is put among `base`'s elements where its
        place in the document puts it. Returns what could not be merged (elements of another
        document, a stamp's)."""
        if not any(element.place is not None for element in over):
            return over
        self._merge(base, None, over)
        return []

    def _merge(self, kids: list, owner: _Element | None, over: list) -> None:
        used: set[int] = set()
        for element in over:
            if not isinstance(element, _Element):
                continue
            place = element.place
            match = (
                next(
                    (
                        kid
                        for kid in kids
                        if isinstance(kid, _Element)
                        and kid.place == place
                        and kid.kind == element.kind
                        and id(kid) not in used
                    ),
                    None,
                )
                if place is not None
                else None
            )
            if match is not None:
                used.add(id(match))
                for kid in element.kids:
                    if not isinstance(kid, _Element):
                        self._move(kid, element, match)
                self._merge(match.kids, match, [kid for kid in element.kids if isinstance(kid, _Element)])
                element.kids = []
                continue
            at = next(
                (
                    i
                    for i, kid in enumerate(kids)
                    if isinstance(kid, _Element) and place is not None and _place(kid) > place
                ),
                len(kids),
            )
            kids.insert(at, element)
            if owner is not None:
                element.parent = owner

    def _fields(self, element: _Element) -> Iterator[_Element]:
        """The outermost field elements in `element` (itself, if it is one)."""
        if element.field is not None:
            yield element
            return
        for kid in element.kids:
            if isinstance(kid, _Element):
                yield from self._fields(kid)

    def _move(self, kid: int | _Marked | _Element, element: _Element, target: _Element) -> None:
        """Give `kid` of `element` to `target`: an element changes parent, content changes owner
        in the parent tree."""
        if isinstance(kid, _Element):
            kid.parent = target
        elif isinstance(kid, _Marked):
            self.parents[self.key_of[kid.form]][kid.mcid] = target
        else:
            self.parents[self.key_of[element.page]][kid] = target  # type: ignore[index]
        target.kids.append(kid)

    def finish(self, title: str | None = None) -> None:
        """Mark `out` as a tagged file does (marked, its title shown, its metadata (`describe`)
        retitled `title`), before it is saved; its tree is added to the saved bytes by `written`."""
        out = self.out
        self.root = out.make_indirect(Dictionary())  # a stand-in, replaced in the update
        out.Root.StructTreeRoot = self.root
        out.Root.MarkInfo = Dictionary(Marked=True)
        out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        for number, page in enumerate(out.pages):
            page.obj.Tabs = Name.S
            self.pages[page.obj.objgen] = number
        if title is not None:
            retitle(out, title)

    def saved(self, version: str = "") -> bytes:
        """`out` as saved after `finish` (with a deterministic identifier, so the same pages
        give the same bytes; at least PDF `version`), with the structure tree added to it."""
        buffer = io.BytesIO()
        self.out.save(
            buffer,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            min_version=version,
        )
        return self.written(buffer.getvalue())

    def written(self, data: bytes) -> bytes:
        """`data` (`out` as saved, after `finish`) with the structure tree added to it."""
        if self.root is None:
            return data
        with pikepdf.open(io.BytesIO(data)) as saved:
            trailer = saved.trailer
            size, root = int(trailer.Size), saved.Root.StructTreeRoot.objgen[0]
            page_numbers = [page.objgen[0] for page in saved.pages]
            holders = _holders(saved)
            ends = {
                "Root": f"{saved.Root.objgen[0]} 0 R",
                "ID": "[" + "".join(f"<{bytes(part).hex()}>" for part in trailer.ID) + "]",
            }
            if "/Info" in trailer:
                ends["Info"] = f"{trailer.Info.objgen[0]} 0 R"
        if len(holders) != len(self.parents):
            raise RuntimeError(f"{len(self.parents) - len(holders)} tagged pages or forms not found in the saved file")
        pages = {objgen: page_numbers[number] for objgen, number in self.pages.items()}
        forms = {objgen: holders[key] for objgen, key in self.key_of.items()}
        elements = self._numbered(size)
        after = size + len(elements)
        text = _Text(root, pages, forms)
        objects = [(element.number, text.element(element)) for element in elements]
        for key, numbers in enumerate(self.parents):
            owners = (numbers.get(n) for n in range(max(numbers) + 1))
            objects.append((after + key, "[" + " ".join(f"{e.number} 0 R" if e else "null" for e in owners) + "]"))
        tree = after + len(self.parents)
        keys = " ".join(f"{key} {after + key} 0 R" for key in range(len(self.parents)))
        objects.append((tree, f"<</Nums[{keys}]>>"))
        objects.append(
            (
                root,
                f"<</Type/StructTreeRoot/K[{self.document.number} 0 R]/ParentTree {tree} 0 R"
                f"/ParentTreeNextKey {len(self.parents)}>>",
            )
        )
        return data + _update(data, objects, tree + 1, ends)

    def _numbered(self, first: int) -> list[_Element]:
        """The elements to write, each given its object number from `first` on: the Document and
        everything under it, depth first, then any element the parent tree names that is not
        under it (none, if the joins are right: a copy would keep them, as qpdf did)."""
        elements: list[_Element] = []

        def number(element: _Element) -> None:
            element.number = first + len(elements)
            elements.append(element)
            for kid in element.kids:
                if isinstance(kid, _Element):
                    number(kid)

        number(self.document)
        for owners in self.parents:
            for element in owners.values():
                if not element.number:
                    number(element)
        return elements

    def _copy(self, element: Element, parent: _Element, copying: _Copying) -> _Element:
        kind, attributes, mark, place, kids = element
        new = _Element(
            kind, attributes, copying.prefix, parent, copying.page, mark, int(place) if place is not None else None
        )
        if mark is not None and copying.form is None:
            self.page_fields.setdefault(copying.page, {}).setdefault(mark, new)
        copied = new.kids
        for kid in kids:
            if isinstance(kid, int):
                copied.append(self._content(kid, None, new, copying))
            elif kid[0] == "mcr":
                copied.append(self._content(kid[1], kid[2], new, copying))
            else:
                copied.append(self._copy(kid, new, copying))
        return new

    def _content(self, number: int, stream: pikepdf.Object | None, owner: _Element, copying: _Copying) -> int | _Marked:
        """The reference to content `number` of the source page (of its form `stream`, if
        given), from where it is now, noted as `owner`'s."""
        if stream is None:
            copying.own[number] = owner
            return number if copying.form is None else _Marked(number, copying.page, copying.form)
        stream = stream if stream.is_owned_by(self.out) else self.out.copy_foreign(stream)
        copying.nested.setdefault(stream.objgen, (stream, {}))[1][number] = owner
        return _Marked(number, copying.page, stream.objgen)

    def _claim(self, holder: pikepdf.Object, numbers: dict[int, _Element]) -> None:
        """Give `holder` (a page or a form XObject) its entry in the parent tree."""
        holder.StructParents = self.key_of[holder.objgen] = len(self.parents)
        if isinstance(holder, pikepdf.Stream):
            self.keyed.add(holder.objgen)
        self.parents.append(numbers)


def _place(element: _Element) -> int:
    return -1 if element.place is None else element.place


def _holders(pdf: pikepdf.Pdf) -> dict[int, int]:
    """Parent-tree key -> object number, for every page and form XObject of `pdf` that has one."""
    found: dict[int, int] = {}
    seen: set[tuple[int, int]] = set()

    def look(resources: object) -> None:
        if not isinstance(resources, Dictionary) or (resources.is_indirect and resources.objgen in seen):
            return
        seen.add(resources.objgen)
        xobjects = resources.get("/XObject")
        for form in xobjects.values() if isinstance(xobjects, Dictionary) else ():
            if form.objgen in seen or form.get("/Subtype") != Name.Form:
                continue
            seen.add(form.objgen)
            if "/StructParents" in form:
                found[int(form.StructParents)] = form.objgen[0]
            look(form.get("/Resources"))

    for page in pdf.pages:
        if "/StructParents" in page.obj:
            found[int(page.obj.StructParents)] = page.objgen[0]
        look(page.obj.get("/Resources"))
    return found


class _Text:
    """Elements as PDF dictionaries, their references by object number. The attributes of the
    elements copied from one source element (a variant's page, in every pupil's copy) are
    written once, unless they name header cells, whose identifiers differ per copy."""

    def __init__(self, root: int, pages: dict[tuple[int, int], int], forms: dict[tuple[int, int], int]) -> None:
        self.root, self.pages, self.forms = root, pages, forms
        self.written: dict[int, str] = {}
        """id(attributes) -> their text, for attributes the same in every copy (kept alive by
        the elements that hold them, so an id is not reused while this lives)."""

    def element(self, element: _Element) -> str:
        pages = self.pages
        parent = element.parent.number if element.parent is not None else self.root
        head = f"<</Type/StructElem/S{_name(element.kind)}/P {parent} 0 R"
        if element.page is not None:
            head += f"/Pg {pages[element.page]} 0 R"
        attributes = element.attributes
        text = self.written.get(id(attributes)) if attributes else ""
        if text is None:
            text = "".join(_attribute(key, value, element.prefix) for key, value in attributes.items())
            if not _copied_apart(attributes):
                self.written[id(attributes)] = text
        kids = []
        for kid in element.kids:
            if type(kid) is int:
                kids.append(str(kid))
            elif isinstance(kid, _Element):
                kids.append(f"{kid.number} 0 R")
            else:
                kids.append(f"<</Type/MCR/Pg {pages[kid.page]} 0 R/Stm {self.forms[kid.form]} 0 R/MCID {kid.mcid}>>")
        return f"{head}{text}/K[{' '.join(kids)}]>>"


def _attribute(key: str, value: object, prefix: str) -> str:
    if key == "ID":
        return "/ID" + _string(prefix + _text(value))
    return _entry(key, _value(value, prefix))


def _copied_apart(attributes: dict) -> bool:
    """Whether `attributes` differ from copy to copy: an ID, or the IDs of header cells."""
    return "ID" in attributes or any(
        isinstance(value, dict) and ("Headers" in value or "/Headers" in value) for value in attributes.values()
    )


def _value(value: object, prefix: str) -> str:
    """An attribute's value as PDF: plain data from a part's tree (a name is a string `/Layout`,
    a text string is `("s", text)`); header cell identifiers in /Headers get `prefix`, as the
    cells' IDs do."""
    if isinstance(value, tuple):
        return _string(value[1])
    if isinstance(value, str):
        return _name(value) if value.startswith("/") else _string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".") or "0"
    if isinstance(value, dict):
        items = []
        for key, item in value.items():
            name = key.lstrip("/")
            if name == "Headers":
                items.append("/Headers[" + " ".join(_string(prefix + _text(header)) for header in item) + "]")
            else:
                items.append(_entry(name, _value(item, prefix)))
        return "<<" + "".join(items) + ">>"
    if isinstance(value, list):
        return "[" + " ".join(_value(item, prefix) for item in value) + "]"
    if value is None:
        return "null"
    raise TypeError(f"a structure attribute of type {type(value).__name__}: {value!r}")


def _entry(key: str, value: str) -> str:
    """A dictionary entry: the key's name and the value, apart where they would run together."""
    return f"/{key}{value}" if value[0] in "/(<[" else f"/{key} {value}"


def _text(value: object) -> str:
    return value[1] if isinstance(value, tuple) else str(value)


def _string(text: str) -> str:
    """A PDF text string: ASCII as it is, anything else (Kazakh) in UTF-16BE."""
    if text.isascii() and text.isprintable():
        return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _name(name: str) -> str:
    return "/" + re.sub(r"[^!-~]|[()<>\[\]{}/%#]", lambda m: "".join(f"#{b:02X}" for b in m[0].encode()), name[1:])


_PER_STREAM = 200
"""Objects per object stream of the update (qpdf puts 100 in each)."""


def _update(data: bytes, objects: list[tuple[int, str]], size: int, ends: dict[str, str]) -> bytes:
    """An incremental update to the PDF `data` (ISO 32000-1, 7.5.6) holding `objects` (number,
    text; none a stream), packed in compressed object streams and found through a
    cross-reference stream; `ends` are the trailer's /Root, /Info and /ID, kept."""
    previous = int(re.findall(rb"startxref\s+(\d+)", data[-1024:])[-1])
    out = bytearray(b"\n")
    entries: dict[int, tuple[int, int, int]] = {}
    number = size
    for start in range(0, len(objects), _PER_STREAM):
        chunk = objects[start : start + _PER_STREAM]
        bodies = [text.encode("ascii") for _, text in chunk]
        offsets, at = [], 0
        for body in bodies:
            offsets.append(at)
            at += len(body) + 1
        header = " ".join(f"{n} {o}" for (n, _), o in zip(chunk, offsets, strict=True)).encode() + b"\n"
        content = zlib.compress(header + b"\n".join(bodies) + b"\n")
        for index, (n, _) in enumerate(chunk):
            entries[n] = (2, number, index)
        entries[number] = (1, len(data) + len(out), 0)
        head = f"<</Type/ObjStm/N {len(chunk)}/First {len(header)}/Filter/FlateDecode/Length {len(content)}>>"
        out += f"{number} 0 obj\n{head}stream\n".encode()
        out += content + b"\nendstream\nendobj\n"
        number += 1
    xref = number
    entries[xref] = (1, len(data) + len(out), 0)
    width = max(4, (len(data) + len(out)).bit_length() // 8 + 1)
    rows, index = bytearray(), []
    for n in sorted(entries):
        kind, second, third = entries[n]
        rows += bytes([kind]) + second.to_bytes(width, "big") + third.to_bytes(2, "big")
        if index and index[-1][0] + index[-1][1] == n:
            index[-1][1] += 1
        else:
            index.append([n, 1])
    content = zlib.compress(bytes(rows))
    trailer = "".join(f"/{key} {value}" for key, value in ends.items())
    out += (
        f"{xref} 0 obj\n<</Type/XRef/Size {xref + 1}/Index[{' '.join(f'{a} {b}' for a, b in index)}]"
        f"/W[1 {width} 2]{trailer}/Prev {previous}/Filter/FlateDecode/Length {len(content)}>>stream\n"
    ).encode()
    out += content + b"\nendstream\nendobj\n" + f"startxref\n{entries[xref][1]}\n%%EOF\n".encode()
    return bytes(out)


def describe(out: pikepdf.Pdf, first: pikepdf.Pdf) -> None:
    """`out` described as `first` is: document information, language, metadata (XMP), output
    intents (a tagged file must say its language, a PDF/A file its colours)."""
    for key, value in first.docinfo.items():
        out.docinfo[key] = foreign(out, value)
    if "/Lang" in first.Root:
        out.Root.Lang = first.Root.Lang
    if "/OutputIntents" in first.Root:
        out.Root.OutputIntents = foreign(out, first.Root.OutputIntents)
    if "/Metadata" in first.Root:
        out.Root.Metadata = out.make_stream(first.Root.Metadata.read_bytes())
        out.Root.Metadata.Type, out.Root.Metadata.Subtype = Name.Metadata, Name.XML


def retitle(out: pikepdf.Pdf, title: str) -> None:
    """`out` titled `title`, in its document information and its metadata, which must agree."""
    out.docinfo["/Title"] = title
    if "/Metadata" in out.Root:
        out.Root.Metadata.write(_retitled(out.Root.Metadata.read_bytes(), title))


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
