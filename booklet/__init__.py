"""booklet: lesson content in YAML → print-ready PDFs for teachers, Kazakh first.

The public API is what this module exports; the CLI (`booklet.cli`) uses nothing else.
"""

from .build import PaginationMismatch, Printout, build
from .errors import BookletError, ContentError, Problem, ResourceError
from .loader import load_lesson
from .model import Lesson
from .printouts import KINDS
from .render import Renderer
from .resources import sample_lesson

__all__ = [
    "KINDS",
    "BookletError",
    "ContentError",
    "Lesson",
    "PaginationMismatch",
    "Printout",
    "Problem",
    "Renderer",
    "ResourceError",
    "build",
    "lesson_schema",
    "load_lesson",
    "sample_lesson",
]


def lesson_schema() -> dict:
    """JSON Schema of a lesson file, for editors with a YAML language server."""
    schema = Lesson.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "booklet lesson"
    return schema
