"""The window freezes the heap after start-up (gc.freeze) so that full collections skip it; a window closed
later must still be freed: frozen cycles are never collected, and a second window's freeze would otherwise
keep the first one's objects for the rest of the process (tests, screenshots, benchmarks open several)."""

from __future__ import annotations

import gc
import weakref

from PySide6.QtCore import QCoreApplication, QEvent

from .conftest import _close_at_teardown, _open_window


def _close_and_delete(w) -> None:
    """Closed as a user closes it, then its Qt objects deleted (the event loop's deferred deletes)."""
    _close_at_teardown(w)
    w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete.value)


def _app_collections(gone, rounds: int = 400) -> None:
    """The app's own collection path: the GUI-thread timer's generational collections as a session
    allocates between ticks, until ``gone()``."""
    from gapscope_desktop import gui_thread_gc

    for _ in range(rounds):
        if gone():
            return
        keep = [[i] for i in range(1000)]
        gui_thread_gc._collector.check()
        del keep


def _refs(w) -> list:
    return [weakref.ref(w), weakref.ref(w.library_view), weakref.ref(w.detail)]


def test_start_up_freezes_the_heap(qtbot, lib_path):
    _open_window(qtbot, lib_path)
    assert gc.get_freeze_count() > 0


def test_a_closed_window_is_freed_by_the_timer_collections(qtbot, lib_path):
    w = _open_window(qtbot, lib_path, closed_by_qtbot=False)    # its start-up froze it with the heap
    refs = _refs(w)
    _close_and_delete(w)
    del w
    _app_collections(lambda: all(r() is None for r in refs))
    assert [r() is None for r in refs] == [True] * len(refs)


def test_a_closed_window_is_freed_after_the_next_window_froze(qtbot, lib_path):
    first = _open_window(qtbot, lib_path, closed_by_qtbot=False)
    refs = _refs(first)
    _close_and_delete(first)
    del first
    second = _open_window(qtbot, lib_path, closed_by_qtbot=False)     # its start-up froze the heap again
    try:
        assert gc.get_freeze_count() > 0
        _app_collections(lambda: all(r() is None for r in refs))
        assert [r() is None for r in refs] == [True] * len(refs)
    finally:
        _close_and_delete(second)
