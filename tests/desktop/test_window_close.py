"""Closing the window while long work runs asks first (naming it), then cancels it without freezing:
the status bar says it is stopping and the window closes once it has stopped."""

from __future__ import annotations

import time


def _long_write(lib, *, progress=None, cancel=None):        # a Find gaps, say: runs until cancelled
    from gapscope.jobs import Cancelled

    while not cancel.cancelled:
        time.sleep(0.01)
    raise Cancelled()


def test_closing_during_long_work_asks_and_keep_working_keeps_it(window, qtbot, monkeypatch):
    asked = []
    monkeypatch.setattr(window, "confirm_stop", lambda names: asked.append(names) or False)
    task = window.tasks.write("Find gaps", _long_write, library=window.lib.path)
    window.close()
    assert asked == [["Find gaps"]]
    assert window.isVisible() and not task.cancel_requested
    monkeypatch.setattr(window, "confirm_stop", lambda names: True)
    window.close()
    assert window.isVisible()                               # not blocked waiting: it stops first
    assert "Stopping Find gaps" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    assert task.outcome == "cancelled"


def test_closing_with_nothing_running_asks_nothing(window, monkeypatch):
    monkeypatch.setattr(window, "confirm_stop", lambda names: (_ for _ in ()).throw(AssertionError(names)))
    window.close()
    assert not window.isVisible()
