"""Progress reporting and cooperative cancellation for long core functions.

Every long core function takes ``progress=None, cancel=None`` keyword arguments. It calls
``report(progress, done, total, message)`` between batches (or epochs) and ``check(cancel)`` at the
same points; ``check`` raises :class:`Cancelled` when the user asked to stop. The caller (CLI progress
bar, Qt worker) supplies both; the core never sees a widget.
"""

from __future__ import annotations

import threading
from typing import Callable, Optional, Protocol


class Progress(Protocol):
    def __call__(self, done: int, total: int, message: str = "") -> None: ...


ProgressFn = Callable[[int, int, str], None]


class Cancelled(Exception):
    """Raised inside a long core function when its CancelToken was set. A normal way to end."""


class CancelToken:
    """Thread-safe flag: the GUI thread sets it, the worker polls it between batches."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def check(cancel: Optional[CancelToken]) -> None:
    """Raise Cancelled when ``cancel`` is set; a no-op for None."""
    if cancel is not None:
        cancel.raise_if_cancelled()


def report(progress: Optional[ProgressFn], done: int, total: int, message: str = "") -> None:
    if progress is not None:
        progress(done, total, message)


def scaled(progress: Optional[ProgressFn], start: float, end: float, total: int = 1000) -> Optional[ProgressFn]:
    """A progress callback for one step of a larger job, mapped onto [start, end] of ``total`` units.

    Lets a function that runs several steps (embed, then classify, then cluster) hand each step its
    own callback while the user sees one bar move from 0 to ``total``.
    """
    if progress is None:
        return None

    def sub(done: int, sub_total: int, message: str = "") -> None:
        frac = (done / sub_total) if sub_total else 1.0
        progress(int(total * (start + (end - start) * min(max(frac, 0.0), 1.0))), total, message)

    return sub
