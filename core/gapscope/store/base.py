"""What every store area shares: the error type, timestamps, and the guard on writer threads.

The desktop has one writer queue (a single-worker executor, as Anki runs its collection operations):
the GUI thread, and the workers that only read, must never write to the library. They are marked here
(:func:`forbid_writes_in_current_thread`, :func:`writes_forbidden`) and :meth:`Library.transaction`
raises :class:`WriteFromForbiddenThread` in such a thread, so a stray write fails loudly in the tests
instead of waiting on SQLite's busy timeout in the user's hands.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterator


class LibraryError(Exception):
    """A library that cannot be opened or a request it cannot answer (unknown paper, bad query)."""


class WriteFromForbiddenThread(LibraryError):
    """A write to the library from a thread that must not write (the GUI thread, a reader worker)."""


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


_forbidden: dict[int, int] = {}        # thread ident -> how many times forbidden (nested contexts)
_forbidden_lock = threading.Lock()


def forbid_writes_in_current_thread() -> None:
    """From now on, a write to any Library from this thread raises (the desktop marks its GUI thread)."""
    ident = threading.get_ident()
    with _forbidden_lock:
        _forbidden[ident] = _forbidden.get(ident, 0) + 1


def allow_writes_in_current_thread() -> None:
    """Undo one :func:`forbid_writes_in_current_thread`."""
    ident = threading.get_ident()
    with _forbidden_lock:
        n = _forbidden.get(ident, 0) - 1
        if n > 0:
            _forbidden[ident] = n
        else:
            _forbidden.pop(ident, None)


@contextmanager
def writes_forbidden() -> Iterator[None]:
    """No writes from this thread inside the block (a reader worker of the desktop)."""
    forbid_writes_in_current_thread()
    try:
        yield
    finally:
        allow_writes_in_current_thread()


def writes_allowed_here() -> bool:
    return threading.get_ident() not in _forbidden


def check_writer() -> None:
    if threading.get_ident() in _forbidden:
        raise WriteFromForbiddenThread(
            f"a write to the library from thread {threading.current_thread().name!r}, which must not write:"
            " the desktop sends every write through its writer queue (tasks.write)")


def chunks(ids: list, size: int = 900) -> Iterator[list]:
    """``ids`` in slices small enough for one ``IN (?, ?, ...)`` (SQLite's variable limit)."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]
