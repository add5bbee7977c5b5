"""The PDFs themselves: fonts, Kazakh letters, metadata, bookmarks, determinism, escaping."""

from __future__ import annotations

import io

import pypdf
import pytest

from booklet import ContentError, build, load_lesson
from booklet.fontcheck import FontError
from booklet.kazakh import ALPHABET
from booklet.lesson_build import render_lesson

from .conftest import EVERY_KIND, PdfText, squash, write_lesson

GOOD = EVERY_KIND.read_text(encoding="utf-8")
BUNDLED_FAMILIES = {"Booklet-Serif", "Booklet-Sans", "Booklet-Answer"}


def test_only_bundled_fonts_are_embedded(built):
    for kind, text in built.text.items():
        families = {name.split("-Bold")[0].split("-Italic")[0] for name in text.fonts}
        assert families <= BUNDLED_FAMILIES, kind
    key_fonts = pypdf.PdfReader(io.BytesIO(built.rendered["key"].pdf))
    for page in key_fonts.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor, "every font is embedded"


def _render_one(tmp_path, renderer, text: str, kind: str = "handout"):
    path = write_lesson(tmp_path, text)
    (tmp_path / "figures").mkdir(exist_ok=True)
    (tmp_path / "figures" / "bars.svg").write_bytes((EVERY_KIND.parent / "figures" / "bars.svg").read_bytes())
    return render_lesson(load_lesson(path), tmp_path, [kind], renderer)[kind]


def test_all_42_kazakh_letters_round_trip(tmp_path, renderer):
    alphabet = " ".join(ALPHABET) + "\n\n" + " ".join(ALPHABET.lower())
    text = GOOD.replace("Ірі машиналы өндірісті құру.", "Әліпби " + ALPHABET + " " + ALPHABET.lower())
    pdf = PdfText(_render_one(tmp_path, renderer, text).pdf)
    whole = squash("".join(pdf.pages).replace("-\n", ""))  # the lower-case run is hyphenated
    assert len(ALPHABET) == 42
    assert ALPHABET in whole and ALPHABET.lower() in whole, alphabet


def test_a_character_no_bundled_font_has_is_reported_where_it_was_typed(tmp_path):
    text = GOOD.replace("Ірі машиналы өндірісті құру.", "Ірі машиналы өндірісті құру → 中.")
    with pytest.raises(ContentError) as caught:
        load_lesson(write_lesson(tmp_path, text))
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "→" in row)
    column = text.splitlines()[line - 1].index("→") + 1
    assert [str(problem).split("lesson.yaml:")[1] for problem in caught.value.problems] == [
        f"{line}:{column}: terms.1.definition: the character «→» (U+2192, RIGHTWARDS ARROW) is in no bundled font "
        "(replace it with a character the fonts have, or write it out in words)",
        f"{line}:{column + 2}: terms.1.definition: the character «中» (U+4E2D, CJK UNIFIED IDEOGRAPH-4E2D) is in no "
        "bundled font (replace it with a character the fonts have, or write it out in words)",
    ]


def test_the_render_time_font_check_still_stops_what_the_load_time_check_cannot_see(tmp_path, renderer):
    html = '<html lang="kk"><body><p>Ірі машиналы өндірісті құру → 中.</p></body></html>'
    with pytest.raises(FontError) as caught:
        renderer.render(html, tmp_path, "page.pdf")
    assert "«→» (U+2192)" in str(caught.value) and "«中» (U+4E2D)" in str(caught.value)


def test_template_syntax_and_html_in_content_print_literally(tmp_path, renderer):
    text = GOOD.replace("Ірі машиналы өндірісті құру.", "'{{ 7*7 }} <script>alert(1)</script> {% if 1 %}x{% endif %}'")
    pdf = PdfText(_render_one(tmp_path, renderer, text).pdf)
    whole = "".join(pdf.pages)
    assert "{{ 7*7 }}" in whole and "<script>alert(1)</script>" in whole and "{% if 1 %}x{% endif %}" in whole
    assert "49" not in whole


def test_metadata_and_bookmarks(every_kind):
    reader = pypdf.PdfReader(io.BytesIO(every_kind.rendered["worksheet"].pdf))
    assert reader.metadata.title == "Түрксіб темір жолы – Жұмыс парағы"
    assert reader.metadata.author == "booklet сынақ сабағы"
    assert reader.trailer["/Root"]["/Lang"] == "kk"
    assert reader.metadata.creation_date.date().isoformat() == "2026-09-01"

    def flat(items):
        for item in items:
            yield from flat(item) if isinstance(item, list) else [item.title]

    titles = list(flat(reader.outline))
    assert titles[0] == "Түрксіб темір жолы" and "1-тапсырма" in titles and "8-тапсырма" in titles


def test_same_input_gives_the_same_bytes(tmp_path, every_kind):
    first = build(EVERY_KIND, tmp_path / "a")
    second = build(EVERY_KIND, tmp_path / "b")
    for one, two in zip(first, second, strict=True):
        assert one.path.read_bytes() == two.path.read_bytes(), one.kind
    assert first[3].path.read_bytes() == every_kind.rendered["key"].pdf


def test_pages_are_a4(every_kind):
    reader = pypdf.PdfReader(io.BytesIO(every_kind.rendered["handout"].pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)


def test_handout_holds_every_part_of_the_lesson(every_kind):
    text = squash("".join(every_kind.text["handout"].pages))
    for part in [
        "Оқумақсаттары",
        "Негізгіұғымдар",
        "Индустрияландыру",
        "Тарихитұлғалар",
        "Хронология",
        "Түрксібқұрылысы",
        "Сурет1.",
        "19,8%",
    ]:
        assert part in text
    assert squash("".join(every_kind.text["tables"].pages)).count("Түрксібқұрылысы") == 1


def test_render_emits_no_warnings(built):
    assert all(result.warnings == () for result in built.rendered.values())


def test_weasyprint_has_nothing_to_say(built):
    """Like WeasyPrint's own tests: an unexpected warning is a defect (an ignored CSS property,
    an anchor defined twice, a missing glyph)."""
    assert {kind: result.warnings for kind, result in built.rendered.items() if result.warnings} == {}


def test_handouts_hyphenate_kazakh_only_at_legal_breaks(built):
    """Every line that ends in a hyphen the text does not have is a legal syllable break of
    that word, and nothing kept whole (КСРО, БКП-ның, 1-бесжылдық) is split across lines."""
    import re

    from booklet.hyphenation import break_points, keep_whole

    source = load_lesson(built.path).model_dump_json()
    text = "\n".join(built.text["handout"].pages)
    breaks = re.findall(r"(\w+)-\n(\w+)", text)
    for before, after in breaks:
        if f"{before}-{after}" in source:
            assert not keep_whole(f"{before}-{after}"), f"{before}-{after} is split at its own hyphen"
            continue
        # Table cells interleave in extracted text, so the line's continuation may belong to
        # the next cell: the break must be legal in some word of the lesson starting so.
        words = {w for w in re.findall(r"\w+", source) if w.startswith(before) and len(w) > len(before)}
        assert any(len(before) in break_points(w) for w in words | {before + after}), f"{before}-/{after}"
    if built.path.name != "lesson.yaml":
        assert breaks, "the unit's justified handouts do hyphenate"
