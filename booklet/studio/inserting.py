"""The editor's «add» menu: a filled-in example put where it belongs in the file, not at the cursor.

An exercise goes at the end of `worksheet.exercises` (in an exam: a task at the end of the last
section, its points added to `total`), a term at the end of `terms`, a chart or a figure into
the last section, and so on (`starters/examples.yaml` says where). The place is found in the
YAML nodes of the text, which know their lines; the example is written in block style at the
list's own indentation, so the rest of the file is left exactly as it was. A list that is
missing is added, under the mapping that should hold it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from ..errors import BookletError
from .workspace import STARTERS, kind_of

EXAM_DESCRIPTORS = ({"text": "дұрыс жауапты таңдайды", "points": 1},)
"""An exercise added to an exam is worth one point, with this descriptor (from the test exam)."""


@cache
def examples() -> dict[str, dict[str, Any]]:
    """What the menu offers: name -> {into, item}."""
    return yaml.safe_load((STARTERS / "examples.yaml").read_text(encoding="utf-8"))


def exercise_kinds() -> list[str]:
    return [name for name, example in examples().items() if example["into"] == "worksheet.exercises"]


def insert_example(text: str, what: str, src: str | None = None) -> tuple[str, int]:
    """`text` with the example `what` added in its place, and the (1-based) line it starts at."""
    if what not in examples():
        raise BookletError(f"nothing called {what!r} can be added; choose from {', '.join(examples())}")
    try:
        root = yaml.compose(text) if text.strip() else None
    except yaml.YAMLError:
        raise BookletError("the file has a YAML syntax error; fix it first, then add") from None
    if not isinstance(root, yaml.MappingNode):
        raise BookletError("the file must be a mapping of keys (id, title, …) to add to it")
    example = examples()[what]
    item = _filled(example["item"], root, src)
    exam = kind_of(text) == "exam"
    if exam and example["into"] != "worksheet.exercises":
        raise BookletError(f"an exam has no place for a {what}; add exercises to its sections")
    if exam:
        return _add_task(text, root, what, item)
    if what == "table_completion":
        table = _filled(examples()["table"]["item"], root, None)
        text, _ = _add(text, root, ("tables",), table)
        item = {**item, "table": table["id"]}
        root = yaml.compose(text)
    return _add(text, root, tuple(example["into"].split(".")), item)


def _filled(item: dict[str, Any], root: yaml.MappingNode, src: str | None) -> dict[str, Any]:
    """The example with its placeholders filled: a table id not yet used, the figure's file."""
    filled = dict(item)
    if filled.get("id") == "TABLE":
        tables = _value(root, "tables")
        rows = tables.value if isinstance(tables, yaml.SequenceNode) else []
        used = {getattr(_value(row, "id"), "value", None) for row in rows}
        filled["id"] = next(name for n in range(1, 100) if (name := f"turksib-{n}" if n > 1 else "turksib") not in used)
    if filled.get("src") == "SRC":
        if not src:
            raise BookletError("a figure needs its picture: choose the file to upload")
        filled["src"] = src
    return filled


def _add(text: str, root: yaml.MappingNode, into: tuple[str, ...], item: Any) -> tuple[str, int]:
    mapping = root
    if into[0] == "section":
        sections = _value(root, "sections")
        if not isinstance(sections, yaml.SequenceNode) or not sections.value:
            raise BookletError("the lesson has no section to add it to; add a section first")
        mapping = sections.value[-1]
        into = into[1:]
    for key in into[:-1]:
        inner = _value(mapping, key)
        if not isinstance(inner, yaml.MappingNode):
            return _append_key(text, mapping, key, {into[-1]: [item]})
        mapping = inner
    return _append_item(text, mapping, into[-1], item)


def _add_task(text: str, root: yaml.MappingNode, what: str, item: dict[str, Any]) -> tuple[str, int]:
    """An exercise as a task of the exam's last section, worth one point more in `total`."""
    criteria = _value(root, "criteria")
    first = criteria.value[0] if isinstance(criteria, yaml.SequenceNode) and criteria.value else None
    criterion = _value(first, "id") if isinstance(first, yaml.MappingNode) else None
    task: dict[str, Any] = {"exercise": item, "points": 1, "level": "knowledge"}
    if isinstance(criterion, yaml.ScalarNode):
        task["criteria"] = [criterion.value]
    task["descriptors"] = [dict(d) for d in EXAM_DESCRIPTORS]
    if what == "table_completion":
        table = {**examples()["table"]["item"], "id": "turksib"}
        task = {**task, "exercise": {**item, "table": "turksib"}, "table": table}
    sections = _value(root, "sections")
    if not isinstance(sections, yaml.SequenceNode) or not sections.value:
        raise BookletError("the exam has no section to add a task to")
    text, line = _append_item(text, sections.value[-1], "tasks", task)
    total = _value(yaml.compose(text), "total")
    if isinstance(total, yaml.ScalarNode) and total.value.isdigit():
        lines = text.split("\n")
        row, column = total.start_mark.line, total.start_mark.column
        lines[row] = lines[row][:column] + str(int(total.value) + 1) + lines[row][total.end_mark.column :]
        text = "\n".join(lines)
    return text, line


def _value(mapping: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(mapping, yaml.MappingNode):
        return None
    return next(
        (value for name, value in mapping.value if isinstance(name, yaml.ScalarNode) and name.value == key), None
    )


def _key_node(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    return next((name for name, _ in mapping.value if isinstance(name, yaml.ScalarNode) and name.value == key), None)


def _append_item(text: str, mapping: yaml.MappingNode, key: str, item: Any) -> tuple[str, int]:
    """`item` at the end of the block list `mapping[key]`, the list made if missing or empty."""
    sequence = _value(mapping, key)
    if sequence is None:
        return _append_key(text, mapping, key, [item])
    if isinstance(sequence, yaml.ScalarNode) and sequence.tag.endswith(":null"):
        key_node = _key_node(mapping, key)
        assert key_node is not None
        return _insert_after(text, key_node.start_mark.line, _block([item], key_node.start_mark.column + 2))
    if not isinstance(sequence, yaml.SequenceNode):
        raise BookletError(f"line {sequence.start_mark.line + 1}: `{key}` is not a list")
    if sequence.flow_style or not sequence.value:
        raise BookletError(
            f"line {sequence.start_mark.line + 1}: `{key}` is written in [ ]; "
            "write it as a list of «- » lines to add to it"
        )
    return _insert_after(text, _last_line(text, sequence), _block([item], sequence.start_mark.column))


def _append_key(text: str, mapping: yaml.MappingNode, key: str, value: Any) -> tuple[str, int]:
    if mapping.flow_style:
        raise BookletError(f"line {mapping.start_mark.line + 1}: the mapping is written in {{ }}; write it as lines")
    return _insert_after(text, _last_line(text, mapping), _block({key: value}, mapping.start_mark.column))


def _last_line(text: str, node: yaml.Node) -> int:
    """The 0-based last line holding the node's own content (not blank lines or comments after it)."""
    lines = text.split("\n")
    end = node.end_mark.line - (1 if node.end_mark.column == 0 else 0)
    end = min(end, len(lines) - 1)
    while end > node.start_mark.line and (not lines[end].strip() or lines[end].lstrip().startswith("#")):
        end -= 1
    return end


def _insert_after(text: str, line: int, block: str) -> tuple[str, int]:
    lines = text.split("\n")
    new = block.rstrip("\n").split("\n")
    return "\n".join(lines[: line + 1] + new + lines[line + 1 :]), line + 2


class _Writer(yaml.SafeDumper):
    """Block style, Kazakh letters as they are, texts of several lines as `|` blocks."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Writer.add_representer(str, _text)


def _block(data: Any, indent: int) -> str:
    written = yaml.dump(
        data, Dumper=_Writer, allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=False
    )
    return "\n".join(" " * indent + line if line else line for line in written.rstrip("\n").split("\n"))
