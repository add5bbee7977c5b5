"""Tagged PDFs (issue 14, point 1): every PDF booklet writes reads to a screen reader.

Each test reads the structure tree back from the PDF (tests/accessibility.py, with pikepdf):
the tags, the language, the alternative texts, the standard claimed, and that every piece of
painted content is either in the tree or an artifact.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pdfplumber
import pikepdf
import pytest

from booklet import build, build_exam, sample_exam, sample_lesson
from booklet.engine.imposition import booklet_sides

from .accessibility import audit
from .conftest import EVERY_KIND
from .test_book import unit_book  # noqa: F401 (the unit's book, built once per run)
from .test_exam_pdf import NAMES, class_set  # noqa: F401 (the class set, built once per run)

# --- the auditor itself fails on what it is there to find ----------------------------------


def test_the_audit_finds_an_untagged_pdf_and_planted_defects(every_kind):
    worksheet = every_kind.rendered["worksheet"].pdf
    assert audit(worksheet).problems == []

    with pikepdf.open(io.BytesIO(worksheet)) as pdf:
        del pdf.Root.StructTreeRoot, pdf.Root.MarkInfo, pdf.Root.Lang
        assert {"no structure tree", "not marked as tagged (/MarkInfo /Marked true)"} <= set(
            audit(_saved(pdf)).problems
        )

    with pikepdf.open(io.BytesIO(worksheet)) as pdf:  # an element cut out of the tree
        document = pdf.Root.StructTreeRoot.K[0]
        document.K = pikepdf.Array(list(document.K)[1:])
        assert any("outside the tree" in problem for problem in audit(_saved(pdf)).problems)

    with pikepdf.open(io.BytesIO(worksheet)) as pdf:  # a line drawn with no tag and no artifact
        page = pdf.pages[0]
        page.contents_add(pdf.make_stream(b"0 0 m 100 100 l S"), prepend=False)
        assert "page 1: S painted outside marked content" in audit(_saved(pdf)).problems

    with pikepdf.open(io.BytesIO(worksheet)) as pdf:  # a figure without its text, a title that differs
        figure = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Figure))
        figure.P = pdf.Root.StructTreeRoot.K[0]
        pdf.Root.StructTreeRoot.K[0].K.append(figure)
        pdf.docinfo["/Title"] = "another title"
        problems = audit(_saved(pdf)).problems
        assert "a figure on page None has no alternative text" in problems
        assert any(problem.startswith("XMP dc:title and document title differ") for problem in problems)


def _saved(pdf: pikepdf.Pdf) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


# --- lessons, the book ---------------------------------------------------------------------


def test_every_printout_is_tagged_in_kazakh_with_headings_tables_and_lists(built):
    for kind, laid in built.rendered.items():
        report = audit(laid.pdf)
        assert report.problems == [], kind
        assert report.lang == "kk"
        assert 'pdfuaid:part="1"' in report.metadata, "claims PDF/UA-1"
        tags = report.tags()
        assert tags["H1"] == 1 and report.tagged_runs > 10, kind
        assert report.artifacts > 0, "the running header and page numbers are artifacts"
        if kind in ("tables", "key"):
            assert tags["Table"] and tags["TH"] and tags["TD"], kind
    handout = audit(built.rendered["handout"].pdf).tags()
    if built.path != EVERY_KIND:
        assert handout["H2"] >= 3 and handout["L"] and handout["LI"] and handout["Lbl"]


def test_header_cells_head_their_columns(built):
    report = audit(built.rendered["tables"].pdf)
    cells = [element for element in report.elements if element.tag == "TD"]
    assert cells and all(len(element.attributes.get("/Headers", [])) >= 1 for element in cells)


def test_figures_and_charts_carry_their_caption_or_their_data(built_lessons, renderer):
    from .conftest import build_once

    report = audit(build_once("great-constructions", built_lessons, renderer).rendered["handout"].pdf)
    alts = report.alts()
    assert len(alts) >= 2 and all(alts)
    chart = next(alt for alt in alts if "–" in alt and ":" in alt)
    assert "1913\u00a0ж. – 1\u00a0есе; Индустрияландыру жылдары – 213\u00a0есе" in chart, "every bar's label and value"
    assert any("Түрксіб" in alt or "Турксиб" in alt for alt in alts), alts


def test_the_running_header_is_not_read_as_the_page(built):
    """The header's strings and «Бет 1 / 2» are artifacts: no element holds them."""
    worksheet = built.rendered["worksheet"].pdf
    with pdfplumber.open(io.BytesIO(worksheet), pages=[1]) as document:
        chars = document.pages[0].chars
    footer = [c for c in chars if c["top"] > float(document.pages[0].height) - 40]
    assert footer and all(c.get("mcid") is None for c in footer), "page number and note are not tagged content"
    body = [c for c in chars if 80 < c["top"] < 700]
    assert body and all(c.get("mcid") is not None for c in body)


def test_latin_pages_say_kk_latn(tmp_path):
    [handout] = build(EVERY_KIND, tmp_path, ["handout"], script="latn")
    report = audit(handout.path.read_bytes())
    assert report.lang == "kk-Latn" and report.problems == []


def test_the_book_is_tagged_with_its_chapters_and_links(unit_book):  # noqa: F811
    report = audit(unit_book.text.data)
    assert report.problems == []
    tags = report.tags()
    assert tags["H1"] >= 4 and tags["Link"] >= 4 and tags["Table"] and tags["Figure"]


# --- exams: bound from parts, names stamped, imposed ---------------------------------------


def test_every_file_of_a_class_set_is_tagged(class_set):  # noqa: F811
    for kind, pdf in class_set.files.items():
        report = audit(pdf.data)
        assert report.problems == [], kind
        assert report.lang == "kk" and report.title
        assert report.tags()["H1"] >= 3, kind


def test_a_pupils_name_is_read_in_the_name_field_of_their_copy(class_set):  # noqa: F811
    """The name is drawn over the shared page, but read inside «Аты-жөні: …», not at the end."""
    sheets = class_set.files["sheets"].data
    report = audit(sheets)
    with pdfplumber.open(io.BytesIO(sheets), pages=[1]) as document:
        chars = document.pages[0].chars
    text = "".join(c["text"] for c in chars)
    name_mcid = chars[text.index(NAMES[0])]["mcid"]
    label_mcid = chars[text.index("Аты-жөні")]["mcid"]

    def holder(stamped: bool) -> int:
        mcid = name_mcid if stamped else label_mcid
        return next(
            i
            for i, element in enumerate(report.elements)
            if any(page == 0 and (form is not None) == stamped and n == mcid for page, form, n in element.text_ids)
        )

    name, line = holder(True), holder(False)  # the name field's Span; the pupil's line, which holds «Аты-жөні:»
    assert report.elements[name].tag == "Span" and report.elements[line].tag == "Div"
    assert report.elements[name].parent == line, "the name is read in the line of its label"
    assert name > line and report.elements[name].text_ids[-1][1] is not None


def test_a_bound_files_tree_is_an_update_that_readers_take_as_qpdf_would_write_it(class_set):  # noqa: F811
    """The bound file's structure is written as text, after pikepdf saved the pages
    (engine/structure.py): qpdf reads the same tree from it as from the file it rewrites
    whole, and the update is what it claims (its cross-reference stream, the previous one)."""
    data = class_set.files["keys"].data
    assert data.count(b"%%EOF") == 2, "the pages, then the tree"
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/Prev" in pdf.trailer and pdf.trailer.Type == "/XRef"
        rewritten = _saved(pdf)
    first, second = audit(data), audit(rewritten)
    assert first.problems == [] and second.problems == []

    def read(report) -> list:  # forms by whether there is one: rewritten, their numbers change
        return [(e.tag, e.parent, [(p, f is not None, n) for p, f, n in e.text_ids]) for e in report.elements]

    assert read(first) == read(second)
    assert len(first.elements) > 300


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (("s", "Аты-жөні (толық)"), pikepdf.String("Аты-жөні (толық)")),
        (("s", r"a (b) \ c"), pikepdf.String(r"a (b) \ c")),
        ("/Table", pikepdf.Name.Table),
        (2, 2),
        (0.5, Decimal("0.5")),
        (True, True),
        ({"O": "/Table", "ColSpan": 2, "Headers": [("s", "63-0-0")]}, None),
        ([1, "/Row", ("s", "x")], pikepdf.Array([1, pikepdf.Name.Row, pikepdf.String("x")])),
    ],
)
def test_structure_attributes_are_written_as_the_pdf_values_they_were(value, expected):
    from booklet.engine.structure import _value

    parsed = pikepdf.Object.parse(_value(value, "p7-").encode())
    if isinstance(value, dict):  # header cells' identifiers get the copy's prefix, as the cells' IDs do
        assert str(parsed.O) == "/Table" and parsed.ColSpan == 2
        assert [str(h) for h in parsed.Headers] == ["p7-63-0-0"]
    elif isinstance(expected, pikepdf.Object):
        assert parsed == expected
    else:
        assert parsed == expected and type(parsed) is type(expected)


def test_imposed_pages_read_in_their_order_not_the_sheets(tmp_path):
    [worksheet] = build(sample_lesson(), tmp_path, ["worksheet"], impose="booklet")
    data = worksheet.path.read_bytes()
    report = audit(data)
    assert report.problems == [] and report.lang == "kk"
    with pikepdf.open(io.BytesIO(data)) as pdf:
        slots = [pdf.pages[i].Resources.XObject.get(f"/Page{s}") for i in range(len(pdf.pages)) for s in (0, 1)]
        pages = [page for side in booklet_sides(range(worksheet.pages * 2)) for page in side]
    form_of_page = {page: slot.objgen for page, slot in zip(pages, slots, strict=True) if slot is not None}
    read = list(dict.fromkeys(form for element in report.elements for _, form, _ in element.text_ids))
    assert read == [form_of_page[page] for page in sorted(form_of_page)]


def test_pdf_a_2b_for_archives_is_tagged_too(tmp_path):
    made = build_exam(sample_exam(), tmp_path, 1, 7, pdf_variant="pdf/a-2b")
    [lesson] = build(EVERY_KIND, tmp_path / "lesson", ["worksheet"], pdf_variant="pdf/a-2b")
    for path in [printout.path for printout in made.printouts] + [lesson.path]:
        report = audit(path.read_bytes())
        assert report.problems == [], path.name
        assert 'pdfaid:part="2"' in report.metadata and 'pdfaid:conformance="B"' in report.metadata
        with pikepdf.open(path) as pdf:
            [intent] = pdf.Root.OutputIntents
            assert intent.S == "/GTS_PDFA1" and "sRGB" in str(intent.OutputConditionIdentifier)
            assert pdf.pdf_version == "1.7"


def test_an_unknown_pdf_variant_is_refused(tmp_path):
    from booklet import BookletError

    with pytest.raises(BookletError, match="unknown PDF variant 'pdf/x-4'; choose from pdf/ua-1"):
        build(EVERY_KIND, tmp_path, ["handout"], pdf_variant="pdf/x-4")
