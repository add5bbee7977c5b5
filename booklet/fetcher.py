"""The only door from a page to the outside: bundled resources and the lesson's own folder.

WeasyPrint asks its URL fetcher for every stylesheet, font and image a page names. This one
answers for files inside the allowed folders (symbolic links resolved) and refuses anything
else, network and `file://` alike, with a message saying what was asked for.

Two more answers, both for figures. A `data:` URL holding a PNG or JPEG picture is served:
that is how an SVG embeds a picture, and it reads nothing. An SVG file is checked before it
is served (`svg_problem`: the same check the loader makes), so an SVG that reaches for a file
or URL is refused under its own name, before WeasyPrint can ask for what it names.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from .engine.record import note_read
from .errors import ResourceError
from .figures import PICTURE_MEDIA_TYPES, data_url_picture, svg_problem


class LessonFetcher(URLFetcher):
    """Serves files below `roots` and refuses every other URL."""

    def __init__(self, roots: list[Path]):
        super().__init__(fail_on_errors=True, allowed_protocols={"file"})
        self.roots = [root.resolve() for root in roots]
        self.refused: list[ResourceError] = []
        """Every refusal, kept because WeasyPrint swallows some (an SVG's images) and draws on."""

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            if url[:5].lower() == "data:":
                media_type, body = self.embedded_picture(url)
                return URLFetcherResponse(url, body=body, headers={"Content-Type": media_type})
            path = self.allowed_path(url)
            body, media_type = path.read_bytes(), _media_type(path)
            note_read(path, body)
            if media_type == "image/svg+xml" and (problem := svg_problem(body)):
                raise ResourceError(f"figure {self.shown(path)}: {problem}")
        except ResourceError as error:
            self.refused.append(error)
            raise
        return URLFetcherResponse(url, body=body, headers={"Content-Type": media_type})

    def embedded_picture(self, url: str) -> tuple[str, bytes]:
        """The media type and bytes of a `data:` URL holding a PNG or JPEG picture, or ResourceError."""
        try:
            media_type, body = data_url_picture(url)
        except ValueError:
            media_type, body = "", b""
        if media_type not in PICTURE_MEDIA_TYPES:
            shown = url if len(url) <= 60 else url[:50] + "…"
            raise ResourceError(f"refused to fetch {shown}: pages may only use files from the lesson's folder")
        return {"PNG": "image/png", "JPEG": "image/jpeg"}[PICTURE_MEDIA_TYPES[media_type]], body

    def shown(self, path: Path) -> str:
        """`path` as a figure's `src` would name it: relative to the folder that holds it."""
        for root in self.roots:
            if path.is_relative_to(root):
                return path.relative_to(root).as_posix()
        return str(path)

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
