"""Pages may read bundled resources and the lesson's own folder, and nothing else."""

from __future__ import annotations

import shutil

import pytest

from booklet import ContentError, ResourceError, build
from booklet.fetcher import LessonFetcher

from .conftest import EVERY_KIND


@pytest.fixture
def fetcher(tmp_path):
    (tmp_path / "ok.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    return LessonFetcher([tmp_path])


def test_serves_files_inside_the_folder(fetcher, tmp_path):
    response = fetcher.fetch((tmp_path / "ok.svg").as_uri())
    assert response.read().startswith(b"<svg") and response.content_type == "image/svg+xml"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.png",
        "https://example.com/x.png",
        "ftp://example.com/x.png",
        "data:text/plain,hello",
        "file:///etc/passwd",
        "file://otherhost/etc/passwd",
    ],
)
def test_refuses_everything_else(fetcher, url):
    with pytest.raises(ResourceError, match="refused"):
        fetcher.fetch(url)


def test_refuses_dot_dot_out_of_the_folder(fetcher, tmp_path):
    with pytest.raises(ResourceError, match="outside the lesson's folder"):
        fetcher.fetch((tmp_path / "ok.svg").as_uri().replace("ok.svg", "../../../etc/passwd"))


def test_svg_that_reaches_outside_fails_the_build_cleanly(tmp_path, monkeypatch):
    """Refused when the lesson is loaded, at the figure's `src`, before anything is fetched
    (tests/test_figures.py has the refusal the fetcher itself makes while rendering)."""
    folder = tmp_path / "lesson"
    shutil.copytree(EVERY_KIND.parent, folder)
    (folder / "figures" / "bars.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
        '<image xlink:href="file:///etc/hostname" width="10" height="10"/></svg>'
    )
    read = []
    original = LessonFetcher.fetch
    monkeypatch.setattr(LessonFetcher, "fetch", lambda self, url, headers=None: read.append(url) or original(self, url))
    with pytest.raises(
        ContentError, match=r"lesson.yaml:\d+:\d+: sections.1.figures.1.src: the SVG asks for file:///etc/hostname"
    ):
        build(folder / "lesson.yaml", tmp_path / "out", only=["handout"])
    assert not any("hostname" in url for url in read)
    assert not (tmp_path / "out").exists()
