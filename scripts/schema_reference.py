"""The lesson file reference in README.md, generated from the content model.

The field tables are made from the pydantic models and their field docstrings, so the
README cannot drift from what booklet accepts: tests/test_readme.py compares the two.
Run with `--write` after changing a model; without it the reference is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import types
import typing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # document the checkout's model, installed or not
    sys.path.insert(0, str(ROOT))

from annotated_types import Ge, Le, MaxLen, MinLen  # noqa: E402
from pydantic import BaseModel, StringConstraints  # noqa: E402
from pydantic.fields import FieldInfo  # noqa: E402

from booklet.model import Course, Exam, Lesson  # noqa: E402

README = ROOT / "README.md"
START, END = "<!-- schema:start -->", "<!-- schema:end -->"
HEADER = "| key | type | required | default | meaning |\n|---|---|---|---|---|"


def reference() -> str:
    """The whole reference: one heading and field table per model, Lesson first."""
    return "\n\n".join(_section(model) for model in models()) + "\n"


def models() -> list[type[BaseModel]]:
    """Lesson and every model inside it, each once, depth first in field order; then Course, then Exam.

    Depth first puts each model right after the one that uses it (Pair after matching),
    which is the order a reader looks for them in.
    """
    found: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model not in found:
            found.append(model)
            for field in model.model_fields.values():
                for inner in _models_in(field.annotation):
                    visit(inner)

    visit(Lesson)
    visit(Course)
    visit(Exam)
    return found


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _models_in(arg)]


def _section(model: type[BaseModel]) -> str:
    summary = (model.__doc__ or "").strip().splitlines()[0]
    rows = [_row(name, field) for name, field in _fields(model)]
    return "\n".join([f"### {_title(model)}", "", summary, "", HEADER, *rows])


def _title(model: type[BaseModel]) -> str:
    """Exercise kinds are named by the `type` a teacher writes, other models by class name."""
    kind = model.model_fields.get("type")
    return f"Exercise `{typing.get_args(kind.annotation)[0]}`" if kind else model.__name__


def _fields(model: type[BaseModel]) -> list[tuple[str, FieldInfo]]:
    """Fields in declaration order, except that an exercise's `type` comes first, as in a file."""
    return sorted(model.model_fields.items(), key=lambda item: item[0] != "type")


def _row(name: str, field: FieldInfo) -> str:
    required = field.is_required()
    cells = [
        f"`{field.alias or name}`",  # the key as a file writes it: `from`, `class`
        type_name(field.annotation, field.metadata),
        "yes" if required else "no",
        "" if required else _default(field.get_default(call_default_factory=True)),
        " ".join((field.description or "").split()),
    ]
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def type_name(annotation: object, metadata: typing.Sequence[object] = ()) -> str:
    """What a field holds, in words a teacher's helper reads: `text`, `integer 1–12`, `list of Section`."""
    if typing.get_origin(annotation) is typing.Annotated:
        annotation, *extra = typing.get_args(annotation)
        metadata = [*metadata, *extra]
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list:
        inner = type_name(args[0])
        inner = inner.replace("list of", "lists of", 1)
        return f"list of {inner}{_count(metadata)}"
    if origin is dict:
        key, value = (type_name(arg) for arg in args)
        return f"mapping of {key} to {value}"
    if origin is tuple:
        return "[" + ", ".join(type_name(arg) for arg in args) + "]"
    if origin in (typing.Union, types.UnionType):
        return _union_name([arg for arg in args if arg is not type(None)])
    if origin is typing.Literal:
        return " or ".join(f"`{arg}`" for arg in args)
    return _plain_name(annotation, metadata)


_PATTERN_NAMES = {
    r"^[a-z0-9][a-z0-9-]*$": "short name (a–z, 0–9, -)",
    r"^\S{1,20}$": "code without spaces (e.g. К1)",
}
"""What a reader is told for each constrained string of the model; a new pattern must be named here."""


def _plain_name(annotation: object, metadata: typing.Sequence[object]) -> str:
    if annotation is bool:
        return "true/false"
    if annotation is int:
        return "integer" + _range(metadata)
    if annotation is float:
        return "number" + (" (0 or more)" if any(getattr(m, "ge", None) == 0 for m in metadata) else "")
    if annotation is dt.date:
        return "date"
    if annotation is str:
        patterns = [m.pattern for m in metadata if isinstance(m, StringConstraints) and m.pattern]
        return _PATTERN_NAMES[patterns[0]] if patterns else "text"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    raise TypeError(f"no reader's name for {annotation!r}; teach type_name about it")


def _union_name(options: list[object]) -> str:
    """`X | None` is just X (optional); a union of models is the exercise kinds."""
    if len(options) == 1:
        return type_name(options[0])
    return "Exercise"


def _range(metadata: typing.Sequence[object]) -> str:
    low = next((m.ge for m in metadata if isinstance(m, Ge)), None)
    high = next((m.le for m in metadata if isinstance(m, Le)), None)
    return _bounds(low, high, " {}–{}", " from {}", " up to {}")


def _count(metadata: typing.Sequence[object]) -> str:
    low = next((m.min_length for m in metadata if isinstance(m, MinLen)), None)
    high = next((m.max_length for m in metadata if isinstance(m, MaxLen)), None)
    return _bounds(low, high, " ({}–{})", " (at least {})", " (at most {})")


def _bounds(low: object, high: object, both: str, only_low: str, only_high: str) -> str:
    if low is not None and high is not None:
        return both.format(low, high)
    if low is not None:
        return only_low.format(low)
    return only_high.format(high) if high is not None else ""


def _default(value: object) -> str:
    if value is None or value == []:
        return "none"
    if value == "":
        return "empty"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, BaseModel):
        return f"see {type(value).__name__}" if value.model_fields_set == set() else f"`{value}`"
    if isinstance(value, dict):
        return ", ".join(f"{key} → {spelling or '(dropped)'}" for key, spelling in value.items())
    return f"`{value}`"


def between_markers(text: str) -> str:
    """The reference as it stands in `text` (a README), without the marker lines."""
    start, end = _marker_span(text)
    return text[start:end].removeprefix("\n")


def with_reference(text: str, generated: str) -> str:
    """`text` with the part between the markers replaced by `generated`."""
    start, end = _marker_span(text)
    return text[:start] + "\n" + generated + text[end:]


def _marker_span(text: str) -> tuple[int, int]:
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README.md needs {START} followed by {END} where the reference goes")
    return start + len(START), end


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Print the lesson file reference, or write it into README.md.")
    parser.add_argument("--write", action="store_true", help="replace the reference between the markers in README.md")
    if not parser.parse_args(argv).write:
        sys.stdout.write(reference())
        return
    try:
        text = with_reference(README.read_text(encoding="utf-8"), reference())
    except ValueError as error:
        sys.exit(f"schema_reference: {error}")
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
