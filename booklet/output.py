"""Writing a build's PDFs all at once, or not at all.

A teacher prints a worksheet with its key, an exam's sheets with their keys. If a full disk,
a kill or a folder in the way replaced the sheet but not the key, the key on the printer
would not match. So every PDF of a build is staged whole (written and flushed) in a new
*generation* folder before anything a reader sees changes, and one rename switches to it:

    out/x-key.pdf         -> .booklet/current/x-key.pdf   (a relative link, made once per name)
    out/.booklet/current  -> gen-7                        (replaced in one step by os.replace)

A generation also holds hard links to the current one's other files, so the PDFs of other
lessons keep their bytes. At every instant each name shows the old set or the new one.
Where the disk takes no links at all (FAT on a memory stick), the set is still staged whole
before the first file is replaced; a kill during the renames is finished by the next run.

A build's *record* (what it read and wrote, see `engine.record`) is a hidden file of the
generation, `.record-<key>`, switched in with its PDFs, so the record shown always describes
the PDFs shown. Without links, records sit in `.booklet/records/` and are moved in after the
PDFs: a record that is newer than the PDFs beside it cannot happen, an older one names other
bytes than they have, which the record's reader checks.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

from .errors import BookletError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock; runs into one folder may not overlap there
    fcntl = None  # type: ignore[assignment]

META = ".booklet"
"""The hidden folder of generations beside the PDFs."""
CURRENT, NEXT, LOCK = "current", "next", "lock"
GENERATION, LINK, STAGE, COMMIT, RETIRE = "gen-", "link-", "stage", "commit", ".retire"
RECORD, RECORDS = ".record-", "records"
"""A record's name in a generation (a PDF's name never starts with a dot), and the folder of
records on a disk without links."""

_TMPFILE = getattr(os, "O_TMPFILE", 0) if os.path.isdir("/proc/self/fd") else 0
"""A file without a name until it is complete (Linux); it is named through /proc."""
_NO_TMPFILE = {errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL}
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK, errno.EXDEV}

_HINTS = {
    errno.ENOSPC: "free some space and build again",
    errno.EDQUOT: "free some space and build again",
    errno.EROFS: "the disk is read-only; choose another folder with -o",
    errno.EACCES: "choose a folder you may write to with -o",
    errno.EPERM: "choose a folder you may write to with -o",
}


def write_set(
    folder: Path,
    files: Mapping[str, bytes],
    retire: Iterable[str] = (),
    records: Mapping[str, bytes | None] | None = None,
) -> None:
    """Write `files` (file name -> bytes) into `folder` and remove the names in `retire`, as one
    change: afterwards every name shows the new set; after a failure, still the old one; after
    a kill at any moment, the one or the other, never a mix (a disk without links: the next
    run completes a mix).

    `retire` names files of the same set that the new set does not have (an exam's answer
    sheets, built no more), which would not match it. `records` (key -> bytes, or None to
    remove that record) change with the set: see `read_record`. Failures to write are a
    BookletError.
    """
    retire = tuple(retire)
    records = {RECORD + key: data for key, data in (records or {}).items()}
    for name in (*files, *retire):
        if "/" in name or os.sep in name or name.startswith(".") or name in retire and name in files:
            raise ValueError(f"not a plain file name of the set: {name!r}")
    for name in records:
        if not _is_record(name):
            raise ValueError(f"not a record key: {name.removeprefix(RECORD)!r}")
    try:
        _check_targets(folder, [*files, *retire])
        _make_folder(folder)
        with _locked(folder / META):
            _tidy(folder)
            if not files and not retire and not records:
                return
            if _generations(folder):
                _switch(folder, files, retire, records)
            else:
                _replace_plain(folder, files, retire, records)
    except OSError as error:
        raise BookletError(_message(folder, error)) from None


def read_record(folder: Path, key: str) -> bytes | None:
    """The record `key` committed with the PDFs `folder` shows, or None if there is none or it
    cannot be read. Read without the lock: a run switching meanwhile makes the record describe
    other bytes than the PDFs have, which its reader checks anyway."""
    if not _is_record(RECORD + key):
        return None
    meta = folder / META
    try:
        if os.path.lexists(meta / COMMIT):
            return None  # a plain set a killed run did not finish moving in
        place = meta / CURRENT if os.path.islink(meta / CURRENT) else meta / RECORDS
        return (place / f"{RECORD}{key}").read_bytes()
    except (OSError, ValueError):
        return None


def record_keys(folder: Path) -> list[str]:
    """The keys of the records `folder` holds (for `read_record`), in order; none if it cannot be read."""
    meta = folder / META
    try:
        place = meta / CURRENT if os.path.islink(meta / CURRENT) else meta / RECORDS
        names = os.listdir(place)
    except (OSError, ValueError):
        return []
    return sorted(name.removeprefix(RECORD) for name in names if _is_record(name))


def _is_record(name: str) -> bool:
    key = name.removeprefix(RECORD)
    return name.startswith(RECORD) and 0 < len(key) <= 64 and key.isascii() and key.replace("-", "").isalnum()


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise BookletError(f"cannot create the output folder {folder}: a file is in the way") from None


def _message(folder: Path, error: OSError) -> str:
    hint = _HINTS.get(error.errno or 0)
    reason = f"{error.strerror or error} ({hint})" if hint else error.strerror or str(error)
    return f"cannot write to {folder}: {reason}; no PDF there was changed"


# ---------- before anything: what is in the way ----------


def _check_targets(folder: Path, names: list[str]) -> None:
    """Refuse, before changing anything, when something not made by booklet holds a name."""
    places = [(folder / META, "its own hidden folder", _meta_problem)]
    places.append((folder / META / CURRENT, "the link to its current PDFs", _current_problem))
    places += [(folder / name, "a PDF", _target_problem) for name in names]
    for path, role, problem_of in places:
        try:
            problem = problem_of(path, os.lstat(path))
        except (FileNotFoundError, NotADirectoryError):
            continue
        if problem:
            raise BookletError(f"{path} is {problem}, where booklet writes {role}; move it away and build again")


def _meta_problem(path: Path, status: os.stat_result) -> str | None:
    return None if stat.S_ISDIR(status.st_mode) else "not a folder"


def _current_problem(path: Path, status: os.stat_result) -> str | None:
    return None if stat.S_ISLNK(status.st_mode) else "not a link"


def _target_problem(path: Path, status: os.stat_result) -> str | None:
    if stat.S_ISLNK(status.st_mode):
        if not _ours(path):
            return "a link booklet did not make"
        try:
            status = os.stat(path)
        except FileNotFoundError:
            return None
    if stat.S_ISREG(status.st_mode):
        return None
    return "a folder" if stat.S_ISDIR(status.st_mode) else "not a plain file"


def _ours(path: Path) -> bool:
    """Whether `path` is the link booklet makes for its name."""
    return os.path.islink(path) and os.readlink(path) == _target(path.name)


def _target(name: str) -> str:
    return f"{META}/{CURRENT}/{name}"


# ---------- one run at a time, and what a killed run left ----------


@contextmanager
def _locked(meta: Path) -> Iterator[None]:
    """Hold the folder's lock: two runs interleaving their swaps could lose each other's files.
    The lock file stays; deleting it would let a third run lock a new one."""
    meta.mkdir(exist_ok=True)
    descriptor = os.open(meta / LOCK, os.O_RDONLY | os.O_CREAT, 0o666)
    try:
        if fcntl is not None:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _current(meta: Path) -> str | None:
    """The name of the current generation, if there is one."""
    try:
        return os.readlink(meta / CURRENT)
    except FileNotFoundError:
        return None


def _tidy(folder: Path) -> None:
    """Clear what a killed run left, none of which any name shows: staging generations,
    half-made links, dangling names. A committed plain set is finished instead. Afterwards the
    current generation holds exactly the files that links show, and records."""
    meta = folder / META
    current = _current(meta)
    if current is not None and not (meta / current).is_dir():
        os.unlink(meta / CURRENT)
        current = None
    for entry in sorted(os.listdir(meta)):
        if entry == COMMIT:
            _roll_forward(folder, meta / COMMIT)
        elif entry not in (LOCK, CURRENT, current) and not (entry == RECORDS and current is None):
            _remove(meta / entry)
    for entry in sorted(os.listdir(folder)):
        path = folder / entry
        if _ours(path) and not path.exists() or _left_by_older_booklet(path):
            os.unlink(path)
    if current is not None:
        for entry in sorted(os.listdir(meta / current)):
            if not _is_record(entry) and not _ours(folder / entry):
                _remove(meta / current / entry)


def _left_by_older_booklet(path: Path) -> bool:
    """A `.x-key.pdf.ab12cd.part` of a killed run of booklet ≤ 0.1, which wrote beside the PDFs."""
    name = path.name
    return name.startswith(".") and name.endswith(".part") and ".pdf." in name and path.is_file()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        os.unlink(path)


# ---------- generations ----------


def _generations(folder: Path) -> bool:
    """Whether the folder's disk takes links; the first time, make the (empty) first generation."""
    meta = folder / META
    if _current(meta) is not None:
        return True
    first = meta / f"{GENERATION}1"
    first.mkdir()
    try:
        os.symlink(first.name, meta / CURRENT)
    except (OSError, NotImplementedError) as error:
        first.rmdir()
        if isinstance(error, OSError) and error.errno not in _NO_LINKS and not getattr(error, "winerror", None):
            raise
        return False
    _sync(meta)
    return True


def _switch(
    folder: Path, files: Mapping[str, bytes], retire: tuple[str, ...], records: Mapping[str, bytes | None]
) -> None:
    """Stage the new generation beside the current one, then point `current` at it."""
    meta = folder / META
    old = meta / str(_current(meta))
    for name in (*files, *retire):
        if os.path.lexists(folder / name) and not os.path.islink(folder / name):
            _adopt(folder, old, name)
    new = meta / f"{GENERATION}{_number(old.name) + 1}"
    made: list[Path] = []
    try:
        _fill(new, old, files, retire, records)
        _link_new_names(folder, files, made)
        os.symlink(new.name, meta / NEXT)
        _sync(meta)
        os.replace(meta / NEXT, meta / CURRENT)  # the one step: every link now shows the new set
    except BaseException:
        _undo(meta, new, made)
        raise
    _drop_old(folder, old, retire)


def _number(generation: str) -> int:
    digits = generation.removeprefix(GENERATION)
    return int(digits) if digits.isdigit() else 0


def _adopt(folder: Path, generation: Path, name: str) -> None:
    """Turn a plain PDF (written by booklet ≤ 0.1) into a link to the same bytes in the current
    generation. Each step shows the same bytes, so the old set stays whole meanwhile."""
    _carry(folder / name, generation / name)
    _sync(generation)
    link = folder / META / f"{LINK}{name}"
    os.symlink(_target(name), link)
    os.replace(link, folder / name)
    _sync(folder)


def _fill(
    new: Path, old: Path, files: Mapping[str, bytes], retire: tuple[str, ...], records: Mapping[str, bytes | None]
) -> None:
    """The new generation: the current one's other files and records, then the new set and
    its records, all on disk."""
    new.mkdir()
    for name in sorted(os.listdir(old)):
        if name not in files and name not in retire and name not in records:
            _carry(old / name, new / name)
    for name, data in [*files.items(), *records.items()]:
        if data is not None:
            _stage(new, name, data)
    _sync(new)


def _carry(source: Path, target: Path) -> None:
    """The same file under a second name: a hard link, else (a disk without them) a copy."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as error:
        if error.errno not in _NO_LINKS:
            raise
        _stage(target.parent, target.name, source.read_bytes())


def _link_new_names(folder: Path, files: Mapping[str, bytes], made: list[Path]) -> None:
    """A link for each name the folder lacks. It points nowhere until the swap, so a new
    name appears together with the rest of its set."""
    for name in files:
        path = folder / name
        if not os.path.lexists(path):
            os.symlink(_target(name), path)
            made.append(path)
    if made:
        _sync(folder)


def _undo(meta: Path, new: Path, made: list[Path]) -> None:
    """Remove what a failed switch staged; nothing of it was visible. Best effort: the
    error that stopped the switch is the one to report."""
    if _current(meta) == new.name:
        return  # interrupted just after the swap: the new set stands
    for path in [*made, meta / NEXT]:
        with suppress(OSError):
            os.unlink(path)
    shutil.rmtree(new, ignore_errors=True)


def _drop_old(folder: Path, old: Path, retire: tuple[str, ...]) -> None:
    """After the swap nothing shows the old generation, and retired names point nowhere.
    Best effort: the new set is in place, and the next run clears whatever is left."""
    try:
        _sync(folder / META)
        shutil.rmtree(old)
        for name in retire:
            if _ours(folder / name):
                os.unlink(folder / name)
    except OSError:
        pass


# ---------- files ----------


def _stage(folder: Path, name: str, data: bytes) -> None:
    """Write `data` as `folder/name`, flushed to disk. Made with O_TMPFILE, the file has no
    name until it is whole, so a kill leaves no partial file anywhere. The mode is that of
    any new file (0666 less the umask): colleagues sharing the folder can read the PDFs."""
    try:
        descriptor = os.open(folder, _TMPFILE | os.O_WRONLY, 0o666) if _TMPFILE else -1
    except OSError as error:
        if error.errno not in _NO_TMPFILE:
            raise
        descriptor = -1
    if descriptor < 0:
        _stage_named(folder / name, data)
        return
    try:
        _write(descriptor, data)
        _name(descriptor, folder, name)
    finally:
        os.close(descriptor)


def _name(descriptor: int, folder: Path, name: str) -> None:
    """Give an O_TMPFILE file its name: linkat(AT_SYMLINK_FOLLOW) of /proc/self/fd/N, which
    os.link only calls when given a folder descriptor (plain link(2) fails with EXDEV)."""
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.link(f"/proc/self/fd/{descriptor}", name, dst_dir_fd=directory, follow_symlinks=True)
    finally:
        os.close(directory)


def _stage_named(path: Path, data: bytes) -> None:
    """Without O_TMPFILE: a partial file can only be left inside a staging folder, which no
    name shows and the next run removes."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        _write(descriptor, data)
    except BaseException:
        os.close(descriptor)
        os.unlink(path)
        raise
    os.close(descriptor)


def _write(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]
    os.fsync(descriptor)


def _sync(folder: Path) -> None:
    """Flush a folder's entries, so that after a power cut a rename is not seen before the
    files it makes visible. (Windows cannot open a folder, and orders its renames itself.)"""
    if os.name == "nt":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    except OSError as error:
        if error.errno != errno.EINVAL:  # a file system that cannot flush folders
            raise
    finally:
        os.close(descriptor)


# ---------- disks without links ----------


def _replace_plain(
    folder: Path, files: Mapping[str, bytes], retire: tuple[str, ...], records: Mapping[str, bytes | None]
) -> None:
    """Stage the whole set, mark it complete by one rename, then move it into place. A failure
    while staging changes nothing; a kill while moving is finished by the next run."""
    meta = folder / META
    stage = meta / STAGE
    retire += tuple(name for name, data in records.items() if data is None)
    try:
        stage.mkdir()
        for name, data in [*files.items(), *records.items()]:
            if data is not None:
                _stage(stage, name, data)
        _stage(stage, RETIRE, "".join(f"{name}\n" for name in retire).encode())
        _sync(stage)
        os.rename(stage, meta / COMMIT)  # from here on, the set goes in
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    try:
        _roll_forward(folder, meta / COMMIT)
    except OSError as error:
        raise BookletError(
            f"cannot finish writing to {folder}: {error.strerror or error}; "
            "run booklet again into the same folder to finish"
        ) from None


def _roll_forward(folder: Path, commit: Path) -> None:
    """Move a complete, committed set into place: its PDFs, then its records, so that a record
    never describes a set that is not whole. Every step can be redone, so a run killed here is
    finished by the next one; the list of names to retire goes last."""
    listing = commit / RETIRE
    retire = listing.read_text(encoding="utf-8").split() if listing.exists() else []
    staged = sorted(os.listdir(commit))
    for name in staged:
        if name != RETIRE and not _is_record(name):
            os.replace(commit / name, folder / name)
    for name in retire:
        if not _is_record(name):
            (folder / name).unlink(missing_ok=True)
    _sync(folder)
    if any(map(_is_record, [*staged, *retire])):
        records = folder / META / RECORDS
        records.mkdir(exist_ok=True)
        for name in staged:
            if _is_record(name):
                os.replace(commit / name, records / name)
        for name in filter(_is_record, retire):
            (records / name).unlink(missing_ok=True)
        _sync(records)
    listing.unlink(missing_ok=True)
    commit.rmdir()
