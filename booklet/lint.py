"""`booklet lint`: the typographic defects of lesson and course files, each at its line and column.

Every string in a YAML file is checked with the rules of `typography`. A position inside a
string is mapped back into the file by walking the scalar's source text beside its value
(plain, quoted, literal and folded scalars alike), so a defect in the fifth line of a `text: |`
block is reported on that line of the file. `fix_file` writes the safe fixes back by editing the
file's text at those positions: comments, quoting and layout stay byte for byte, and an edit is
kept only if the file then loads the same data except for the fixed strings. It returns what it
changed (`Change`), which `booklet lint --fix` prints with `format_change`.
"""

from __future__ import annotations

import bisect
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .defects import Defect
from .source import position as _position
from .source import read_yaml, string_nodes
from .typography import apply_fixes, defects, safe_fixes

Loc = tuple[str | int, ...]
Span = tuple[int, int, bool]
"""Where one character of a scalar's value stands in the file: start, end, and whether the
source there is that very character (False for a line break folded into a space)."""


@dataclass(frozen=True)
class Finding:
    """One defect in a file: where it starts, its code, what is wrong, and the safe fix if any."""

    path: Path
    line: int
    column: int
    code: str
    message: str
    fix: str | None = None
    """The text that replaces the defect when `--fix` runs; None when a person must decide."""
    suggestion: str | None = None
    """What to write instead, shown to the user: `1928-1932 → 1928–1932`, or a hint."""


@dataclass(frozen=True)
class Change:
    """Fixes `--fix` wrote into one place of a file: where, their codes, the words before and after."""

    path: Path
    line: int
    column: int
    codes: tuple[str, ...]
    """One code per fix; fixes whose words touch are reported together (ХІХ-ХХ → XIX–XX)."""
    before: str
    after: str


def format_finding(finding: Finding) -> str:
    """`file:line:col: code: message (suggested fix)`, the way compilers and linters print."""
    text = f"{finding.path}:{finding.line}:{finding.column}: {finding.code}: {finding.message}"
    return f"{text} ({finding.suggestion})" if finding.suggestion else text


def format_change(change: Change) -> str:
    """`file:line:col: code: fixed: 1928-1932 → 1928–1932`, one line per fix written."""
    where = f"{change.path}:{change.line}:{change.column}: {', '.join(change.codes)}"
    return f"{where}: fixed: {_visible(change.before)} → {_visible(change.after)}"


def lint_file(path: str | Path) -> list[Finding]:
    """Every defect in the strings of one YAML file; raises ContentError if it is not valid YAML."""
    path = Path(path)
    source = _Source.read(path)
    findings = [finding for scalar in source.scalars() for finding in scalar.findings(source, path)]
    return sorted(findings, key=lambda f: (f.line, f.column, f.code))


def lint_paths(paths: Iterable[str | Path], fix: bool = False) -> list[Finding]:
    """Lint files, and the .yaml files under folders; with fix=True write the safe fixes first
    (`fix_paths` does that and tells what it changed)."""
    files = yaml_files(paths)
    if fix:
        fix_paths(files)
    return [finding for path in files for finding in lint_file(path)]


def fix_paths(paths: Iterable[str | Path]) -> list[Change]:
    """Write the safe fixes into files, and the .yaml files under folders; every fix written, in order."""
    return [change for path in yaml_files(paths) for change in fix_file(path)]


def yaml_files(paths: Iterable[str | Path]) -> list[Path]:
    """The given files, and every .yaml/.yml file under the given folders, in a stable order."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        else:
            files.append(path)
    return files


def fix_file(path: str | Path) -> list[Change]:
    """Write the safe fixes into the file, keeping everything else byte for byte; returns every
    fix made (none: the file is untouched). Atomic (temporary file, then rename) and idempotent.
    A fix that another uncovers is made too, and reported where it stood at that point."""
    path = Path(path)
    made: list[Change] = []
    for _ in range(4):  # a fix can uncover another, as in normalise
        source = _Source.read(path)
        edits = [edit for scalar in source.scalars() if (edit := scalar.edit(source, path)) is not None]
        text, kept = _checked(source, edits)
        if not kept:
            break
        _write(path, text)
        made += sorted((c for edit in kept for c in edit.changes), key=lambda c: (c.line, c.column))
    return made


# --- where each character of a string stands in the file -------------------------------------------


@dataclass
class _Source:
    text: str
    root: yaml.Node | None
    line_starts: list[int]

    @classmethod
    def read(cls, path: Path) -> _Source:
        read_yaml(path)  # the loader's own errors (syntax, duplicate keys), file:line:col
        with path.open(encoding="utf-8", newline="") as stream:
            text = stream.read()  # line endings as they are, so positions and rewrites match the bytes
        return cls.parse(text)

    @classmethod
    def parse(cls, text: str) -> _Source:
        starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        return cls(text, yaml.compose(text, Loader=yaml.SafeLoader), starts)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def scalars(self) -> Iterator[_Scalar]:
        places: dict[int, list[Loc]] = {}  # a string reached through aliases has several
        nodes = {}
        for loc, node in string_nodes(self.root):
            places.setdefault(id(node), []).append(loc)
            nodes[id(node)] = node
        for key, node in nodes.items():
            yield _Scalar(tuple(places[key]), node, _spans(self.text, node))


@dataclass
class _Scalar:
    locs: tuple[Loc, ...]
    """Where the string is in the data (more than once when aliases repeat it)."""
    node: yaml.ScalarNode
    spans: list[Span] | None
    """None when the value could not be matched to its source (then findings sit at the
    scalar's start and nothing is fixed)."""

    def findings(self, source: _Source, path: Path) -> Iterator[Finding]:
        value = self.node.value
        for defect in defects(value):
            offset = self._offset(defect.start)
            line, column = source.position(offset) if offset is not None else _position(self.node)
            yield Finding(path, line, column, defect.code, defect.message, defect.fix, _suggestion(value, defect))

    def edit(self, source: _Source, path: Path) -> _Edit | None:
        """The safe fixes of this string as edits of the file's text, if any can be made."""
        value = self.node.value
        fixable = [d for d in defects(value) if self._source_range(d) is not None]
        chosen = safe_fixes(fixable)
        if not chosen:
            return None
        replacements = []
        for defect in chosen:
            start, end = self._source_range(defect) or (0, 0)
            replacements.append((start, end, _escaped(defect.fix or "", self.node.style)))
        changes = []
        for group in _touching(value, chosen):
            (left, right), fixed = _window(value, group), apply_fixes(value, group)
            where = source.position(replacements[chosen.index(group[0])][0])
            after = fixed[left : right + len(fixed) - len(value)]  # the text outside the window is as it was
            changes.append(Change(path, *where, tuple(d.code for d in group), value[left:right], after))
        return _Edit(self.locs, replacements, apply_fixes(value, chosen), changes)

    def _offset(self, index: int) -> int | None:
        if not self.spans:
            return None
        return self.spans[index][0] if index < len(self.spans) else self.spans[-1][1]

    def _source_range(self, defect: Defect) -> tuple[int, int] | None:
        """The file range a fix replaces: only characters that stand in the file as they are."""
        if not self.spans:
            return None
        if defect.start == defect.end:
            offset = self._offset(defect.start)
            return (offset, offset) if offset is not None else None
        spans = self.spans[defect.start : defect.end]
        joined = all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
        return (spans[0][0], spans[-1][1]) if joined and all(verbatim for *_, verbatim in spans) else None


def _spans(text: str, node: yaml.ScalarNode) -> list[Span] | None:
    """Walk the scalar's source beside its value: equal characters pair up, indentation and
    folded line breaks are stepped over, quotes' escapes are decoded."""
    start, end, style = node.start_mark.index, node.end_mark.index, node.style
    while (prefix := _ANCHOR_OR_TAG.match(text, start)) is not None:  # &anchor or !tag before the scalar
        start = prefix.end()
    if style in ("'", '"'):
        start, end = start + 1, end - 1
    elif style in ("|", ">"):
        start = text.find("\n", start) + 1  # past the header line (| or >, indicators, a comment)
    spans: list[Span] = []
    at = start
    for ch in node.value:
        while True:
            if at >= end:
                return None
            here = text[at]
            if style == '"' and here == "\\":
                decoded, length = _escape(text, at)
                if decoded == "":  # an escaped line break joins the lines
                    at += length
                    continue
                if decoded != ch:
                    return None
                spans.append((at, at + length, True))
                at += length
            elif here == ch:
                length = 2 if style == "'" and ch == "'" else 1  # '' stands for ' in single quotes
                spans.append((at, at + length, True))
                at += length
            elif ch in " \n" and here in "\r\n":
                spans.append((at, at + 1, False))  # a line break folded into a space
                at += 1
            elif here in " \t\r\n":
                at += 1  # indentation, or white space folding drops
                continue
            else:
                return None
            break
    return spans


_ANCHOR_OR_TAG = re.compile(r"[&!]\S*\s+")
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r"}
_ESCAPES |= {"e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0"}
_ESCAPES |= {"L": "\u2028", "P": "\u2029"}
_HEX = {"x": 2, "u": 4, "U": 8}


def _escape(text: str, at: int) -> tuple[str | None, int]:
    """The character a double-quoted escape stands for and its length; "" for an escaped line break."""
    code = text[at + 1 : at + 2]
    if code in _HEX:
        digits = text[at + 2 : at + 2 + _HEX[code]]
        return chr(int(digits, 16)), 2 + len(digits)
    if code in ("\r", "\n"):
        length = 3 if text[at + 1 : at + 3] == "\r\n" else 2
        while text[at + length : at + length + 1] in (" ", "\t"):
            length += 1
        return "", length
    return _ESCAPES.get(code), 2


def _escaped(fix: str, style: str | None) -> str:
    if style == '"':
        return fix.replace("\\", "\\\\").replace('"', '\\"')
    if style == "'":
        return fix.replace("'", "''")
    return fix


def _suggestion(value: str, defect: Defect) -> str | None:
    """The words around a fix, before and after it (`1928-1932 → 1928–1932`), or the rule's hint."""
    if defect.fix is None:
        return defect.hint
    before, after = _around(value, defect)
    return f"{_visible(before)} → {_visible(after)}"


def _around(value: str, defect: Defect) -> tuple[str, str]:
    """The words around a fix, as they are and as the fix makes them: (`1928-1932`, `1928–1932`)."""
    left, right = _window(value, [defect])
    return value[left:right], value[left : defect.start] + (defect.fix or "") + value[defect.end : right]


def _window(value: str, group: list[Defect]) -> tuple[int, int]:
    """Where the words around some fixes start and end in `value`."""
    return _word_edge(value, group[0].start, -1), _word_edge(value, group[-1].end, 1)


def _touching(value: str, chosen: list[Defect]) -> Iterator[list[Defect]]:
    """The fixes of one string (in order) in groups whose words overlap, to be shown together."""
    group: list[Defect] = []
    for defect in chosen:
        if group and _word_edge(value, defect.start, -1) >= _window(value, group)[1]:
            yield group
            group = []
        group.append(defect)
    if group:
        yield group


def _word_edge(value: str, at: int, step: int) -> int:
    """From `at`, past white space and then one word, going left (-1) or right (+1), at most 30 characters."""
    limit = max(0, at - 30) if step < 0 else min(len(value), at + 30)
    index = at
    peek = (lambda i: value[i - 1]) if step < 0 else (lambda i: value[i])
    while index != limit and peek(index) in " \u00a0":
        index += step
    while index != limit and not peek(index).isspace():
        index += step
    return index


def _visible(text: str) -> str:
    """Spaces made visible where they are the point: a double space, a no-break space."""
    return text.replace("\u00a0", "⍽").replace("\n", "⏎")


# --- writing fixes back --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Edit:
    locs: tuple[Loc, ...]
    replacements: list[tuple[int, int, str]]
    value: str
    """The string's value once the replacements are made."""
    changes: list[Change]
    """What each replacement fixes, for the user."""


def _checked(source: _Source, edits: list[_Edit]) -> tuple[str, list[_Edit]]:
    """The text with every edit that keeps the file loading as expected, and those edits.
    All edits are tried at once; if the result differs from what is expected anywhere, each
    string's edits are tried alone and only the good ones are kept."""
    if not edits:
        return source.text, []
    original = yaml.safe_load(source.text)
    if _loads_as_expected(source.text, edits, original):
        return _splice(source.text, edits), edits
    good = [edit for edit in edits if _loads_as_expected(source.text, [edit], original)]
    if not good or not _loads_as_expected(source.text, good, original):
        return source.text, []
    return _splice(source.text, good), good


def _loads_as_expected(text: str, edits: list[_Edit], original: Any) -> bool:
    expected = original
    for edit in edits:
        for loc in edit.locs:
            expected = _replaced(expected, loc, edit.value)
    try:
        return yaml.safe_load(_splice(text, edits)) == expected
    except yaml.YAMLError:
        return False


def _replaced(data: Any, loc: Loc, value: str) -> Any:
    """A copy of `data` with the item at `loc` replaced (containers on the way copied, not changed)."""
    if not loc:
        return value
    head, rest = loc[0], loc[1:]
    if isinstance(data, list):
        return [_replaced(item, rest, value) if i == head else item for i, item in enumerate(data)]
    return {key: _replaced(item, rest, value) if str(key) == str(head) else item for key, item in data.items()}


def _splice(text: str, edits: list[_Edit]) -> str:
    replacements = sorted((r for edit in edits for r in edit.replacements), reverse=True)
    for start, end, new in replacements:
        text = text[:start] + new + text[end:]
    return text


def _write(path: Path, text: str) -> None:
    """Replace the file atomically: a reader sees the old file or the new one, never half of one."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
