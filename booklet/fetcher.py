"""The only door from a page to the outside: bundled resources and the lesson's own folder.

WeasyPrint asks its URL fetcher for every stylesheet, font and image a page names. This one
answers for files inside the allowed folders (symbolic links resolved) and refuses anything
else, network and `file://` alike, with a message saying what was asked for.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from .errors import ResourceError


class LessonFetcher(URLFetcher):
    """Serves files below `roots` and refuses every other URL."""

    def __init__(self, roots: list[Path]):
        super().__init__(fail_on_errors=True, allowed_protocols={"file"})
        self.roots = [root.resolve() for root in roots]
        self.refused: list[ResourceError] = []
        """Every refusal, kept because WeasyPrint swallows some (an SVG's images) and draws on."""

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            path = self.allowed_path(url)
        except ResourceError as error:
            self.refused.append(error)
            raise
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": _media_type(path)})

    def allowed_path(self, url: str) -> Path:
        """The local file `url` names, or ResourceError if booklet may not read it."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ResourceError(f"refused to fetch {url}: pages may only use files from the lesson's folder")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise ResourceError(f"refused to read {path}: it is outside the lesson's folder")
        if not path.is_file():
            raise ResourceError(f"no such file: {path}")
        return path


def _media_type(path: Path) -> str:
    if path.suffix.lower() == ".svg":
        return "image/svg+xml"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"
