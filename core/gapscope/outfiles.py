"""Writing a file the user named: refuse to replace one that is there unless asked (it may hold their
edits), and write through a temporary file renamed over the target, so that a crash, a full disk or
Ctrl-C leaves either the old file or the new one, never half of one."""

from __future__ import annotations

import os
import stat
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
    the same folder, then renamed over ``path`` in one step. Returns the path written.

    A file replaced keeps its permissions (a private .bib stays private); a symbolic link is written
    through, to the file it points to (renaming over the link would cut it off from that file)."""
    given = Path(path)
    path = Path(os.path.realpath(given))
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return given


def _mode_for(path: Path) -> int:
    """The permissions the written file gets: those of the file it replaces, else an ordinary new file's
    (mkstemp makes 0600)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
