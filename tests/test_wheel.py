"""A real wheel carries templates, fonts and the sample lesson, and renders from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("hatchling", reason="building the wheel needs hatchling (pip install '.[test]')")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
    )
    [built] = out.glob("booklet-*.whl")
    return built


def test_wheel_carries_templates_fonts_and_the_sample(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in [
        "booklet/templates/worksheet.html",
        "booklet/templates/book.html",
        "booklet/templates/parts/lesson-body.html",
        "booklet/templates/booklet.css",
        "booklet/templates/exercises/cloze.html",
        "booklet/templates/exam-sheet.html",
        "booklet/templates/exam-answer-sheet.html",
        "booklet/templates/exam-rubric.html",
        "booklet/templates/exam-teacher.html",
        "booklet/templates/exam/head.html",
        "booklet/content/industrialisation/exam.yaml",
        "booklet/fonts/PTSerif-Regular.ttf",
        "booklet/fonts/PTSansNarrow-Bold.ttf",
        "booklet/fonts/OFL-PTSerif.txt",
        "booklet/content/industrialisation/course.yaml",
        "booklet/content/industrialisation/1-course-and-debate.yaml",
        "booklet/content/industrialisation/figures/turksib-dates.svg",
        "booklet/locales/kk.yaml",
        "booklet/dictionaries/hyph_kk_KZ.dic",
        # booklet serve works with no network: every script and stylesheet is in the wheel
        "booklet/studio/templates/editor.html",
        "booklet/studio/static/editor.js",
        "booklet/studio/static/studio.css",
        "booklet/studio/locale.yaml",
        "booklet/studio/starters/lesson.yaml",
        "booklet/studio/starters/examples.yaml",
        "booklet/studio/static/vendor/codemirror/lib/codemirror.js",
        "booklet/studio/static/vendor/codemirror/lib/codemirror.css",
        "booklet/studio/static/vendor/codemirror/mode/yaml/yaml.js",
        "booklet/studio/static/vendor/codemirror/addon/lint/lint.js",
        "booklet/studio/static/vendor/codemirror/addon/hint/show-hint.js",
        "booklet/studio/static/vendor/codemirror/LICENSE",
    ]:
        assert needed in names


def test_installed_wheel_builds_the_sample_from_a_temporary_directory(wheel, tmp_path):
    site, work = tmp_path / "site", tmp_path / "work"
    work.mkdir()
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)], check=True
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = (
        "import booklet; print(booklet.__file__); from booklet.cli import main\n"
        "main(['build', '--only', 'worksheet'], standalone_mode=False)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(str(site))
    assert (work / "out" / "course-and-debate-worksheet.pdf").stat().st_size > 10_000
