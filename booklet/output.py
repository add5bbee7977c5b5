"""Writing PDFs so that a failed build loses nothing.

Each file is written to a temporary name in the output folder and renamed into place, so
a reader never sees half a PDF and the last good file survives any failure before the
rename. The caller renders everything first: a worksheet is never replaced unless its key
is ready to be replaced too.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import BookletError


def prepare_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BookletError(f"cannot create the output folder {folder}: {error.strerror}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()
"""What a plain `open(path, "w")` would give: mkstemp's private 0600 would hide the PDFs from
the colleagues a teacher shares a folder with. Read once, at import, before any threads."""


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        os.fchmod(descriptor, _FILE_MODE)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
