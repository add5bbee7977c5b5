"""A build writes its whole set of PDFs or changes nothing: a write failure after the first
file, a full or read-only disk, a folder in the way, a kill at any step of the write."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

import booklet.output
from booklet import BookletError
from booklet.cli import main
from booklet.output import META, write_set

from .conftest import EVERY_KIND, FIXTURES

NAMES = [f"every-kind-{kind}.pdf" for kind in ("handout", "tables", "worksheet", "key")]
DISK_FULL = "No space left on device (free some space and build again); no PDF there was changed"


def run(*args: object):
    """The command line; builds are forced, because these tests change what a build renders
    (`editions`) without changing its inputs, which would otherwise be a build with nothing to do."""
    forced = ["--force"] if args and args[0] in ("build", "book", "exam") else []
    return CliRunner().invoke(main, [str(arg) for arg in args] + forced)


def shown(folder: Path) -> dict[str, bytes]:
    """What a teacher opening the folder can print: every visible name that leads to a file."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".") and p.is_file()}


def everything(folder: Path) -> dict[str, object]:
    """Every entry under `folder`, hidden ones too: a file's bytes, a link's target, a folder."""
    found: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            found[name] = os.readlink(path)
        else:
            found[name] = path.read_bytes() if path.is_file() else "folder"
    return found


def debris(folder: Path) -> list[str]:
    """What a write may leave behind and must not: partial files, staging folders, dangling
    links, a generation holding files that no name shows."""
    meta = folder / META
    left = [str(p.relative_to(folder)) for p in folder.rglob("*.part")]
    left += [p.name for p in folder.iterdir() if p.name != META and not p.exists()]
    current = os.readlink(meta / "current") if (meta / "current").is_symlink() else None
    if meta.is_dir():
        left += [f"{META}/{name}" for name in os.listdir(meta) if name not in ("lock", "current", current)]
    if current is not None:
        linked = sorted(p.name for p in folder.iterdir() if p.is_symlink())
        held = sorted(name for name in os.listdir(meta / current) if not name.startswith(".record-"))
        if held != linked:
            left.append(f"{META}/{current} holds {held}, the links show {linked}")
    return left


@pytest.fixture
def editions(monkeypatch: pytest.MonkeyPatch, every_kind) -> dict[str, bytes]:
    """Builds of the fixture lesson take the session's rendering instead of rendering again;
    `editions["mark"]` is appended to each PDF, so that an old set and a new one differ."""
    marks = {"mark": b""}

    def render(lesson, folder, kinds, renderer, labels=None):
        return {
            kind: replace(every_kind.rendered[kind], pdf=every_kind.rendered[kind].pdf + marks["mark"])
            for kind in kinds
        }

    monkeypatch.setattr(sys.modules["booklet.lesson_build"], "render_lesson", render)
    return marks


# ---------- failures reported cleanly, with nothing changed ----------


def test_a_write_failure_after_the_first_pdf_changes_nothing(tmp_path, monkeypatch, editions):
    out = tmp_path / "out"
    assert run("build", EVERY_KIND, "-o", out).exit_code == 0
    editions["mark"] = b"%new\n"
    before = everything(out)
    written, calls = booklet.output._write, []

    def fail_after_the_first(descriptor: int, data: bytes) -> None:
        calls.append(data)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written(descriptor, data)

    monkeypatch.setattr(booklet.output, "_write", fail_after_the_first)
    result = run("build", EVERY_KIND, "-o", out)
    assert result.exit_code == 2 and len(calls) == 2
    assert result.output == f"booklet: cannot write to {out}: {DISK_FULL}\n"
    assert everything(out) == before and debris(out) == []
    assert sorted(shown(out)) == sorted(NAMES)


def test_a_folder_in_place_of_a_pdf_changes_nothing(tmp_path, editions):
    out = tmp_path / "out"
    assert run("build", EVERY_KIND, "-o", out).exit_code == 0
    key = out / "every-kind-key.pdf"
    key.unlink()
    key.mkdir()
    before = everything(out)
    editions["mark"] = b"%new\n"
    result = run("build", EVERY_KIND, "-o", out)
    assert result.exit_code == 2
    assert result.output == f"booklet: {key} is a folder, where booklet writes a PDF; move it away and build again\n"
    assert everything(out) == before
    fresh = tmp_path / "fresh"
    (fresh / "every-kind-tables.pdf").mkdir(parents=True)
    assert run("build", EVERY_KIND, "-o", fresh, "--only", "tables").exit_code == 2
    assert everything(fresh) == {"every-kind-tables.pdf": "folder"}  # not even the hidden folder


def test_a_link_or_a_file_not_made_by_booklet_is_in_the_way(tmp_path):
    elsewhere = tmp_path / "elsewhere.pdf"
    elsewhere.write_bytes(b"mine")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "x.pdf").symlink_to(elsewhere)
    with pytest.raises(BookletError, match="x.pdf is a link booklet did not make, where booklet writes a PDF"):
        write_set(tmp_path / "out", {"x.pdf": b"new"})
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / META).write_bytes(b"")
    with pytest.raises(BookletError, match=r"\.booklet is not a folder, where booklet writes its own hidden folder"):
        write_set(tmp_path / "other", {"x.pdf": b"new"})
    assert elsewhere.read_bytes() == b"mine" and (tmp_path / "out" / "x.pdf").read_bytes() == b"mine"


def test_an_output_folder_that_is_a_file(tmp_path):
    (tmp_path / "out").write_bytes(b"")
    with pytest.raises(BookletError, match="cannot create the output folder .*out: a file is in the way"):
        write_set(tmp_path / "out", {"x.pdf": b"new"})


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A file system of 1 MB of its own (tmpfs), where the test may mount one (root on Linux)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", "size=1m", "booklet-test", str(disk)]
    if os.geteuid() != 0 or not shutil.which("mount") or subprocess.run(command, capture_output=True).returncode:
        pytest.skip("cannot mount a small file system here")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(path: Path) -> None:
    with path.open("wb") as stream:
        try:
            while True:
                stream.write(b"\0" * 65536)
                stream.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC


def test_a_full_disk_changes_nothing_and_says_what_to_do(small_disk, editions):
    out = small_disk / "out"
    assert run("build", EVERY_KIND, "-o", out).exit_code == 0
    before = everything(out)
    fill(small_disk / "filler")
    editions["mark"] = b"%new\n"
    result = run("build", EVERY_KIND, "-o", out)
    assert result.exit_code == 2
    assert result.output == f"booklet: cannot write to {out}: {DISK_FULL}\n"
    assert everything(out) == before and debris(out) == []
    (small_disk / "filler").unlink()
    assert run("build", EVERY_KIND, "-o", out).exit_code == 0
    assert all(data.endswith(b"%new\n") for data in shown(out).values()) and debris(out) == []


def test_a_read_only_disk_changes_nothing(small_disk, editions):
    out = small_disk / "out"
    assert run("build", EVERY_KIND, "-o", out).exit_code == 0
    before = everything(out)
    assert subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True).returncode == 0
    editions["mark"] = b"%new\n"
    result = run("build", EVERY_KIND, "-o", out)
    assert result.exit_code == 2
    assert result.output == (
        f"booklet: cannot write to {out}: Read-only file system "
        "(the disk is read-only; choose another folder with -o); no PDF there was changed\n"
    )
    assert everything(out) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_a_folder_one_may_not_write_to_changes_nothing(tmp_path, editions):
    out = tmp_path / "out"
    assert run("build", EVERY_KIND, "-o", out).exit_code == 0
    before = everything(out)
    for folder in (out, out / META):
        folder.chmod(0o555)
    try:
        result = run("build", EVERY_KIND, "-o", out)
    finally:
        for folder in (out, out / META):
            folder.chmod(0o755)
    assert result.exit_code == 2 and "Permission denied (choose a folder you may write to with -o)" in result.output
    assert everything(out) == before


@pytest.mark.parametrize("disk", ["links", "links, no O_TMPFILE", "no links (FAT)"])
def test_a_failed_write_leaves_no_partial_file_in_any_mode(tmp_path, monkeypatch, disk):
    out = tmp_path / "out"
    if "no O_TMPFILE" in disk:
        monkeypatch.setattr(booklet.output, "_TMPFILE", 0)
    if "no links" in disk:
        monkeypatch.setattr(os, "symlink", no_links)
    write_set(out, {"a-sheet.pdf": b"a1", "a-key.pdf": b"a1 key"})
    before = everything(out)
    written = booklet.output._write

    def full_at_the_key(descriptor: int, data: bytes) -> None:
        if data != b"a2 key":
            return written(descriptor, data)
        os.write(descriptor, data[:1])  # a partial file, if it had a name
        raise OSError(errno.EDQUOT, os.strerror(errno.EDQUOT))

    monkeypatch.setattr(booklet.output, "_write", full_at_the_key)
    with pytest.raises(BookletError, match=r"Disk quota exceeded \(free some space and build again\); no PDF"):
        write_set(out, {"a-sheet.pdf": b"a2", "a-key.pdf": b"a2 key"})
    assert everything(out) == before and debris(out) == []


def test_two_runs_into_one_folder_take_turns(tmp_path):
    out = tmp_path / "out"
    write_set(out, {"a.pdf": b"1"})
    with open(out / META / "lock") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        pid = os.fork()
        if pid == 0:
            try:
                lock.close()  # else the child would hold the parent's lock and wait for itself
                write_set(out, {"a.pdf": b"2"})
            finally:
                os._exit(0)
        time.sleep(0.3)
        assert os.waitpid(pid, os.WNOHANG) == (0, 0) and shown(out) == {"a.pdf": b"1"}
    os.waitpid(pid, 0)
    assert shown(out) == {"a.pdf": b"2"} and debris(out) == []


# ---------- the set as a whole ----------


def test_an_exam_without_answer_sheets_takes_the_old_ones_away(tmp_path):
    exam, out = FIXTURES / "exam" / "exam.yaml", tmp_path / "out"
    assert run("exam", exam, "-n", "1", "--answer-sheet", "-o", out).exit_code == 0
    assert "small-exam-answer-sheets.pdf" in shown(out)
    assert run("exam", exam, "-n", "1", "-o", out).exit_code == 0
    assert sorted(shown(out)) == ["small-exam-keys.pdf", "small-exam-sheets.pdf"] and debris(out) == []


def test_other_lessons_pdfs_and_the_file_mode_stay(tmp_path):
    out = tmp_path / "out"
    write_set(out, {"a-sheet.pdf": b"a1", "a-key.pdf": b"a1 key", "b-sheet.pdf": b"b1"})
    write_set(out, {"a-sheet.pdf": b"a2", "a-key.pdf": b"a2 key"})
    assert shown(out) == {"a-key.pdf": b"a2 key", "a-sheet.pdf": b"a2", "b-sheet.pdf": b"b1"} and debris(out) == []
    mask = os.umask(0o022)
    os.umask(mask)
    assert {(out / name).stat().st_mode & 0o777 for name in shown(out)} == {0o666 & ~mask}


def test_pdfs_written_by_an_older_booklet_are_taken_over(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for name, data in {"a-sheet.pdf": b"a1", "a-key.pdf": b"a1 key", "b-sheet.pdf": b"b1"}.items():
        (out / name).write_bytes(data)
    (out / ".a-key.pdf.x1y2z3.part").write_bytes(b"half")  # left by a kill of the older booklet
    write_set(out, {"a-sheet.pdf": b"a2"}, retire=["a-key.pdf"])
    assert shown(out) == {"a-sheet.pdf": b"a2", "b-sheet.pdf": b"b1"} and debris(out) == []
    assert not (out / "b-sheet.pdf").is_symlink()  # not part of the set: left as it was


# ---------- kills ----------

WATCHED = ("open", "write", "link", "symlink", "replace", "rename", "unlink", "rmdir", "mkdir")
"""The calls a kill is placed before: every call that can change the disk, so a kill before
each of them, and a finished run, see every state the disk goes through."""

OLD = {"a-sheet.pdf": b"a1 sheet", "a-key.pdf": b"a1 key", "a-answers.pdf": b"a1 answers", "b-sheet.pdf": b"b1 sheet"}
NEW = {"a-sheet.pdf": b"a2 sheet", "a-key.pdf": b"a2 key", "a-rubric.pdf": b"a2 rubric"}
RETIRE = ("a-answers.pdf",)
AFTER = {"a-key.pdf": b"a2 key", "a-rubric.pdf": b"a2 rubric", "a-sheet.pdf": b"a2 sheet", "b-sheet.pdf": b"b1 sheet"}


def killed_at(step: int, write: Callable[[], None]) -> bool:
    """Run `write` in a child process that kills itself (SIGKILL) just before its `step`-th
    watched call; False if it finished first."""
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        code = 1
        try:
            _kill_before(step)
            write()
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return True
    assert os.WEXITSTATUS(status) == 0, f"the write failed at step {step} instead of being killed"
    return False


def _kill_before(step: int) -> None:
    count = 0

    def watched(call):
        def counted(*args, **kwargs):
            nonlocal count
            count += 1
            if count == step:
                os.kill(os.getpid(), signal.SIGKILL)
            return call(*args, **kwargs)

        return counted

    for name in WATCHED:
        setattr(os, name, watched(getattr(os, name)))


def complete_files(folder: Path, staged_whole: bool) -> list[Path]:
    """The files that must hold whole PDFs after a kill: all of them where O_TMPFILE names a
    file only once it is whole, else all but those in a staging generation."""
    current = folder / META / "current"
    staging = [path for path in (folder / META).glob("gen-*") if not current.exists() or not path.samefile(current)]
    files = [path for path in folder.rglob("*") if path.is_file() and not path.is_symlink() and path.name != "lock"]
    return [path for path in files if staged_whole or path.parent not in staging]


def old_by_booklet(folder: Path) -> None:
    write_set(folder, OLD)


def old_by_an_older_booklet(folder: Path) -> None:
    folder.mkdir(parents=True)
    for name, data in OLD.items():
        (folder / name).write_bytes(data)


def nothing_yet(folder: Path) -> None:
    folder.mkdir(parents=True)


def no_links(*args, **kwargs):
    raise PermissionError(errno.EPERM, "Operation not permitted")


@pytest.mark.parametrize(
    "before,disk",
    [
        (old_by_booklet, "links"),
        (old_by_an_older_booklet, "links"),
        (nothing_yet, "links"),
        (old_by_booklet, "links, no O_TMPFILE"),
        (old_by_an_older_booklet, "no links (FAT)"),
    ],
)
def test_a_kill_at_any_step_shows_the_old_set_or_the_new_one(tmp_path, monkeypatch, before, disk):
    if "no O_TMPFILE" in disk:
        monkeypatch.setattr(booklet.output, "_TMPFILE", 0)
    if "no links" in disk:
        monkeypatch.setattr(os, "symlink", no_links)
    blobs = {*OLD.values(), *NEW.values(), b"a-answers.pdf\n"}  # the last: the plain set's list to retire
    step = 0
    while True:
        step += 1
        folder = tmp_path / str(step)
        before(folder)
        old = shown(folder)
        after = {name: data for name, data in {**old, **NEW}.items() if name not in RETIRE}
        if not killed_at(step, lambda folder=folder: write_set(folder, NEW, RETIRE)):
            break
        now = shown(folder)
        committed = (folder / META / "commit").exists()
        assert now in (old, after) or "no links" in disk and committed, f"killed at step {step}: {now}"
        for path in complete_files(folder, staged_whole="no O_TMPFILE" not in disk):
            assert path.read_bytes() in blobs, f"killed at step {step}: {path} is partial"
        if "no links" in disk:
            write_set(folder, {})  # any next run finishes a committed set
            assert shown(folder) == (after if committed else now) and debris(folder) == []
        write_set(folder, NEW, RETIRE)  # the next build clears what the kill left, and succeeds
        assert shown(folder) == after and debris(folder) == []
        shutil.rmtree(folder)
    assert step > 20 and after == (NEW if before is nothing_yet else AFTER)
