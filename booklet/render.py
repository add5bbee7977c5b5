"""The renderer: the one module that talks to WeasyPrint.

A build renders several documents with the same fonts and stylesheet, so both are made
once per process: one `FontConfiguration` (fonts registered once) and one parsed `CSS`.
Every document is fetched through `LessonFetcher`, checked for foreign fonts, and turned
into bytes; writing files is the caller's business.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from weasyprint import CSS, HTML, Document
from weasyprint.document import Page
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from .engine.tagging import install as install_tagging
from .errors import BookletError, ResourceError
from .fetcher import LessonFetcher
from .fontcheck import check_fonts, collect_warnings
from .hyphenation import register as register_kazakh_hyphenation
from .paper import current_paper, current_variant
from .resources import data_dir, fonts_dir
from .templating import environment
from .typeset import geometry_of


@dataclass(frozen=True)
class Layout:
    """A laid-out document, not yet written: pages to check and to bind with others."""

    document: Document
    warnings: tuple[str, ...]
    refused: list[BookletError] = field(default_factory=list, compare=False, repr=False)
    """What the document's fetcher refused; images inside SVGs are fetched only when the PDF
    is written, so this is read again after binding."""

    @property
    def pages(self) -> int:
        return len(self.document.pages)

    def anchors(self, page: int) -> set[str]:
        """Ids of the elements that start on `page` (0-based)."""
        return set(self.document.pages[page].anchors)

    def first_page_with(self, anchor: str) -> int | None:
        """The 0-based page on which the element with id `anchor` starts, if any."""
        return next((n for n, page in enumerate(self.document.pages) if anchor in page.anchors), None)

    def repainted(self, pages: Sequence[Page], title: str) -> Layout:
        """A document of `pages` (this layout's pages, repainted: engine/painting.py) titled `title`."""
        document = self.document.copy(list(pages))
        document.metadata = copy.copy(self.document.metadata)
        document.metadata.title = title
        return Layout(document, self.warnings, self.refused)


@dataclass(frozen=True)
class Rendered(Layout):
    """A laid-out document and its PDF bytes."""

    pdf: bytes = b""


class Renderer:
    """Turns HTML into checked PDF bytes, reusing fonts and the parsed stylesheet, whose page
    size and margins are those of `paper` (`choices.PAPERS`)."""

    def __init__(self, paper: str = "a4") -> None:
        register_kazakh_hyphenation()  # before the first layout: pyphen caches per process
        install_tagging()
        self.paper = paper
        self.font_config = FontConfiguration()
        css_source = environment().get_template("booklet.css").render(g=geometry_of(paper))
        self.stylesheet = CSS(
            string=css_source,
            base_url=fonts_dir().as_uri() + "/",
            url_fetcher=LessonFetcher([fonts_dir()]),
            font_config=self.font_config,
        )

    def render(self, html: str, folder: Path, what: str) -> Rendered:
        """Lay out and write `html`, whose relative URLs resolve inside `folder`."""
        return self.bind([self.lay_out(html, folder, what)], what)

    def lay_out(self, html: str, folder: Path, what: str) -> Layout:
        """Lay out `html` into pages without writing it: for documents bound into one PDF."""
        fetcher = LessonFetcher([folder, data_dir("templates"), fonts_dir()])
        with collect_warnings() as warnings:
            try:
                document = HTML(string=html, base_url=folder.resolve().as_uri() + "/", url_fetcher=fetcher).render(
                    stylesheets=[self.stylesheet], font_config=self.font_config
                )
            except FatalURLFetchingError as error:
                cause = error.__cause__
                raise (cause if isinstance(cause, BookletError) else ResourceError(str(error))) from None
        if fetcher.refused:
            raise fetcher.refused[0]
        return Layout(document, tuple(warnings), fetcher.refused)

    def bind(self, layouts: Sequence[Layout], what: str, title: str | None = None) -> Rendered:
        """One PDF of the pages of `layouts`, in order, with the metadata of the first (and
        `title`, if given). Each part keeps its own page numbers («Бет 1 / 3» per pupil's sheet),
        and the fonts are embedded once for all of them. It is tagged (engine/tagging.py) and
        claims the build's PDF standard (paper.py's `writing_as`)."""
        first = layouts[0].document
        document = (
            first if len(layouts) == 1 else first.copy([page for part in layouts for page in part.document.pages])
        )
        if title is not None:
            document.metadata = copy.copy(first.metadata)
            document.metadata.title = title
        warnings = [message for part in layouts for message in part.warnings]
        with collect_warnings() as writing:
            pdf = document.write_pdf(pdf_tags=True, pdf_variant=current_variant())
        warnings += writing
        for part in layouts:
            if part.refused:
                raise part.refused[0]
        check_fonts(document, warnings, what)
        return Rendered(document, tuple(warnings), pdf=pdf)


def default_renderer() -> Renderer:
    """The process's renderer for the paper now laid out on (paper.py), made on first use so
    that importing booklet stays cheap."""
    return renderer_for(current_paper())


@cache
def renderer_for(paper: str) -> Renderer:
    """The process's renderer for `paper`: one per paper, each parsing its stylesheet once."""
    return Renderer(paper)


_GIVEN: list[Renderer] = []


@contextmanager
def rendering_with(renderer: Renderer | None) -> Iterator[None]:
    """Work units laid out in this process while inside use `renderer` (if given): a caller
    that brought its own renderer gets it used, without passing it through plain-data units."""
    if renderer is not None:
        _GIVEN.append(renderer)
    try:
        yield
    finally:
        if renderer is not None:
            _GIVEN.pop()


def current_renderer() -> Renderer:
    """The renderer for a work unit laid out in this process (see `rendering_with`): the one
    given, if it lays out on the paper asked for, else the process's own for that paper."""
    if _GIVEN and _GIVEN[-1].paper == current_paper():
        return _GIVEN[-1]
    return default_renderer()
