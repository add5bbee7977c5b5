"""Whether a figure file is a picture booklet can print: decoded and bounded before layout.

WeasyPrint leaves out an image it cannot decode and draws on; a teacher would get a handout
without its picture and no word. So every figure is opened here when the lesson is loaded,
and a file that is not a readable PNG, JPEG or SVG (or is too large to be reasonable) is
reported at the `src` line that names it.

What is checked, in order, so that nothing large is decoded before it is measured:

- the file's size, against `MAX_PICTURE_BYTES` or `MAX_SVG_BYTES`;
- its first bytes: a `.png`/`.jpg`/`.jpeg` file must hold a PNG or JPEG picture (either one:
  Pillow decodes both the same way, so a JPEG saved as `.png` prints correctly and is
  accepted), and an `.svg` file must hold XML text, not a picture or anything else;
- for a picture, its width and height as the header states them, against `MAX_PIXELS`, and
  only then a full decode with truncated files treated as errors;
- for an SVG, a streaming parse (expat, no DTD or entities read, nothing fetched) that stops
  at the first element past `MAX_SVG_ELEMENTS` or `MAX_SVG_DEPTH`, and refuses anything that
  reaches outside the file: a link or `url(...)` to another file or URL, `@import`,
  `@font-face`, `xml:base` and `<foreignObject>` (HTML, which WeasyPrint does not draw).
  Pictures embedded as `data:image/png` or `data:image/jpeg` are checked like figures.
"""

from __future__ import annotations

from pathlib import Path

from ..engine.record import note_read
from .drawings import MAX_SVG_BYTES, MAX_SVG_DEPTH, MAX_SVG_ELEMENTS, svg_problem
from .pictures import (
    MAX_PICTURE_BYTES,
    MAX_PIXELS,
    PICTURE_MEDIA_TYPES,
    RESIZE,
    data_url_picture,
    megabytes,
    picture_problem,
)

__all__ = [
    "MAX_PICTURE_BYTES",
    "MAX_PIXELS",
    "MAX_SVG_BYTES",
    "MAX_SVG_DEPTH",
    "MAX_SVG_ELEMENTS",
    "PICTURE_MEDIA_TYPES",
    "data_url_picture",
    "figure_problem",
    "picture_problem",
    "svg_problem",
]

_SUFFIX_FORMAT = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".svg": "SVG"}


def figure_problem(path: Path) -> str | None:
    """Why the picture at `path` cannot be printed, or None when it can."""
    expected = _SUFFIX_FORMAT.get(path.suffix.lower(), "PNG")
    try:
        size = path.stat().st_size
        limit = MAX_SVG_BYTES if expected == "SVG" else MAX_PICTURE_BYTES
        if size == 0:
            return "the file is empty (save the picture again)"
        if size > limit:
            hint = "simplify the drawing, or save it as PNG" if expected == "SVG" else RESIZE
            kind = "an SVG" if expected == "SVG" else "a PNG or JPEG"
            return f"the file is {megabytes(size)}; {kind} figure may be at most {megabytes(limit)} ({hint})"
        data = path.read_bytes()
    except OSError as error:
        return f"cannot read the file: {error.strerror or error}"
    note_read(path, data)
    if expected == "SVG":
        return svg_problem(data)
    return picture_problem(data, expected)
