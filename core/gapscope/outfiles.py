"""Writing a file the user named: refuse to replace one that is there unless asked (it may hold their
edits), and write through a temporary file renamed over the target, so that a crash, a full disk or
Ctrl-C leaves either the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class OutputExists(FileExistsError):
    """The output file is already there and replacing it was not asked for."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        super().__init__(f"{self.path} already exists; give --force to replace it")


def check_new(path: str | os.PathLike, force: bool = False) -> None:
    """Raise :class:`OutputExists` when ``path`` is there and ``force`` is not given."""
    if not force and os.path.lexists(path):
        raise OutputExists(path)


def write_atomic(path: str | os.PathLike, data: bytes | str) -> Path:
    """Write ``data`` (text is written as UTF-8) to ``path`` whole or not at all: into a hidden file in
    the same folder, then renamed over ``path`` in one step. Returns the path written."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; the output is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
