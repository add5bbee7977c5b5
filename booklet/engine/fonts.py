"""Each font face embedded once in a PDF joined from the PDFs of many parts.

Every PDF that WeasyPrint writes embeds its own subset of each face it uses, so pages joined
from 30 variants' sheets carry 30 subsets of PT Serif. `embed_fonts_once` leaves one.

How WeasyPrint 70 embeds a TrueType face (weasyprint/pdf/fonts.py, draw/text.py):

- a Type0 font, /Encoding /Identity-H, over one CIDFontType2 with /CIDToGIDMap /Identity:
  the two-byte codes in the content streams are glyph ids of the original font file;
- each part's PDF embeds its own subset of the font file, made by harfbuzz-subset: glyph ids
  up to the last glyph drawn are the original's, but a composite glyph may name its components
  by other ids in other parts (booklet.engine.truetype says how);
- /W holds the width of every glyph drawn as Pango measured it at its first use, /ToUnicode
  the text of the cluster where each glyph first appeared in that document;
- the subset tag (ABCDEF+) is the MD5 of Pango's description of the face without its size
  ("Booklet Serif Bold"), not of the glyphs, and it names the font resource too: a face has
  one name in every part, and each part's subset of it is another font of that name;
- glyphs missing from the face get ids past the last glyph and an /Encoding CMap that sends
  them to .notdef.

So the subsets of one font file become one font program, merged by glyph content in
booklet.engine.truetype; the fonts drawing from it share one Type0, CIDFont, descriptor and
ToUnicode whenever their widths and texts agree on every glyph both draw (they do unless a
glyph first appeared inside a cluster of several glyphs in one part, or a font has its own
missing-glyph encoding); and every font resource points at its shared font. Content streams
are not touched. Other fonts (Type3 bitmaps, CFF) are left alone.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import re
import zlib
from dataclasses import dataclass, field
from decimal import Decimal

import pikepdf
from pikepdf import Array, Dictionary, Name

from .truetype import Program, agree, merge_programs, read_program


def embed_fonts_once(pdf: pikepdf.Pdf) -> None:
    """Leave one embedded font program per font file in `pdf`, whose pages were appended from
    PDFs that WeasyPrint wrote: the glyphs of every subset of a face in one program, and the font
    resources of every page pointing at a font that draws and extracts them as before.

    Call it after the last page is appended and before `pdf.save`, which leaves out what is no
    longer used. The result depends only on the pages, in order."""
    slots = _font_slots(pdf)
    fonts: dict[tuple[int, int], _Font] = {}
    programs: dict[tuple[bytes, frozenset[int]], Program | None] = {}
    for fonts_dict, key in slots:
        font = fonts_dict[key]
        if font.objgen not in fonts and (read := _read_font(font, programs)) is not None:
            fonts[font.objgen] = read
    shared: dict[tuple[int, int], Dictionary] = {}
    names: dict[str, int] = {}
    for number, merged in enumerate(merge_programs(fonts.values())):
        data = merged.font_file()
        program = _stream(pdf, data, Length1=len(data))
        for sharing in _sharings(merged.fonts):
            name = str(sharing.fonts[0].obj.get("/BaseFont", ""))
            # Two font files under one name would confuse a viewer that caches fonts by name.
            rename = _retagged(name, data) if names.setdefault(name, number) != number else None
            font = _shared_font(pdf, sharing, program, rename)
            shared |= {member.obj.objgen: font for member in sharing.fonts}
    for fonts_dict, key in slots:
        if (font := shared.get(fonts_dict[key].objgen)) is not None:
            fonts_dict[key] = font


# Reading the fonts


def _font_slots(pdf: pikepdf.Pdf) -> list[tuple[Dictionary, Name]]:
    """Every (font resources, name) reachable from the pages, in page order then name order."""
    slots: list[tuple[Dictionary, Name]] = []
    seen: set[tuple[int, int]] = set()

    def first_visit(obj: pikepdf.Object) -> bool:
        if obj.is_indirect and obj.objgen in seen:
            return False
        seen.add(obj.objgen)  # (0, 0) for every direct object: harmless
        return True

    def visit(resources: pikepdf.Object | None) -> None:
        if not isinstance(resources, Dictionary) or not first_visit(resources):
            return
        fonts = resources.get("/Font")
        if isinstance(fonts, Dictionary) and first_visit(fonts):
            for key in sorted(fonts.keys()):
                slots.append((fonts, Name(key)))
                if isinstance(fonts[key], Dictionary):
                    visit(fonts[key].get("/Resources"))  # a Type3 font's glyphs
        for kind in ("/XObject", "/Pattern"):
            group = resources.get(kind)
            for key in sorted(group.keys()) if isinstance(group, Dictionary) else ():
                if isinstance(group[key], Dictionary | pikepdf.Stream):
                    visit(group[key].get("/Resources"))

    for page in pdf.pages:
        visit(page.obj.get("/Resources"))
        for annotation in page.obj.get("/Annots", Array()):
            for appearance in annotation.get("/AP", Dictionary()).values():
                for state in [appearance] if isinstance(appearance, pikepdf.Stream) else appearance.values():
                    visit(state.get("/Resources"))
    return slots


@dataclass
class _Font:
    """A Type0 font as WeasyPrint writes it, read."""

    obj: Dictionary
    program: Program
    shape: bytes
    """Its dictionaries but for what merging rewrites: fonts share dictionaries only if these are equal."""
    widths: dict[int, bytes]
    text: dict[int, bytes]
    """The text each CID stands for, in UTF-16BE hex."""
    bbox: list[int | Decimal]
    flags: int


_ARRAY = rb"\[(?:[^\[\]]+|\[[^\[\]]*\])*\]"
_MERGED_VALUE = re.compile(
    rb"(/(?:ToUnicode|DescendantFonts|W|FontDescriptor|FontFile2|FontBBox|CIDSet|Flags)) (?:\d+ \d+ R|"
    + _ARRAY
    + rb"|-?[\d.]+)"
)
"""The values of the entries that sharing a font rewrites, in an unparsed font dictionary."""
_W = re.compile(rb"/W (" + _ARRAY + rb")")
_BBOX = re.compile(rb"/FontBBox \[([^\[\]]*)\]")


def _read_font(font: pikepdf.Object, programs: dict[tuple[bytes, frozenset[int]], Program | None]) -> _Font | None:
    """`font` read, or None when it is not a TrueType Type0 font that draws with glyph ids.
    `programs` holds the font programs read so far, by their bytes and the glyphs drawn."""
    if not isinstance(font, Dictionary) or font.get("/Subtype") != Name.Type0:
        return None
    descendants, encoding, to_unicode = font.get("/DescendantFonts"), font.get("/Encoding"), font.get("/ToUnicode")
    if not isinstance(descendants, Array) or len(descendants) != 1 or not isinstance(to_unicode, pikepdf.Stream):
        return None
    cid_font = descendants[0]
    descriptor = cid_font.get("/FontDescriptor")
    stream = descriptor.get("/FontFile2") if isinstance(descriptor, Dictionary) else None
    if (
        cid_font.get("/Subtype") != Name.CIDFontType2
        or cid_font.get("/CIDToGIDMap") != Name.Identity
        or not (encoding == Name("/Identity-H") or isinstance(encoding, pikepdf.Stream))
        or not isinstance(stream, pikepdf.Stream)
    ):
        return None
    unparsed = [font.unparse(resolved=True), cid_font.unparse(resolved=True), descriptor.unparse(resolved=True)]
    widths, text = _read_widths(unparsed[1]), _read_to_unicode(to_unicode.read_bytes())
    bbox = _BBOX.search(unparsed[2])
    if widths is None or text is None or bbox is None:
        return None
    drawn = frozenset(widths.keys() | text.keys())
    if (seen := (stream.read_raw_bytes(), drawn)) not in programs:
        programs[seen] = read_program(stream.read_bytes(), drawn)
    if (program := programs[seen]) is None:
        return None
    flags = int(descriptor.get("/Flags", 0))
    shape = b"\n".join([*(_MERGED_VALUE.sub(rb"\1", dictionary) for dictionary in unparsed), b"%d" % (flags & ~1)])
    return _Font(font, program, shape, widths, text, [_number(n) for n in bbox.group(1).split()], flags)


def _number(token: bytes) -> int | Decimal:
    return int(token) if token.lstrip(b"-").isdigit() else Decimal(token.decode())


_W_ENTRY = re.compile(rb"(\d+) \[([^\[\]]*)\]|(\d+) (\d+) (-?[\d.]+)")


def _read_widths(cid_font: bytes) -> dict[int, bytes] | None:
    """The /W of an unparsed CIDFont as {CID: width}, or None if it is not an array of numbers."""
    found = _W.search(cid_font)
    if found is None:
        return None if b"/W " in cid_font else {}
    entries = found.group(1)[1:-1]
    if _W_ENTRY.sub(b"", entries).strip():
        return None
    widths: dict[int, bytes] = {}
    for first, run, low, high, width in _W_ENTRY.findall(entries):
        if first:
            widths.update(zip(itertools.count(int(first)), run.split()))
        else:
            widths.update(dict.fromkeys(range(int(low), int(high) + 1), width))
    return widths


_BLOCK = re.compile(rb"beginbf(char|range)(.*?)endbf\1", re.S)
_CHAR = re.compile(rb"<([0-9a-f]{4})>\s*<([0-9a-f]*)>")
_RANGE = re.compile(rb"<([0-9a-f]{4})>\s*<([0-9a-f]{4})>\s*(?:<([0-9a-f]+)>|\[([^\]]*)\])")


def _read_to_unicode(cmap: bytes) -> dict[int, bytes] | None:
    """A ToUnicode CMap of two-byte codes as {code: UTF-16BE hex}, or None if it is not one."""
    text: dict[int, bytes] = {}
    for kind, body in _BLOCK.findall(cmap.lower()):
        entry = _CHAR if kind == b"char" else _RANGE
        if entry.sub(b"", body).strip():
            return None
        for found in entry.findall(body):
            if kind == b"char":
                text[int(found[0], 16)] = found[1]
            elif (pairs := _range(*found)) is None:
                return None
            else:
                text.update(pairs)
    return text


def _range(low: bytes, high: bytes, first: bytes, listed: bytes) -> dict[int, bytes] | None:
    codes = range(int(low, 16), int(high, 16) + 1)
    if not first:
        return dict(zip(codes, re.findall(rb"<([0-9a-f]*)>", listed), strict=False))
    start = int(first[-2:], 16)
    if len(first) % 2 or start + len(codes) > 0x100:  # a range steps the last byte only
        return None
    return {code: first[:-2] + b"%02x" % (start + n) for n, code in enumerate(codes)}


# Sharing font dictionaries


@dataclass
class _Sharing:
    """Fonts that can be one font: the same dictionaries, and no glyph drawn or read differently."""

    shape: bytes
    widths: dict[int, bytes] = field(default_factory=dict)
    text: dict[int, bytes] = field(default_factory=dict)
    fonts: list[_Font] = field(default_factory=list)

    def accepts(self, font: _Font) -> bool:
        return font.shape == self.shape and agree(self.widths, font.widths) and agree(self.text, font.text)


def _sharings(fonts: list[_Font]) -> list[_Sharing]:
    sharings: list[_Sharing] = []
    for font in fonts:
        sharing = next((sharing for sharing in sharings if sharing.accepts(font)), None)
        if sharing is None:
            sharings.append(sharing := _Sharing(font.shape))
        sharing.widths |= font.widths
        sharing.text |= font.text
        sharing.fonts.append(font)
    return sharings


def _shared_font(pdf: pikepdf.Pdf, sharing: _Sharing, program: pikepdf.Stream, rename: str | None) -> Dictionary:
    """One Type0 font for all of `sharing`'s fonts, drawing from `program`."""
    members = sharing.fonts
    font = _copied(members[0].obj, {"/ToUnicode", "/DescendantFonts"})
    cid_font = _copied(members[0].obj.DescendantFonts[0], {"/W", "/FontDescriptor"})
    first_descriptor = members[0].obj.DescendantFonts[0].FontDescriptor
    descriptor = _copied(first_descriptor, {"/FontFile2", "/FontBBox", "/Flags", "/CIDSet"})
    if rename is not None:
        font.BaseFont = cid_font.BaseFont = descriptor.FontName = Name(rename)
    widths = {cid: _number(width) for cid, width in sorted(sharing.widths.items())}
    fixed_pitch = len(widths) > 1 and len(set(widths.values())) == 1  # as WeasyPrint decides it
    descriptor.FontFile2 = program
    boxes = [member.bbox for member in members]
    descriptor.FontBBox = Array(
        [*(min(box[i] for box in boxes) for i in (0, 1)), *(max(box[i] for box in boxes) for i in (2, 3))]
    )
    descriptor.Flags = members[0].flags & ~1 | fixed_pitch
    if "/CIDSet" in first_descriptor:
        descriptor.CIDSet = _cid_set(pdf, widths)
    cid_font.W = _widths_array(widths)
    cid_font.FontDescriptor = pdf.make_indirect(descriptor)
    descendants = Array([pdf.make_indirect(cid_font)])
    font.ToUnicode = _to_unicode(pdf, sharing.text)
    font.DescendantFonts = descendants
    for member in members:  # so that a resource this module did not reach draws from the shared font too
        member.obj.ToUnicode = font.ToUnicode
        member.obj.DescendantFonts = copy.copy(descendants)
    return pdf.make_indirect(font)


def _copied(obj: Dictionary, skip: set[str]) -> Dictionary:
    """A new dictionary of `obj`'s entries but `skip`; direct values are copied, not shared."""
    return Dictionary(
        {
            key: copy.copy(value) if isinstance(value, Array | Dictionary) and not value.is_indirect else value
            for key, value in obj.items()
            if key not in skip
        }
    )


def _widths_array(widths: dict[int, int | Decimal]) -> Array:
    """/W as WeasyPrint writes it: each run of consecutive CIDs as `first [w w ...]`."""
    entries: list = []
    for cid, width in widths.items():
        if cid - 1 not in widths:
            entries += [cid, []]
        entries[-1].append(width)
    return Array(entries)


def _cid_set(pdf: pikepdf.Pdf, widths: dict[int, int | Decimal]) -> pikepdf.Stream:
    bits = bytearray(max(widths, default=0) // 8 + 1)
    for cid in widths:
        bits[cid // 8] |= 0x80 >> cid % 8
    return _stream(pdf, bytes(bits))


def _to_unicode(pdf: pikepdf.Pdf, text: dict[int, bytes]) -> pikepdf.Stream:
    """A ToUnicode CMap as WeasyPrint writes it."""
    lines = [
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n"
        b"<< /Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n"
        b"/CMapType 2 def\n1 begincodespacerange\n<0000> <ffff>\nendcodespacerange"
    ]
    codes = sorted(text)
    for start in range(0, len(codes), 100):
        batch = codes[start : start + 100]
        lines.append(b"%d beginbfchar" % len(batch))
        lines += [b"<%04x> <%s>" % (code, text[code]) for code in batch]
        lines.append(b"endbfchar")
    lines.append(b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
    return _stream(pdf, b"\n".join(lines))


def _stream(pdf: pikepdf.Pdf, data: bytes, **entries: int) -> pikepdf.Stream:
    """A stream compressed here, so that its bytes do not depend on how `pdf` is saved."""
    stream = pikepdf.Stream(pdf, b"")
    stream.write(zlib.compress(data, 9), filter=Name.FlateDecode)
    for key, value in entries.items():
        stream[Name("/" + key)] = value
    return pdf.make_indirect(stream)


def _retagged(name: str, program: bytes) -> str:
    """`name` with a subset tag made from the font program, for a second font file under one name."""
    tag = "".join(chr(65 + byte % 26) for byte in hashlib.sha256(program).digest()[:6])
    return f"/{tag}+{name.lstrip('/').split('+', 1)[-1]}"
