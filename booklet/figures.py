"""Whether a figure file is a picture booklet can print: decoded and bounded before layout.

WeasyPrint leaves out an image it cannot decode and draws on; a teacher would get a handout
without its picture and no word. So every figure is opened here when the lesson is loaded,
and a file that is not a readable PNG, JPEG or SVG (or is too large to be reasonable) is
reported at the `src` line that names it.

What is checked, in order, so that nothing large is decoded before it is measured:

- the file's size, against `MAX_PICTURE_BYTES` or `MAX_SVG_BYTES`;
- its first bytes: a `.png`/`.jpg`/`.jpeg` file must hold a PNG or JPEG picture (either one:
  Pillow decodes both the same way, so a JPEG saved as `.png` prints correctly and is
  accepted), and an `.svg` file must hold XML text, not a picture or anything else;
- for a picture, its width and height as the header states them, against `MAX_PIXELS`, and
  only then a full decode with truncated files treated as errors;
- for an SVG, a streaming parse (expat, no DTD or entities read, nothing fetched) that stops
  at the first element past `MAX_SVG_ELEMENTS` or `MAX_SVG_DEPTH`, and refuses anything that
  reaches outside the file: a link or `url(...)` to another file or URL, `@import`,
  `@font-face`, `xml:base` and `<foreignObject>` (HTML, which WeasyPrint does not draw).
  Pictures embedded as `data:image/png` or `data:image/jpeg` are checked like figures.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote_to_bytes
from xml.parsers import expat

import tinycss2
from PIL import Image, ImageFile

MEGABYTE = 1024 * 1024

MAX_PICTURE_BYTES = 20 * MEGABYTE
"""Largest PNG or JPEG file: a full-page photo at print resolution is 2–8 MB, so 20 MB only
turns away files nobody meant to print (camera RAW exports, uncompressed scans)."""

MAX_SVG_BYTES = 5 * MEGABYTE
"""Largest SVG file. A diagram is tens of kilobytes; WeasyPrint draws about 1 MB of path data
a second, so 5 MB keeps the worst accepted drawing to a few seconds."""

MAX_PIXELS = 40_000_000
"""Most pixels in a PNG or JPEG (e.g. 8000 × 5000), read from its header before decoding.
A picture across an A4 text column at 300 dpi needs about 2000 pixels across, 4 megapixels;
40 allows any phone photo and bounds the memory of a decode to about 160 MB."""

MAX_SVG_ELEMENTS = 20_000
"""Most elements an SVG may draw, counting each `<use>` as the elements it repeats.
WeasyPrint lays out 20,000 simple shapes in about 3 seconds; an SVG past this is usually a
traced photo or a map that would print better as PNG."""

MAX_SVG_DEPTH = 100
"""Deepest nesting of SVG elements (groups in groups, and `<use>` inside what a `<use>`
repeats). Exported drawings nest a dozen levels; WeasyPrint draws recursively and silently
gives up on a drawing about 1,000 levels deep."""

PICTURE_MEDIA_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/jpg": "JPEG"}
"""The `data:` media types an SVG may embed a picture as (and the fetcher serves)."""

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_XML_NS = "http://www.w3.org/XML/1998/namespace"
_HREFS = ("href", f"{_XLINK_NS} href")
_SUFFIX_FORMAT = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".svg": "SVG"}
_URL = re.compile(r"url\(\s*([^)]*)", re.IGNORECASE)
_FRAGMENT = re.compile(r"#[^\s'\"()\\]*")
_RESIZE = "scale it down: 2,000 pixels across is plenty for a printed page"


def figure_problem(path: Path) -> str | None:
    """Why the picture at `path` cannot be printed, or None when it can."""
    expected = _SUFFIX_FORMAT.get(path.suffix.lower(), "PNG")
    try:
        size = path.stat().st_size
        limit = MAX_SVG_BYTES if expected == "SVG" else MAX_PICTURE_BYTES
        if size == 0:
            return "the file is empty (save the picture again)"
        if size > limit:
            hint = "simplify the drawing, or save it as PNG" if expected == "SVG" else _RESIZE
            kind = "an SVG" if expected == "SVG" else "a PNG or JPEG"
            return f"the file is {_megabytes(size)}; {kind} figure may be at most {_megabytes(limit)} ({hint})"
        data = path.read_bytes()
    except OSError as error:
        return f"cannot read the file: {error.strerror or error}"
    if expected == "SVG":
        return svg_problem(data)
    return picture_problem(data, expected)


def picture_problem(data: bytes, expected: str = "PNG") -> str | None:
    """Why `data` is not a printable PNG or JPEG picture (named as an `expected` one), or None."""
    kind = _sniff(data)
    if kind not in ("PNG", "JPEG"):
        if kind == "an SVG drawing":
            return f"not a {expected} picture: the file is an SVG drawing (rename it to .svg)"
        if kind == "a web page":
            return f"not a {expected} picture: the file is a web page (save the picture itself as {expected})"
        return f"not a {expected} picture: {_described(kind)} (save the picture again as {expected})"
    dimensions = _png_size(data) if kind == "PNG" else _jpeg_size(data)
    if dimensions is not None and (problem := _size_problem(*dimensions)):
        return problem
    try:
        with warnings.catch_warnings(), _strict_decoding():
            warnings.simplefilter("ignore")  # metadata chatter; errors raise
            with Image.open(BytesIO(data), formats=[kind]) as image:  # reads the header only
                if problem := _size_problem(*image.size):
                    return problem
                image.load()
    except Image.DecompressionBombError:
        return f"the picture has more than {MAX_PIXELS // 1_000_000} megapixels ({_RESIZE})"
    except Exception as error:  # any failure to decode untrusted bytes is the file's fault
        if "truncated" in str(error).lower() or isinstance(error, EOFError):
            return f"the {kind} picture is damaged: the file is cut short (save or download it again)"
        if isinstance(error, Image.UnidentifiedImageError):
            reason = "its header is damaged"
        else:  # Pillow's words, without the addresses of Python objects
            reason = re.sub(r"\s*<[^>]* at 0x[0-9a-f]+>", "", str(error)).strip() or type(error).__name__
        return f"the {kind} picture is damaged and cannot be decoded: {reason} (save it again from the original)"
    return None


def svg_problem(data: bytes) -> str | None:
    """Why `data` is not an SVG drawing booklet will print, or None when it is."""
    kind = _sniff(data)
    if kind in ("PNG", "JPEG"):
        return f"not an SVG drawing: the file is a {kind} picture (rename it to .{'jpg' if kind == 'JPEG' else 'png'})"
    if kind == "a compressed file":
        return "not an SVG drawing: the file is compressed (.svgz) (save it again as plain SVG)"
    if kind not in ("an SVG drawing", "a web page", "XML"):
        return f"not an SVG drawing: {_described(kind)} (save the drawing again as SVG)"
    scan = _SvgScan()
    try:
        scan.parse(data)
        scan.finish()
    except _Refused as refusal:
        return refusal.message
    except expat.ExpatError as error:
        reason = expat.ErrorString(error.code)
        return (
            f"the SVG is not well-formed XML: {reason} at its line {error.lineno}, column {error.offset + 1}"
            " (open it in a drawing program and save it again)"
        )
    return None


def data_url_picture(url: str) -> tuple[str, bytes]:
    """The media type and bytes of a `data:` URL; ValueError if it is not one that decodes."""
    head, comma, payload = url.partition(",")
    if not head.lower().startswith("data:") or not comma:
        raise ValueError("not a data: URL")
    params = [part.strip() for part in head[5:].split(";")]
    media = params[0].lower() or "text/plain"
    if "base64" in (p.lower() for p in params[1:]):
        try:
            return media, base64.b64decode(re.sub(r"\s+", "", unquote_to_bytes(payload).decode("ascii")), validate=True)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise ValueError("its base64 text is damaged") from None
    return media, unquote_to_bytes(payload)


class _Refused(Exception):
    """Stops the SVG parse: `message` says what is wrong."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class _SvgScan:
    """Streams an SVG through expat, refusing what booklet will not print as soon as it is seen,
    and keeps just enough of the tree (children, ids, `<use>` targets) to bound what is drawn."""

    parser: expat.XMLParserType = field(init=False)
    depth: int = 0
    stack: list[int] = field(default_factory=list)
    children: list[list[int]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)
    uses: dict[int, str] = field(default_factory=dict)
    fragments: list[tuple[str, int]] = field(default_factory=list)
    style: list[str] | None = None
    """The text of the `<style>` element being read, if any."""
    style_element: int = -1
    style_line: int = 0

    def parse(self, data: bytes) -> None:
        self.parser = parser = expat.ParserCreate(namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._entity
        parser.SkippedEntityHandler = self._skipped_entity
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.Parse(data, True)

    @property
    def line(self) -> int:
        return self.parser.CurrentLineNumber

    def _doctype(self, name: str, system_id: str | None, public_id: str | None, has_internal_subset: int) -> None:
        # A bare <!DOCTYPE svg PUBLIC ...> (Inkscape, older Illustrator) is harmless: nothing
        # reads the DTD it names. One with [ ... ] declares entities, the way XML bombs work.
        if has_internal_subset:
            raise _Refused(
                f"the SVG declares entities or a document type of its own (<!DOCTYPE {name} [ … ]> at its line"
                f" {self.line}), which booklet does not read (save it again as plain SVG)"
            )

    def _entity(self, name: str, *_: object) -> None:
        raise _Refused(
            f"the SVG declares the entity {name} at its line {self.line}, which booklet does not read"
            " (save it again as plain SVG)"
        )

    def _skipped_entity(self, name: str, is_parameter_entity: int) -> None:
        raise _Refused(
            f"the SVG uses the entity &{name}; at its line {self.line}, which it does not define"
            " (write the character itself)"
        )

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, _, tag = name.rpartition(" ")
        line = self.line
        index = len(self.lines)
        if index == 0 and (tag != "svg" or namespace not in ("", _SVG_NS)):
            raise _Refused(
                f"not an SVG drawing: its first element is <{tag}>, not <svg> (save the drawing again as SVG)"
            )
        if index >= MAX_SVG_ELEMENTS:
            raise _Refused(
                f"the SVG has more than {MAX_SVG_ELEMENTS:,} elements (simplify the drawing, or save it as PNG)"
            )
        self.depth += 1
        if self.depth > MAX_SVG_DEPTH:
            raise _Refused(
                f"the SVG nests its elements more than {MAX_SVG_DEPTH} deep (at its line {line})"
                " (ungroup the drawing, or save it as PNG)"
            )
        if tag == "foreignObject":
            raise _Refused(
                f"the SVG holds HTML (<foreignObject> at its line {line}), which cannot be printed"
                " (export the drawing again with its text as SVG text)"
            )
        self.lines.append(line)
        self.children.append([])
        if self.stack:
            self.children[self.stack[-1]].append(index)
        self.stack.append(index)
        if (element_id := attributes.get("id")) is not None:
            self.ids.setdefault(element_id, index)
        for key, value in attributes.items():
            if key in _HREFS:
                self._href(tag, value, index)
            elif key == f"{_XML_NS} base":
                raise _Refused(
                    f"the SVG sets xml:base at its line {line}, which points its links elsewhere (remove it)"
                )
            elif " " not in key and _may_name_an_address(value):
                self._css(value, line, declarations=key == "style")  # the CSS parser's verdict
        if tag == "style":
            self.style, self.style_element, self.style_line = [], index, line

    def _end(self, name: str) -> None:
        self.depth -= 1
        if self.stack.pop() == self.style_element and self.style is not None:
            self._css("".join(self.style), self.style_line, declarations=None)
            self.style = None

    def _text(self, text: str) -> None:
        if self.style is not None:
            if not self.style:  # token lines count from the start of the element's text
                self.style_line = self.line
            self.style.append(text)

    def _href(self, tag: str, value: str, index: int) -> None:
        """What WeasyPrint would fetch or look up for this link; anything outside the file is refused."""
        target = re.sub(r"[\t\n\r]", "", value.strip(" \t\n\f\r"))
        line = self.lines[index]
        if not target or tag == "a":  # a link is printed as its text and never followed
            return
        if target.startswith("#"):
            if tag == "image":
                raise _Refused(
                    f"the SVG's <image> at its line {line} points at {target}, not at a picture"
                    " (embed the picture in the SVG as PNG or JPEG)"
                )
            self.fragments.append((target[1:], line))
            if tag == "use":
                self.uses[index] = target[1:]
            return
        if tag == "image" and target.lower().startswith("data:"):
            self._embedded(target, line)
            return
        raise _Refused(
            f"the SVG asks for {_shown(target)} (its <{tag}> at its line {line}); figures may only draw what is"
            " inside the SVG file itself (embed the picture in the SVG, or give it a figure of its own)"
        )

    def _embedded(self, url: str, line: int) -> None:
        where = f"the picture embedded in the SVG at its line {line}"
        try:
            media, data = data_url_picture(url)
        except ValueError as error:
            raise _Refused(f"{where} cannot be read: {error} (embed it again)") from None
        if media not in PICTURE_MEDIA_TYPES:
            raise _Refused(f"{where} is {media}; an SVG may embed PNG or JPEG pictures only")
        if not data:
            raise _Refused(f"{where} is empty (embed it again)")
        if problem := picture_problem(data, PICTURE_MEDIA_TYPES[media]):
            raise _Refused(f"{where}: {problem}")

    def _css(self, text: str, line: int, declarations: bool | None) -> None:
        """Refuse what CSS in the SVG would load: `url(...)` to anything but `#id`, `@import`,
        `@font-face`. `declarations`: a style attribute (True), another attribute's value
        (False) or a `<style>` element's text (None)."""
        if declarations is None:
            nodes = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
            # @namespace url(http://www.w3.org/2000/svg) names a namespace; nothing is fetched
            nodes = [node for node in nodes if getattr(node, "lower_at_keyword", None) != "namespace"]
        elif declarations:
            nodes = tinycss2.parse_blocks_contents(text, skip_comments=True, skip_whitespace=True)
        else:
            nodes = tinycss2.parse_component_value_list(text, skip_comments=True)
        for node in _css_nodes(nodes):
            here = line + max(getattr(node, "source_line", 1) - 1, 0)
            at_keyword = node.lower_at_keyword if node.type == "at-rule" else None
            if node.type == "at-keyword":  # an at-rule nested where CSS does not expect one
                at_keyword = node.lower_value
            if at_keyword == "import":
                raise _Refused(
                    f"the SVG's stylesheet imports another file (@import at its line {here}); figures may only"
                    " draw what is inside the SVG file itself (copy the styles into the SVG)"
                )
            if at_keyword == "font-face":
                raise _Refused(
                    f"the SVG loads a font of its own (@font-face at its line {here}); text in a figure must use"
                    " Booklet Serif or Booklet Sans (remove the @font-face rule)"
                )
            target = _css_url(node)
            if node.type == "error" and node.kind == "bad-url":
                raise _Refused(
                    f"the SVG has a url(...) that is not valid CSS at its line {here}"
                    " (a figure's url(...) may only name something inside it, as url(#id))"
                )
            if target is not None and not target.strip().startswith("#"):
                raise _Refused(
                    f"the SVG asks for {_shown(target.strip())} (url(...) at its line {here}); figures may only draw"
                    " what is inside the SVG file itself (use colours, or gradients defined in the SVG)"
                )

    def finish(self) -> None:
        """After the parse: every `#id` named exists, and `<use>` neither loops nor repeats the
        drawing past the limits."""
        for fragment, line in self.fragments:
            if fragment not in self.ids:
                raise _Refused(
                    f'the SVG refers to #{fragment} at its line {line}, but has no element with id="{fragment}"'
                    " (save the drawing again)"
                )
        if not self.uses:
            return
        drawn, deepest = self._drawn(0)
        if deepest > MAX_SVG_DEPTH:
            raise _Refused(
                f"the SVG's <use> elements nest its drawing more than {MAX_SVG_DEPTH} deep"
                " (unlink the clones, or save it as PNG)"
            )
        if drawn > MAX_SVG_ELEMENTS:
            raise _Refused(
                f"the SVG's <use> elements repeat its shapes into more than {MAX_SVG_ELEMENTS:,} elements"
                " (simplify the drawing, or save it as PNG)"
            )

    def _drawn(self, root: int) -> tuple[int, int]:
        """How many elements drawing `root` draws, and how deep, following `<use>`; without
        recursion, since a chain of `<use>` may be long. Counts stop growing past the limits."""
        count = [0] * len(self.lines)
        height = [0] * len(self.lines)
        state = [0] * len(self.lines)  # 0 unseen, 1 on the path being explored, 2 done

        def edges(node: int) -> list[int]:
            use = self.uses.get(node)
            return self.children[node] + ([self.ids[use]] if use is not None else [])

        stack: list[tuple[int, Iterator[int]]] = [(root, iter(edges(root)))]
        state[root] = 1
        while stack:
            node, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                stack.pop()
                state[node] = 2
                reached = edges(node)
                count[node] = min(1 + sum(count[c] for c in reached), MAX_SVG_ELEMENTS + 1)
                height[node] = min(1 + max((height[c] for c in reached), default=0), MAX_SVG_DEPTH + 1)
            elif state[child] == 1:
                raise _Refused(
                    f"the SVG's <use> at its line {self.lines[node]} draws #{self.uses[node]} inside itself"
                    " (remove the loop)"
                )
            elif state[child] == 0:
                state[child] = 1
                stack.append((child, iter(edges(child))))
        return count[root], height[root]


def _may_name_an_address(value: str) -> bool:
    """Whether an attribute's value might hold a `url(...)` to something other than `#id`: a
    quick look, so that only such values (or ones with CSS escapes) go through a CSS parser."""
    if "\\" in value:
        return True
    if "url" not in value.lower():
        return False
    return not all(_FRAGMENT.fullmatch(target.strip("'\" \t\n\r\f")) for target in _URL.findall(value))


def _css_nodes(nodes: list) -> Iterator:
    """Every rule, declaration, block and token in `nodes`, depth first."""
    pending = list(reversed(nodes))
    while pending:
        node = pending.pop()
        yield node
        for name in ("prelude", "content", "value", "arguments"):
            if isinstance(inner := getattr(node, name, None), list):
                pending.extend(reversed(inner))


def _css_url(node: object) -> str | None:
    """The address a CSS token loads: `url(x)`, `url("x")`, `src("x")`; None for other tokens."""
    if getattr(node, "type", None) == "url":
        return node.value  # type: ignore[attr-defined]
    if getattr(node, "type", None) == "function" and node.lower_name in ("url", "src"):  # type: ignore[attr-defined]
        strings = [a.value for a in node.arguments if a.type == "string"]  # type: ignore[attr-defined]
        return strings[0] if strings else tinycss2.serialize(node.arguments)  # type: ignore[attr-defined]
    return None


def _sniff(data: bytes) -> str:
    """What the first bytes of `data` say it is: "PNG", "JPEG", or a description."""
    head = data[:512]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    signatures = {
        b"GIF87a": "a GIF picture",
        b"GIF89a": "a GIF picture",
        b"II*\x00": "a TIFF picture",
        b"MM\x00*": "a TIFF picture",
        b"%PDF-": "a PDF document",
        b"PK\x03\x04": "a ZIP archive or an Office document",
        b"\x1f\x8b": "a compressed file",
        b"\xd0\xcf\x11\xe0": "an Office document",
        b"8BPS": "a Photoshop document",
    }
    for signature, kind in signatures.items():
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP picture"
    if head[4:8] == b"ftyp":
        return "an AVIF picture" if head[8:12] in (b"avif", b"avis") else "a HEIC picture (a phone photo format)"
    text = _as_text(head)
    if text is None:
        return "a BMP picture" if head.startswith(b"BM") else "unknown"
    start = text.lstrip().lower()
    if not start.startswith("<"):
        return "text"
    if re.match(r"<!doctype html|<html|<head|<body", start):
        return "a web page"
    if "<svg" in text.lower() or "<svg" in _as_text(data[:65536], strict=False).lower():  # type: ignore[union-attr]
        return "an SVG drawing"
    return "XML"


def _as_text(head: bytes, strict: bool = True) -> str | None:
    """`head` as text if it looks like text (UTF-8 or UTF-16 with its mark), else None."""
    for mark, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(mark):
            return head[len(mark) :].decode(codec, "ignore")
    if b"\x00" in head and strict:
        return None
    text = head.decode("utf-8", "ignore" if not strict else "replace")
    if strict and text.count("\ufffd") > 2:  # allow a character cut at the end
        return None
    return text


def _described(kind: str) -> str:
    if kind == "text":
        return "the file starts with text"
    if kind == "unknown":
        return "the file is not a PNG, JPEG or SVG (its first bytes are not a picture's)"
    if kind == "XML":
        return "the file is XML without an <svg> element"
    return f"the file is {kind}"


def _png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's IHDR chunk, or None if there is none to read."""
    if len(data) >= 24 and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a JPEG's first start-of-frame marker, or None if none comes first."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            at += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header before them
            return None
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if at + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return None


def _size_problem(width: int, height: int) -> str | None:
    if width == 0 or height == 0:
        return f"the picture is {width} × {height} pixels: it has none to print (save it again)"
    if width * height > MAX_PIXELS:
        megapixels = f"{width * height / 1_000_000:,.0f}"
        return (
            f"the picture is {width:,} × {height:,} pixels ({megapixels} megapixels); at most"
            f" {MAX_PIXELS // 1_000_000} megapixels are accepted ({_RESIZE})"
        )
    return None


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Decode with truncated files as errors. WeasyPrint switches Pillow's global
    LOAD_TRUNCATED_IMAGES on when imported (it prints what it can); booklet wants to know."""
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def _megabytes(size: int) -> str:
    """`size` in megabytes, rounded up to a tenth so that a file just past a limit shows as past it."""
    return f"{math.ceil(size * 10 / MEGABYTE) / 10:.1f} MB".replace(".0 MB", " MB")


def _shown(reference: str) -> str:
    """A reference short enough to print in a message."""
    return reference if len(reference) <= 80 else reference[:60] + "…" + reference[-12:]
