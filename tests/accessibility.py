"""Reading a PDF's tags back, as a screen reader and a PDF/UA checker would.

`audit(path)` walks the structure tree from the catalog and every content stream of every page
(and the form XObjects they draw), and reports on these of the Matterhorn Protocol's
machine-checkable points (not all of them: fonts, for one, are checked by the suite's font
tests, and role maps, annotations and form fields are not used here):

- the catalog: marked, with a language, the title shown, XMP metadata naming the standard
  and the same title as the document information;
- every element reachable from the root, with a parent that holds it and pages of this file;
- every marked-content sequence with an MCID belongs, through the parent tree, to an element
  of the tree that points back at it (page, form XObject and number), and every element's
  content exists; nothing is painted outside marked content (text, images, paths, shadings
  are either tagged or artifacts);
- figures have alternative text; headings do not skip a level.

Written for these tests from ISO 14289-1 and the Matterhorn Protocol 1.1; it is not veraPDF
(not on this machine's registries), but it fails on every defect the tests plant.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

PAINTING = {"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "BI"}


@dataclass
class Element:
    tag: str
    depth: int
    page: int | None
    alt: str | None
    text_ids: list[tuple[int, int | None, int]] = field(default_factory=list)
    """(page, form objgen or None, MCID) of its own marked content."""
    attributes: dict = field(default_factory=dict)
    parent: int | None = None
    """The index in `Report.elements` of its parent element (None under the root)."""


@dataclass
class Report:
    lang: str
    title: str
    metadata: str
    elements: list[Element]
    problems: list[str]
    artifacts: int = 0
    tagged_runs: int = 0

    def tags(self) -> Counter:
        return Counter(element.tag for element in self.elements)

    def alts(self, tag: str = "Figure") -> list[str | None]:
        return [element.alt for element in self.elements if element.tag == tag]


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def audit(pdf_file: Path | str | bytes) -> Report:
    pdf = pikepdf.open(io.BytesIO(pdf_file) if isinstance(pdf_file, bytes) else pdf_file)
    problems: list[str] = []
    root = pdf.Root
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    lang = str(root.get("/Lang", ""))
    title = str(pdf.docinfo.get("/Title", ""))
    metadata = root.Metadata.read_bytes().decode("utf-8") if "/Metadata" in root else ""
    if not lang:
        problems.append("no document language (/Lang)")
    if not (root.get("/MarkInfo") and root.MarkInfo.get("/Marked") is True):
        problems.append("not marked as tagged (/MarkInfo /Marked true)")
    if not (root.get("/ViewerPreferences") and root.ViewerPreferences.get("/DisplayDocTitle") is True):
        problems.append("the title is not shown (/DisplayDocTitle)")
    if not re.search(r"pdfuaid:part|pdfaid:part", metadata):
        problems.append("the XMP metadata names no standard (pdfuaid:part or pdfaid:part)")
    xmp_title = re.search(r'<dc:title>\s*<rdf:Alt>\s*<rdf:li xml:lang="x-default">(.*?)</rdf:li>', metadata, re.S)
    if not title or xmp_title is None or _unescape(xmp_title.group(1)) != title:
        problems.append(f"XMP dc:title and document title differ: {xmp_title and xmp_title.group(1)!r} / {title!r}")
    if "/StructTreeRoot" not in root:
        return Report(lang, title, metadata, [], [*problems, "no structure tree"])
    tree = root.StructTreeRoot

    elements: list[Element] = []
    owners: dict[tuple[int, int | None, int], tuple[int, int]] = {}
    """(page, form, MCID) -> the element (objgen) that claims it."""
    reachable: set[tuple[int, int]] = set()

    def walk(element, parent, depth: int, page: int | None, up: int | None = None) -> None:
        if element.objgen in reachable:
            problems.append(f"element {element.objgen} is in the tree twice")
            return
        reachable.add(element.objgen)
        if "/P" not in element or element.P.objgen != parent.objgen:
            problems.append(f"element {element.get('/S')} does not point at its parent")
        if "/Pg" in element:
            if element.Pg.objgen not in pages:
                problems.append(f"element {element.get('/S')} is on a page not in the file")
                return
            page = pages[element.Pg.objgen]
        tag = str(element.S)[1:]
        alt = str(element.Alt) if "/Alt" in element else None
        node = Element(tag, depth, page, alt, parent=up)
        here = len(elements)
        attributes = element.get("/A")
        if isinstance(attributes, pikepdf.Dictionary):
            node.attributes = {str(key): attributes[key] for key in attributes}
        elements.append(node)
        for kid in _kids(element):
            if isinstance(kid, int):
                if page is None:
                    problems.append(f"content {kid} of {tag} has no page")
                    continue
                key = (page, None, kid)
            elif isinstance(kid, pikepdf.Dictionary) and str(kid.get("/Type", "")) == "/MCR":
                on = pages.get(kid.Pg.objgen) if "/Pg" in kid else page
                key = (on, kid.Stm.objgen if "/Stm" in kid else None, int(kid.MCID))
            elif isinstance(kid, pikepdf.Dictionary) and str(kid.get("/Type", "")) == "/OBJR":
                continue
            elif isinstance(kid, pikepdf.Dictionary):
                walk(kid, element, depth + 1, page, here)
                continue
            else:
                problems.append(f"unexpected kid {kid!r} in {tag}")
                continue
            if key in owners:
                problems.append(f"content {key} claimed twice")
            owners[key] = element.objgen
            node.text_ids.append(key)

    for kid in _kids(tree):
        walk(kid, tree, 0, None)

    parent_tree: dict[int, object] = {}
    nums = tree.ParentTree.get("/Nums", pikepdf.Array()) if "/ParentTree" in tree else pikepdf.Array()
    for i in range(0, len(nums), 2):
        parent_tree[int(nums[i])] = nums[i + 1]

    counts = {"artifacts": 0, "tagged": 0}
    seen: set[tuple[int, int | None, int]] = set()

    def claimed(page: int, form, key_holder, mcid: int) -> None:
        key = (page, form, mcid)
        seen.add(key)
        holder_key = key_holder.get("/StructParents") if key_holder is not None else None
        if holder_key is None or int(holder_key) not in parent_tree:
            problems.append(f"content {key} has no entry in the parent tree")
            return
        entry = parent_tree[int(holder_key)]
        parent = entry[mcid] if isinstance(entry, pikepdf.Array) and mcid < len(entry) else None
        if not isinstance(parent, pikepdf.Dictionary):
            problems.append(f"content {key}: the parent tree names no element")
        elif parent.objgen not in reachable:
            problems.append(f"content {key} belongs to an element outside the tree ({parent.get('/S')})")
        elif owners.get(key) != parent.objgen:
            problems.append(f"content {key}: its element does not point back at it")

    def read(content_ops, resources, page: int, form, holder, stack: list[str], forms_seen: set) -> None:
        for operands, operator in content_ops:
            op = str(operator)
            if op in ("BDC", "BMC"):
                tag = str(operands[0])
                stack.append(tag)
                if tag == "/Artifact":
                    counts["artifacts"] += 1
                if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                    counts["tagged"] += 1
                    if "/Artifact" not in stack[:-1]:
                        claimed(page, form, holder, int(operands[1].MCID))
            elif op == "EMC":
                if stack:
                    stack.pop()
                else:
                    problems.append("EMC without BDC")
            elif op == "Do":
                xobject = resources.XObject[operands[0]] if resources is not None and "/XObject" in resources else None
                if xobject is None:
                    continue
                if str(xobject.get("/Subtype")) == "/Form":
                    if xobject.objgen in forms_seen:
                        continue
                    inner = pikepdf.parse_content_stream(xobject)
                    read(
                        inner,
                        xobject.get("/Resources", resources),
                        page,
                        xobject.objgen,
                        xobject,
                        stack,
                        forms_seen | {xobject.objgen},
                    )
                elif not stack:
                    problems.append(f"page {page + 1}: an image painted outside marked content")
            elif op in PAINTING and not stack:
                problems.append(f"page {page + 1}: {op} painted outside marked content")

    for number, page in enumerate(pdf.pages):
        read(pikepdf.parse_content_stream(page), page.obj.get("/Resources"), number, None, page.obj, [], set())
    for key in owners:
        if key not in seen:
            problems.append(f"element content {key} is not in any content stream")

    levels = [int(e.tag[1]) for e in elements if re.fullmatch(r"H[1-6]", e.tag)]
    for before, after in zip([0, *levels], levels, strict=False):
        if after > before + 1:
            problems.append(f"heading level skipped: H{before} then H{after}")
            break
    for element in elements:
        if element.tag == "Figure" and not element.alt:
            problems.append(f"a figure on page {element.page} has no alternative text")
    report = Report(lang, title, metadata, elements, list(dict.fromkeys(problems)))
    report.artifacts, report.tagged_runs = counts["artifacts"], counts["tagged"]
    return report


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
