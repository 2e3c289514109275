"""Cyclic garbage is collected on the GUI thread, never on a worker: a Qt object destroyed by a
worker's collection crashed the process during an import (segmentation fault in json.loads)."""

from __future__ import annotations

import gc
import threading


class _Cycle:
    """A reference cycle that records the thread its collection ran on."""

    collected_on: list = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        _Cycle.collected_on.append(threading.current_thread().name)


def test_garbage_dropped_by_a_worker_is_collected_on_the_gui_thread(qtbot):
    from gapscope_desktop.app import create_app

    create_app(["test"])
    gc.collect()
    _Cycle.collected_on.clear()

    parsed = []

    def worker() -> None:
        _Cycle()                                       # unreachable at once: only the collector frees it
        parsed.extend([i] for i in range(50_000))     # allocations far past generation 0's threshold

    t = threading.Thread(target=worker, name="import-worker")
    t.start()
    t.join()
    assert _Cycle.collected_on == [], f"collected on {_Cycle.collected_on} before the GUI thread ran"
    qtbot.waitUntil(lambda: bool(_Cycle.collected_on), timeout=5000)
    assert _Cycle.collected_on == [threading.main_thread().name]


def test_a_cycle_that_lived_long_is_still_collected(qtbot):
    """Automatic collection is off: the timer's collections must reach the oldest generation too, or
    a long-lived cycle (a closed window's model) would stay in memory for good."""
    from gapscope_desktop import gui_thread_gc
    from gapscope_desktop.app import create_app

    create_app(["test"])
    gc.collect()
    _Cycle.collected_on.clear()
    old = _Cycle()
    gc.collect(1)
    gc.collect(1)                                  # now in the oldest generation
    del old
    for _ in range(400):
        keep = [[i] for i in range(1000)]          # what a session allocates between two timer ticks
        gui_thread_gc._collector.check()
        del keep
        if _Cycle.collected_on:
            break
    assert _Cycle.collected_on == [threading.main_thread().name]
    assert not gc.isenabled()


def test_collection_stays_off_at_quit_while_a_worker_still_runs(qtbot, monkeypatch):
    """The quit's wait for the workers is bounded: one still running after it must not get automatic
    collection back, or its next allocation collects a Qt wrapper off the GUI thread again."""

    from PySide6.QtWidgets import QApplication

    from gapscope_desktop import tasks
    from gapscope_desktop.app import create_app

    create_app(["test"])
    monkeypatch.setattr(tasks, "QUIT_WAIT_MS", 50)
    manager = tasks.TaskManager()
    release, began = threading.Event(), threading.Event()

    def stuck_edit(*, progress=None, cancel=None) -> None:
        began.set()
        release.wait(60)

    task = manager.save("a stuck edit", stuck_edit)
    try:
        assert began.wait(30)
        QApplication.instance().aboutToQuit.emit()
        assert not gc.isenabled()
    finally:
        release.set()
        qtbot.waitUntil(lambda: task.done, timeout=30000)
        gc.enable()


def test_a_freeze_after_a_window_closed_collects_first(qtbot):
    """A closed window thaws the heap; the next window's start-up freeze must free its garbage first, or
    the cycles would be frozen for good (frozen objects are never collected)."""
    from gapscope_desktop import gui_thread_gc
    from gapscope_desktop.app import create_app

    create_app(["test"])
    gc.collect()
    _Cycle.collected_on.clear()
    gui_thread_gc.thaw_heap()                      # as a closing window does
    _Cycle()                                       # what that window left: garbage only a collection frees
    gui_thread_gc.freeze_heap()                    # the next window's start-up
    try:
        assert _Cycle.collected_on == [threading.main_thread().name]
    finally:
        gui_thread_gc.thaw_heap()                  # nothing left frozen for the next test
