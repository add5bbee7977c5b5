"""No work twice: a build whose inputs are unchanged is skipped, any change rebuilds, and a
record that cannot be trusted in full means a rebuild, never a wrong skip or an error.

Builds here are simulated (load the lesson and class list inside `reading()`, "render" small
byte strings), so the record is tested without WeasyPrint."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import booklet.engine.record as record_module
import booklet.output
from booklet import load_course, load_lesson, sample_course
from booklet.engine.record import CHANGED, BuildRecord, RecordedPrintout, note_read, package_digest, reading
from booklet.output import META, read_record, record_keys, write_set
from booklet.roster import read_roster

from .conftest import FIXTURES
from .test_output import killed_at, no_links, shown

ROSTER = "Аты-жөні\nӘлиев Нұрлан\nІңкәр Өтебаева\n"
OPTIONS = {"only": ["worksheet", "key"], "lang": None, "script": None}


@pytest.fixture
def lesson(tmp_path: Path) -> Path:
    """A copy of the fixture lesson (it has an SVG figure) with a class list beside it."""
    folder = tmp_path / "lesson"
    shutil.copytree(FIXTURES / "every-kind", folder)
    (folder / "class.csv").write_text(ROSTER, encoding="utf-8")
    return folder / "lesson.yaml"


def build(lesson: Path, out: Path, options=OPTIONS, force: bool = False, mark: bytes = b"") -> list[RecordedPrintout]:
    """What a build does with its record: check it, else load (recording what is read),
    "render" a PDF per kind from the bytes read, and write the PDFs with the record."""
    record = BuildRecord("build", [lesson], options)
    if not force and (printouts := record.fresh(out)) is not None:
        return printouts
    with reading() as reads:
        loaded = load_lesson(lesson)
        pupils = read_roster(lesson.parent / "class.csv")
    source = lesson.read_bytes() + (lesson.parent / "figures" / "bars.svg").read_bytes() + mark
    made = [
        (kind, f"{loaded.id}-{kind}.pdf", b"%PDF " + kind.encode() + source, len(pupils)) for kind in options["only"]
    ]
    return record.write(out, reads, made)


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes | str]]:
    """Every entry under `folder` with its inode and change time: an untouched folder keeps all three."""
    found = {}
    for path in sorted(folder.rglob("*")):
        status = path.lstat()
        content = os.readlink(path) if path.is_symlink() else path.read_bytes() if path.is_file() else "folder"
        found[str(path.relative_to(folder))] = (status.st_ino, status.st_mtime_ns, content)
    return found


def is_fresh(lesson: Path, out: Path, options=OPTIONS) -> bool:
    return BuildRecord("build", [lesson], options).fresh(out) is not None


# ---------- unchanged: nothing to do ----------


def test_an_unchanged_rebuild_writes_nothing_and_reports_the_same_printouts(lesson, tmp_path):
    out = tmp_path / "out"
    first = build(lesson, out)
    assert [(p.kind, p.name, p.pages) for p in first] == [
        ("worksheet", "every-kind-worksheet.pdf", 2),
        ("key", "every-kind-key.pdf", 2),
    ]
    assert all(p.size == len((out / p.name).read_bytes()) for p in first)
    before = snapshot(out)
    assert build(lesson, out) == first
    assert snapshot(out) == before


def test_a_changed_rebuild_rewrites(lesson, tmp_path):
    out = tmp_path / "out"
    build(lesson, out)
    old = shown(out)
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("1927 жылы", "1928 жылы"), encoding="utf-8")
    assert not is_fresh(lesson, out)
    build(lesson, out)
    assert shown(out) != old and b"1928" in shown(out)["every-kind-key.pdf"]
    assert is_fresh(lesson, out)


def test_force_rebuilds_anyway(lesson, tmp_path):
    out = tmp_path / "out"
    build(lesson, out)
    build(lesson, out, force=True, mark=b"%again")
    assert shown(out)["every-kind-key.pdf"].endswith(b"%again") and is_fresh(lesson, out)


# ---------- any change: build again ----------


def edit(path: Path) -> None:
    path.write_bytes(path.read_bytes().replace(b"</svg>", b"<!-- x --></svg>") + b"\n")


CHANGES = {
    "the lesson edited": lambda lesson: edit(lesson),
    "the lesson touched to the same bytes is no change": None,
    "the figure edited": lambda lesson: edit(lesson.parent / "figures" / "bars.svg"),
    "the figure deleted": lambda lesson: (lesson.parent / "figures" / "bars.svg").unlink(),
    "the figure replaced by a link to another drawing": lambda lesson: _relinked(
        lesson.parent / "figures" / "bars.svg"
    ),
    "the class list edited": lambda lesson: _append_pupil(lesson.parent / "class.csv"),
    "the class list deleted": lambda lesson: (lesson.parent / "class.csv").unlink(),
    "the key deleted": lambda lesson: (lesson.parent.parent / "out" / "every-kind-key.pdf").unlink(),
    "the key edited in place": lambda lesson: _append(lesson.parent.parent / "out" / "every-kind-key.pdf"),
    "the key replaced by a file of one's own": lambda lesson: _replace(
        lesson.parent.parent / "out" / "every-kind-key.pdf"
    ),
}


def _append_pupil(roster: Path) -> None:
    roster.write_text(ROSTER + "Жаңа Оқушы\n", encoding="utf-8")


def _relinked(figure: Path) -> None:
    other = figure.with_name("other.svg")
    other.write_bytes(figure.read_bytes().replace(b"</svg>", b"<rect/></svg>"))
    figure.unlink()
    figure.symlink_to(other.name)


def _append(pdf: Path) -> None:
    with pdf.open("ab") as stream:
        stream.write(b"%edited")


def _replace(pdf: Path) -> None:
    data = pdf.read_bytes()
    pdf.unlink()
    pdf.write_bytes(data[:-1])


@pytest.mark.parametrize("change", CHANGES)
def test_each_change_means_a_rebuild(lesson, tmp_path, change):
    out = tmp_path / "out"
    build(lesson, out)
    if CHANGES[change] is None:
        lesson.write_bytes(lesson.read_bytes())
        assert is_fresh(lesson, out)
        return
    CHANGES[change](lesson)
    assert not is_fresh(lesson, out)


def test_a_figure_link_pointed_at_another_drawing_means_a_rebuild(lesson, tmp_path):
    out, figure = tmp_path / "out", lesson.parent / "figures" / "bars.svg"
    first, second = figure.with_name("first.svg"), figure.with_name("second.svg")
    figure.rename(first)
    second.write_bytes(first.read_bytes().replace(b"</svg>", b"<rect/></svg>"))
    figure.symlink_to(first.name)
    build(lesson, out)
    assert is_fresh(lesson, out)
    figure.unlink()
    figure.symlink_to(second.name)  # the drawing the link first led to is unchanged
    assert not is_fresh(lesson, out)


def test_an_option_changed_means_a_rebuild(lesson, tmp_path):
    out = tmp_path / "out"
    build(lesson, out)
    assert is_fresh(lesson, out, {"only": ("worksheet", "key"), "script": None, "lang": None})  # same, as a tuple
    assert not is_fresh(lesson, out, {**OPTIONS, "lang": "ru"})
    assert not is_fresh(lesson, out, {**OPTIONS, "only": ["key", "worksheet"]})
    assert BuildRecord("book", [lesson], OPTIONS).fresh(out) is None


def test_another_booklet_means_a_rebuild(lesson, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(lesson, out)
    monkeypatch.setattr(record_module, "package_digest", lambda: "a template edited")
    assert not is_fresh(lesson, out)
    monkeypatch.undo()
    assert is_fresh(lesson, out)
    distributions = record_module._distributions()
    monkeypatch.setattr(record_module, "_distributions", lambda: [*distributions, "weasyprint-99.0.dist-info"])
    assert not is_fresh(lesson, out)


def test_the_version_is_the_one_installed(monkeypatch):
    installed = ["Jinja2-3.1.6.dist-info", "booklet-2.3.1.dist-info", "weasyprint-70.0.dist-info"]
    monkeypatch.setattr(record_module, "_distributions", lambda: installed)
    assert record_module.installation()["booklet"] == "2.3.1"
    monkeypatch.setattr(record_module, "_distributions", lambda: ["booklet_tools-1.0.dist-info"])
    assert record_module.installation()["booklet"] == "unknown"


def test_a_file_edited_while_the_build_read_it_means_a_rebuild(lesson, tmp_path):
    out = tmp_path / "out"
    record = BuildRecord("build", [lesson], OPTIONS)
    with reading() as reads:
        load_lesson(lesson)
        note_read(lesson, b"what the file held when it was read a second time")
    assert reads.digests[str(lesson)] == CHANGED
    record.write(out, reads, [("key", "every-kind-key.pdf", b"%PDF", 1)])
    assert not is_fresh(lesson, out)


def test_a_given_file_the_build_did_not_read_is_recorded_all_the_same(lesson, tmp_path):
    out = tmp_path / "out"
    with reading() as reads:
        pass
    BuildRecord("build", [lesson], OPTIONS).write(out, reads, [("key", "every-kind-key.pdf", b"%PDF", 1)])
    assert is_fresh(lesson, out)
    edit(lesson)
    assert not is_fresh(lesson, out)


# ---------- one build's record is not another's ----------


def test_a_record_for_one_lesson_does_not_make_another_fresh(lesson, tmp_path):
    out = tmp_path / "out"
    twin = lesson.with_name("twin.yaml")
    shutil.copyfile(lesson, twin)  # the same bytes, the same id and PDF names
    build(lesson, out)
    assert not is_fresh(twin, out)
    key = BuildRecord("build", [lesson], OPTIONS).key
    twin_key = BuildRecord("build", [twin], OPTIONS).key
    write_set(out, {}, records={twin_key: read_record(out, key)})  # a record under another build's name
    assert not is_fresh(twin, out)


def test_the_records_of_other_lessons_are_kept(lesson, tmp_path):
    out = tmp_path / "out"
    other = tmp_path / "other" / "lesson.yaml"
    shutil.copytree(lesson.parent, other.parent)
    other.write_text(lesson.read_text(encoding="utf-8").replace("id: every-kind", "id: other"), encoding="utf-8")
    build(lesson, out)
    build(other, out)
    assert is_fresh(lesson, out) and is_fresh(other, out)
    assert len(record_keys(out)) == 2


def test_records_a_write_makes_wrong_go_with_it(lesson, tmp_path):
    out = tmp_path / "out"
    build(lesson, out)
    only_key = {**OPTIONS, "only": ["key"]}
    build(lesson, out, only_key)  # the same key PDF: both records still describe the folder
    assert is_fresh(lesson, out) and is_fresh(lesson, out, only_key) and len(record_keys(out)) == 2
    build(lesson, out, only_key, force=True, mark=b"%new")  # another key PDF: the full build's record goes
    assert record_keys(out) == [BuildRecord("build", [lesson], only_key).key]
    build(lesson, out)
    record = BuildRecord("exam", [lesson], {})
    with reading() as reads:
        pass
    record.write(out, reads, [("sheets", "x-sheets.pdf", b"%PDF", 1)], retire=["every-kind-worksheet.pdf"])
    assert record_keys(out) == [record.key] and sorted(shown(out)) == ["every-kind-key.pdf", "x-sheets.pdf"]


# ---------- a record that cannot be trusted ----------


def damaged(good: dict) -> dict[str, bytes]:
    def changed(**fields) -> bytes:
        return json.dumps({**good, **fields}).encode()

    printout = good["printouts"][0]
    return {
        "empty": b"",
        "cut short": json.dumps(good).encode()[:200],
        "not UTF-8": json.dumps(good).encode().replace(b"{", b"\xff{", 1),
        "not a mapping": b"[1, 2]",
        "another format": changed(format=2),
        "format true": changed(format=True),
        "no format": json.dumps({k: v for k, v in good.items() if k != "format"}).encode(),
        "a field too many": changed(extra=1),
        "a field missing": json.dumps({k: v for k, v in good.items() if k != "read"}).encode(),
        "pages as text": changed(printouts=[{**printout, "pages": "2"}]),
        "pages true": changed(printouts=[{**printout, "pages": True}]),
        "negative size": changed(printouts=[{**printout, "size": -1}]),
        "a printout outside the folder": changed(printouts=[{**printout, "name": "../lesson/lesson.yaml"}]),
        "a hidden printout": changed(printouts=[{**printout, "name": ".lock"}]),
        "printouts not a list": changed(printouts={"a": 1}),
        "a digest not text": changed(read={path: 1 for path in good["read"]}),
        "a relative input": changed(read={"lesson.yaml": next(iter(good["read"].values()))}),
        "options NaN": json.dumps({**good, "options": {"seed": float("nan")}}).encode(),
        "nested too deep": b'{"format": 1, "options": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "another command": changed(command="book"),
        "other inputs": changed(inputs=["/elsewhere/lesson.yaml"]),
        "other options": changed(options={**good["options"], "lang": "en"}),
        "another installation": changed(installation={**good["installation"], "booklet": "0.0.1"}),
        "an input that is a pipe": changed(read={**good["read"], "/PIPE": "0" * 64}),
    }


def test_a_damaged_record_means_a_rebuild_and_no_error(lesson, tmp_path):
    out = tmp_path / "out"
    build(lesson, out)
    key = BuildRecord("build", [lesson], OPTIONS).key
    good = json.loads(read_record(out, key))
    assert is_fresh(lesson, out)
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)  # opening it to read would wait for a writer forever
    for name, data in damaged(good).items():
        write_set(out, {}, records={key: data.replace(b"/PIPE", str(pipe).encode())})
        assert not is_fresh(lesson, out), name
    write_set(out, {}, records={key: json.dumps(good).encode()})
    assert is_fresh(lesson, out)  # the good record again: the checks above were not failing for another reason


def test_a_record_that_cannot_be_read_means_a_rebuild(lesson, tmp_path):
    out = tmp_path / "out"
    build(lesson, out)
    record = BuildRecord("build", [lesson], OPTIONS)
    path = out / META / "current" / f".record-{record.key}"
    path.unlink()
    path.mkdir()  # a folder where the record was
    assert record.fresh(out) is None
    assert BuildRecord("build", [lesson], OPTIONS).fresh(tmp_path / "nowhere") is None
    (tmp_path / "a file").write_bytes(b"")
    assert record.fresh(tmp_path / "a file") is None


# ---------- what a build reads is recorded as it is read ----------


def test_loading_a_lesson_records_the_lesson_and_its_figure():
    lesson = sample_course().parent / "2-great-constructions.yaml"
    with reading() as reads:
        load_lesson(lesson)
    figure = lesson.parent / "figures" / "turksib-dates.svg"
    assert sorted(reads.digests) == sorted([str(lesson.absolute()), str(figure.absolute())])
    assert reads.digests[str(figure.absolute())] == record_module._digest(figure.read_bytes())


def test_loading_a_course_records_the_course_its_lessons_and_their_figures():
    course = sample_course()
    with reading() as reads:
        textbook = load_course(course)
    lessons = [path for path, _ in textbook.lessons]
    wanted = [course, *lessons, course.parent / "figures" / "turksib-dates.svg"]
    assert sorted(reads.digests) == sorted(str(path.absolute()) for path in wanted) and len(lessons) == 4


def test_reads_outside_a_build_are_not_kept(lesson):
    load_lesson(lesson)  # nothing open: nothing recorded, nothing raised
    with reading() as outer:
        with reading() as inner:
            read_roster(lesson.parent / "class.csv")
        load_lesson(lesson)
    assert list(inner.digests) == [str(lesson.parent / "class.csv")]
    assert len(outer.digests) == 3  # the class list, the lesson, its figure
    assert record_module._collecting == []


def test_the_fetcher_records_a_file_of_the_lesson_but_not_booklets_own(lesson):
    from booklet.fetcher import LessonFetcher
    from booklet.resources import fonts_dir

    figure = lesson.parent / "figures" / "bars.svg"
    fetcher = LessonFetcher([lesson.parent, fonts_dir()])
    with reading() as reads:
        fetcher.fetch(figure.as_uri())
        fetcher.fetch((fonts_dir() / "PTSans-Regular.ttf").as_uri())
    assert list(reads.digests) == [str(figure)]


# ---------- booklet itself ----------


def test_the_package_digest_sees_every_file_but_compiled_ones(tmp_path, monkeypatch):
    package = tmp_path / "booklet"
    shutil.copytree(Path(record_module.__file__).parent.parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(Path(record_module._PACKAGE).parent / "templates", package / "templates")
    monkeypatch.setattr(record_module, "_PACKAGE", package)
    digests = [package_digest()]
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "cli.cpython-311.pyc").write_bytes(b"compiled")
    assert package_digest() == digests[-1]
    for path in (package / "templates" / "booklet.css", package / "render.py", package / "locales" / "kk.yaml"):
        path.write_bytes(path.read_bytes().replace(b"a", b"b", 1))
        digests.append(package_digest())
    (package / "templates" / "new.html").write_text("")
    digests.append(package_digest())
    assert len(set(digests)) == len(digests)


def test_checking_a_record_loads_neither_pydantic_nor_weasyprint(lesson, tmp_path):
    out = tmp_path / "out"
    build(lesson, out)
    script = (
        "import sys\n"
        "from booklet.engine.record import BuildRecord\n"
        f"options = {OPTIONS!r}\n"
        f"assert BuildRecord('build', [{str(lesson)!r}], options).fresh({str(out)!r}) is not None\n"
        "heavy = sorted({'pydantic', 'weasyprint', 'yaml', 'PIL'} & set(sys.modules))\n"
        "assert not heavy, heavy\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(Path(record_module.__file__).parents[2])}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, env=environment, timeout=60
    )
    assert result.returncode == 0, result.stderr


# ---------- records change with their PDFs ----------


@pytest.mark.parametrize("disk", ["links", "no links (FAT)"])
def test_a_record_lives_through_the_next_write_in_either_mode(lesson, tmp_path, monkeypatch, disk):
    if "no links" in disk:
        monkeypatch.setattr(os, "symlink", no_links)
    out = tmp_path / "out"
    build(lesson, out)
    assert (out / META / ("current" if disk == "links" else "records")).is_dir()
    write_set(out, {"other.pdf": b"%PDF other"})  # another build's write keeps this one's record
    assert is_fresh(lesson, out)
    (out / "every-kind-worksheet.pdf").unlink()
    assert not is_fresh(lesson, out)
    build(lesson, out)
    assert is_fresh(lesson, out) and sorted(shown(out)) == sorted(
        ["every-kind-key.pdf", "every-kind-worksheet.pdf", "other.pdf"]
    )


def test_a_set_a_killed_run_left_half_moved_in_has_no_record_to_trust(lesson, tmp_path, monkeypatch):
    monkeypatch.setattr(os, "symlink", no_links)
    out = tmp_path / "out"
    build(lesson, out)
    (out / META / "commit").mkdir()  # as a run killed while moving its set in leaves it
    assert not is_fresh(lesson, out)
    write_set(out, {})  # the next run finishes the move
    assert is_fresh(lesson, out)


OLD_SET = {"a-sheet.pdf": b"a1 sheet", "a-key.pdf": b"a1 key", "a-answers.pdf": b"a1 answers", "b-sheet.pdf": b"b1"}
NEW_SET = {"a-sheet.pdf": b"a2 sheet", "a-key.pdf": b"a2 key"}


@pytest.mark.parametrize("disk", ["links", "no links (FAT)"])
def test_a_kill_at_any_step_never_shows_a_record_newer_than_its_pdfs(tmp_path, monkeypatch, disk):
    """With links the record shown is always the one written with the PDFs shown; without,
    it may lag behind them (then it names other bytes and is not trusted), never run ahead."""
    if "no links" in disk:
        monkeypatch.setattr(os, "symlink", no_links)
    after = {**OLD_SET, **NEW_SET}
    del after["a-answers.pdf"]
    step = 0
    while True:
        step += 1
        folder = tmp_path / str(step)
        write_set(folder, OLD_SET, records={"a": b"old", "b": b"b", "gone": b"gone"})
        write = lambda folder=folder: write_set(  # noqa: E731
            folder, NEW_SET, ["a-answers.pdf"], records={"a": b"new", "gone": None}
        )
        if not killed_at(step, write):
            break
        now, record = shown(folder), read_record(folder, "a")
        if disk == "links":
            assert (now, record, read_record(folder, "gone")) in ((OLD_SET, b"old", b"gone"), (after, b"new", None))
        else:  # read past the check that a set is being moved in: the order alone keeps it right
            raw = folder / META / "records" / ".record-a"
            if raw.exists() and raw.read_bytes() == b"new":
                assert now == after, f"killed at step {step}: the new record came before its PDFs"
            assert record in (None, raw.read_bytes())
        committed = (folder / META / "commit").exists()
        write_set(folder, {})  # the next run finishes a committed plain set
        if committed:
            assert shown(folder) == after and read_record(folder, "a") == b"new"
        assert read_record(folder, "b") == b"b"
        shutil.rmtree(folder)
    assert step > 10 and read_record(folder, "a") == b"new" and read_record(folder, "gone") is None
    assert shown(folder) == after and read_record(folder, "b") == b"b"


def test_record_keys_must_be_plain(tmp_path):
    for key in ("", "../x", "a/b", "a.b", "x" * 65):
        with pytest.raises(ValueError, match="not a record key"):
            write_set(tmp_path / "out", {"a.pdf": b"a"}, records={key: b"r"})
        assert read_record(tmp_path / "out", key) is None
    assert not (tmp_path / "out").exists()
    assert booklet.output.RECORD.startswith(".")  # a record's name can never be a PDF's
