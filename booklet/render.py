"""The renderer: the one module that talks to WeasyPrint.

A build renders several documents with the same fonts and stylesheet, so both are made
once per process: one `FontConfiguration` (fonts registered once) and one parsed `CSS`.
Every document is fetched through `LessonFetcher`, checked for foreign fonts, and turned
into bytes; writing files is the caller's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from .errors import BookletError, ResourceError
from .fetcher import LessonFetcher
from .fontcheck import check_fonts, collect_warnings
from .hyphenation import register as register_kazakh_hyphenation
from .resources import data_dir, fonts_dir
from .templating import environment
from .typeset import GEOMETRY


@dataclass(frozen=True)
class Rendered:
    """A laid-out document and its PDF bytes."""

    document: Document
    pdf: bytes
    warnings: tuple[str, ...]

    @property
    def pages(self) -> int:
        return len(self.document.pages)

    def anchors(self, page: int) -> set[str]:
        """Ids of the elements that start on `page` (0-based)."""
        return set(self.document.pages[page].anchors)


class Renderer:
    """Turns HTML into checked PDF bytes, reusing fonts and the parsed stylesheet."""

    def __init__(self) -> None:
        register_kazakh_hyphenation()  # before the first layout: pyphen caches per process
        self.font_config = FontConfiguration()
        css_source = environment().get_template("booklet.css").render(g=GEOMETRY)
        self.stylesheet = CSS(
            string=css_source,
            base_url=fonts_dir().as_uri() + "/",
            url_fetcher=LessonFetcher([fonts_dir()]),
            font_config=self.font_config,
        )

    def render(self, html: str, folder: Path, what: str) -> Rendered:
        """Lay out and write `html`, whose relative URLs resolve inside `folder`."""
        fetcher = LessonFetcher([folder, data_dir("templates"), fonts_dir()])
        with collect_warnings() as warnings:
            try:
                document = HTML(string=html, base_url=folder.resolve().as_uri() + "/", url_fetcher=fetcher).render(
                    stylesheets=[self.stylesheet], font_config=self.font_config
                )
                pdf = document.write_pdf()
            except FatalURLFetchingError as error:
                cause = error.__cause__
                raise (cause if isinstance(cause, BookletError) else ResourceError(str(error))) from None
        if fetcher.refused:
            raise fetcher.refused[0]
        check_fonts(document, warnings, what)
        return Rendered(document, pdf, tuple(warnings))


@cache
def default_renderer() -> Renderer:
    """The process's renderer, made on first use so that importing booklet stays cheap."""
    return Renderer()
