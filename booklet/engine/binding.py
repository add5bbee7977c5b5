"""Binding part PDFs into the files a teacher prints, without laying anything out again.

Work units write their documents as small PDFs (a variant's sheet, its key, a page of pupils'
names). A class set's sheets file is those parts' pages in class-list order: each pupil's
copy is its variant's pages, with the page of the pupil's name drawn over the first one; a
variant's key and sheet are the same shared pages with the key's answers and header, or the
sheet's running header (one page for the whole set), drawn over each. The pages of a variant
are shared by every copy of it: their content is stored once, whatever the number of
pupils, and a copy costs a page dictionary and its name.

pikepdf (qpdf) does the joining; every face's glyphs from all the parts are merged into one
embedded font program (fonts.py), the parts' structure trees into one (structure.py), so the
bound file is tagged as its parts are, and the result is saved with a deterministic file
identifier, so the same parts give the same bytes. A part is open only from its first page
to its last, so memory holds the parts in hand, not the whole set's.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from .fonts import embed_fonts_once
from .structure import SourceTree, StructureWriter, describe, foreign


@dataclass(frozen=True)
class Placed:
    """A page of the bound file: page `page` (0-based) of the part named `part`, with pages of
    other parts drawn over it in order, each given as (part, page): a key's answers and
    running header over the page it shares with its sheet, a pupil's name over a copy."""

    part: str
    page: int
    over: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Blank:
    """A blank page the size of the page before it: the back of a copy's last sheet when
    printing on both sides, so that every copy starts on a fresh sheet of paper."""


def bind(pages: Sequence[Placed | Blank], parts: Mapping[str, Path], title: str) -> bytes:
    """One PDF of `pages`, whose parts are the PDF files `parts` (name -> path). It has the
    document information and language of the first part, titled `title`, and the bookmarks
    of every part, pointing at the pages they point at in the part.

    Each part is closed after the last page that uses it: qpdf reads the data of what was
    copied from it from its file when the bound file is written, not from the part's parsed
    objects (QPDF.hh, `copyForeignObject`), and a 40-variant set's keys held 128 parts open,
    about 25 MiB of parsed fonts and pages."""
    last = _last_uses(pages)
    opened: dict[str, pikepdf.Pdf] = {}
    try:
        return _bound(pages, parts, title, last, opened)
    finally:
        for pdf in opened.values():
            pdf.close()


def _last_uses(pages: Sequence[Placed | Blank]) -> dict[str, int]:
    """Each part -> the last of `pages` that uses it."""
    last: dict[str, int] = {}
    for number, place in enumerate(pages):
        if isinstance(place, Placed):
            last |= dict.fromkeys([place.part, *(name for name, _ in place.over)], number)
    return last


def _bound(
    pages: Sequence[Placed | Blank],
    parts: Mapping[str, Path],
    title: str,
    last: dict[str, int],
    opened: dict[str, pikepdf.Pdf],
) -> bytes:
    def part(name: str) -> pikepdf.Pdf:
        if name not in opened:
            opened[name] = pikepdf.open(parts[name])
        return opened[name]

    trees: dict[str, SourceTree] = {}

    def tree(name: str) -> SourceTree:
        if name not in trees:
            data = parts[name].with_suffix(".tree")  # the part's tree as data, if it was written so
            tree = pickle.loads(data.read_bytes()) if data.exists() else None
            trees[name] = SourceTree(part(name), tree)
        return trees[name]

    out = pikepdf.new()
    drawn = _Overlays(out, part)
    structure = StructureWriter(out)
    version: str | None = None
    """The first part's PDF version; the bound file is described as that part is (`describe`)."""
    runs: list[tuple[str, dict[int, int]]] = []
    """Each stretch of consecutive pages from one part: the part, and its page -> bound page."""
    marks: dict[int, list[pikepdf.OutlineItem]] = {}
    """Each run's bookmarks (by its place in `runs`), read before its part is closed."""
    for number, place in enumerate(pages):
        if isinstance(place, Blank):
            size = out.pages[-1].mediabox if len(out.pages) else pikepdf.Array([0, 0, 595, 842])
            out.add_blank_page(page_size=(float(size[2]) - float(size[0]), float(size[3]) - float(size[1])))
            continue
        source = part(place.part)
        if version is None:
            version = source.pdf_version
            describe(out, source)
        out.pages.append(_fresh_page(out, source.pages[place.page]))
        if not runs or runs[-1][0] != place.part or place.page in runs[-1][1]:
            runs.append((place.part, {}))
        runs[-1][1][place.page] = len(out.pages) - 1
        elements = structure.copy_page(tree(place.part), place.page, out.pages[-1])
        if place.over:
            drawn.over(out.pages[-1], place)
            for name, index in place.over:
                over = structure.copy_page(tree(name), index, out.pages[-1], drawn.form(name, index))
                over = structure.join_in_order(elements, over)  # a key's answers, into their questions
                elements += structure.join_fields(elements, over)  # a pupil's name, into the name field
        structure.add(elements)
        for name in dict.fromkeys([place.part, *(name for name, _ in place.over)]):
            if last[name] == number:  # its last page: its bookmarks read, it is closed
                for run, (owner, placed) in enumerate(runs):
                    if owner == name:
                        marks[run] = _marks_of(opened[name], placed)
                opened.pop(name).close()
                trees.pop(name, None)
    if version is not None:
        structure.finish(title)
        with out.open_outline() as outline:
            for run in range(len(runs)):
                outline.root.extend(marks.get(run, []))
    embed_fonts_once(out)  # each part has its own subsets of the same faces: one of each
    return structure.saved(version or "")


def _fresh_page(out: pikepdf.Pdf, page: pikepdf.Page) -> pikepdf.Page:
    """A new page object for `page` of another file, whose content stream, resources and fonts
    are copied once into `out` (qpdf remembers what it copied) and shared by every page made
    from the same source page. Links are left out: the parts bound this way have none, and a
    link's target would drag in the whole part."""
    entries = {key: foreign(out, value) for key, value in page.obj.items() if key not in _NOT_COPIED}
    return pikepdf.Page(out.make_indirect(pikepdf.Dictionary(entries)))


_NOT_COPIED = {"/Parent", "/Annots", "/B", "/StructParents"}


class _Overlays:
    """Pages drawn over pages, each as a form XObject copied into the bound file once, however
    many pages it is drawn on. A page gets resources and contents of its own: its source page's
    are shared by every other page made from it, which must not gain the overlay. Pages placed
    alike (a variant's page 2 with its sheet's header, in every pupil's copy) share those too.
    (pikepdf's `add_overlay` names the form at random, which would make the bytes differ.)"""

    def __init__(self, out: pikepdf.Pdf, part: Callable[[str], pikepdf.Pdf]) -> None:
        self.out, self.part = out, part
        self.forms: dict[tuple[str, int], pikepdf.Object] = {}
        self.made: dict[Placed, tuple[pikepdf.Object, list[pikepdf.Object]]] = {}

    def over(self, page: pikepdf.Page, place: Placed) -> None:
        if place not in self.made:
            resources = page.obj.Resources
            own = dict(resources.items())
            xobjects = {key: value for key, value in resources.get("/XObject", {}).items()}
            names = [pikepdf.Name(f"/BookletOver{number}") for number in range(len(place.over))]
            for name, (part, index) in zip(names, place.over, strict=True):
                xobjects[str(name)] = self.form(part, index)
            own["/XObject"] = pikepdf.Dictionary(xobjects)
            contents = page.obj.Contents
            streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
            before = self.out.make_stream(b"q\n")
            after = self.out.make_stream(b"\nQ\n" + b"".join(b"q " + bytes(name) + b" Do Q\n" for name in names))
            self.made[place] = (self.out.make_indirect(pikepdf.Dictionary(own)), [before, *streams, after])
        resources, streams = self.made[place]
        page.obj.Resources = resources
        page.obj.Contents = pikepdf.Array(streams)

    def form(self, part: str, index: int) -> pikepdf.Object:
        """Page `index` of `part` as a form XObject in the bound file, made once."""
        if (part, index) not in self.forms:
            form = self.out.copy_foreign(self.part(part).pages[index].as_form_xobject())
            # qpdf makes a page's form from the part's objects, which are closed after its last
            # page (`bind`): the form gets its content now, as data of its own
            form.write(form.read_raw_bytes())
            self.forms[part, index] = form
        return self.forms[part, index]


def _marks_of(source: pikepdf.Pdf, placed: dict[int, int]) -> list[pikepdf.OutlineItem]:
    """The bookmarks of `source` for a stretch of its pages (its page -> bound page)."""
    with source.open_outline() as theirs:
        if not theirs.root:
            return []
        index = {page.obj.objgen: number for number, page in enumerate(source.pages)}
        return _marks(theirs.root, index, placed)


def _marks(items: list[pikepdf.OutlineItem], index: dict, placed: dict[int, int]) -> list[pikepdf.OutlineItem]:
    copied = []
    for item in items:
        target = _target(item, index)
        children = _marks(item.children, index, placed)
        if target in placed:
            new = pikepdf.OutlineItem(item.title, placed[target], "XYZ", **_position(item))
            new.children.extend(children)
            copied.append(new)
        else:
            copied.extend(children)
    return copied


def _target(item: pikepdf.OutlineItem, index: dict) -> int | None:
    destination = item.destination
    if destination is None and item.action is not None:
        destination = item.action.get("/D")
    if isinstance(destination, pikepdf.Array) and len(destination) and isinstance(destination[0], pikepdf.Dictionary):
        return index.get(destination[0].objgen)
    return None


def _position(item: pikepdf.OutlineItem) -> dict[str, float]:
    destination = item.destination
    if isinstance(destination, pikepdf.Array) and len(destination) >= 4 and str(destination[1]) == "/XYZ":
        return {"left": float(destination[2]), "top": float(destination[3])}
    return {}
