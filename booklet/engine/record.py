"""No work twice: what a build read and wrote, recorded in its output folder.

A build's record holds the sha256 of every file it read on behalf of content (the files it
was given, the lessons a course lists, figures, a class list), of every PDF it wrote, and of
booklet itself (its version, every file of the package with its templates, fonts, locales and
dictionaries, the libraries installed beside it), with the command and options. The same
build into the same folder is then skipped if every one of those is still the same.

Files read are collected as they are read, not listed per kind of content: every reader of a
user's file calls `note_read` with the bytes it read, and a build runs inside `reading()`. A
file missing from the record could let a build be skipped wrongly; a file too many only costs
a rebuild. So a record is trusted only when it matches in full: a record that is missing,
unreadable, malformed, of another format, or that names anything that changed means a
rebuild, never an error.

This module imports only the standard library: a build checks its record before it loads
pydantic or WeasyPrint, so that one with nothing to do is done in a blink.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..output import read_record, record_keys, write_set

FORMAT = 1
"""The record's layout; a record of another one is not read."""

CHANGED = "changed while it was read"
"""What a file read twice with different bytes in one build is recorded as: no digest equals it."""

_PACKAGE = Path(__file__).resolve().parent.parent
_DATA = ("templates", "fonts")
"""Data folders that sit beside the package in a source checkout (in a wheel, inside it)."""


# ---------- the files a build reads ----------


@dataclass(eq=False)  # two blocks that read the same files are still two blocks
class Reads:
    """The files read during `reading()`: absolute path -> sha256 of the bytes read."""

    digests: dict[str, str] = field(default_factory=dict)


_collecting: list[Reads] = []
"""The `reading()` blocks now open; a read is noted in each."""


@contextmanager
def reading() -> Iterator[Reads]:
    """Collect every file `note_read` is told of until the block ends (in this process: a
    file read by a worker process is not seen)."""
    reads = Reads()
    _collecting.append(reads)
    try:
        yield reads
    finally:
        _collecting.remove(reads)


def note_read(path: str | os.PathLike[str], data: bytes) -> None:
    """Tell the open `reading()` blocks that `data` was read from `path`; nothing outside one.

    The digest is of the bytes the build used, not of the file a moment later, so a file
    edited during a build is seen as changed by the next one."""
    if not _collecting:
        return
    name = str(Path(path).absolute())  # not resolved: a link pointed elsewhere is a change
    if os.path.realpath(name).startswith(_BOOKLETS_OWN):
        return  # a template or a font the renderer fetched: in the package digest already
    digest = _digest(data)
    for reads in _collecting:
        if reads.digests.setdefault(name, digest) != digest:
            reads.digests[name] = CHANGED


# ---------- what booklet itself is ----------


def installation() -> dict[str, str]:
    """What the same build needs to be made by the same booklet: its version, a digest of its
    files and data, and of the Python and the distributions installed beside it. Not cached:
    a long-running process reads templates edited since it started."""
    distributions = _distributions()
    names = [name.rsplit(".", 1)[0].split("-") for name in distributions]  # booklet-0.1.0.dist-info
    version = next((parts[1] for parts in names if parts[0].lower() == "booklet" and len(parts) > 1), "unknown")
    return {
        "booklet": version,
        "package": package_digest(),
        "python": sys.version,
        "libraries": _digest_of_text("\n".join(distributions)),
    }


def package_digest() -> str:
    """sha256 over every file of the package and its data folders (not `__pycache__`), names and bytes."""
    digest = hashlib.sha256()
    for folder in _package_folders():
        for path in _files_below(folder):
            try:
                data = path.read_bytes()
            except OSError:
                data = b"\0unreadable"  # a damaged installation, which its build will report
            digest.update(f"{path.relative_to(folder.parent).as_posix()}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()


def _package_folders() -> list[Path]:
    """The package, and the data folders beside it in a source checkout (in a wheel they are inside)."""
    beside = [_PACKAGE.parent / name for name in _DATA if not (_PACKAGE / name).is_dir()]
    return [_PACKAGE, *(folder for folder in beside if folder.is_dir())]


_BOOKLETS_OWN = tuple(f"{folder}{os.sep}" for folder in _package_folders())
"""Where booklet's own files are: a read of one is not noted, the package digest covers it."""


def _files_below(folder: Path) -> Iterator[Path]:
    for top, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        for name in sorted(files):
            if not name.endswith((".pyc", ".pyo")):
                yield Path(top, name)


def _distributions() -> list[str]:
    """The distributions importable here, as their metadata folders name them (name and version):
    WeasyPrint, Pillow and the rest change what is printed when they change."""
    found = []
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as listing:
                found += [item.name for item in listing if item.name.endswith((".dist-info", ".egg-info"))]
        except OSError:
            continue
    return sorted(found)


# ---------- the record ----------


@dataclass(frozen=True)
class RecordedPrintout:
    """A PDF a build wrote, as its record keeps it: enough to report it again without building."""

    kind: str
    name: str
    """The file name in the output folder."""
    pages: int
    size: int
    sha256: str


Made = tuple[str, str, bytes, int]
"""A printout a build made: its kind, file name, PDF bytes and pages."""


class BuildRecord:
    """The record of one build: a command, the files it was given and its options.

    Make it when the build starts: booklet's own files are taken as they are then, so one
    edited during the build is a change to the next."""

    def __init__(self, command: str, inputs: Iterable[str | os.PathLike[str]], options: Mapping[str, Any]):
        self.command = command
        self.inputs = [str(Path(path).resolve()) for path in inputs]
        self.options = json.loads(_canonical(dict(options)))  # tuples as lists, as read back
        self.key = _digest_of_text(_canonical([command, self.inputs, self.options]))[:32]
        """The record's name in the output folder: the same build, the same key."""
        self.installation = installation()

    def fresh(self, out_dir: str | os.PathLike[str]) -> list[RecordedPrintout] | None:
        """The printouts in `out_dir` if this build made them from everything as it is now;
        None if it must be done (again). Never raises: whatever cannot be read means None."""
        out = Path(out_dir)
        data = read_record(out, self.key)
        record = _parsed(data) if data is not None else None
        if record is None or not self._same_build(record):
            return None
        if any(_file_digest(Path(path)) != digest for path, digest in record["read"].items()):
            return None
        printouts = [RecordedPrintout(**entry) for entry in record["printouts"]]
        if any(_file_digest(out / printout.name) != printout.sha256 for printout in printouts):
            return None
        return printouts if record["installation"] == self.installation else None

    def write(
        self, out_dir: str | os.PathLike[str], reads: Reads, made: Iterable[Made], retire: Iterable[str] = ()
    ) -> list[RecordedPrintout]:
        """Write the PDFs `made` into `out_dir` as one set (`output.write_set`, which raises
        BookletError) with this build's record: it read `reads`. Records of other builds whose
        PDFs this write replaces with other bytes, or retires, go in the same change."""
        out, retire, made = Path(out_dir), tuple(retire), list(made)
        printouts = [RecordedPrintout(kind, name, pages, len(pdf), _digest(pdf)) for kind, name, pdf, pages in made]
        records: dict[str, bytes | None] = dict.fromkeys(_outdone(out, printouts, retire, self.key))
        records[self.key] = self._record(reads, printouts)
        write_set(out, {name: pdf for _, name, pdf, _ in made}, retire, records=records)
        return printouts

    def _same_build(self, record: dict[str, Any]) -> bool:
        try:
            theirs = _canonical([record["command"], record["inputs"], record["options"]])
        except (ValueError, RecursionError):
            return False
        return theirs == _canonical([self.command, self.inputs, self.options])

    def _record(self, reads: Reads, printouts: list[RecordedPrintout]) -> bytes:
        read = dict(reads.digests)
        known = {_resolved(path) for path in read}
        for path in self.inputs:  # a build reads the files it is given; if not, they are recorded as they are
            if path not in known:
                read[path] = _file_digest(Path(path)) or CHANGED
        record = {
            "format": FORMAT,
            "installation": self.installation,
            "command": self.command,
            "inputs": self.inputs,
            "options": self.options,
            "read": read,
            "printouts": [asdict(printout) for printout in printouts],
        }
        return json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True).encode()


def _outdone(out: Path, printouts: list[RecordedPrintout], retire: tuple[str, ...], key: str) -> list[str]:
    """The records in `out` that this write makes wrong: those naming a PDF it replaces with
    other bytes or retires, and those that cannot be read. (Left alone they would only be
    found wrong when read; this keeps the folder from gathering them.)"""
    after = {printout.name: printout.sha256 for printout in printouts}
    after.update(dict.fromkeys(retire, ""))
    outdone = []
    for other in record_keys(out):
        if other == key:
            continue
        data = read_record(out, other)
        record = _parsed(data) if data is not None else None
        if record is None or any(after.get(p["name"], p["sha256"]) != p["sha256"] for p in record["printouts"]):
            outdone.append(other)
    return outdone


# ---------- reading a record back ----------


def _parsed(data: bytes) -> dict[str, Any] | None:
    """The record in `data` if it is one of this format, every field of its type; else None."""
    try:
        record = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(record, dict) or type(record.get("format")) is not int or record["format"] != FORMAT:
        return None
    checks = {
        "installation": lambda value: _text_map(value),
        "command": lambda value: isinstance(value, str),
        "inputs": lambda value: isinstance(value, list) and all(isinstance(item, str) for item in value),
        "options": lambda value: isinstance(value, dict),
        "read": lambda value: _text_map(value) and all(os.path.isabs(path) for path in value),
        "printouts": lambda value: isinstance(value, list) and all(map(_printout_entry, value)),
    }
    if set(record) != {"format", *checks} or not all(check(record[name]) for name, check in checks.items()):
        return None
    return record


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a value a record holds")


def _text_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(item, str) for item in value.values())


def _printout_entry(entry: Any) -> bool:
    fields = {"kind": str, "name": str, "pages": int, "size": int, "sha256": str}
    if not isinstance(entry, dict) or set(entry) != set(fields):
        return False
    if any(type(entry[name]) is not kind for name, kind in fields.items()):
        return False
    name = entry["name"]
    plain = name not in ("", "..") and not name.startswith(".") and not {"/", "\\", "\0"} & set(name)
    return plain and entry["pages"] >= 0 and entry["size"] >= 0


# ---------- digests ----------


def _file_digest(path: Path) -> str | None:
    """sha256 of the regular file at `path` (links followed), or None if there is none or it
    cannot be read. Opened without waiting, so a record naming a pipe cannot hang a build."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        digest = hashlib.sha256()
        while chunk := os.read(descriptor, 1 << 20):
            digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None
    finally:
        os.close(descriptor)


def _resolved(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):
        return path


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _digest_of_text(text: str) -> str:
    return _digest(text.encode())
