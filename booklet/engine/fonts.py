"""Each font face embedded once in a PDF joined from the PDFs of many parts.

Every PDF that WeasyPrint writes embeds its own subset of each face it uses, so pages joined
from 30 variants' sheets carry 30 subsets of PT Serif. `embed_fonts_once` leaves one.

How WeasyPrint 70 embeds a TrueType face (weasyprint/pdf/fonts.py, draw/text.py):

- a Type0 font, /Encoding /Identity-H, over one CIDFontType2 with /CIDToGIDMap /Identity:
  the two-byte codes in the content streams are glyph ids of the original font file;
- harfbuzz-subset runs twice: keeping the glyphs drawn and their components at their
  original ids (RETAIN_GIDS), then keeping ids 0 to the last glyph drawn without RETAIN_GIDS,
  which moves components lying beyond it to the ids just after it. So ids up to the last
  glyph drawn are the original's, a composite glyph may name its components by other ids in
  other parts, and the tables but glyf, loca, hmtx, cmap and a few counts are the original's;
- /W holds the width of every glyph drawn as Pango measured it at its first use, /ToUnicode
  the text of the cluster where each glyph first appeared in that document;
- the subset tag (ABCDEF+) is the MD5 of Pango's description of the face without its size
  ("Booklet Serif Bold"), not of the glyphs, and it names the font resource too: a face has
  one name in every part, and each part's subset of it is another font of that name;
- glyphs missing from the face get ids past the last glyph and an /Encoding CMap that sends
  them to .notdef.

So the subsets of one font file become one font program, each glyph at its original id and
components known only by their outlines after the last; the fonts drawing from it share one
Type0, CIDFont, descriptor and ToUnicode whenever their widths and texts agree on every glyph
both draw (they do unless a glyph first appeared inside a cluster of several glyphs in one
part, or a font has its own missing-glyph encoding); and every font resource points at its
shared font. Content streams are not touched. Other fonts (Type3 bitmaps, CFF) are left alone.
"""

from __future__ import annotations

import copy
import hashlib
import io
import itertools
import re
import struct
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

import pikepdf
from fontTools.ttLib import TTFont
from fontTools.ttLib.sfnt import SFNTWriter
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable, table__c_m_a_p
from pikepdf import Array, Dictionary, Name

Key = bytes
"""A glyph as the same in every subset: its metrics and record, its components' keys for their ids."""

_REWRITTEN = {"head": ((8, 12), (50, 52)), "hhea": ((34, 36),), "maxp": ((4, 6),), "OS/2": ((42, 58), (64, 68))}
"""Bytes that subsetting rewrites in tables otherwise the original's: checkSumAdjustment and
indexToLocFormat, numberOfHMetrics, numGlyphs, the Unicode ranges and first and last characters."""

_GLYPH_TABLES = ("glyf", "loca", "hmtx", "cmap")
"""Tables that hold only the glyphs a subset kept, rebuilt from all of them."""


def embed_fonts_once(pdf: pikepdf.Pdf) -> None:
    """Leave one embedded font program per font file in `pdf`, whose pages were appended from
    PDFs that WeasyPrint wrote: the glyphs of every subset of a face in one program, and the font
    resources of every page pointing at a font that draws and extracts them as before.

    Call it after the last page is appended and before `pdf.save`, which leaves out what is no
    longer used. The result depends only on the pages, in order."""
    slots = _font_slots(pdf)
    fonts: dict[tuple[int, int], _Font] = {}
    programs: dict[tuple[bytes, frozenset[int]], _Program | None] = {}
    for fonts_dict, key in slots:
        font = fonts_dict[key]
        if font.objgen not in fonts and (read := _read_font(font, programs)) is not None:
            fonts[font.objgen] = read
    shared: dict[tuple[int, int], Dictionary] = {}
    names: dict[str, int] = {}
    for number, merged in enumerate(_merge_programs(fonts.values())):
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
    program: _Program
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


def _read_font(font: pikepdf.Object, programs: dict[tuple[bytes, frozenset[int]], _Program | None]) -> _Font | None:
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
        programs[seen] = _read_program(stream.read_bytes(), drawn)
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


# Merging font programs


@dataclass
class _Program:
    """A TrueType subset from WeasyPrint, taken apart to be merged with others of its font file."""

    tables: dict[str, bytes]
    glyphs: dict[int, Key]
    """The glyphs at their original ids: those drawn, and their components up to the last drawn."""
    composites: dict[Key, tuple[bytes, tuple[tuple[int, Key], ...]]]
    """Each composite glyph met: its record, and where each component's id goes in it."""
    cmap: dict[int, int]
    original: bytes
    """The tables that subsetting copies from the original font file, with what it rewrites blanked."""


def _read_program(data: bytes, drawn: frozenset[int]) -> _Program | None:
    try:
        return _taken_apart(data, drawn)
    except (KeyError, IndexError, ValueError, struct.error):
        return None


def _taken_apart(data: bytes, drawn: frozenset[int]) -> _Program:
    tables = {}
    for i in range(struct.unpack_from(">H", data, 4)[0]):
        tag, _, offset, length = struct.unpack_from(">4sLLL", data, 12 + 16 * i)
        tables[tag.decode("latin-1")] = data[offset : offset + length]
    glyphs = _Glyphs(tables)
    for gid in sorted(drawn):
        if gid < glyphs.count:
            glyphs.key(gid)
    last = max(drawn, default=glyphs.count - 1)  # ids up to it are the original's
    placed = {gid: key for gid, key in sorted(glyphs.keys.items()) if gid <= last}
    cmap = {code: gid for code, gid in _read_cmap(tables.get("cmap", b"")).items() if gid in placed}
    original = b"".join(
        tag.encode("latin-1") + _blanked(tag, table)
        for tag, table in sorted(tables.items())
        if tag not in _GLYPH_TABLES
    )
    return _Program(tables, placed, glyphs.composites, cmap, original)


class _Glyphs:
    """The glyphs of a TrueType font by id, read as keys on demand."""

    def __init__(self, tables: dict[str, bytes]) -> None:
        self.count = struct.unpack_from(">H", tables["maxp"], 4)[0]
        long_loca = struct.unpack_from(">h", tables["head"], 50)[0]
        self.offsets = struct.unpack_from(f">{self.count + 1}{'L' if long_loca else 'H'}", tables["loca"])
        self.unit = 1 if long_loca else 2  # the short format counts in words
        self.glyf, self.hmtx = tables["glyf"], tables["hmtx"]
        self.long_metrics = struct.unpack_from(">H", tables["hhea"], 34)[0]
        self.keys: dict[int, Key] = {}
        self.composites: dict[Key, tuple[bytes, tuple[tuple[int, Key], ...]]] = {}

    def key(self, gid: int, depth: int = 0) -> Key:
        if gid in self.keys:
            return self.keys[gid]
        if depth > 16:
            raise ValueError("composite glyphs nested too deep")
        record = self.glyf[self.unit * self.offsets[gid] : self.unit * self.offsets[gid + 1]]
        record += b"\0" * (len(record) % 2)  # so that either loca format can address it
        if record[:1] < b"\x80":  # numberOfContours >= 0: a simple glyph, or none
            key = self.metrics(gid) + b"\0" + record
        else:
            children = _components(record)
            components = tuple((at, self.key(child, depth + 1)) for at, child in children)
            digest = hashlib.blake2b(_with_ids(record, ((at, 0) for at, _ in children)))
            for _, component in components:
                digest.update(component)
            key = self.metrics(gid) + b"\1" + digest.digest()
            self.composites[key] = (record, components)
        self.keys[gid] = key
        return key

    def metrics(self, gid: int) -> bytes:
        last = self.long_metrics
        if gid < last:
            return self.hmtx[4 * gid : 4 * gid + 4]
        at = 4 * last + 2 * (gid - last)  # past the long metrics: the last advance, then its own bearing
        return self.hmtx[4 * last - 4 : 4 * last - 2] + self.hmtx[at : at + 2]


def _components(record: bytes) -> list[tuple[int, int]]:
    """(where its glyph id is, glyph id) of each component of a composite glyph record."""
    components, at, more = [], 10, True
    while more:
        flags, gid = struct.unpack_from(">HH", record, at)
        components.append((at + 2, gid))
        at += 8 if flags & 0x0001 else 6  # flags, glyph id, then arguments as words or bytes
        at += 2 if flags & 0x0008 else 4 if flags & 0x0040 else 8 if flags & 0x0080 else 0  # the transform
        more = bool(flags & 0x0020)
    return components


def _with_ids(record: bytes, ids) -> bytes:
    patched = bytearray(record)
    for at, gid in ids:
        struct.pack_into(">H", patched, at, gid)
    return bytes(patched)


def _blanked(tag: str, table: bytes) -> bytes:
    for start, end in _REWRITTEN.get(tag, ()):
        table = table[:start] + bytes(end - start) + table[end:]
    return table


def _read_cmap(data: bytes) -> dict[int, int]:
    """The widest subtable of a cmap (format 12, else format 4) as {code point: glyph id}."""
    by_format = {}
    for i in range(struct.unpack_from(">H", data, 2)[0] if data else 0):
        offset = struct.unpack_from(">L", data, 8 + 8 * i)[0]
        by_format.setdefault(struct.unpack_from(">H", data, offset)[0], offset)
    cmap: dict[int, int] = {}
    if (at := by_format.get(12)) is not None:
        groups = struct.unpack_from(">L", data, at + 12)[0]
        for start, end, gid in struct.iter_unpack(">LLL", data[at + 16 : at + 16 + 12 * groups]):
            cmap.update(zip(range(start, end + 1), itertools.count(gid)))
    elif (at := by_format.get(4)) is not None:
        segments = struct.unpack_from(">H", data, at + 6)[0] // 2
        ends, starts, deltas, range_offsets = (
            struct.unpack_from(f">{segments}{kind}", data, at + 14 + 2 * segments * n + 2 * (n > 0))
            for n, kind in enumerate("HHhH")
        )
        ranges_at = at + 16 + 6 * segments
        for i, (start, end, delta, range_offset) in enumerate(zip(starts, ends, deltas, range_offsets, strict=True)):
            for code in range(start, min(end, 0xFFFE) + 1):
                if not range_offset:
                    gid = (code + delta) & 0xFFFF
                elif gid := struct.unpack_from(">H", data, ranges_at + 2 * i + range_offset + 2 * (code - start))[0]:
                    gid = (gid + delta) & 0xFFFF
                if gid:
                    cmap[code] = gid
    return cmap


def _agree(mine: dict, theirs: dict) -> bool:
    """No key holds different values in the two."""
    common = mine.keys() & theirs.keys()
    return not common or itemgetter(*common)(mine) == itemgetter(*common)(theirs)


@dataclass
class _Merged:
    """The glyphs of every subset of one font file met so far, and the fonts drawing from them."""

    first: _Program
    glyphs: dict[int, Key] = field(default_factory=dict)
    composites: dict[Key, tuple[bytes, tuple[tuple[int, Key], ...]]] = field(default_factory=dict)
    cmap: dict[int, int] = field(default_factory=dict)
    fonts: list[_Font] = field(default_factory=list)
    programs: set[int] = field(default_factory=set)

    def accepts(self, program: _Program) -> bool:
        return id(program) in self.programs or (
            program.original == self.first.original
            and _agree(self.glyphs, program.glyphs)
            and _agree(self.cmap, program.cmap)
        )

    def add(self, font: _Font) -> None:
        if id(font.program) not in self.programs:
            self.programs.add(id(font.program))
            self.glyphs |= font.program.glyphs
            self.composites |= font.program.composites
            self.cmap |= font.program.cmap
        self.fonts.append(font)

    def font_file(self) -> bytes:
        """The merged TrueType font, the same whichever order its subsets came in: every glyph
        at its original id, then the components that no subset had at theirs."""
        ids: dict[Key, int] = {}
        for gid, key in sorted(self.glyphs.items()):
            ids.setdefault(key, gid)
        loose: set[Key] = set()
        todo = list(self.glyphs.values())
        while todo:
            for _, component in self.composites.get(todo.pop(), (b"", ()))[1]:
                if component not in ids and component not in loose:
                    loose.add(component)
                    todo.append(component)
        after = max(self.glyphs, default=-1) + 1
        keys = self.glyphs | {after + n: key for n, key in enumerate(sorted(loose))}
        ids |= {key: gid for gid, key in keys.items() if gid >= after}
        records = [self._record(keys[gid], ids) if gid in keys else b"" for gid in range(after + len(loose))]
        offsets = [0, *itertools.accumulate(map(len, records))]
        short = offsets[-1] <= 2 * 0xFFFF
        tables = {tag: table for tag, table in self.first.tables.items() if tag not in _GLYPH_TABLES}
        tables["glyf"] = b"".join(records)
        tables["loca"] = struct.pack(
            f">{len(offsets)}{'H' if short else 'L'}", *(o // 2 if short else o for o in offsets)
        )
        tables["hmtx"] = b"".join(keys[gid][:4] if gid in keys else bytes(4) for gid in range(len(records)))
        tables["head"] = _put(tables["head"], 50, ">h", 0 if short else 1)
        tables["hhea"] = _put(tables["hhea"], 34, ">H", len(records))
        tables["maxp"] = _put(tables["maxp"], 4, ">H", len(records))
        if "cmap" in self.first.tables:
            tables["cmap"] = _write_cmap(self.cmap)
        if "OS/2" in tables:
            tables["OS/2"] = self._os2(tables["OS/2"])
        out = io.BytesIO()
        writer = SFNTWriter(out, len(tables))
        for tag in sorted(tables):
            writer[tag] = tables[tag]
        writer.close()
        return out.getvalue()

    def _record(self, key: Key, ids: dict[Key, int]) -> bytes:
        if key[4:5] == b"\0":
            return key[5:]
        record, components = self.composites[key]
        return _with_ids(record, ((at, ids[component]) for at, component in components))

    def _os2(self, table: bytes) -> bytes:
        """OS/2 with the Unicode ranges and first and last characters of all the subsets."""
        ranges, first, last = 0, 0xFFFF, 0
        for font in self.fonts:
            os2 = font.program.tables["OS/2"]
            ranges |= int.from_bytes(os2[42:58], "big")
            first = min(first, struct.unpack_from(">H", os2, 64)[0])
            last = max(last, struct.unpack_from(">H", os2, 66)[0])
        return table[:42] + ranges.to_bytes(16, "big") + table[58:64] + struct.pack(">HH", first, last) + table[68:]


def _put(table: bytes, offset: int, fmt: str, value: int) -> bytes:
    return table[:offset] + struct.pack(fmt, value) + table[offset + struct.calcsize(fmt) :]


_GLYPH_IDS = TTFont()
_GLYPH_IDS.setGlyphOrder(["glyph00000"])
"""A font with no glyphs but the first: fontTools then names glyph n "glyph%05d" and reads the
number back from the name, so it writes a cmap of glyph ids."""


def _write_cmap(cmap: dict[int, int]) -> bytes:
    """A cmap like harfbuzz-subset's: format 4 for the BMP, and format 12 if anything lies beyond."""
    names = {code: f"glyph{gid:05d}" for code, gid in sorted(cmap.items())}
    bmp = {code: name for code, name in names.items() if code <= 0xFFFF}
    wanted = [(0, 3, 4, bmp), (3, 1, 4, bmp)]
    if len(bmp) < len(names):
        wanted += [(0, 4, 12, names), (3, 10, 12, names)]
    table = table__c_m_a_p()
    table.tableVersion = 0
    table.tables = []
    for platform, encoding, kind, mapping in wanted:
        subtable = CmapSubtable.newSubtable(kind)
        subtable.platformID, subtable.platEncID, subtable.language, subtable.cmap = platform, encoding, 0, mapping
        table.tables.append(subtable)
    return table.compile(_GLYPH_IDS)


def _merge_programs(fonts) -> list[_Merged]:
    """The fonts grouped by the font file their subsets come from, each group's glyphs merged."""
    groups: list[_Merged] = []
    for font in fonts:
        group = next((group for group in groups if group.accepts(font.program)), None)
        if group is None:
            groups.append(group := _Merged(font.program))
        group.add(font)
    return groups


# Sharing font dictionaries


@dataclass
class _Sharing:
    """Fonts that can be one font: the same dictionaries, and no glyph drawn or read differently."""

    shape: bytes
    widths: dict[int, bytes] = field(default_factory=dict)
    text: dict[int, bytes] = field(default_factory=dict)
    fonts: list[_Font] = field(default_factory=list)

    def accepts(self, font: _Font) -> bool:
        return font.shape == self.shape and _agree(self.widths, font.widths) and _agree(self.text, font.text)


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
