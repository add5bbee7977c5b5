"""SVG drawings: well-formed, bounded, and drawing only what is inside the file.

The SVG is streamed through expat (no DTD or entities read, nothing fetched), stopping at the
first element past `MAX_SVG_ELEMENTS` or `MAX_SVG_DEPTH`; `<use>` counts as what it repeats.
Anything that reaches outside the file is refused by name: a link or `url(...)` to another file
or URL, `@import`, `@font-face`, `xml:base` and `<foreignObject>` (HTML, which WeasyPrint does
not draw). Pictures embedded as `data:image/png` or `data:image/jpeg` are checked like figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

import tinycss2

from .pictures import MEGABYTE, PICTURE_MEDIA_TYPES, data_url_picture, described, picture_problem, sniff

MAX_SVG_BYTES = 5 * MEGABYTE
"""Largest SVG file. A diagram is tens of kilobytes; WeasyPrint draws about 1 MB of path data
a second, so 5 MB keeps the worst accepted drawing to a few seconds."""

MAX_SVG_ELEMENTS = 20_000
"""Most elements an SVG may draw, counting each `<use>` as the elements it repeats.
WeasyPrint lays out 20,000 simple shapes in about 3 seconds; an SVG past this is usually a
traced photo or a map that would print better as PNG."""

MAX_SVG_DEPTH = 100
"""Deepest nesting of SVG elements (groups in groups, and `<use>` inside what a `<use>`
repeats). Exported drawings nest a dozen levels; WeasyPrint draws recursively and silently
gives up on a drawing about 1,000 levels deep."""

_SVG_NS = "http://www.w3.org/2000/svg"

_XLINK_NS = "http://www.w3.org/1999/xlink"

_XML_NS = "http://www.w3.org/XML/1998/namespace"

_HREFS = ("href", f"{_XLINK_NS} href")

_URL = re.compile(r"url\(\s*([^)]*)", re.IGNORECASE)

_FRAGMENT = re.compile(r"#[^\s'\"()\\]*")


def svg_problem(data: bytes) -> str | None:
    """Why `data` is not an SVG drawing booklet will print, or None when it is."""
    kind = sniff(data)
    if kind in ("PNG", "JPEG"):
        return f"not an SVG drawing: the file is a {kind} picture (rename it to .{'jpg' if kind == 'JPEG' else 'png'})"
    if kind == "a compressed file":
        return "not an SVG drawing: the file is compressed (.svgz) (save it again as plain SVG)"
    if kind not in ("an SVG drawing", "a web page", "XML"):
        return f"not an SVG drawing: {described(kind)} (save the drawing again as SVG)"
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


def _shown(reference: str) -> str:
    """A reference short enough to print in a message."""
    return reference if len(reference) <= 80 else reference[:60] + "…" + reference[-12:]
