"""Pages joined from many parts' PDFs embed each font face once (booklet.engine.fonts), and
still look and read exactly as they did in their parts."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2
import pytest
from fontTools.ttLib import TTFont

from booklet.engine.fonts import embed_fonts_once

PARTS = {
    # Sans Bold, Serif, Serif Bold, Serif Italic and the answer face, Kazakh letters in each.
    "faces": "<h1>Әліппе</h1><p>Қазақ тілі <b>ғылым</b> <i>өнер</i> <span class='answer'>ұлы</span></p>",
    # «й» is «и» and a breve (glyph 714 of PT Serif) that lies past every glyph drawn here, so the
    # subset moves the breve to the id after the last glyph drawn ...
    "breve-moved-near": "<p>ай мен ай</p>",
    # ... and here, with «ә» (490) drawn, to another id.
    "breve-moved-far": (
        "<h2>Үкімет һәм</h2><p>Abc 0123456789 <b><i>қоғам</i></b> қой әні <span class='answer'>ӘҒҚҢӨҰҮҺІ</span></p>"
        "<p style='font-size:7pt'>кішкентай мәтін</p>"
    ),
    # The micro sign and Greek mu are one glyph of PT Serif: each part reads it as what was typed.
    "micro": "<p>5 µм</p>",
    "mu": "<p>μ = 5</p>",
}
ORDER = ["faces", "breve-moved-near", "breve-moved-far", "faces", "micro", "mu"]
"""The parts joined, one twice: the same source pages appended again."""


@pytest.fixture(scope="module")
def parts(renderer, once_per_run) -> dict[str, bytes]:
    def make() -> dict[str, bytes]:
        return {
            name: renderer.render(f"<html lang='kk'><body>{html}</body></html>", Path("."), name).pdf
            for name, html in PARTS.items()
        }

    return once_per_run("fonts-once-parts", make)


def joined(parts: dict[str, bytes], once: bool = True) -> bytes:
    pdf = pikepdf.new()
    opened = {name: pikepdf.open(io.BytesIO(data)) for name, data in parts.items()}
    for name in ORDER:
        pdf.pages.extend(opened[name].pages)
    if once:
        embed_fonts_once(pdf)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


@pytest.fixture(scope="module")
def once(parts) -> bytes:
    return joined(parts)


def source_pages(parts: dict[str, bytes]) -> list[tuple[str, int]]:
    """(part, page) of each page of the join, in order."""
    return [(name, page) for name in ORDER for page in range(len(pikepdf.open(io.BytesIO(parts[name])).pages))]


def font_programs(data: bytes) -> dict[str, set[bytes]]:
    """The distinct font programs embedded for each face (its name without the subset tag)."""
    programs: dict[str, set[bytes]] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                face = str(obj.FontName).split("+", 1)[-1]
                programs.setdefault(face, set()).add(obj.FontFile2.read_bytes())
    return programs


def page_texts(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() for page in pdf.pages]


def page_chars(data: bytes) -> list[list[tuple]]:
    """Each character's text, font, size and place: a reader works them out from /W."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [
            [
                (c["text"], c["fontname"], c["size"], round(c["x0"], 3), round(c["x1"], 3), round(c["top"], 3))
                for c in page.chars
            ]
            for page in pdf.pages
        ]


def test_each_face_is_embedded_once(parts, once):
    naive = font_programs(joined(parts, once=False))
    assert max(len(programs) for programs in naive.values()) > 1, "the parts embed faces several times"
    merged = font_programs(once)
    assert set(merged) == set(naive)
    assert {face: len(programs) for face, programs in merged.items()} == dict.fromkeys(naive, 1)
    with pikepdf.open(io.BytesIO(once)) as pdf:
        streams = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and "/Length1" in obj]
        assert len(streams) == len(naive), "one FontFile2 stream per face"


def test_every_page_reads_as_in_its_part(parts, once):
    texts = {name: page_texts(data) for name, data in parts.items()}
    expected = [texts[name][page] for name, page in source_pages(parts)]
    assert page_texts(once) == expected
    assert "µ" in expected[ORDER.index("micro")] and "μ" in expected[ORDER.index("mu")]


def test_every_character_keeps_its_font_size_and_place(parts, once):
    chars = {name: page_chars(data) for name, data in parts.items()}
    assert page_chars(once) == [chars[name][page] for name, page in source_pages(parts)]


def test_every_page_looks_as_in_its_part(parts, once):
    def pixels(document: pypdfium2.PdfDocument, page: int) -> bytes:
        return document[page].render(scale=100 / 72).to_pil().tobytes()

    sources = {name: pypdfium2.PdfDocument(data) for name, data in parts.items()}
    merged = pypdfium2.PdfDocument(once)
    for number, (name, page) in enumerate(source_pages(parts)):
        assert pixels(merged, number) == pixels(sources[name], page), f"page {number + 1}, from {name}"


def test_the_parts_move_a_component_that_the_join_puts_back(parts):
    """The case `test_every_page_looks_as_in_its_part` must survive: one composite glyph whose
    component has a different id in each part's subset."""

    def breve_id(name: str) -> int:
        with pikepdf.open(io.BytesIO(parts[name])) as pdf:
            font = next(f for f in pdf.pages[0].Resources.Font.values() if str(f.BaseFont).endswith("+Booklet-Serif"))
            program = TTFont(io.BytesIO(font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()))
        short_i = program["glyf"][program.getGlyphName(370)]  # «й» of PT Serif
        return program.getGlyphID(short_i.components[1].glyphName)

    assert breve_id("breve-moved-near") != breve_id("breve-moved-far")


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="needs poppler-utils")
def test_pdffonts_finds_every_font_embedded_subset_and_mapped(once, tmp_path):
    path = tmp_path / "joined.pdf"
    path.write_bytes(once)
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert rows
    for row in rows:
        assert row.split()[-5:-2] == ["yes", "yes", "yes"], row  # emb sub uni


def test_the_join_is_smaller(parts, once):
    assert len(once) < 0.8 * len(joined(parts, once=False))


def test_the_same_pages_give_the_same_bytes(parts, once):
    assert joined(parts) == once
    with pikepdf.open(io.BytesIO(once)) as pdf:
        embed_fonts_once(pdf)  # nothing left to merge: the fonts stay as they are
        again = io.BytesIO()
        pdf.save(again, deterministic_id=True)
    assert again.getvalue() == once


def test_fonts_of_other_kinds_are_left_alone():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    helvetica = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    pdf.pages[0].Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pdf.make_indirect(helvetica)))
    embed_fonts_once(pdf)
    assert pdf.pages[0].Resources.Font.F1.BaseFont == "/Helvetica"
