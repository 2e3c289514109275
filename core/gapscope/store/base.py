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


_forbidden_threads: set[int] = set()      # marked for good: the desktop's GUI thread
_reading: dict[int, int] = {}             # inside writes_forbidden() (a reader worker), nesting depth
_forbidden_lock = threading.Lock()


def forbid_writes_in_current_thread() -> None:
    """From now on, a write to any Library from this thread raises (the desktop marks its GUI thread)."""
    with _forbidden_lock:
        _forbidden_threads.add(threading.get_ident())


def allow_writes_in_current_thread() -> None:
    """Lift :func:`forbid_writes_in_current_thread` (tests, between windows)."""
    with _forbidden_lock:
        _forbidden_threads.discard(threading.get_ident())


@contextmanager
def writes_forbidden() -> Iterator[None]:
    """No writes from this thread inside the block (a reader worker of the desktop)."""
    ident = threading.get_ident()
    with _forbidden_lock:
        _reading[ident] = _reading.get(ident, 0) + 1
    try:
        yield
    finally:
        with _forbidden_lock:
            if _reading[ident] > 1:
                _reading[ident] -= 1
            else:
                del _reading[ident]


def writes_allowed_here() -> bool:
    ident = threading.get_ident()
    return ident not in _forbidden_threads and ident not in _reading


def check_writer() -> None:
    if not writes_allowed_here():
        raise WriteFromForbiddenThread(
            f"a write to the library from thread {threading.current_thread().name!r}, which must not write:"
            " the desktop sends every write through its writer queue (TaskManager.write)")


def chunks(ids: list, size: int = 900) -> Iterator[list]:
    """``ids`` in slices small enough for one ``IN (?, ?, ...)`` (SQLite's variable limit)."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]
