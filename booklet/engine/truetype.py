"""The TrueType side of embedding each font face once: the subsets of one font file merged into one.

WeasyPrint subsets each part's fonts separately (weasyprint/pdf/fonts.py), running harfbuzz-subset
twice: keeping the glyphs drawn and their components at their original ids (RETAIN_GIDS), then
keeping ids 0 to the last glyph drawn without RETAIN_GIDS, which moves components lying beyond it
to the ids just after it. So ids up to the last glyph drawn are the original's, a composite glyph
may name its components by other ids in other parts, and the tables but glyf, loca, hmtx, cmap and
a few counts are the original's.

Subsets of one face therefore cannot be merged by glyph id alone, but by glyph content:
`read_program` takes a subset apart into glyphs known by their metrics and records (a composite's
components by their own content, not their ids), `merge_programs` groups the subsets of each font
file, and `Merged.font_file` writes one program from a group, each glyph at its original id and
components known only by their outlines after the last. The PDF side, which fonts draw from which
program, stays in `booklet.engine.fonts`.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Generic, Protocol, TypeVar

from fontTools.ttLib import TTFont
from fontTools.ttLib.sfnt import SFNTWriter
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable, table__c_m_a_p

Key = bytes
"""A glyph as the same in every subset: its metrics and record, its components' keys for their ids."""

_REWRITTEN = {"head": ((8, 12), (50, 52)), "hhea": ((34, 36),), "maxp": ((4, 6),), "OS/2": ((42, 58), (64, 68))}
"""Bytes that subsetting rewrites in tables otherwise the original's: checkSumAdjustment and
indexToLocFormat, numberOfHMetrics, numGlyphs, the Unicode ranges and first and last characters."""

_GLYPH_TABLES = ("glyf", "loca", "hmtx", "cmap")
"""Tables that hold only the glyphs a subset kept, rebuilt from all of them."""


@dataclass
class Program:
    """A TrueType subset from WeasyPrint, taken apart to be merged with others of its font file."""

    tables: dict[str, bytes]
    glyphs: dict[int, Key]
    """The glyphs at their original ids: those drawn, and their components up to the last drawn."""
    composites: dict[Key, tuple[bytes, tuple[tuple[int, Key], ...]]]
    """Each composite glyph met: its record, and where each component's id goes in it."""
    cmap: dict[int, int]
    original: bytes
    """The tables that subsetting copies from the original font file, with what it rewrites blanked."""


def read_program(data: bytes, drawn: frozenset[int]) -> Program | None:
    """The TrueType subset `data` taken apart, `drawn` being the glyph ids its PDF font draws;
    None if its tables cannot be read."""
    try:
        return _taken_apart(data, drawn)
    except (KeyError, IndexError, ValueError, struct.error):
        return None


def _taken_apart(data: bytes, drawn: frozenset[int]) -> Program:
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
    return Program(tables, placed, glyphs.composites, cmap, original)


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


def agree(mine: dict, theirs: dict) -> bool:
    """No key holds different values in the two."""
    common = mine.keys() & theirs.keys()
    return not common or itemgetter(*common)(mine) == itemgetter(*common)(theirs)


class SubsetFont(Protocol):
    """A font drawing from a TrueType subset: what `merge_programs` groups by font file."""

    program: Program


F = TypeVar("F", bound=SubsetFont)


@dataclass
class Merged(Generic[F]):
    """The glyphs of every subset of one font file met so far, and the fonts drawing from them."""

    first: Program
    glyphs: dict[int, Key] = field(default_factory=dict)
    composites: dict[Key, tuple[bytes, tuple[tuple[int, Key], ...]]] = field(default_factory=dict)
    cmap: dict[int, int] = field(default_factory=dict)
    fonts: list[F] = field(default_factory=list)
    programs: set[int] = field(default_factory=set)

    def accepts(self, program: Program) -> bool:
        return id(program) in self.programs or (
            program.original == self.first.original
            and agree(self.glyphs, program.glyphs)
            and agree(self.cmap, program.cmap)
        )

    def add(self, font: F) -> None:
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


def merge_programs(fonts: Iterable[F]) -> list[Merged[F]]:
    """The fonts grouped by the font file their subsets come from, each group's glyphs merged."""
    groups: list[Merged[F]] = []
    for font in fonts:
        group = next((group for group in groups if group.accepts(font.program)), None)
        if group is None:
            groups.append(group := Merged(font.program))
        group.add(font)
    return groups
