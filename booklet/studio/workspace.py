"""The teacher's folder as the studio sees it: which files it holds, and reading and saving them safely.

Everything the studio reads or writes goes through `Workspace.file`, which refuses any path
that is not a plain relative path inside the folder: no `..`, nothing absolute, nothing
hidden, no symbolic link that leads out. Saving never loses a version: the file is written
whole beside the old one and swapped in by `os.replace`, and the old text is kept first as
`.booklet-history/<path>.<n>.yaml` (the last `KEPT_VERSIONS` of each file). A file someone
changed on disk since the page loaded it is not overwritten unless the teacher says so:
the page sends the version it loaded, and a different one on disk is a `Conflict`.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

from ..errors import BookletError, ContentError
from ..source import MAX_FILE_BYTES

HISTORY = ".booklet-history"
"""The hidden folder of earlier versions, at the top of the workspace."""
KEPT_VERSIONS = 20
SKIPPED_FOLDERS = frozenset({"out", "marked", "node_modules", "__pycache__", "figures"})
"""Folders of output (booklet's default `-o` folders) or of pictures, never of lessons."""
CONTENT_SUFFIXES = (".yaml", ".yml")
KINDS = ("lesson", "course", "exam")
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
"""A new file's name is its id too: Latin small letters, digits and hyphens (see `Lesson.id`)."""
STARTERS = Path(__file__).parent / "starters"
UMASK = os.umask(0o022)
os.umask(UMASK)  # read once, at import: os.umask cannot be read without setting it


class Refused(BookletError):
    """A request for something outside the workspace, or otherwise not allowed: HTTP 403."""


class Conflict(BookletError):
    """The file changed on disk since the page loaded it; `text` and `version` are the disk's."""

    def __init__(self, text: str, version: str):
        super().__init__("the file was changed by someone else since it was opened")
        self.text, self.version = text, version


@dataclass(frozen=True)
class Entry:
    """One content file of the workspace, as its list shows it."""

    path: str
    """Relative to the workspace, with forward slashes."""
    kind: str
    title: str
    valid: bool
    problems: int


def version_of(data: bytes) -> str:
    """What a page sends back when it saves: the disk's bytes, hashed."""
    return hashlib.sha256(data).hexdigest()[:16]


class Workspace:
    """A folder of lessons, courses and exams, and the only door to its files."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise BookletError(f"{root} is not a folder")
        self._saving = threading.Lock()

    def file(self, relative: str, suffixes: tuple[str, ...] = CONTENT_SUFFIXES) -> Path:
        """The file `relative` names inside the workspace, or Refused saying why not."""
        if not isinstance(relative, str) or not relative or "\\" in relative or "\0" in relative:
            raise Refused("not a file name of the workspace")
        parts = PurePosixPath(relative).parts
        if relative.startswith("/") or re.match(r"^[A-Za-z]:", relative) or ".." in parts:
            raise Refused(f"{relative}: only files inside the workspace can be opened")
        if any(part.startswith(".") for part in parts):
            raise Refused(f"{relative}: hidden files are not opened")
        if suffixes and not relative.lower().endswith(suffixes):
            raise Refused(f"{relative}: the studio opens {', '.join(suffixes)} files only")
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise Refused(f"{relative}: leads outside the workspace")
        return path

    def relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.root).as_posix()

    # ---------- what is there ----------

    def entries(self) -> list[Entry]:
        """Every lesson, course and exam file under the workspace, by path."""
        found = []
        for folder, folders, files in os.walk(self.root):
            folders[:] = sorted(f for f in folders if not f.startswith(".") and f not in SKIPPED_FOLDERS)
            for name in sorted(files):
                path = Path(folder) / name
                if name.startswith(".") or not name.lower().endswith(CONTENT_SUFFIXES):
                    continue
                if path.is_symlink() and not path.resolve().is_relative_to(self.root):
                    continue
                found.append(describe(path, self.relative(path)))
        return found

    def read(self, relative: str) -> tuple[str, str]:
        """The text of a file and its version."""
        path = self.file(relative)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise BookletError(f"{relative}: no such file") from None
        except OSError as error:
            raise BookletError(f"{relative}: cannot read it: {error.strerror}") from None
        return data.decode("utf-8-sig", errors="replace"), version_of(data)

    # ---------- saving ----------

    def save(self, relative: str, text: str, version: str | None, force: bool = False) -> str:
        """Write `text` as the file (atomically, the old text kept in the history) and return its
        new version; Conflict if the file on disk is not the `version` the page loaded."""
        path = self.file(relative)
        data = text.encode("utf-8")
        if len(data) > MAX_FILE_BYTES:
            raise BookletError(f"the text is {len(data):,} bytes; booklet reads files up to {MAX_FILE_BYTES:,}")
        with self._saving:
            old = path.read_bytes() if path.exists() else None
            on_disk = version_of(old) if old is not None else ""
            if not force and (version or "") != on_disk:
                raise Conflict(old.decode("utf-8-sig", errors="replace") if old is not None else "", on_disk)
            if old == data:
                return on_disk
            if old is not None:
                self._keep(relative, old)
            write_whole(path, data)
        return version_of(data)

    def _keep(self, relative: str, data: bytes) -> None:
        """Keep the text being replaced as the next numbered version, and the last few only."""
        place = self.root / HISTORY / relative
        place.parent.mkdir(parents=True, exist_ok=True)
        stem = place.name
        numbers = sorted(_version_number(p.name, stem) for p in place.parent.glob(f"{glob_escape(stem)}.*.yaml"))
        numbers = [n for n in numbers if n is not None]
        write_whole(place.parent / f"{stem}.{(numbers[-1] if numbers else 0) + 1}.yaml", data)
        for number in numbers[: max(0, len(numbers) + 1 - KEPT_VERSIONS)]:
            (place.parent / f"{stem}.{number}.yaml").unlink(missing_ok=True)

    def history(self, relative: str) -> list[Path]:
        """The kept versions of a file, oldest first."""
        place = self.root / HISTORY / relative
        found = [
            (_version_number(p.name, place.name), p) for p in place.parent.glob(f"{glob_escape(place.name)}.*.yaml")
        ]
        return [p for n, p in sorted((n, p) for n, p in found if n is not None)]

    # ---------- new files ----------

    def new(self, kind: str, name: str, folder: str = "") -> str:
        """Make a new lesson, course or exam from its starter; return its path."""
        made = new_files(self.root / folder if folder else self.root, kind, name)
        return self.relative(made[0])


def new_files(folder: Path, kind: str, name: str) -> list[Path]:
    """Write `name`.yaml in `folder`: a lesson, course or exam in Kazakh that builds as it is
    (a course also gets its first lesson, `name`-1.yaml). Refuse to overwrite anything."""
    if kind not in KINDS:
        raise BookletError(f"unknown kind {kind!r}; choose from {', '.join(KINDS)}")
    name = name.removesuffix(".yaml")
    if not NAME.match(name):
        raise BookletError(
            f"{name!r} cannot be a file name and id: use Latin small letters, digits and hyphens (e.g. turksib-2)"
        )
    files = {folder / f"{name}.yaml": starter(kind, name)}
    if kind == "course":
        files[folder / f"{name}-1.yaml"] = starter("lesson", f"{name}-1")
    for path in files:
        if os.path.lexists(path):
            raise BookletError(f"{path} already exists; choose another name")
    if not folder.is_dir():
        raise BookletError(f"{folder} is not a folder")
    for path, text in files.items():
        with open(path, "x", encoding="utf-8", newline="\n") as file:
            file.write(text)
    return list(files)


def starter(kind: str, name: str) -> str:
    """The starter text of a new file of `kind` with id `name`."""
    text = (STARTERS / f"{kind}.yaml").read_text(encoding="utf-8")
    return text.replace("NAME", name)


def describe(path: Path, relative: str) -> Entry:
    """What the list says of a file: its kind and title, and whether booklet accepts it."""
    from ..loader import Textbook, load_content
    from ..model import Exam

    try:
        loaded = load_content(path)
    except ContentError as error:
        kind, title = _guess(path)
        return Entry(relative, kind, title, False, len(error.problems))
    except BookletError:
        kind, title = _guess(path)
        return Entry(relative, kind, title, False, 1)
    if isinstance(loaded, Textbook):
        return Entry(relative, "course", loaded.course.title, True, 0)
    return Entry(relative, "exam" if isinstance(loaded, Exam) else "lesson", loaded.title, True, 0)


def kind_of(text: str) -> str:
    """Which kind of file a text is, as `load_content` decides it, from its top-level keys."""
    keys = set(re.findall(r"^([A-Za-z_]+)\s*:", text, re.MULTILINE))
    return "course" if "lessons" in keys else "exam" if "summative" in keys else "lesson"


def _guess(path: Path) -> tuple[str, str]:
    """Kind and title of a file booklet does not accept, as far as can be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return "lesson", path.stem
    title = data.get("title") if isinstance(data, dict) else None
    return kind_of(text), title if isinstance(title, str) and title.strip() else path.stem


def write_whole(path: Path, data: bytes) -> None:
    """Write `data` as `path` so that a reader sees the old bytes or the new, never a part."""
    descriptor, staged = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if path.exists():
            os.chmod(staged, path.stat().st_mode & 0o777)
        else:
            os.chmod(staged, 0o666 & ~UMASK)
        os.replace(staged, path)
    except BaseException:
        Path(staged).unlink(missing_ok=True)
        raise


def _version_number(name: str, stem: str) -> int | None:
    middle = name.removeprefix(f"{stem}.").removesuffix(".yaml")
    return int(middle) if middle.isdigit() else None


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)
