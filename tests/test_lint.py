"""`booklet lint`: planted defects found in full at the right place, none in our own content,
and `--fix` writes only safe fixes while the file keeps its comments and layout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from booklet import ContentError, load_lesson, sample_course
from booklet.lint import Change, Finding, fix_file, fix_paths, format_change, format_finding, lint_file, lint_paths
from booklet.typography import apply_fixes, defects

from .conftest import EVERY_KIND, FIXTURES

PLANTED = FIXTURES / "lint" / "planted.yaml"


def expected() -> list[tuple[int, int, str, str]]:
    """planted.expected: `line:column: code kind` for every finding, nothing else."""
    rows = []
    for line in (FIXTURES / "lint" / "planted.expected").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            where, code, kind = line.split()
            number, column = where.rstrip(":").split(":")
            rows.append((int(number), int(column), code, kind))
    return rows


def test_planted_defects_are_found_in_full_at_their_place():
    found = [(f.line, f.column, f.code, "manual" if f.fix is None else "fix") for f in lint_file(PLANTED)]
    want = [(line, column, code, "fix" if kind == "refused" else kind) for line, column, code, kind in expected()]
    assert found == want


def test_planted_file_has_every_code():
    from booklet.defects import CODES

    assert {code for _, _, code, _ in expected()} == set(CODES)


@pytest.mark.parametrize("path", [EVERY_KIND, *sorted(sample_course().parent.glob("*.yaml"))], ids=lambda p: p.name)
def test_no_findings_in_our_own_content(path):
    assert [format_finding(f) for f in lint_file(path)] == []


@pytest.fixture
def fixed(tmp_path) -> tuple[Path, list[Change]]:
    copy = tmp_path / "planted.yaml"
    shutil.copy(PLANTED, copy)
    return copy, fix_file(copy)


def test_fix_leaves_only_what_a_person_must_decide(fixed):
    path, changes = fixed
    left = [(f.line, f.code) for f in lint_file(path)]
    assert left == [(line, code) for line, _, code, kind in expected() if kind in ("manual", "refused")]
    made = [(change.line, code) for change in changes for code in change.codes]
    assert sorted(made) == sorted((line, code) for line, _, code, kind in expected() if kind == "fix")


def test_fix_tells_what_it_changed_with_the_words_around_each_fix(fixed):
    path, changes = fixed
    shown = [format_change(change).removeprefix(f"{path}:") for change in changes]
    assert "71:13: K102, K203, K102: fixed: ХІХ-ХХ ғасырларда → XIX–XX ғасырларда" in shown  # one pass
    assert "71:58: K201: fixed: ірісі - → ірісі –" in shown  # the dash ended the line
    assert "72:28: K303: fixed: құрылыс(жоба) → құрылыс (жоба)" in shown
    assert "72:40: K303: fixed: болуы(халықтың → болуы (халықтың" in shown  # the pair spans two lines
    assert "25:11: K307, K307: fixed: Ф.И.Голощекин → Ф. И. Голощекин" in shown
    assert "18:28: K304: fixed: Индустрияландыру  бағыты → Индустрияландыру бағыты" in shown
    assert not any(change.line == 49 for change in changes)  # the refused fix is not reported


def test_fix_keeps_comments_and_every_untouched_line(fixed):
    path, _ = fixed
    before = PLANTED.read_text(encoding="utf-8").splitlines()
    after = path.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before)
    touched = {line for line, _, _, kind in expected() if kind == "fix"}
    assert [b for n, b in enumerate(before, 1) if n not in touched] == [
        a for n, a in enumerate(after, 1) if n not in touched
    ]
    assert comments(after) == comments(before)


def comments(lines: list[str]) -> list[str]:
    return [line[line.index("#") :] for line in lines if "#" in line]


def test_fix_changes_nothing_but_the_fixed_strings(fixed):
    path, _ = fixed
    old, new = yaml.safe_load(PLANTED.read_text(encoding="utf-8")), yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs = list(zip(strings(old), strings(new), strict=True))
    assert [key for key, _ in strings(old)] == [key for key, _ in strings(new)]
    assert all(b == a or b == fully_fixed(a) for (_, a), (_, b) in pairs)
    assert sum(a != b for (_, a), (_, b) in pairs) == 14  # the strings that have a "fix" row in planted.expected
    assert load_lesson(path).id == load_lesson(PLANTED).id


def strings(data, where=()):
    """Every leaf of the data with where it is; strings and other values alike."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, (*where, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from strings(value, (*where, index))
    else:
        yield where, data


def fully_fixed(text):
    while (fixed := apply_fixes(text, defects(text))) != text:
        text = fixed
    return text


def test_fix_is_idempotent(fixed):
    path, _ = fixed
    text = path.read_bytes()
    assert fix_file(path) == []
    assert path.read_bytes() == text
    assert [p.name for p in path.parent.iterdir()] == ["planted.yaml"]  # no temporary file left


def test_fix_keeps_windows_line_endings(tmp_path):
    path = tmp_path / "crlf.yaml"
    path.write_bytes('# a comment\r\ntitle: Ол "Кіші Қазан" деді  # kept\r\ntext: |\r\n  1928-1932 жж.\r\n'.encode())
    [quote, _, dash] = lint_file(path)
    assert (quote.line, quote.column, dash.line, dash.column) == (2, 11, 4, 7)
    assert [format_change(change).removeprefix(f"{path}:") for change in fix_file(path)] == [
        '2:11: K211: fixed: Ол "Кіші → Ол «Кіші',
        '2:22: K211: fixed: Қазан" деді → Қазан» деді',
        "4:7: K203: fixed: 1928-1932 → 1928–1932",
    ]
    assert (
        path.read_bytes()
        == "# a comment\r\ntitle: Ол «Кіші Қазан» деді  # kept\r\ntext: |\r\n  1928–1932 жж.\r\n".encode()
    )


def test_anchors_aliases_tags_and_escapes(tmp_path):
    path = tmp_path / "styles.yaml"
    path.write_text(
        "a: &q 'Ол ''Кіші'' деді 1928-1932'\n"
        "b: *q\n"
        "c: !!str 1928-1932 жж.\n"
        'd: {e: "x\\ty \\"Кіші\\" 1928-1932", f: [1928-1932]}\n',
        encoding="utf-8",
    )
    assert [(f.line, f.column, f.code) for f in lint_file(path)] == [
        (1, 29, "K203"),
        (3, 14, "K203"),
        (4, 14, "K211"),  # the escape \" starts there
        (4, 20, "K211"),
        (4, 27, "K203"),
        (4, 43, "K203"),
    ]
    assert sum(len(change.codes) for change in fix_file(path)) == 6
    assert path.read_text(encoding="utf-8") == (
        "a: &q 'Ол ''Кіші'' деді 1928–1932'\n"
        "b: *q\n"
        "c: !!str 1928–1932 жж.\n"
        'd: {e: "x\\ty «Кіші» 1928–1932", f: [1928–1932]}\n'
    )


def test_format_finding():
    finding = Finding(Path("a.yaml"), 3, 7, "K203", "a range takes an en dash", "–", "1928-1932 → 1928–1932")
    assert format_finding(finding) == "a.yaml:3:7: K203: a range takes an en dash (1928-1932 → 1928–1932)"
    assert format_finding(Finding(Path("a.yaml"), 1, 1, "K302", "a capital")) == "a.yaml:1:1: K302: a capital"


def test_lint_paths_reads_folders_and_fixes_first(tmp_path):
    (tmp_path / "unit").mkdir()
    (tmp_path / "unit" / "a.yaml").write_text("title: 1928-1932\n", encoding="utf-8")
    (tmp_path / "unit" / "b.yml").write_text("title: 'Бұкіл'\n", encoding="utf-8")
    (tmp_path / "unit" / "notes.txt").write_text("1928-1932\n", encoding="utf-8")
    assert [(f.path.name, f.code) for f in lint_paths([tmp_path / "unit"])] == [("a.yaml", "K203"), ("b.yml", "K112")]
    assert [(f.path.name, f.code) for f in lint_paths([tmp_path], fix=True)] == [("b.yml", "K112")]
    (tmp_path / "unit" / "a.yaml").write_text("title: ХІХ-ХХ ғ.\n", encoding="utf-8")
    assert [(c.path.name, c.codes, c.after) for c in fix_paths([tmp_path])] == [
        ("a.yaml", ("K102", "K203", "K102"), "XIX–XX ғ.")
    ]
    assert fix_paths([tmp_path]) == []


def test_broken_yaml_is_a_content_error(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("title: [Түрксіб\n", encoding="utf-8")
    with pytest.raises(ContentError, match="YAML syntax"):
        lint_file(path)
