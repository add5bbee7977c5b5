"""The exam sheet's QR code: vector in the PDF, and a real scanner reads back what it holds."""

from __future__ import annotations

import io
import itertools
import re

import pdfplumber
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.graphics.barcode.qr import QrCodeWidget

from booklet.qr import QUIET_MODULES, outlines, payload, qr_svg

zxingcpp = pytest.importorskip("zxingcpp", reason="the QR decoder is a test dependency (pip install '.[test]')")


def test_payload_names_exam_variant_and_seed():
    assert (
        payload("industrialisation-bzhb", "Б-7K2Q", 2026)
        == "booklet:exam=industrialisation-bzhb;variant=Б-7K2Q;seed=2026"
    )


def test_the_code_is_drawn_as_vectors_and_scans_back(renderer, tmp_path):
    text = payload("industrialisation-bzhb", "Б-7K2Q", 2026)
    html = f"<html lang='kk'><body><p>Нұсқа Б</p>{qr_svg(text, 'qr1')}</body></html>"
    result = renderer.render(html, tmp_path, "qr.pdf")
    assert result.warnings == ()
    with pdfplumber.open(io.BytesIO(result.pdf)) as pdf:
        page = pdf.pages[0]
        assert not page.images, "the QR code is vector paths, not a picture"
        assert len(page.rects) + len(page.curves) > 50, "the modules' outlines"
        image = page.to_image(resolution=200).original
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [text]


def test_the_same_text_gives_the_same_svg():
    assert qr_svg("booklet:exam=a;variant=A;seed=1", "q") == qr_svg("booklet:exam=a;variant=A;seed=1", "q")
    assert qr_svg("booklet:exam=a;variant=A;seed=1", "q") != qr_svg("booklet:exam=a;variant=B;seed=1", "q")


def _filled(path: str, size: int, offset: int) -> list[list[bool]]:
    """The cells of a `size`-square grid whose centres the path fills (nonzero rule, as SVG
    and PDF fill): for each centre, the winding of the outline's vertical edges to its right."""
    edges = []
    for subpath in re.findall(r"M[^M]+", path):
        x, y = map(int, re.match(r"M(-?\d+) (-?\d+)", subpath).groups())
        start = x, y
        for command, value in re.findall(r"([hv])(-?\d+)", subpath):
            if command == "h":
                x += int(value)
            else:
                edges.append((x, y, y + int(value)))
                y += int(value)
        if x == start[0] and y != start[1]:  # `z` closes the loop with a straight line
            edges.append((x, y, start[1]))
        else:
            assert y == start[1], "a loop closes along a vertical edge or a horizontal one"
    return [
        [
            sum(
                1 if y1 > y0 else -1
                for x, y0, y1 in edges
                if x > column + offset + 0.5 and min(y0, y1) < row + offset + 0.5 < max(y0, y1)
            )
            != 0
            for column in range(size)
        ]
        for row in range(size)
    ]


def _path(loops: list[list[tuple[int, int]]]) -> str:
    return "".join(
        f"M{loop[0][0]} {loop[0][1]}"
        + "".join(f"h{b[0] - a[0]}" if a[1] == b[1] else f"v{b[1] - a[1]}" for a, b in itertools.pairwise(loop))
        + "z"
        for loop in loops
    )


@given(
    st.integers(1, 8).flatmap(
        lambda n: st.lists(st.lists(st.booleans(), min_size=n, max_size=n), min_size=n, max_size=n)
    )
)
def test_the_outlines_fill_exactly_the_dark_cells(cells):
    """Any pattern, holes and cells touching at a corner included: the outlines fill the dark
    cells and nothing else, each loop turning only at its corners."""
    loops = outlines(cells)
    assert _filled(_path(loops), len(cells), 0) == cells
    for loop in loops:
        for a, b, c in zip(loop, loop[1:] + loop[:1], loop[2:] + loop[:2], strict=True):
            assert (a[0] == b[0]) != (b[0] == c[0]), "every point is a turn"


def test_a_pupils_code_is_the_outlines_of_its_modules():
    text = payload("industrialisation-bjb", "LCAN", 2026, 0, 12)
    svg = str(qr_svg(text, "q"))
    path = re.search(r' d="([^"]+)"', svg).group(1)
    widget = QrCodeWidget(text, barLevel="M", barBorder=QUIET_MODULES)
    widget.qr.make()
    modules = [[bool(cell) for cell in row] for row in widget.qr.modules]
    assert _filled(path, len(modules), QUIET_MODULES) == modules
    assert len(re.findall(r"-?\d+", path)) < 1200, "fewer numbers than a rectangle per run (1,830)"
