"""The pages of one printout as pictures, for the preview beside the editor.

A preview must come back within a couple of seconds of a save, so the studio keeps one warm
`Renderer` (fonts and stylesheet loaded once), renders only the printout asked for, and
keeps what it rendered by a hash of everything the render read (the file, its figures, an
exam's lessons: `engine.record.reading`): asking again for an unchanged file costs a few
file reads. Pages are drawn with pdfium from the very PDF a build would print.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import BookletError

if TYPE_CHECKING:
    from ..render import Renderer

LESSON_PRINTOUTS = {
    "handout": ("handout",),
    "tables": ("tables",),
    "worksheet": ("worksheet",),
    "key": ("key",),
    "pair": ("worksheet", "key"),
}
"""What the preview of a lesson shows; `pair` is the worksheet and its key side by side."""
EXAM_PRINTOUTS = ("sheet", "key")
COURSE_PRINTOUTS = ("book",)
SCALE = 1.25
"""Pixels per PDF point: an A4 page 744 pixels wide, readable beside the editor."""
T = TypeVar("T")
KEPT = 24
"""Previews kept in memory (each a few pages of PNG, some hundred kilobytes)."""


@dataclass(frozen=True)
class Preview:
    version: str
    pages: tuple[bytes, ...]
    """PNG pictures, one per page (per pair of pages for `pair`)."""


class Previews:
    """One warm renderer and the previews it made, for a studio's whole life."""

    def __init__(self, renderer: Renderer | None = None) -> None:
        self._renderer = renderer
        self._lock = threading.Lock()  # WeasyPrint lays out one document at a time
        self._made: OrderedDict[tuple, tuple[dict[str, str], Preview]] = OrderedDict()
        self._by_version: dict[str, Preview] = {}

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:
            from ..render import default_renderer

            self._renderer = default_renderer()
        return self._renderer

    def preview(self, path: Path, kind: str, printout: str, variant: int = 0, seed: int | None = None) -> Preview:
        """The pages of `printout` of the file at `path` (a lesson, course or exam: `kind`)."""
        key = (str(path), kind, printout, variant, seed)
        with self._lock:
            if (known := self._made.get(key)) is not None and _unchanged(known[0]):
                self._made.move_to_end(key)
                return known[1]
            from ..engine.record import reading

            with reading() as reads:
                pdfs = self._render(path, kind, printout, variant, seed)
            digest = hashlib.sha256(repr((sorted(reads.digests.items()), key[1:])).encode()).hexdigest()[:16]
            made = Preview(digest, tuple(_pictures(pdfs, side_by_side=printout == "pair")))
            self._made[key] = (dict(reads.digests), made)
            self._by_version[digest] = made
            while len(self._made) > KEPT:
                _, (_, dropped) = self._made.popitem(last=False)
                self._by_version.pop(dropped.version, None)
            return made

    def with_renderer(self, work: Callable[..., T], *args: Any) -> T:
        """`work(*args, renderer)` with the warm renderer, when no preview is being rendered."""
        with self._lock:
            return work(*args, self.renderer)

    def page(self, version: str, number: int) -> bytes | None:
        """Page `number` (1-based) of a preview made earlier, or None."""
        made = self._by_version.get(version)
        if made is None or not 1 <= number <= len(made.pages):
            return None
        return made.pages[number - 1]

    def _render(self, path: Path, kind: str, printout: str, variant: int, seed: int | None) -> list[bytes]:
        if kind == "exam":
            return self._exam(path, printout, variant, seed)
        if kind == "course":
            from ..book import make_book

            if printout not in COURSE_PRINTOUTS:
                raise BookletError(f"a course's preview is one of {', '.join(COURSE_PRINTOUTS)}")
            return [make_book(path, False, self.renderer, None, None)[2]]
        if printout not in LESSON_PRINTOUTS:
            raise BookletError(f"a lesson's preview is one of {', '.join(LESSON_PRINTOUTS)}")
        from ..latin import latin_lesson
        from ..lesson_build import page_settings, render_lesson
        from ..loader import load_lesson

        lesson = load_lesson(path)
        labels, alphabet = page_settings(lesson, None, None)
        printed = latin_lesson(lesson, lesson.latin) if alphabet == "latn" else lesson
        kinds = LESSON_PRINTOUTS[printout]
        rendered = render_lesson(printed, path.resolve().parent, kinds, self.renderer, labels)
        return [rendered[kind].pdf for kind in kinds]

    def _exam(self, path: Path, printout: str, variant: int, seed: int | None) -> list[bytes]:
        """A variant's sheet or key as one copy prints it, unnamed."""
        from ..builds import default_seed
        from ..exam import MAX_VARIANTS, derive_variants
        from ..exam_loader import load_exam
        from ..exam_pages import Copy, qr_code, sheet_html
        from ..latin import latin_exam
        from ..lesson_build import page_settings

        if printout not in EXAM_PRINTOUTS:
            raise BookletError(f"an exam's preview is one of {', '.join(EXAM_PRINTOUTS)}")
        if not 0 <= variant < MAX_VARIANTS:
            raise BookletError(f"variant {variant + 1} does not exist")
        exam = load_exam(path)
        labels, alphabet = page_settings(exam, None, None)
        if alphabet == "latn":
            exam = latin_exam(exam, exam.latin)
        chosen = derive_variants(exam, default_seed(path.read_bytes()) if seed is None else seed, variant + 1, labels)
        shown = chosen[variant]
        html = sheet_html(exam, Copy(shown), labels, qr_code(exam, shown), show_answers=printout == "key")
        return [self.renderer.render(html, path.resolve().parent, f"{exam.id} {printout}").pdf]


def _unchanged(digests: dict[str, str]) -> bool:
    """Whether every file a preview read still has the bytes it read."""
    for name, digest in digests.items():
        try:
            data = Path(name).read_bytes()
        except OSError:
            return False
        if hashlib.sha256(data).hexdigest() != digest:
            return False
    return True


def _pictures(pdfs: list[bytes], side_by_side: bool) -> list[bytes]:
    """Every page of the PDFs as PNG; side by side, page n of each PDF in one picture."""
    import pypdfium2 as pdfium

    documents = [pdfium.PdfDocument(data) for data in pdfs]
    try:
        drawn = [[page.render(scale=SCALE).to_pil() for page in document] for document in documents]
    finally:
        for document in documents:
            document.close()
    if side_by_side:
        drawn = [_joined([pages[n] for pages in drawn if n < len(pages)]) for n in range(max(map(len, drawn)))]
    else:
        drawn = [page for pages in drawn for page in pages]
    return [_png(picture) for picture in drawn]


def _joined(pictures: list) -> object:
    from PIL import Image

    gap = 12
    width = sum(p.width for p in pictures) + gap * (len(pictures) - 1)
    joined = Image.new("RGB", (width, max(p.height for p in pictures)), (226, 229, 233))
    left = 0
    for picture in pictures:
        joined.paste(picture, (left, 0))
        left += picture.width + gap
    return joined


def _png(picture: object) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=False)  # type: ignore[attr-defined]
    return buffer.getvalue()
