"""The exam sheet's QR code: vector in the PDF, and a real scanner reads back what it holds."""

from __future__ import annotations

import io

import pdfplumber
import pytest

from booklet.qr import payload, qr_svg

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
        assert len(page.rects) > 100
        image = page.to_image(resolution=200).original
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [text]


def test_the_same_text_gives_the_same_svg():
    assert qr_svg("booklet:exam=a;variant=A;seed=1", "q") == qr_svg("booklet:exam=a;variant=A;seed=1", "q")
    assert qr_svg("booklet:exam=a;variant=A;seed=1", "q") != qr_svg("booklet:exam=a;variant=B;seed=1", "q")
