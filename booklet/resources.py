"""Where booklet's own files live: templates, fonts, locales and the sample lesson.

In a wheel they are copied inside the package (see pyproject.toml); in a source checkout
they sit at the top of the repository, beside the package. Both layouts are looked up
here and nowhere else.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The folder `name` (templates, fonts, content) of this installation."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"booklet is installed without its {name}/ folder")


def templates_dir() -> Path:
    return data_dir("templates")


def fonts_dir() -> Path:
    return data_dir("fonts")


def sample_course() -> Path:
    """The bundled unit «Қазақстандағы индустрияландыру», which `booklet book` makes when given no file."""
    return data_dir("content") / "industrialisation" / "course.yaml"


def sample_lesson() -> Path:
    """The unit's first lesson, which `booklet build` makes when given no file."""
    return sample_course().parent / "1-course-and-debate.yaml"


def sample_exam() -> Path:
    """The unit's summative assessment (БЖБ), which `booklet exam` makes when given no file."""
    return sample_course().parent / "exam.yaml"


def locale_file(lang: str) -> Path:
    return _PACKAGE / "locales" / f"{lang}.yaml"
