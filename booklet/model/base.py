"""The shared base of every content model, and the one way models report a problem.

Models are frozen and forbid unknown keys, so a misspelt key is an error rather than a
silently ignored line. Field docstrings become the JSON Schema descriptions that editors
show while a teacher types a lesson.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints
from pydantic_core import PydanticCustomError


class ContentModel(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        use_attribute_docstrings=True,
    )


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""A non-empty line of content text."""


def content_error(message: str, *, at: tuple[str | int, ...] = (), hint: str | None = None) -> PydanticCustomError:
    """A validation error whose location is refined by `at`, relative to the model raising it.

    pydantic places an error raised by a model validator on the model itself; the loader
    appends `at` so the message points at the exact key, e.g. the `answer` of a question.
    """
    context: dict[str, Any] = {"message": message, "at": at, "hint": hint}
    return PydanticCustomError("booklet", "{message}", context)
