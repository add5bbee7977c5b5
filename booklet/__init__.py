"""booklet: lesson content in YAML → print-ready PDFs for teachers, Kazakh first.

The public API is what this module exports; the CLI (`booklet.cli`) uses nothing else.
"""

from .book import build_book
from .build import PaginationMismatch, Printout, build
from .errors import BookletError, ContentError, Problem, ResourceError
from .exam_build import ASSIGNMENTS, ExamSet, build_exam
from .exam_loader import load_exam
from .labels import LANGUAGES, SCRIPTS, labels_for
from .latin import LatinSettings, latin_exam, latin_lesson, latin_textbook, to_latin
from .lint import Change, Finding, fix_file, fix_paths, format_change, format_finding, lint_file, lint_paths
from .loader import Textbook, load_content, load_course, load_lesson
from .model import Course, Exam, Lesson
from .printouts import KINDS
from .progress import Progress
from .render import Renderer
from .resources import sample_course, sample_exam, sample_lesson

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
]


def lesson_schema() -> dict:
    """JSON Schema of a lesson file, for editors with a YAML language server."""
    return _schema(Lesson, "booklet lesson")


def course_schema() -> dict:
    """JSON Schema of a course file (the textbook's cover and its list of lessons)."""
    return _schema(Course, "booklet course")


def exam_schema() -> dict:
    """JSON Schema of an exam file (БЖБ/ТЖБ): sections of tasks, points, criteria, descriptors."""
    return _schema(Exam, "booklet exam")


def _schema(model: type[Lesson] | type[Course] | type[Exam], title: str) -> dict:
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return schema
