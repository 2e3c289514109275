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
    """Raise :class:`OutputExists` when ``path`` is there and ``force`` is not given. A pipe or a device
    (``-o /dev/stdout``) holds no edits to keep: it is never refused."""
    if not force and os.path.lexists(path) and not _is_stream(path):
        raise OutputExists(path)


def _is_stream(path: str | os.PathLike) -> bool:
    """Whether ``path`` (its links followed) is a pipe, a device or a socket: written into as it is,
    since renaming a file over it would break it for every other program."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def write_atomic(path: str | os.PathLike, data: bytes | str) -> Path:
    """Write ``data`` (text is written as UTF-8) to ``path`` whole or not at all: into a hidden file in
    the same folder, then renamed over ``path`` in one step. Returns the path written.

    A file replaced keeps its permissions (a private .bib stays private); a symbolic link is written
    through, to the file it points to (renaming over the link would cut it off from that file); a pipe or
    a device (/dev/stdout) is written into as it is."""
    given = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if _is_stream(given):             # opened by the name given: /dev/stdout's link leads to no real path
        with open(given, "wb") as f:
            f.write(data)
        return given
    path = Path(os.path.realpath(given))
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
