"""A figure booklet cannot print is an error at its `src`, never a handout without the picture.

Each bad file is put in a copy of the every-kind lesson and checked with `booklet check`
(which loads but does not render); one good and one bad lesson go through `booklet build`.
"""

from __future__ import annotations

import base64
import io
import shutil
import struct
import time
import zlib

import pytest
from click.testing import CliRunner
from PIL import Image

from booklet import ContentError, ResourceError, load_lesson
from booklet.cli import main
from booklet.fetcher import LessonFetcher
from booklet.figures import MAX_PICTURE_BYTES, MAX_SVG_ELEMENTS, figure_problem
from booklet.figures import pictures as figures_module
from booklet.render import default_renderer

from .conftest import EVERY_KIND

SVG = 'xmlns="http://www.w3.org/2000/svg"'
XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'


def picture(fmt: str, size: tuple[int, int] = (40, 30), **options) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(out, fmt, **options)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A valid-looking PNG of a few dozen bytes whose header says `width` × `height`."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def svg(body: str, *attributes: str) -> bytes:
    return f'<svg {" ".join((SVG, *attributes))} width="10" height="10">{body}</svg>'.encode()


def lesson_with(tmp_path, name: str, data: bytes):
    """A copy of the every-kind lesson whose figure is `figures/<name>` holding `data`;
    returns the lesson file and where its `src` value is, as "line:column"."""
    folder = tmp_path / "lesson"
    shutil.copytree(EVERY_KIND.parent, folder)
    (folder / "figures" / name).write_bytes(data)
    lesson = folder / "lesson.yaml"
    text = lesson.read_text(encoding="utf-8").replace("src: figures/bars.svg", f"src: figures/{name}")
    lesson.write_text(text, encoding="utf-8")
    number, line = next((n, line) for n, line in enumerate(text.splitlines(), 1) if f"figures/{name}" in line)
    return lesson, f"{number}:{line.index('figures/') + 1}"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


PNG = picture("PNG")
JPEG = picture("JPEG")
NESTED = svg("<g>" * 5000 + "</g>" * 5000)
USE_BOMB = svg(
    '<defs><g id="l0"><rect width="1" height="1"/></g>'
    + "".join(f'<g id="l{k}">' + f'<use href="#l{k - 1}"/>' * 10 + "</g>" for k in range(1, 6))
    + '</defs><use href="#l5"/>'
)

BAD = {
    "text named .png": (
        "notes.png",
        b"These are my notes, not a picture.\n",
        "not a PNG picture: the file starts with text",
    ),
    "empty .png": ("empty.png", b"", "the file is empty (save the picture again)"),
    "empty .svg": ("empty.svg", b"", "the file is empty"),
    "GIF named .png": ("anim.png", picture("GIF"), "not a PNG picture: the file is a GIF picture"),
    "web page named .jpg": (
        "photo.jpg",
        b"<!DOCTYPE html><html><body>403</body></html>",
        "not a JPEG picture: the file is a web page",
    ),
    "PNG named .svg": ("chart.svg", PNG, "not an SVG drawing: the file is a PNG picture (rename it to .png)"),
    "truncated JPEG": ("photo.jpg", JPEG[: len(JPEG) // 2], "the JPEG picture is damaged: the file is cut short"),
    "100000x100000 PNG header": (
        "huge.png",
        png_claiming(100_000, 100_000),
        "the picture is 100,000 × 100,000 pixels (10,000 megapixels); at most 40 megapixels",
    ),
    "unclosed SVG": (
        "bad.svg",
        b"<svg><unclosed>",
        "the SVG is not well-formed XML: no element found at its line 1, column 16",
    ),
    "SVG with an entity declaration": (
        "lol.svg",
        b'<?xml version="1.0"?>\n<!DOCTYPE svg [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;&lol;">\n]>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&lol2;</text></svg>',
        "the SVG declares entities or a document type of its own",
    ),
    "5,000 nested groups": ("deep.svg", NESTED, "the SVG nests its elements more than 100 deep"),
    "too many elements": (
        "many.svg",
        svg('<rect width="1" height="1"/>' * (MAX_SVG_ELEMENTS + 1)),
        "the SVG has more than 20,000 elements",
    ),
    "<use> repeating past the limit": (
        "bomb.svg",
        USE_BOMB,
        "the SVG's <use> elements repeat its shapes into more than 20,000 elements",
    ),
    "<use> inside itself": (
        "loop.svg",
        svg('<g id="a"><rect width="1" height="1"/><use href="#a"/></g>'),
        "the SVG's <use> at its line 1 draws #a inside itself",
    ),
    "image outside the folder": (
        "outside.svg",
        svg('\n<image href="../outside.png" width="10" height="10"/>'),
        "the SVG asks for ../outside.png (its <image> at its line 2); figures may only draw what is inside the SVG file itself",
    ),
    "xlink:href to /etc/passwd": (
        "passwd.svg",
        svg('<image xlink:href="file:///etc/passwd" width="10" height="10"/>', XLINK),
        "the SVG asks for file:///etc/passwd (its <image> at its line 1)",
    ),
    "CSS url() in a style attribute": (
        "styled.svg",
        svg('<rect style="fill:url(http://x/y)" width="5" height="5"/>'),
        "the SVG asks for http://x/y (url(...) at its line 1)",
    ),
    "@import in a <style>": (
        "import.svg",
        svg('<style>\n@import "theme.css";\n</style>'),
        "the SVG's stylesheet imports another file (@import at its line 2)",
    ),
    "@font-face in a <style>": (
        "font.svg",
        svg("<style>@font-face { font-family: X; src: url(x.ttf) }</style>"),
        "the SVG loads a font of its own",
    ),
    "embedded SVG": (
        "nested.svg",
        svg('<image href="data:image/svg+xml;base64,PHN2Zy8+" width="5" height="5"/>'),
        "the picture embedded in the SVG at its line 1 is image/svg+xml; an SVG may embed PNG or JPEG pictures only",
    ),
    "embedded broken PNG": (
        "broken.svg",
        svg(f'<image href="data:image/png;base64,{base64.b64encode(PNG[:60]).decode()}" width="5" height="5"/>'),
        "the picture embedded in the SVG at its line 1: the PNG picture is damaged",
    ),
    "HTML inside the SVG": (
        "html.svg",
        svg('<foreignObject width="5" height="5"><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>'),
        "the SVG holds HTML (<foreignObject> at its line 1)",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_figure_that_cannot_be_printed_is_a_located_error(tmp_path, case):
    name, data, message = BAD[case]
    lesson, at = lesson_with(tmp_path, name, data)
    started = time.perf_counter()
    result = run("check", str(lesson))
    assert time.perf_counter() - started < 2  # refused while reading, not after decoding
    assert result.exit_code == 2, result.output
    assert f"{lesson}:{at}: sections.1.figures.1.src: {message}" in result.output
    assert "Traceback" not in result.output and result.output.count("\n") == 1


def test_pixels_are_counted_before_anything_is_decoded(tmp_path, monkeypatch):
    def no_decoding(*args, **kwargs):
        raise AssertionError("Pillow was asked to open the picture")

    monkeypatch.setattr(figures_module.Image, "open", no_decoding)
    for width, height, megapixels in ((100_000, 100_000, "10,000"), (20_000, 10_000, "200"), (8_000, 5_001, "40")):
        huge = tmp_path / f"{width}.png"
        huge.write_bytes(png_claiming(width, height))
        assert f"{width:,} × {height:,} pixels ({megapixels} megapixels)" in figure_problem(huge)


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path, monkeypatch):
    big = tmp_path / "scan.jpg"
    with big.open("wb") as file:
        file.truncate(MAX_PICTURE_BYTES + 1)  # sparse: nothing is written
    monkeypatch.setattr(type(big), "read_bytes", lambda self: pytest.fail("the file was read"))
    assert (
        figure_problem(big)
        == "the file is 20.1 MB; a PNG or JPEG figure may be at most 20 MB (scale it down: 2,000 pixels across is plenty for a printed page)"
    )


def test_load_lesson_reports_every_bad_figure_at_its_own_src(tmp_path):
    lesson, at = lesson_with(tmp_path, "notes.png", b"not a picture")
    with pytest.raises(ContentError) as caught:
        load_lesson(lesson)
    [problem] = caught.value.problems
    assert (problem.line, problem.column, problem.path) == (*map(int, at.split(":")), "sections.1.figures.1.src")


GOOD = {
    "PNG": ("photo.png", PNG),
    "JPEG": ("photo.jpg", JPEG),
    "JPEG named .png (Pillow reads either)": ("photo2.png", JPEG),
    "the bundled SVG": ("bars-copy.svg", (EVERY_KIND.parent / "figures" / "bars.svg").read_bytes()),
    "SVG with a doctype, a gradient, <use> and an embedded PNG": (
        "rich.svg",
        b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        + svg(
            '<defs><linearGradient id="g"><stop offset="0" stop-color="#000"/></linearGradient>'
            '<rect id="r" width="2" height="2"/></defs>'
            '<style>rect { fill: url(#g) }</style><use xlink:href="#r" x="3"/>'
            f'<image href="data:image/png;base64,{base64.b64encode(PNG).decode()}" width="5" height="5"/>'
            '<a href="https://kk.wikipedia.org"><text font-family="Booklet Sans">Түрксіб</text></a>',
            XLINK,
        ),
    ),
}


@pytest.mark.parametrize("case", GOOD, ids=list(GOOD))
def test_good_figures_pass(tmp_path, case):
    lesson, _ = lesson_with(tmp_path, *GOOD[case])
    result = run("check", str(lesson))
    assert result.exit_code == 0, result.output


def test_build_prints_good_figures_and_refuses_a_bad_one(tmp_path):
    lesson, _ = lesson_with(tmp_path, *GOOD["SVG with a doctype, a gradient, <use> and an embedded PNG"])
    result = run("build", str(lesson), "-o", str(tmp_path / "out"), "--only", "handout")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "every-kind-handout.pdf").stat().st_size > 0

    bad, at = lesson_with(tmp_path / "bad", *BAD["xlink:href to /etc/passwd"][:2])
    result = run("build", str(bad), "-o", str(tmp_path / "bad-out"), "--only", "handout")
    assert result.exit_code == 2, result.output
    assert f"{bad}:{at}: sections.1.figures.1.src: the SVG asks for file:///etc/passwd" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "bad-out").exists()


def test_while_rendering_an_svg_that_reaches_out_is_refused_under_its_own_name(tmp_path):
    """If a page names an SVG the loader never saw, the fetcher makes the same check and
    names the figure, before WeasyPrint can ask for what the SVG names."""
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "map.svg").write_bytes(
        svg('<image xlink:href="file:///etc/hostname" width="5" height="5"/>', XLINK)
    )
    asked = []
    fetcher = LessonFetcher([tmp_path])
    with pytest.raises(ResourceError, match=r"^figure figures/map.svg: the SVG asks for file:///etc/hostname"):
        fetcher.fetch((tmp_path / "figures" / "map.svg").as_uri())
    original = LessonFetcher.fetch
    try:
        LessonFetcher.fetch = lambda self, url, headers=None: asked.append(url) or original(self, url)
        with pytest.raises(ResourceError, match=r"^figure figures/map.svg: the SVG asks for file:///etc/hostname"):
            default_renderer().lay_out('<img src="figures/map.svg">', tmp_path, "handout")
    finally:
        LessonFetcher.fetch = original
    assert not any("hostname" in url for url in asked)


def test_the_fetcher_serves_embedded_pictures_only(tmp_path):
    fetcher = LessonFetcher([tmp_path])
    response = fetcher.fetch("data:image/png;base64," + base64.b64encode(PNG).decode())
    assert response.content_type == "image/png" and response.read() == PNG
    for url in ("data:image/svg+xml;base64,PHN2Zy8+", "data:text/html,<p>x</p>", "data:image/png;base64,%%%"):
        with pytest.raises(ResourceError, match="refused to fetch data:"):
            fetcher.fetch(url)
