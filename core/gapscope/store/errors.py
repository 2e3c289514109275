"""What went wrong with the library itself, in words a user can act on, each with its own CLI exit code.

SQLite reports every trouble as ``sqlite3.OperationalError`` or ``DatabaseError`` with a terse text
("disk I/O error", "database is locked"). :func:`library_fault` turns one into a :class:`LibraryFault`
subclass that says what happened, what is safe, and what to do. The CLI prints it and exits with its
code; the window shows it in a dialog and reloads or closes the library view.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Optional

from .base import LibraryError  # noqa: F401 - the one base class of the store's errors

# SQLite's own error class, for callers outside the store (which never import sqlite3)
SQLiteError = sqlite3.Error


class LibraryFault(LibraryError):
    """The library file or its disk failed; ``exit_code`` is the CLI's, ``title`` the dialog's.

    ``keeps_view``: the data shown before is still what the file holds (a write was refused as a
    whole), so the window may reload and go on; otherwise it closes the library view."""

    exit_code = 1
    title = "Library error"
    keeps_view = False


class MissingStep(LibraryError):
    """A step needs an earlier one that has not run: the message names it and the command to run."""

    exit_code = 10
    title = "An earlier step is missing"


class LibraryLocked(LibraryFault):
    exit_code = 11
    title = "Library busy"
    keeps_view = True


class DiskFull(LibraryFault):
    exit_code = 12
    title = "Disk full"
    keeps_view = True


class LibraryReadOnly(LibraryFault):
    exit_code = 13
    title = "Library is read-only"
    keeps_view = True


class NotALibrary(LibraryFault):
    exit_code = 14
    title = "Not a GapScope library"


class NewerLibrary(LibraryFault):
    exit_code = 15
    title = "Library from a newer GapScope"


class DiskIOError(LibraryFault):
    exit_code = 16
    title = "Disk error"


class UpgradeNotSafe(LibraryFault):
    """A schema upgrade was not started because the copy kept before it could not be made."""

    exit_code = 18
    title = "Library not upgraded"


class SQLiteTooOld(LibraryFault):
    """This Python's SQLite is older than the library needs (or lacks FTS5 / JSON): refused before the file
    is opened (store/sqlite_support.py)."""

    exit_code = 19
    title = "SQLite too old"


class LibraryDamaged(LibraryFault):
    exit_code = 17
    title = "Library damaged"


def _error_name(exc: BaseException) -> str:
    return getattr(exc, "sqlite_errorname", "") or ""


def is_busy(exc: BaseException) -> bool:
    name = _error_name(exc)
    if name:
        return name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED")
    return "locked" in str(exc) or "busy" in str(exc)


def library_fault(exc: BaseException, path: Optional[Path | str] = None) -> Optional[LibraryFault]:
    """The :class:`LibraryFault` for an sqlite3 error, or None when it is not about the file or the disk
    (a bad query, a constraint: those are bugs or bad input, reported as they are)."""
    if isinstance(exc, LibraryFault):
        return exc
    if not isinstance(exc, sqlite3.Error):
        return None
    name = _error_name(exc)
    text = str(exc)
    where = f"{path}" if path else "the library"
    if is_busy(exc):
        return LibraryLocked(
            f"{where} stayed locked by another GapScope process (an import or a collect) longer than we waited;"
            " nothing was written. Try again when it has finished.")
    if name.startswith("SQLITE_FULL") or "database or disk is full" in text:
        return DiskFull(f"the disk holding {where} is full (or the library reached its size limit); the last"
                        " change was not written, everything committed before is kept. Free some space and"
                        " try again.")
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return LibraryReadOnly(f"{where} is read-only (the file or its folder is not writable); you can"
                               " read it but not change it. Make it writable, or copy it, to change it.")
    if name.startswith("SQLITE_NOTADB") or "file is not a database" in text:
        return NotALibrary(f"{where} is not a GapScope library: it is not an SQLite database"
                           " (another kind of file, or its start was overwritten)")
    if name.startswith("SQLITE_CORRUPT") or "malformed" in text:
        return LibraryDamaged(f"{where} is damaged ({text}). GapScope stopped using it; restore it from a"
                              " backup, or run `sqlite3 FILE .recover` on a copy.")
    if name.startswith("SQLITE_IOERR") or name.startswith("SQLITE_CANTOPEN") or "disk I/O error" in text \
            or "unable to open" in text:
        return DiskIOError(f"reading or writing {where} failed at the disk ({text}). The library itself may be"
                           " fine: check that the disk or network share is still there, close other programs"
                           " that use the file, and open it again.")
    return None
