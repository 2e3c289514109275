"""Reads that stop when the user cancels (a Library mixin).

One long statement (every sentence of the library, every concept and its papers) is a second or more that
no cancel token between Python calls can cut short. SQLite calls a progress handler every few thousand
steps of its virtual machine, fetching rows included; the handler reads the token there, and a set token
ends the statement ("interrupted"), raised as :class:`~gapscope.jobs.Cancelled`.

Writes are never interrupted: SQLite rolls an interrupted INSERT, UPDATE or DELETE's whole transaction back,
so while :meth:`Library.transaction` holds one the handler is off (the job reads its token after the commit).
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from typing import Callable, ContextManager, Iterator, Optional

from ..jobs import Cancelled

# Steps between two reads of the token: a few thousand reads a second at SQLite's pace, no measurable cost.
STEPS_BETWEEN_CHECKS = 20000
# Rows between two reads of the token in the store's own loops over what was read.
ROWS_BETWEEN_CHECKS = 5000


class InterruptMixin:
    @contextmanager
    def stopped_when(self, cancelled: Optional[Callable[[], bool]]) -> Iterator[None]:
        """The library's statements inside stop once ``cancelled()`` says so, with :class:`Cancelled`
        (``None``: they run to their end). Nested blocks each keep their own test while they last."""
        if cancelled is None:
            yield
            return
        outer = getattr(self, "_stop_tests", [])
        self._stop_tests = [*outer, cancelled]
        self._set_stop_handler()
        try:
            yield
        except sqlite3.OperationalError as exc:
            if cancelled():
                raise Cancelled() from exc
            raise
        finally:
            self._stop_tests = outer
            self._set_stop_handler()

    @contextmanager
    def _uninterrupted(self) -> Iterator[None]:
        """No statement inside is interrupted, whatever block it is in (a write transaction: see the module)."""
        self._writing = getattr(self, "_writing", 0) + 1
        self._set_stop_handler()
        try:
            yield
        finally:
            self._writing -= 1
            self._set_stop_handler()

    def _set_stop_handler(self) -> None:
        """The progress handler the open blocks ask for: the innermost test, none while a write runs."""
        tests = getattr(self, "_stop_tests", None)
        if tests and not getattr(self, "_writing", 0):
            test = tests[-1]
            self._conn.set_progress_handler(lambda: 1 if test() else 0, STEPS_BETWEEN_CHECKS)
        else:
            self._conn.set_progress_handler(None, 0)

    def _stop_if_cancelled(self) -> None:
        """For the store's own loops over what a statement read, inside :meth:`stopped_when`: Cancelled once
        its test says so (the rows of a big read take a while to assemble too)."""
        tests = getattr(self, "_stop_tests", None)
        if tests and tests[-1]():
            raise Cancelled()

    def cancellable(self, cancel) -> ContextManager[None]:
        """:meth:`stopped_when` the token ``cancel`` is cancelled (a :class:`~gapscope.jobs.CancelToken`, or
        None: no stop)."""
        return self.stopped_when(None if cancel is None else (lambda: cancel.cancelled))
