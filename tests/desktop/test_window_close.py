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
    window.changed_banner.show()
    window.close()
    assert not window.isVisible()
    assert window.watch.lib is None and window.changed_banner.isHidden()     # no check on a closed library


def _note_on_a_paper(window, qtbot, text: str) -> None:
    window.library_view.table.selectRow(1)
    qtbot.keyClicks(window.detail.note_edit, text)


def test_discarding_drafts_then_keep_working_loses_nothing(window, qtbot, monkeypatch):
    """Every question comes before anything is done: Discard, then Keep working, keeps the draft."""
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Discard)
    monkeypatch.setattr(window, "confirm_stop", lambda names: False)
    _note_on_a_paper(window, qtbot, "keep me")
    task = window.tasks.write("Find gaps", _long_write, library=window.lib.path)
    window.close()
    assert window.isVisible() and window.detail.note_edit.toPlainText() == "keep me"
    assert [d[2] for d in window.detail.unsaved_drafts()] == ["keep me"]
    task.cancel()
    qtbot.waitUntil(lambda: task.done, timeout=20000)


def test_while_stopping_nothing_new_starts_and_new_drafts_are_asked_about(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    asked, release = _closing_while_work_stops(window, monkeypatch, [QMessageBox.Cancel], spec=False)
    assert window.isVisible() and asked == []                      # no drafts yet: only the stop was asked
    late = window.tasks.run("Build maps", _long_write, library=window.lib.path)   # a reader: not queued behind
    qtbot.waitUntil(lambda: late.done, timeout=20000)               # started while stopping: cancelled at once
    assert late.outcome == "cancelled"
    _note_on_a_paper(window, qtbot, "typed while it stopped")
    release.set()
    qtbot.waitUntil(lambda: bool(asked), timeout=20000)             # the delayed close asks about it
    assert "note" in asked[0]
    assert window.isVisible() and window.detail.note_edit.toPlainText() == "typed while it stopped"
    assert not window.tasks.stopping                                # Cancel: the window works on



def test_the_stop_question_defaults_to_keep_working(window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    seen = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: seen.append((box.defaultButton().text(), box.text())))
    assert window.confirm_stop(["Find gaps", "Build maps"]) is False
    (default, text), = seen
    assert default == "Keep working" and "cancels them all" in text


def _closing_while_work_stops(window, monkeypatch, answer, spec=True):
    """A write that stops only when released (and with ``spec`` a hand-edited spec), the window closed with
    every question answered ``answer[0]`` (the stop agreed to); returns (questions asked, the release)."""
    import threading

    from PySide6.QtWidgets import QMessageBox

    from gapscope.jobs import Cancelled

    if spec:
        window.experiments_view.editor.setPlainText("[data]\ndataset = 'iris'\n")
        window.experiments_view.editor.document().setModified(True)        # typed by hand
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda p, t, text, *a, **k: asked.append(text) or answer[0])
    monkeypatch.setattr(window, "confirm_stop", lambda names: True)
    began, release = threading.Event(), threading.Event()

    def slow_to_stop(lib, *, progress=None, cancel=None):
        began.set()
        release.wait(30)
        raise Cancelled()

    window.tasks.write("Find gaps", slow_to_stop, library=window.lib.path)
    assert began.wait(20)
    window.close()
    return asked, release


def test_a_spec_edited_while_the_window_stopped_is_asked_about_again(window, qtbot, monkeypatch):
    """The spec question came when the close began; the spec edited while the work stopped is asked about
    again by the delayed close (Cancel keeps the window)."""
    from PySide6.QtWidgets import QMessageBox

    answer = [QMessageBox.Discard]
    asked, release = _closing_while_work_stops(window, monkeypatch, answer)
    assert window.isVisible() and len(asked) == 1 and "spec" in asked[0]      # Discard, then it stops
    view = window.experiments_view
    view.editor.appendPlainText("# typed while it stopped")
    answer[0] = QMessageBox.Cancel
    release.set()
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=20000)          # the delayed close asks about it
    assert "spec" in asked[1] and window.isVisible() and not window.tasks.stopping
    assert "# typed while it stopped" in view.editor.toPlainText()


def test_a_spec_discarded_when_the_close_began_is_not_asked_about_again(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    asked, release = _closing_while_work_stops(window, monkeypatch, [QMessageBox.Discard])
    release.set()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    assert len(asked) == 1
