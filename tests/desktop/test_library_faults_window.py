"""The window says what happened to the library in a dialog (never only a traceback on stderr) and does
not go on showing data the file may no longer hold: it reloads after a refused write, and closes the
library view after a disk error or damage."""

from __future__ import annotations

import sqlite3
import sys

import pytest


@pytest.fixture
def dialogs(monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append((title, text)))
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: shown.append((title, text)))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append((title, text)))
    return shown


def _disk_error(*_a, **_k):
    raise sqlite3.OperationalError("disk I/O error")


def test_a_disk_error_in_a_worker_gets_a_dialog_and_closes_the_view(qtbot, window, dialogs):
    task = window.tasks.run("List papers", _disk_error, library=window.lib.path, quiet=True)
    qtbot.waitUntil(lambda: task.done and bool(dialogs), timeout=10000)
    title, text = dialogs[0]
    assert title == "Disk error" and "failed at the disk" in text and "not a GapScope library" not in text
    assert window.lib is None
    assert window.pages.currentWidget() is window.no_library
    assert "failed at the disk" in window.no_library_label.text()
    assert window.library_view.model.rowCount() == 0          # nothing stale left on screen


def test_a_failure_in_a_gui_slot_reaches_the_dialog_not_stderr(qtbot, window, dialogs, monkeypatch, capsys):
    from gapscope_desktop.app import install_exception_hook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)   # restored after the test
    install_exception_hook(window)
    before = window.lib
    try:
        window.lib._conn.execute("SELECT * FROM papers WHERE 1 = ?", (1,))
        raise sqlite3.OperationalError("database or disk is full")
    except sqlite3.OperationalError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert dialogs and dialogs[0][0] == "Disk full"
    assert "Traceback" not in capsys.readouterr().err
    # a refused write leaves the data as it was: the window reloads it from the file and goes on
    assert window.lib is not None and window.lib is not before
    qtbot.waitUntil(lambda: window.library_view.model.rowCount() > 0, timeout=10000)
    assert window.pages.currentWidget() is window.main_split


def test_a_foreign_database_is_refused_with_its_reason(qtbot, window, dialogs, tmp_path):
    db = tmp_path / "other.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE items (x)")
    conn.commit()
    conn.close()
    current = window.lib
    assert window.open_library(db) is False
    assert dialogs[0][0] == "Not a GapScope library" and "untouched" in dialogs[0][1]
    assert window.lib is current                                # the open library stays open


def test_a_read_only_library_is_shown_and_a_decision_says_read_only(qtbot, lib_path, dialogs, monkeypatch):
    """Permissions do not bind root, so the library is made 'not writable' for this process by the
    same check the store makes; the rest is real: opened mode=ro, a decision refused by SQLite. The
    decision buttons and keys are off on such a library (test_read_only_window); a write asked for
    anyway, from code, still gets the dialog."""
    from PySide6.QtCore import QTimer

    import gapscope.store.library as store_library
    from gapscope.triage import current_decisions
    from gapscope_desktop.app import install_exception_hook

    from .conftest import _open_window
    from .test_triage_view import _wait_card

    monkeypatch.setattr(store_library, "_writable", lambda db: False)
    window = _open_window(qtbot, lib_path)
    try:
        monkeypatch.setattr(sys, "excepthook", sys.excepthook)
        install_exception_hook(window)
        assert window.lib.read_only and "(read-only)" in window.windowTitle()
        window.tabs.setCurrentIndex(1)
        _wait_card(qtbot, window.triage_view)
        # through the event loop, as a user's key press comes (an exception then reaches sys.excepthook)
        QTimer.singleShot(0, lambda: window.triage_view.decide("include"))
        qtbot.waitUntil(lambda: bool(dialogs), timeout=10000)
        assert dialogs[0][0] == "Library is read-only" and "read-only" in dialogs[0][1]
        assert window.lib is not None and current_decisions(window.lib) == {}
    finally:
        window.close()


def test_find_gaps_before_any_map_says_which_step_is_missing(qtbot, window, dialogs):
    window.tabs.setCurrentIndex(3)
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=20000)   # the tab's own listing first
    task = window.gaps_view.find_gaps()
    qtbot.waitUntil(lambda: task.done and bool(dialogs), timeout=20000)
    title, text = dialogs[0]
    assert title == "An earlier step is missing" and "no maps yet" in text and "gapscope map" in text
    assert "no maps yet" in window.gaps_view.info.text()
    assert window.lib is not None                       # nothing wrong with the library: it stays open


def test_a_failure_reported_on_a_worker_thread_opens_no_dialog_there(monkeypatch):
    """PySide reports an exception that escapes a Qt override run on a worker (a QRunnable's run) through
    sys.excepthook on that worker: the window's hook must not open its dialog or reload the library there
    (widgets off the GUI thread crash); the failure is logged and printed as any other."""
    import threading

    from gapscope_desktop.app import install_exception_hook

    class Window:
        _closed = False
        handled_on: list = []

        def library_failed(self, exc) -> bool:
            self.handled_on.append(threading.current_thread().name)
            return True

    printed = []
    monkeypatch.setattr(sys, "excepthook", lambda *exc: printed.append(exc[1]))
    install_exception_hook(Window())
    error = sqlite3.OperationalError("disk I/O error")
    worker = threading.Thread(target=lambda: sys.excepthook(type(error), error, None), name="worker")
    worker.start()
    worker.join()
    assert Window.handled_on == [] and printed == [error]
    sys.excepthook(type(error), error, None)          # on the GUI thread the window says what happened
    assert Window.handled_on == [threading.main_thread().name] and printed == [error]
