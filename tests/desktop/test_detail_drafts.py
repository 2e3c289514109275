"""What is typed in the detail pane belongs to the paper it was typed for: a draft note or tag stays with
its paper while another is shown, leaves its box only once saved, and is asked about (Save / Discard /
Cancel) before the window closes or opens another library. Tags can be removed and notes edited or
deleted; a write that waits for another process's lock says so and shows the edit as pending."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox


@pytest.fixture
def answer(monkeypatch):
    """QMessageBox.question answers what the test puts in ``answer[0]``; the questions asked are kept."""
    asked: list[str] = []
    reply = [QMessageBox.Cancel, asked]
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a, **k: asked.append(text) or reply[0])
    return reply


def _select(window, row: int) -> int:
    lv = window.library_view
    lv.table.selectRow(row)
    pid = lv.model.paper_id(row)
    assert window.detail.paper.id == pid
    return pid


def test_a_draft_note_stays_with_its_paper(window, qtbot):
    detail = window.detail
    a = _select(window, 2)
    qtbot.keyClicks(detail.note_edit, "Draft meant for paper A")
    qtbot.keyClicks(detail.tag_edit, "tag-for-a")
    b = _select(window, 5)
    assert detail.note_edit.toPlainText() == "" and detail.tag_edit.text() == ""   # B has no drafts
    qtbot.keyClicks(detail.note_edit, "B's own")
    qtbot.mouseClick(detail.save_note, Qt.LeftButton)          # saves B's text, not A's
    qtbot.waitUntil(lambda: [n["body"] for n in window.lib.notes_of(b)] == ["B's own"], timeout=10000)
    qtbot.waitUntil(lambda: detail.note_edit.toPlainText() == "", timeout=10000)
    assert window.lib.notes_of(a) == []
    _select(window, 2)                                         # back to A: its drafts come back
    assert detail.note_edit.toPlainText() == "Draft meant for paper A"
    assert detail.tag_edit.text() == "tag-for-a"
    assert {(pid, kind) for pid, kind, _t in detail.unsaved_drafts()} == {(a, "note"), (a, "tag")}


def test_closing_with_drafts_asks_and_cancel_keeps_the_window(window, qtbot, answer, lib_path):
    a = _select(window, 1)
    qtbot.keyClicks(window.detail.note_edit, "not saved yet")
    answer[0] = QMessageBox.Cancel
    window.close()
    assert window.isVisible() and window.lib is not None
    assert "not saved yet" not in answer[1][0] and "note" in answer[1][0]     # names the draft, not its text
    assert window.detail.note_edit.toPlainText() == "not saved yet"
    answer[0] = QMessageBox.Discard
    window.close()
    assert not window.isVisible()
    from gapscope.store import Library

    with Library(lib_path) as lib:
        assert lib.notes_of(a) == []


def test_closing_with_drafts_and_save_writes_them_to_their_papers(qtbot, lib_path, answer):
    from gapscope.store import Library

    from .conftest import _open_window

    window = _open_window(qtbot, lib_path)
    a = _select(window, 1)
    qtbot.keyClicks(window.detail.note_edit, "note for A")
    b = _select(window, 3)
    qtbot.keyClicks(window.detail.tag_edit, "tag-for-b")
    answer[0] = QMessageBox.Save
    window.close()
    assert not window.isVisible()
    with Library(lib_path) as lib:
        assert [n["body"] for n in lib.notes_of(a)] == ["note for A"] and lib.tags_of(a) == []
        assert lib.tags_of(b) == ["tag-for-b"] and lib.notes_of(b) == []


def test_opening_another_library_asks_about_drafts(window, qtbot, answer, tmp_path):
    from gapscope.store import Library

    Library(tmp_path / "other.gapscope").close()
    first = window.lib.path
    _select(window, 1)
    qtbot.keyClicks(window.detail.note_edit, "still here")
    answer[0] = QMessageBox.Cancel
    assert window.open_library(tmp_path / "other.gapscope") is False
    assert window.lib.path == first and window.detail.note_edit.toPlainText() == "still here"
    window.open_library(first)                                   # the same library again: nothing to ask
    assert len(answer[1]) == 1
    qtbot.waitUntil(lambda: window.library_view.model.rowCount() > 1, timeout=10000)
    _select(window, 1)
    assert window.detail.note_edit.toPlainText() == "still here"
    answer[0] = QMessageBox.Discard
    assert window.open_library(tmp_path / "other.gapscope") is True
    assert window.detail.unsaved_drafts() == []


def test_a_note_that_fails_to_save_stays_in_its_box(window, qtbot, monkeypatch):
    import gapscope_desktop.views.detail_pane as detail_pane

    def refuse(lib, paper_id, body, *, progress=None, cancel=None):
        raise ValueError("no room for notes today")

    monkeypatch.setattr(detail_pane, "_add_note", refuse)
    pid = _select(window, 1)
    qtbot.keyClicks(window.detail.note_edit, "keep me")
    qtbot.mouseClick(window.detail.save_note, Qt.LeftButton)
    qtbot.waitUntil(lambda: "no room for notes today" in window.detail.notes_view.toPlainText(), timeout=10000)
    assert window.detail.note_edit.toPlainText() == "keep me" and not window.detail.note_edit.isReadOnly()
    assert window.lib.notes_of(pid) == [] and window.detail.unsaved_drafts() == [(pid, "note", "keep me")]


def test_a_write_waiting_for_another_process_says_so_and_shows_the_note_pending(window, qtbot, lib_path):
    from gapscope_desktop.main_window import LOCK_WAIT_MESSAGE

    pid = _select(window, 1)
    holder = sqlite3.connect(str(lib_path), isolation_level=None)   # another process writing
    holder.execute("BEGIN IMMEDIATE")
    try:
        qtbot.keyClicks(window.detail.note_edit, "written while locked")
        qtbot.mouseClick(window.detail.save_note, Qt.LeftButton)
        qtbot.waitUntil(lambda: window.statusBar().currentMessage() == LOCK_WAIT_MESSAGE, timeout=20000)
        shown = window.detail.notes_view.toPlainText()
        assert "Saving…" in shown and "written while locked" in shown
        assert window.detail.note_edit.isReadOnly()                # not typed over while it is saved
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    qtbot.waitUntil(lambda: [n["body"] for n in window.lib.notes_of(pid)] == ["written while locked"], timeout=20000)
    # committed is not yet answered: the pane clears its "Saving…" when the save's result reaches it
    qtbot.waitUntil(lambda: not window.detail.saving, timeout=10000)
    assert window.statusBar().currentMessage() != LOCK_WAIT_MESSAGE
    assert "Saving…" not in window.detail.notes_view.toPlainText()
    assert window.detail.note_edit.toPlainText() == "" and not window.detail.note_edit.isReadOnly()


def test_a_tag_can_be_removed_from_the_paper(window, qtbot):
    detail = window.detail
    pid = _select(window, 2)
    other = window.library_view.model.paper_id(3)
    for name in ("keep", "drop me"):
        qtbot.keyClicks(detail.tag_edit, name)
        with qtbot.waitSignal(detail.tagsChanged, timeout=10000):
            qtbot.keyClick(detail.tag_edit, Qt.Key_Return)
    assert "tag:remove/drop%20me" in detail.tags_label.text()
    with qtbot.waitSignal(detail.tagsChanged, timeout=10000):
        detail.tags_label.linkActivated.emit("tag:remove/drop%20me")
    assert window.lib.tags_of(pid) == ["keep"] and "drop me" not in detail.tags_label.text()
    assert window.lib.tags_of(other) == []


def test_a_note_can_be_edited_and_deleted_after_a_confirmation(window, qtbot, answer, monkeypatch):
    from PySide6.QtCore import QUrl
    from PySide6.QtWidgets import QInputDialog

    detail = window.detail
    pid = _select(window, 2)
    qtbot.keyClicks(detail.note_edit, "first thought")
    with qtbot.waitSignal(detail.noteAdded, timeout=10000):
        qtbot.mouseClick(detail.save_note, Qt.LeftButton)
    (note,) = window.lib.notes_of(pid)
    assert f"note:edit/{note['id']}" in detail.notes_view.toHtml()
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("second thought", True))
    with qtbot.waitSignal(detail.notesChanged, timeout=10000):
        detail.notes_view.anchorClicked.emit(QUrl(f"note:edit/{note['id']}"))
    assert [n["body"] for n in window.lib.notes_of(pid)] == ["second thought"]
    assert "second thought" in detail.notes_view.toPlainText()

    answer[0] = QMessageBox.No                                    # asked first; No keeps it
    detail.notes_view.anchorClicked.emit(QUrl(f"note:delete/{note['id']}"))
    assert "second thought" in answer[1][-1] and len(window.lib.notes_of(pid)) == 1
    answer[0] = QMessageBox.Yes
    with qtbot.waitSignal(detail.notesChanged, timeout=10000):
        detail.notes_view.anchorClicked.emit(QUrl(f"note:delete/{note['id']}"))
    assert window.lib.notes_of(pid) == [] and "No notes yet" in detail.notes_view.toPlainText()


def test_cancel_at_the_drafts_question_leaves_no_new_library_behind(window, qtbot, answer, tmp_path):
    _select(window, 1)
    qtbot.keyClicks(window.detail.note_edit, "not saved yet")
    answer[0] = QMessageBox.Cancel
    new = tmp_path / "new.gapscope"
    assert window.open_library(new) is False
    assert len(answer[1]) == 1 and not new.exists()            # asked before anything was created


def test_the_same_library_by_another_path_keeps_its_drafts_without_asking(window, qtbot, answer, tmp_path, lib_path):
    link = tmp_path / "link"
    link.symlink_to(lib_path.parent, target_is_directory=True)
    pid = _select(window, 1)
    qtbot.keyClicks(window.detail.note_edit, "still mine")
    assert window.open_library(link / lib_path.name) is True
    assert answer[1] == [] and window.detail.unsaved_drafts() == [(pid, "note", "still mine")]


def test_opening_another_library_survives_the_old_one_closing_meanwhile(window, tmp_path, monkeypatch):
    from gapscope.store import Library

    Library(tmp_path / "other.gapscope").close()
    shutdown = window.tasks.shutdown

    def failure_delivered_while_stopping(*a, **k):            # a task's failure closes the old library
        monkeypatch.setattr(window.tasks, "shutdown", shutdown)
        done = shutdown(*a, **k)
        window.close_library("the disk failed")
        return done

    monkeypatch.setattr(window.tasks, "shutdown", failure_delivered_while_stopping)
    assert window.open_library(tmp_path / "other.gapscope") is True
    assert window.lib is not None and window.lib.path == tmp_path / "other.gapscope"


def _long_write(lib, started, go_on, progress=None, cancel=None):
    """A write that goes on after it took the lock, until the test lets it end."""
    with lib.transaction():
        started.set()
        go_on.wait(20)


def test_the_waiting_message_goes_once_the_write_has_the_lock(window, qtbot, lib_path):
    import threading

    from gapscope_desktop.main_window import LOCK_WAIT_MESSAGE

    started, go_on = threading.Event(), threading.Event()
    holder = sqlite3.connect(str(lib_path), isolation_level=None)   # another process writing
    holder.execute("BEGIN IMMEDIATE")
    try:
        task = window.tasks.write("Long write", _long_write, started, go_on, library=window.lib.path)
        qtbot.waitUntil(lambda: window.statusBar().currentMessage() == LOCK_WAIT_MESSAGE, timeout=20000)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    try:
        assert started.wait(20)                                      # the write has the lock and goes on
        qtbot.waitUntil(lambda: window.statusBar().currentMessage() != LOCK_WAIT_MESSAGE, timeout=10000)
        assert not task.done and not task.waiting_for_lock and window.tasks.waiting_for_lock() == []
    finally:
        go_on.set()
    qtbot.waitUntil(lambda: task.done, timeout=20000)


def _note_on(window, qtbot, pid, body):
    qtbot.keyClicks(window.detail.note_edit, body)
    with qtbot.waitSignal(window.detail.noteAdded, timeout=10000):
        qtbot.mouseClick(window.detail.save_note, Qt.LeftButton)
    (note,) = window.lib.notes_of(pid)
    return note


def _elsewhere(lib_path, sql, *args):
    """Another process (the gapscope command, a second window) changes the library."""
    other = sqlite3.connect(str(lib_path), isolation_level=None)
    try:
        other.execute(sql, args)
    finally:
        other.close()


@pytest.mark.parametrize("meanwhile", ["changed", "deleted"])
def test_a_note_changed_elsewhere_while_it_is_edited_is_not_written_over_and_the_edit_is_kept(
        window, qtbot, lib_path, monkeypatch, meanwhile):
    from PySide6.QtCore import QUrl
    from PySide6.QtWidgets import QInputDialog

    detail = window.detail
    pid = _select(window, 2)
    note = _note_on(window, qtbot, pid, "first thought")

    def edit_dialog(*_a, **_k):           # while the user types, the note changes in another process
        if meanwhile == "changed":
            _elsewhere(lib_path, "UPDATE notes SET body = 'the co-author''s addition' WHERE id = ?", note["id"])
        else:
            _elsewhere(lib_path, "DELETE FROM notes WHERE id = ?", note["id"])
        return "my careful rewrite", True

    monkeypatch.setattr(QInputDialog, "getMultiLineText", edit_dialog)
    detail.notes_view.anchorClicked.emit(QUrl(f"note:edit/{note['id']}"))
    qtbot.waitUntil(lambda: "was not saved" in detail.notes_view.toPlainText(), timeout=10000)
    assert f"was {meanwhile} elsewhere" in detail.notes_view.toPlainText()
    assert [n["body"] for n in window.lib.notes_of(pid)] == (["the co-author's addition"] if meanwhile == "changed"
                                                             else [])
    # the rewrite is not lost: it waits in the paper's note box, asked about on close as any draft
    assert detail.note_edit.toPlainText() == "my careful rewrite"
    assert detail.unsaved_drafts() == [(pid, "note", "my careful rewrite")]


def test_a_failed_note_edit_goes_to_the_paper_it_was_typed_for_when_another_is_shown_meanwhile(
        window, qtbot, lib_path, monkeypatch):
    """The list read again behind the modal Edit note box may show another paper by the time it is
    answered: the text of an edit that fails still goes to its own paper's note box."""
    from PySide6.QtCore import QUrl
    from PySide6.QtWidgets import QInputDialog

    detail = window.detail
    pid = _select(window, 2)
    note = _note_on(window, qtbot, pid, "first thought")

    def edit_dialog(*_a, **_k):
        _elsewhere(lib_path, "UPDATE notes SET body = 'the co-author''s addition' WHERE id = ?", note["id"])
        other[0] = _select(window, 3)                 # the pane moved on behind the box
        return "my careful rewrite", True

    other = [None]
    monkeypatch.setattr(QInputDialog, "getMultiLineText", edit_dialog)
    detail.notes_view.anchorClicked.emit(QUrl(f"note:edit/{note['id']}"))
    qtbot.waitUntil(lambda: detail.unsaved_drafts() != [], timeout=10000)
    assert other[0] != pid and detail.unsaved_drafts() == [(pid, "note", "my careful rewrite")]


def test_a_note_edit_that_fails_keeps_the_text_beside_a_draft_being_typed(window, qtbot, monkeypatch):
    from PySide6.QtCore import QUrl
    from PySide6.QtWidgets import QInputDialog

    import gapscope_desktop.views.detail_pane as detail_pane

    detail = window.detail
    pid = _select(window, 2)
    note = _note_on(window, qtbot, pid, "first thought")

    def refuse(lib, note_id, body, expected=None, *, progress=None, cancel=None):
        raise OSError("the disk is full")

    monkeypatch.setattr(detail_pane, "_update_note", refuse)
    qtbot.keyClicks(detail.note_edit, "a new note half typed")
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("second thought", True))
    detail.notes_view.anchorClicked.emit(QUrl(f"note:edit/{note['id']}"))
    qtbot.waitUntil(lambda: "the disk is full" in detail.notes_view.toPlainText(), timeout=10000)
    assert [n["body"] for n in window.lib.notes_of(pid)] == ["first thought"]
    assert detail.note_edit.toPlainText() == "a new note half typed\n\nsecond thought"


def test_a_note_changed_elsewhere_after_the_delete_question_is_not_deleted(window, qtbot, answer, lib_path):
    from PySide6.QtCore import QUrl

    detail = window.detail
    pid = _select(window, 2)
    note = _note_on(window, qtbot, pid, "first thought")
    answer[0] = QMessageBox.Yes
    real = QMessageBox.question

    def asked_then_changed(*a, **k):
        _elsewhere(lib_path, "UPDATE notes SET body = 'rewritten elsewhere' WHERE id = ?", note["id"])
        return real(*a, **k)

    QMessageBox.question = asked_then_changed
    try:
        detail.notes_view.anchorClicked.emit(QUrl(f"note:delete/{note['id']}"))
    finally:
        QMessageBox.question = real
    qtbot.waitUntil(lambda: "was not saved" in detail.notes_view.toPlainText(), timeout=10000)
    assert [n["body"] for n in window.lib.notes_of(pid)] == ["rewritten elsewhere"]
    assert "rewritten elsewhere" in detail.notes_view.toPlainText()       # shown as it is now


def test_a_highlights_note_that_fails_to_save_goes_to_the_note_box(window, qtbot, monkeypatch):
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QInputDialog

    import gapscope_desktop.views.detail_pane as detail_pane

    def refuse(*_a, **_k):
        raise OSError("the disk is full")

    monkeypatch.setattr(detail_pane, "_add_highlight", refuse)
    detail = window.detail
    pid = _select(window, 3)
    shown, spans = detail.shown
    cursor = detail.browser.textCursor()
    block = detail._abstract_block()
    cursor.setPosition(block.position())
    cursor.setPosition(block.position() + 30, QTextCursor.KeepAnchor)
    detail.browser.setTextCursor(cursor)
    start, end = detail.selection_span()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("why this matters", True))
    detail._highlight_with_note()
    qtbot.waitUntil(lambda: "the disk is full" in detail.notes_view.toPlainText(), timeout=10000)
    words = " ".join(window.lib.get_paper(pid).abstract[start:end].split())
    assert detail.unsaved_drafts() == [(pid, "note", f"“{words}”: why this matters")]


def test_a_note_edited_again_while_its_edit_waits_for_the_lock_begins_from_that_edit(window, qtbot, lib_path,
                                                                                    monkeypatch):
    """Another process holds the library's write lock: the first edit waits on the writer queue. The note
    edited again starts from that edit (not from the text the library still holds), and once the lock is
    free both are saved in turn: the second is not refused as "changed elsewhere"."""
    from PySide6.QtCore import QUrl
    from PySide6.QtWidgets import QInputDialog

    detail = window.detail
    pid = _select(window, 2)
    note = _note_on(window, qtbot, pid, "first thought")
    given = []

    def edit_dialog(_parent, _title, _label, text, *a, **k):
        given.append(text)
        return ("second thought", "third thought")[len(given) - 1], True

    monkeypatch.setattr(QInputDialog, "getMultiLineText", edit_dialog)
    holder = sqlite3.connect(str(lib_path), isolation_level=None)   # another process writing
    holder.execute("BEGIN IMMEDIATE")
    try:
        detail.notes_view.anchorClicked.emit(QUrl(f"note:edit/{note['id']}"))
        qtbot.waitUntil(lambda: window.tasks.waiting_for_lock() != [], timeout=20000)
        detail.notes_view.anchorClicked.emit(QUrl(f"note:edit/{note['id']}"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    qtbot.waitUntil(lambda: not window.tasks.active(), timeout=20000)
    assert given == ["first thought", "second thought"]
    assert [n["body"] for n in window.lib.notes_of(pid)] == ["third thought"]
    assert "was not saved" not in detail.notes_view.toPlainText() and detail.unsaved_drafts() == []
