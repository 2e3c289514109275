"""One writer: the GUI thread never writes to the library. A GUI action that writes goes through the
writer queue (TaskManager.write, one worker thread); a write from the GUI thread, or from a reader
worker, raises WriteFromForbiddenThread in the store."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt


@pytest.fixture
def writes_seen(monkeypatch):
    """The thread of every library transaction from now on."""
    from gapscope.store import Library

    seen: list[str] = []
    real = Library.transaction

    def spy(self):
        seen.append(threading.current_thread().name)
        return real(self)

    monkeypatch.setattr(Library, "transaction", spy)
    return seen


def test_a_write_from_the_gui_thread_raises_and_writes_nothing(window):
    from gapscope.store import WriteFromForbiddenThread

    pid = window.library_view.model.paper_id(0)
    with pytest.raises(WriteFromForbiddenThread, match="writer queue"):
        window.lib.add_tag([pid], "from-the-gui-thread")
    with pytest.raises(WriteFromForbiddenThread):
        window.lib.add_note(pid, "from the GUI thread")
    assert window.lib.tags_of(pid) == [] and window.lib.notes_of(pid) == []   # reads are fine anywhere


def test_adding_a_note_and_a_tag_goes_through_the_writer_queue(window, qtbot, writes_seen):
    started = []
    window.tasks.started.connect(started.append)
    lv = window.library_view
    pid = lv.model.paper_id(2)
    lv.table.selectRow(2)
    qtbot.keyClicks(window.detail.note_edit, "Check the ablation.")
    with qtbot.waitSignal(window.detail.noteAdded, timeout=10000):
        qtbot.mouseClick(window.detail.save_note, Qt.LeftButton)
    qtbot.keyClicks(window.detail.tag_edit, "queue")
    with qtbot.waitSignal(window.detail.tagsChanged, timeout=10000):
        qtbot.keyClick(window.detail.tag_edit, Qt.Key_Return)

    assert [n["body"] for n in window.lib.notes_of(pid)] == ["Check the ablation."]
    assert window.lib.tags_of(pid) == ["queue"]
    assert "queue" in window.detail.tags_label.text()
    writers = [t for t in started if t.name in ("Add note", "Add tag")]
    assert len(writers) == 2 and all(t.writes for t in writers)
    assert writes_seen and "MainThread" not in writes_seen


def test_a_triage_decision_goes_through_the_writer_queue(window, qtbot, writes_seen):
    pytest.importorskip("gapscope.triage")
    from gapscope.triage import current_decisions

    view = window.triage_view
    window.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: not view.loading and view.current is not None, timeout=60000)
    first = view.current
    with qtbot.waitSignal(view.decided, timeout=10000):
        qtbot.keyClick(view, Qt.Key_I)
    qtbot.waitUntil(lambda: not view.loading, timeout=60000)
    assert current_decisions(window.lib)[first]["decision"] == "include"
    assert writes_seen and "MainThread" not in writes_seen


def test_a_reader_task_that_writes_fails(window, qtbot):
    def sneaky(lib, *, progress=None, cancel=None):
        lib.set_setting("sneaky", 1)

    errors = []
    task = window.tasks.run("Sneaky read", sneaky, library=window.lib.path, quiet=True,
                            on_error=lambda m, _t: errors.append(m))
    qtbot.waitUntil(lambda: task.done, timeout=10000)
    assert task.outcome == "failed" and task.error_type == "WriteFromForbiddenThread"
    assert window.lib.get_setting("sneaky") is None
    write = window.tasks.write("Allowed write", sneaky, library=window.lib.path, quiet=True)
    qtbot.waitUntil(lambda: write.done, timeout=10000)
    assert write.outcome == "succeeded" and window.lib.get_setting("sneaky") == 1


def test_preferences_kept_in_the_library_are_saved_on_the_writer_queue(window, qtbot, writes_seen):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gapscope_desktop.dialogs.preferences_dialog import PreferencesDialog

    url = "http://127.0.0.1:9/api/query"

    def fill_and_accept():
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, PreferencesDialog)
        dlg.arxiv_url.setText(url)
        dlg.accept()

    started = []
    window.tasks.started.connect(started.append)
    QTimer.singleShot(0, fill_and_accept)
    window.show_preferences()            # modal: returns once the dialog is accepted
    [task] = [t for t in started if t.name == "Save preferences"]
    qtbot.waitUntil(lambda: task.done, timeout=10000)
    assert task.writes and task.outcome == "succeeded", task.error
    assert window.lib.get_setting("collect.arxiv_url") == url
    assert writes_seen and "MainThread" not in writes_seen


def test_an_edit_queued_behind_a_long_write_is_saved_when_the_window_closes(window, qtbot, lib_path):
    import time

    from gapscope.jobs import Cancelled
    from gapscope.store import Library

    def long_write(lib, *, progress=None, cancel=None):   # a collect, say: runs until cancelled
        while not cancel.cancelled:
            time.sleep(0.01)
        raise Cancelled()

    long = window.tasks.write("Long write", long_write, library=window.lib.path)
    lv = window.library_view
    pid = lv.model.paper_id(1)
    lv.table.selectRow(1)
    qtbot.keyClicks(window.detail.note_edit, "Written just before closing.")
    qtbot.mouseClick(window.detail.save_note, Qt.LeftButton)
    assert window.tasks.shutdown(20000, final=True)     # what closing the window does
    assert long.outcome == "cancelled"
    with Library(lib_path) as lib:
        assert [n["body"] for n in lib.notes_of(pid)] == ["Written just before closing."]
