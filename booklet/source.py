"""Reading a content file: its characters, its YAML structure, and where every node sits.

A teacher's file is read in steps that each report every problem they find with
`file:line:col`, before the next step could trip over it:

1. the bytes: found, readable, UTF-8, no larger than `MAX_FILE_BYTES`;
2. the characters: no control characters pasted from a word processor (YAML's own reader
   would stop at the first with a traceback-shaped message);
3. the structure, from the parser's events (which PyYAML makes without recursion): nesting no
   deeper than `MAX_DEPTH` and, counting every alias as the copy it stands for, no more than
   `MAX_NODES` values, so that a few hundred bytes of aliases cannot expand into billions;
4. the nodes and the data: every plain scalar is read as the text it was written as (or null),
   never as a number, boolean or date. The content model turns text into numbers and dates
   where a field wants one, so `options: [1925, 1927]`, `- [Басталуы, 1927]` and `on:` mean
   what a teacher means, and `grade: yes` is an error instead of grade 1. Explicit tags that
   fail (`!!int тоғыз`), tags whose order depends on the process (`!!set`), keys that are
   lists or maps and duplicate keys are reported at their node.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import BaseResolver

from .engine.record import note_read
from .errors import ContentError, Problem

MAX_FILE_BYTES = 1_000_000
"""A lesson with four long sections is about 30 KB; a megabyte is a book, not a file."""

MAX_DEPTH = 40
"""A lesson nests about eight levels deep (worksheet → exercises → questions → options)."""

MAX_NODES = 200_000
"""Values in a file, every alias counted as a full copy of what it names."""

_NOT_ALLOWED = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""What YAML's reader refuses (control characters, DEL, the C1 controls, U+FFFE and U+FFFF),
and the line breaks YAML knows besides CR and LF (NEL, U+2028, U+2029): pasted from a word
processor, they would move every line number after them and break a line in mid-value."""

_CONTROL_NAMES = {
    "\x00": "a NUL character",
    "\x07": "a bell character",
    "\x08": "a backspace character",
    "\x0b": "a vertical tab (word processors write it for a line break)",
    "\x0c": "a page break (form feed)",
    "\x1b": "an escape character",
    "\x7f": "a delete character",
    "\ufffe": "a byte-order mark read backwards",
    "\uffff": "a non-character",
    "\x85": "a next-line character (NEL)",
    "\u2028": "a line separator pasted from a word processor",
    "\u2029": "a paragraph separator pasted from a word processor",
}

_REFUSED_TAGS = {
    "tag:yaml.org,2002:set": "a !!set has no order, so it would print differently from run to run; write a list",
    "tag:yaml.org,2002:omap": "booklet files use plain mappings; remove the !!omap tag",
    "tag:yaml.org,2002:pairs": "booklet files use plain lists; remove the !!pairs tag",
    "tag:yaml.org,2002:binary": "booklet files hold text; put pictures beside the file and name them in `src`",
}

_TAG_WORDS = {
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true or false",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:null": "empty",
}


@dataclass(frozen=True)
class Content:
    """A content file as read: its data, the nodes it came from, and the problems found in them."""

    path: Path
    data: Any
    root: yaml.Node | None
    problems: list[Problem]
    """Problems at single nodes (a failed tag, a list as a key, a duplicate key): the data holds
    None or leaves the pair out there, so validation can go on and report the rest too."""


def read_content(path: Path, text: str | None = None) -> Content:
    """Parse `path` safely, or raise ContentError listing every problem of the first step that
    finds any; problems at single nodes are returned with the data. Given `text`, that is
    parsed as if it were the file's (the studio checks what is typed before it is saved)."""
    text = read_text(path) if text is None else text
    if problems := list(control_characters(path, text)):
        raise ContentError(problems)
    try:
        events = _bounded_events(path, text)
        loader = _ContentLoader(events, path)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        raise ContentError([_syntax_problem(path, error)]) from None
    return Content(path, data, root, loader.problems)


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """The data and root node of `path`, or ContentError listing every problem found reading it."""
    content = read_content(path)
    if content.problems:
        raise ContentError(content.problems)
    return content.data, content.root


def read_text(path: Path) -> str:
    """The UTF-8 text of `path`, or ContentError saying why it cannot be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ContentError([Problem(path, 1, 1, "", "file not found")]) from None
    except IsADirectoryError:
        raise ContentError([Problem(path, 1, 1, "", "this is a folder, not a file", "name a .yaml file")]) from None
    except OSError as error:  # a symbolic link loop, a permission, a broken disk
        raise ContentError([Problem(path, 1, 1, "", f"cannot read the file: {error.strerror}")]) from None
    note_read(path, data)
    if len(data) > MAX_FILE_BYTES:
        message = f"the file is {len(data):,} bytes; booklet reads files up to {MAX_FILE_BYTES:,}"
        raise ContentError([Problem(path, 1, 1, "", message, "split it into several lessons")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ContentError(
            [Problem(path, line, 1, "", f"not UTF-8 text ({error.reason})", "save the file as UTF-8")]
        ) from None


def control_characters(path: Path, text: str, limit: int = 20) -> Iterator[Problem]:
    """Every character YAML may not hold (the first `limit` of them), where it is."""
    for count, match in enumerate(_NOT_ALLOWED.finditer(text)):
        if count == limit:
            return
        line, column = line_and_column(text, match.start())
        message = f"{character_name(match.group())} cannot be in the file"
        yield Problem(path, line, column, "", message, "delete it; press Enter for a new line")


def character_name(character: str) -> str:
    """«a vertical tab …», «the character “⁂” (U+2042, ASTERISM)»: a character as a message names it."""
    if character in _CONTROL_NAMES:
        return f"U+{ord(character):04X}, {_CONTROL_NAMES[character]},"
    name = unicodedata.name(character, "")
    if unicodedata.category(character)[0] == "C" or not name:
        return f"the control character U+{ord(character):04X}" + (f" ({name})" if name else "")
    return f"the character «{character}» (U+{ord(character):04X}, {name})"


def line_and_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of `text[index]`, counted in characters as YAML's marks are, with
    CR LF, CR and LF each ending a line (the other breaks YAML knows are refused up front)."""
    breaks = list(_LINE_BREAK.finditer(text, 0, index))
    return len(breaks) + 1, index - (breaks[-1].end() if breaks else 0) + 1


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def position_in(node: yaml.Node, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """Where the `occurrence`-th `needle` stands inside a scalar's source text, as (line, column);
    the node's own position when it cannot be found (an escape in a quoted string)."""
    mark, end = node.start_mark, node.end_mark
    buffer = mark.buffer or ""
    at = mark.index
    for _ in range(occurrence + 1):
        at = buffer.find(needle, at, end.index) if at >= 0 else -1
        if at < 0:
            return mark.line + 1, mark.column + 1
        found, at = at, at + len(needle)
    return line_and_column(buffer, found)


def position(node: yaml.Node) -> tuple[int, int]:
    """1-based line and column where `node` starts."""
    return node.start_mark.line + 1, node.start_mark.column + 1


def _syntax_problem(path: Path, error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    message = error.problem or str(error)
    hint = f"{error.context} on line {error.context_mark.line + 1}" if error.context and error.context_mark else None
    return Problem(path, line, column, "", f"YAML syntax: {message}", hint)


def _bounded_events(path: Path, text: str) -> list[yaml.Event]:
    """The parser's events for `text`, refused past `MAX_DEPTH` or `MAX_NODES` before any are composed."""
    events: list[yaml.Event] = []
    open_: list[list[Any]] = []  # [values so far, deepest nesting below, anchor] of every open collection
    anchored: dict[str, tuple[int, int]] = {}  # what each anchor expands to: (values, nesting)
    for event in _parsed(path, text, events, open_):
        event.start_mark, event.end_mark = _marked(event.start_mark, text), _marked(event.end_mark, text)
        events.append(event)
        value: tuple[int, int] | None = None
        if isinstance(event, yaml.CollectionStartEvent):
            open_.append([1, 0, event.anchor])
        elif isinstance(event, yaml.CollectionEndEvent):
            size, below, anchor = open_.pop()
            value = (size, below + 1)
            if anchor:
                anchored[anchor] = value
        elif isinstance(event, yaml.ScalarEvent):
            value = (1, 0)
            if event.anchor:
                anchored[event.anchor] = value
        elif isinstance(event, yaml.AliasEvent):
            if any(entry[2] == event.anchor for entry in open_):
                _refuse(
                    path, event, f"the alias *{event.anchor} stands inside the value it names", "it would never end"
                )
            value = anchored.get(event.anchor, (1, 0))
        nesting = len(open_) + (value[1] if value else 0)
        if nesting > MAX_DEPTH:
            _refuse(path, event, f"the file nests more than {MAX_DEPTH} levels deep", "nothing in a lesson does")
        if value is not None and open_:
            open_[-1][0] += value[0]
            open_[-1][1] = max(open_[-1][1], value[1])
            if sum(entry[0] for entry in open_) > MAX_NODES:
                message = f"the file stands for more than {MAX_NODES:,} values once its aliases (*name) are expanded"
                _refuse(path, event, message, "write the content out instead of repeating aliases")
    return events


def _parsed(path: Path, text: str, events: list[yaml.Event], open_: list) -> Iterator[yaml.Event]:
    """The parser's events. libyaml (from PyYAML 6.0.4) refuses flow collections nested past
    its own limit while it scans ahead, before booklet sees the events that reach `MAX_DEPTH`:
    that is said as booklet says it, where the nesting passes `MAX_DEPTH`."""
    try:
        yield from yaml.parse(text, Loader=_PARSER)
    except yaml.MarkedYAMLError as error:
        if "nesting depth" not in (error.problem or ""):
            raise
        start = events[-1].end_mark.index if events else 0
        depth, place = len(open_), start
        for place in range(start, len(text)):
            depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(text[place], 0)
            if depth > MAX_DEPTH:
                break
        mark = yaml.Mark("", place, text.count("\n", 0, place), place - text.rfind("\n", 0, place) - 1, text, place)
        _refuse(
            path,
            yaml.Event(mark, mark),
            f"the file nests more than {MAX_DEPTH} levels deep",
            "nothing in a lesson does",
        )


_PARSER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
"""libyaml's parser where PyYAML has it, about ten times as fast; its marks count characters too."""


def _marked(mark: Any, text: str) -> yaml.Mark:
    """`mark` with the text it points into, which libyaml's marks lack and `position_in` reads."""
    return yaml.Mark(mark.name, mark.index, mark.line, mark.column, text, mark.index)


def _refuse(path: Path, event: yaml.Event, message: str, hint: str) -> None:
    line, column = event.start_mark.line + 1, event.start_mark.column + 1
    raise ContentError([Problem(path, line, column, "", message, hint)])


def _short(tag: str) -> str:
    """`!!int` for `tag:yaml.org,2002:int`, as the file wrote it."""
    return tag.replace("tag:yaml.org,2002:", "!!")


class _TextResolver(BaseResolver):
    """Plain scalars are text, or null when empty or `~`/`null`: never numbers, booleans or dates."""


_TextResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


class _EventComposer(Composer):
    """A composer fed by events already parsed (and bounded) by `_bounded_events`."""

    def __init__(self, events: list[yaml.Event]):
        self._events = events
        self._next = 0
        Composer.__init__(self)

    def check_event(self, *choices: type) -> bool:
        if self._next >= len(self._events):
            return False
        return not choices or isinstance(self._events[self._next], choices)

    def peek_event(self) -> yaml.Event:
        return self._events[self._next]

    def get_event(self) -> yaml.Event:
        self._next += 1
        return self._events[self._next - 1]

    def dispose(self) -> None:
        self._events = []


class _ContentLoader(_EventComposer, SafeConstructor, _TextResolver):
    """Composes and constructs a content file, collecting problems instead of stopping at one."""

    def __init__(self, events: list[yaml.Event], source: Path):
        _EventComposer.__init__(self, events)
        SafeConstructor.__init__(self)
        _TextResolver.__init__(self)
        self.deep_construct = True  # every node is built at once, so a failure is caught at its node
        self.source = source
        self.problems: list[Problem] = []

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node.tag in _REFUSED_TAGS:
            return self._failed(node, _REFUSED_TAGS[node.tag])
        if node.tag not in self.yaml_constructors:
            message = f"the tag {_short(node.tag)} is not allowed: booklet files hold text, lists and mappings"
            return self._failed(node, message)
        try:
            return super().construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as error:
            return self._failed(node, error.problem or str(error))
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            wanted = _TAG_WORDS.get(node.tag, node.tag)
            return self._failed(node, f"{_short(node.tag)} {node.value} cannot be read as {wanted}")

    def _failed(self, node: yaml.Node, message: str) -> None:
        self.recursive_objects.pop(node, None)
        self.constructed_objects[node] = None
        line, column = position(node)
        hint = None if node.tag in _REFUSED_TAGS else f"remove {_short(node.tag)} to keep the text as written"
        self.problems.append(Problem(self.source, line, column, "", message, hint))

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[str, Any]:
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep=True)
        mapping: dict[str, Any] = {}
        first: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            if key is None:
                continue
            if key in first:
                line, column = position(key_node)
                hint = f"first given on line {position(first[key])[0]}"
                self.problems.append(Problem(self.source, line, column, key, "duplicate key", hint))
                continue
            first[key] = key_node
            mapping[key] = self.construct_object(value_node, deep=True)
        return mapping

    def _key(self, node: yaml.Node) -> str | None:
        """The key `node` names, or None (reported) when it is not a plain name."""
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
            return str(self.construct_object(node, deep=True))
        line, column = position(node)
        what = {yaml.SequenceNode: "a list", yaml.MappingNode: "a mapping"}.get(type(node), "an empty or tagged value")
        hint = "a key is a name such as title; quote a key that starts with [ or {"
        self.problems.append(Problem(self.source, line, column, "", f"{what} cannot be a key", hint))
        return None


def string_nodes(
    node: yaml.Node | None, skip: frozenset[str] = frozenset(), loc: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], yaml.ScalarNode]]:
    """Every text value below `node` with its place in the file, leaving out values under `skip` keys."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value not in skip:
                yield from string_nodes(value_node, skip, (*loc, key_node.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from string_nodes(item, skip, (*loc, index))
    elif isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
        yield loc, node
