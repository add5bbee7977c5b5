"""booklet: lesson content in YAML → print-ready PDFs for teachers, Kazakh first.

The public API is what this module exports; the CLI (`booklet.cli`) uses nothing else.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .choices import ASSIGNMENTS, KINDS, LANGUAGES, SCRIPTS
from .errors import BookletError, ContentError, Problem, ResourceError

_HOMES = {
    "build_book": "builds",
    "PaginationMismatch": "lesson_build",
    "Printout": "builds",
    "build": "builds",
    "ExamSet": "builds",
    "build_exam": "builds",
    "load_exam": "exam_loader",
    "labels_for": "labels",
    "LatinSettings": "latin",
    "latin_exam": "latin",
    "latin_lesson": "latin",
    "latin_textbook": "latin",
    "to_latin": "latin",
    "Change": "lint",
    "Finding": "lint",
    "fix_file": "lint",
    "fix_paths": "lint",
    "format_change": "lint",
    "format_finding": "lint",
    "lint_file": "lint",
    "lint_paths": "lint",
    "Textbook": "loader",
    "load_content": "loader",
    "load_course": "loader",
    "load_lesson": "loader",
    "Course": "model",
    "Exam": "model",
    "Lesson": "model",
    "Progress": "progress",
    "Renderer": "render",
    "sample_course": "resources",
    "sample_exam": "resources",
    "sample_lesson": "resources",
    "Marked": "scan.grade",
    "scan_exam": "scan.grade",
}
"""Where each name of the API lives. Names are imported when first used, so a command that
only checks files never loads WeasyPrint or reportlab (`booklet --help` in a tenth of the time)."""


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'booklet' has no attribute {name!r}")
    value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:  # what the names are, for type checkers and editors
    from .builds import ExamSet, Printout, build, build_book, build_exam
    from .exam_loader import load_exam
    from .labels import labels_for
    from .latin import LatinSettings, latin_exam, latin_lesson, latin_textbook, to_latin
    from .lesson_build import PaginationMismatch
    from .lint import Change, Finding, fix_file, fix_paths, format_change, format_finding, lint_file, lint_paths
    from .loader import Textbook, load_content, load_course, load_lesson
    from .model import Course, Exam, Lesson
    from .progress import Progress
    from .render import Renderer
    from .resources import sample_course, sample_exam, sample_lesson
    from .scan.grade import Marked, scan_exam

__all__ = [
    "ASSIGNMENTS",
    "Exam",
    "ExamSet",
    "Progress",
    "build_exam",
    "exam_schema",
    "load_exam",
    "sample_exam",
    "KINDS",
    "LANGUAGES",
    "SCRIPTS",
    "LatinSettings",
    "BookletError",
    "ContentError",
    "Change",
    "Finding",
    "fix_paths",
    "format_change",
    "Course",
    "Lesson",
    "PaginationMismatch",
    "Printout",
    "Problem",
    "Renderer",
    "ResourceError",
    "Textbook",
    "build",
    "build_book",
    "course_schema",
    "fix_file",
    "format_finding",
    "labels_for",
    "latin_exam",
    "latin_lesson",
    "latin_textbook",
    "lint_file",
    "lint_paths",
    "lesson_schema",
    "load_content",
    "load_course",
    "load_lesson",
    "sample_course",
    "sample_lesson",
    "to_latin",
    "Marked",
    "scan_exam",
]


def lesson_schema() -> dict:
    """JSON Schema of a lesson file, for editors with a YAML language server."""
    return _schema(__getattr__("Lesson"), "booklet lesson")


def course_schema() -> dict:
    """JSON Schema of a course file (the textbook's cover and its list of lessons)."""
    return _schema(__getattr__("Course"), "booklet course")


def exam_schema() -> dict:
    """JSON Schema of an exam file (БЖБ/ТЖБ): sections of tasks, points, criteria, descriptors."""
    return _schema(__getattr__("Exam"), "booklet exam")


def _schema(model: Any, title: str) -> dict:
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return schema
