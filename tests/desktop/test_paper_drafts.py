"""A note, tag, title or highlight note typed and not saved outlives a window that is killed (SIGKILL, a crash,
power loss): it is kept in the library's folder as it is typed (paper_drafts.py), and the next window lists it
over the views, to restore where it was typed, unsaved, or to discard. A kept draft whose paper is gone, or
whose note or title was changed since, says so and is not put over it; a folder where nothing can be kept is
said once, and the window works on."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox, QPlainTextEdit

from .conftest import answer_boxes

ROOT = Path(__file__).resolve().parents[2]
NOTE = "A thought typed just before the power went"

# the app as started from the command line: once the papers are listed, a note is typed for the paper of the
# row given, and the process says which paper; the test kills it from outside (nothing runs at its end)
_APP = r'''
import sys
from PySide6.QtCore import QTimer
from gapscope_desktop import app
from gapscope_desktop.main_window import MainWindow

shown = MainWindow.show

def show(self):
    shown(self)

    def ready():
        if not self.library_view.model.rowCount():
            QTimer.singleShot(50, ready)
            return
        self.library_view.table.selectRow(int(sys.argv[2]))
        self.detail.note_edit.insertPlainText(sys.argv[3])
        print("typed", self.detail.paper.id, flush=True)
    QTimer.singleShot(0, ready)

MainWindow.show = show
app.main(["gapscope-desktop", "--library", sys.argv[1]])
'''


@contextmanager
def _killed_at_the_end(source: str, lib_path, tmp_path, *args: str):
    """The app ``source`` started as a child process on the library, with ``args``; SIGKILLed when the block
    ends (nothing of its own runs at its end)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "core"), str(ROOT / "desktop")]),
               QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "child-config"))
    child = subprocess.Popen([sys.executable, "-c", source, str(lib_path), *args], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield child
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL


def _kept(lib_path) -> list:
    from gapscope_desktop.paper_drafts import list_drafts

    return list_drafts(lib_path)


def _keep(lib_path, paper_id, field, text, started_from="", **more) -> Path:
    """A draft as a window killed earlier left it."""
    from gapscope_desktop import drafts, paper_drafts

    path = drafts.new_draft_path(paper_drafts.drafts_dir(lib_path), paper_drafts.PREFIX)
    drafts.write_draft(path, paper_drafts.draft_data(paper_id, field, text, started_from, **more))
    return path


def _open(qtbot, lib_path):
    from .conftest import _open_window

    return _open_window(qtbot, lib_path)


def test_a_note_typed_when_the_window_is_killed_is_offered_and_restored_into_its_paper(qtbot, lib_path, tmp_path):
    with _killed_at_the_end(_APP, lib_path, tmp_path, "3", NOTE) as child:
        line = child.stdout.readline()
        assert line.startswith("typed "), (line, child.poll())
        pid = int(line.split()[1])
        deadline = time.monotonic() + 60              # the draft is written as it is typed
        while not _kept(lib_path) and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
    (kept,) = _kept(lib_path)
    data = json.loads(kept.path.read_text(encoding="utf-8"))
    assert (data["paper_id"], data["field"], data["text"], data["started_from"]) == (pid, "note", NOTE, "")
    assert data["kept_at"]

    w = _open(qtbot, lib_path)
    bar = w.kept_bar
    title = w.lib.get_paper(pid).title
    assert bar.isVisible() and len(bar.lines()) == 1
    line = bar.lines()[0]
    assert line.startswith("Note on “") and " ".join(title.split())[:40] in line and NOTE[:40] in line
    assert "not saved when GapScope last closed" in w.statusBar().currentMessage()
    assert w.lib.notes_of(pid) == []
    qtbot.mouseClick(bar.restore_button, Qt.LeftButton)
    # back in the paper's note box, unsaved, the paper shown; its file now follows the box
    assert w.detail.paper.id == pid and w.library_view.current_paper_id() == pid
    assert w.detail.note_edit.toPlainText() == NOTE
    assert w.detail.unsaved_drafts() == [(pid, "note", NOTE)] and w.lib.notes_of(pid) == []
    assert not bar.isVisible() and w.detail.kept.paths() == {kept.path}
    with qtbot.waitSignal(w.detail.noteAdded, timeout=10000):
        qtbot.mouseClick(w.detail.save_note, Qt.LeftButton)
    assert [n["body"] for n in w.lib.notes_of(pid)] == [NOTE]
    assert _kept(lib_path) == []                      # saved: its draft is gone


# the app again, typing into the note box of the paper of the row given without a pause (a character every 10
# ms, well under any pause a trailing write would wait for) until it is killed
_TYPING_APP = r'''
import sys
from PySide6.QtCore import QTimer
from gapscope_desktop import app
from gapscope_desktop.main_window import MainWindow

shown = MainWindow.show

def show(self):
    shown(self)
    stream = sys.argv[3]

    def ready():
        if not self.library_view.model.rowCount():
            QTimer.singleShot(50, ready)
            return
        self.library_view.table.selectRow(int(sys.argv[2]))
        print("typing", self.detail.paper.id, flush=True)
        self._typing = QTimer(self)
        self._typing.setInterval(10)
        box = self.detail.note_edit
        self._typing.timeout.connect(lambda: box.insertPlainText(stream[len(box.toPlainText()) % len(stream)]))
        self._typing.start()
    QTimer.singleShot(0, ready)

MainWindow.show = show
app.main(["gapscope-desktop", "--library", sys.argv[1]])
'''


def test_a_note_typed_without_a_pause_until_the_window_is_killed_is_kept_as_it_is_typed(lib_path, tmp_path):
    """The draft is written while the typing goes on (drafts.KEEP_EVERY_MS), not only once it pauses: what a
    kill in the middle of the typing leaves is what was typed up to a moment before it."""
    stream = " ".join(f"word{i}" for i in range(2000))
    seen: list[str] = []
    with _killed_at_the_end(_TYPING_APP, lib_path, tmp_path, "3", stream) as child:
        line = child.stdout.readline()
        assert line.startswith("typing "), (line, child.poll())
        pid = int(line.split()[1])
        deadline = time.monotonic() + 60              # a guard against a hang, not a measure
        while len(seen) < 3 and time.monotonic() < deadline and child.poll() is None:
            kept = _kept(lib_path)
            if kept and not kept[0].problem and (not seen or kept[0].text != seen[-1]):
                seen.append(kept[0].text)             # a new write, the typing still going on
            time.sleep(0.02)
    assert len(seen) >= 3, seen                       # written three times over while typed without a pause
    (kept,) = _kept(lib_path)
    assert (kept.paper_id, kept.field) == (pid, "note")
    # what was typed up to a moment before the kill, from its first word: nothing it had written is lost
    assert stream.startswith(kept.text) and len(kept.text) >= len(seen[-1]) > len(seen[0])


def test_discard_removes_a_kept_draft(qtbot, lib_path):
    from gapscope.store import Library

    with Library(lib_path) as lib:
        pid = lib.resolve("1")
    path = _keep(lib_path, pid, "note", "not wanted after all")
    w = _open(qtbot, lib_path)
    assert w.kept_bar.isVisible() and "not wanted after all" in w.kept_bar.lines()[0]
    qtbot.mouseClick(w.kept_bar.discard_button, Qt.LeftButton)
    assert not path.exists() and not w.kept_bar.isVisible()
    assert w.detail.unsaved_drafts() == [] and w.lib.notes_of(pid) == []


def test_a_draft_for_a_deleted_paper_is_named_and_not_applied(qtbot, lib_path):
    from gapscope.store import Library

    with Library(lib_path) as lib:
        pid = lib.resolve("2")
        title = lib.get_paper(pid).title
    path = _keep(lib_path, pid, "note", "a note on a paper deleted since", paper_title=title)
    with Library(lib_path) as lib:
        lib.delete_papers([pid])
    w = _open(qtbot, lib_path)
    bar = w.kept_bar
    (line,) = bar.lines()
    assert " ".join(title.split())[:40] in line and "deleted since" in line
    assert not bar.restore_button.isEnabled()
    d, check = bar.current()
    assert w.restore_kept_draft(d, check) is False
    assert w.detail.unsaved_drafts() == [] and path.exists()         # nothing applied, nothing lost
    QApplication.clipboard().clear()
    qtbot.mouseClick(bar.copy_button, Qt.LeftButton)
    assert QApplication.clipboard().text() == "a note on a paper deleted since"
    qtbot.mouseClick(bar.discard_button, Qt.LeftButton)
    assert not path.exists()


def test_a_draft_whose_note_or_title_changed_since_says_so_and_is_not_put_over_it(qtbot, lib_path):
    from gapscope.store import Library

    with Library(lib_path) as lib:
        pid = lib.resolve("3")
        note_id = lib.add_note(pid, "the co-author's rewrite")
        title = lib.get_paper(pid).title
        lib.set_paper_title(pid, "A title changed by the gapscope command", "")
    _keep(lib_path, pid, "note_edit", "my rewrite", "what the note said before", note_id=note_id)
    _keep(lib_path, pid, "title", "My better title", title)
    w = _open(qtbot, lib_path)
    bar = w.kept_bar
    lines = bar.lines()
    assert any(line.startswith("Edit of a note") and "the note was changed since" in line for line in lines)
    assert any(line.startswith("Title") and "the title was changed since, to “A title changed by" in line
               for line in lines)
    rows = {bar.list.item(i).data(Qt.UserRole)[0].field: i for i in range(bar.list.count())}
    bar.list.setCurrentRow(rows["title"])
    assert not bar.restore_button.isEnabled()
    bar.list.setCurrentRow(rows["note_edit"])
    qtbot.mouseClick(bar.restore_button, Qt.LeftButton)
    # the note changed since keeps that change; the rewrite waits in the note box, as a new note
    assert [n["body"] for n in w.lib.notes_of(pid)] == ["the co-author's rewrite"]
    assert w.detail.paper.id == pid and w.detail.note_edit.toPlainText() == "my rewrite"
    assert w.lib.get_paper(pid).title == "A title changed by the gapscope command"
    assert bar.lines() == [line for line in lines if line.startswith("Title")]


def _a_kept_note_edit(qtbot, lib_path) -> tuple:
    """A note, "first thought", whose edit "second thought, kept" a killed window left; the window opened then:
    the window, the paper's id, the note's and the draft's file."""
    from gapscope.store import Library

    with Library(lib_path) as lib:
        pid = lib.resolve("4")
        note_id = lib.add_note(pid, "first thought")
    path = _keep(lib_path, pid, "note_edit", "second thought, kept", "first thought", note_id=note_id)
    return _open(qtbot, lib_path), pid, note_id, path


def test_a_kept_note_edit_reopens_its_box_and_the_box_is_kept_while_it_is_open(qtbot, lib_path, monkeypatch):
    w, pid, note_id, path = _a_kept_note_edit(qtbot, lib_path)
    detail = w.detail
    opened: list[str] = []

    def edit_box(parent, title, label, text="", *a, **k):
        opened.append(text)
        assert path.exists()                          # the kept text stays on disk while the box is open
        return text, True

    monkeypatch.setattr(QInputDialog, "getMultiLineText", edit_box)
    with qtbot.waitSignal(detail.notesChanged, timeout=10000):
        qtbot.mouseClick(w.kept_bar.restore_button, Qt.LeftButton)
    assert opened == ["second thought, kept"]
    assert [n["body"] for n in w.lib.notes_of(pid)] == ["second thought, kept"]
    assert not path.exists() and _kept(lib_path) == []
    monkeypatch.undo()

    # the real box: what is typed into it is kept before it is answered, and goes when it is cancelled
    seen: list = []

    def type_then_cancel():
        box = QApplication.activeModalWidget()
        try:
            edit = box.findChild(QPlainTextEdit)
            edit.moveCursor(QTextCursor.End)              # the box opens with its text selected
            qtbot.keyClicks(edit, " and a third")
            qtbot.waitUntil(lambda: [d.text for d in _kept(lib_path)] == ["second thought, kept and a third"],
                            timeout=10000)
            seen.append(_kept(lib_path)[0].field)
        finally:
            box.reject()

    QTimer.singleShot(0, type_then_cancel)
    answer_boxes((QMessageBox, "Discard"))                     # the changes typed are asked about first
    detail.ask_edit_note(note_id)
    assert seen == ["note_edit"] and _kept(lib_path) == []
    assert [n["body"] for n in w.lib.notes_of(pid)] == ["second thought, kept"]


def test_cancel_in_a_restored_note_edit_asks_and_keeps_it_for_later_or_discards_it(qtbot, lib_path):
    w, pid, _note_id, path = _a_kept_note_edit(qtbot, lib_path)
    bar = w.kept_bar

    # Cancel at once: the question's default keeps the text in its file, listed again
    answer_boxes((QInputDialog, lambda box: box.reject()), (QMessageBox, "Keep for Later"))
    qtbot.mouseClick(bar.restore_button, Qt.LeftButton)
    assert [d.text for d in _kept(lib_path)] == ["second thought, kept"] and path.exists()
    assert bar.isVisible() and len(bar.lines()) == 1 and "second thought, kept" in bar.lines()[0]
    assert [n["body"] for n in w.lib.notes_of(pid)] == ["first thought"]
    assert path not in w.detail.kept.paths()             # not this window's: a later restore adopts it again

    # what is typed before Cancel is kept with it
    def type_then_cancel(box):
        _type_at_end(qtbot, box, ", and more")
        box.reject()

    answer_boxes((QInputDialog, type_then_cancel), (QMessageBox, "Keep for Later"))
    qtbot.mouseClick(bar.restore_button, Qt.LeftButton)
    assert [d.text for d in _kept(lib_path)] == ["second thought, kept, and more"]

    # Discard is the one way it goes
    answer_boxes((QInputDialog, lambda box: box.reject()), (QMessageBox, "Discard"))
    qtbot.mouseClick(bar.restore_button, Qt.LeftButton)
    assert _kept(lib_path) == [] and not bar.isVisible()
    assert [n["body"] for n in w.lib.notes_of(pid)] == ["first thought"]


def _showing_a_note(qtbot, lib_path) -> tuple:
    """A window showing a paper with a note, "first thought": the window, the paper's id and the note's."""
    from gapscope.store import Library

    with Library(lib_path) as lib:
        pid = lib.resolve("4")
        note_id = lib.add_note(pid, "first thought")
    w = _open(qtbot, lib_path)
    w.open_paper(pid)
    return w, pid, note_id


def _type_at_end(qtbot, box, words: str) -> None:
    """Type ``words`` at the end of an Edit note box's text (it opens with its text selected)."""
    edit = box.findChild(QPlainTextEdit)
    edit.moveCursor(QTextCursor.End)
    qtbot.keyClicks(edit, words)


def test_cancel_after_typing_in_a_note_edit_asks_and_keep_editing_brings_the_text_back(qtbot, lib_path):
    w, pid, note_id = _showing_a_note(qtbot, lib_path)
    detail = w.detail
    opened: list[str] = []

    def type_then_cancel(box):
        opened.append(box.textValue())
        _type_at_end(qtbot, box, ", rethought")
        box.reject()                                  # Escape or Cancel

    def ok(box):
        opened.append(box.textValue())
        box.accept()

    answer_boxes((QInputDialog, type_then_cancel), (QMessageBox, "Keep Editing"), (QInputDialog, ok))
    with qtbot.waitSignal(detail.notesChanged, timeout=10000):
        detail.ask_edit_note(note_id)
    assert opened[0] == "first thought" and opened[1] == "first thought, rethought"
    assert [n["body"] for n in w.lib.notes_of(pid)] == ["first thought, rethought"]
    assert _kept(lib_path) == []


def test_a_title_whose_save_fails_is_kept_as_a_draft_until_saved(window, qtbot, lib_path, monkeypatch):
    import gapscope_desktop.views.detail_pane as detail_pane

    real = detail_pane._set_title

    def refuse(*_a, **_k):
        raise OSError("the disk is full")

    monkeypatch.setattr(detail_pane, "_set_title", refuse)
    detail, lv = window.detail, window.library_view
    pid = lv.model.paper_id(2)
    assert lv.select_paper(pid)
    before = window.lib.get_paper(pid).title
    detail.edit_title("A title that could not be saved", pid)
    qtbot.waitUntil(lambda: "the disk is full" in detail.notes_view.toPlainText(), timeout=10000)
    assert window.lib.get_paper(pid).title == before
    assert detail.unsaved_drafts() == [(pid, "title", "A title that could not be saved")]
    assert "Title not saved" in detail.browser.toPlainText()
    (kept,) = _kept(lib_path)                         # on disk too: a window killed now keeps it
    assert (kept.field, kept.text, kept.started_from) == ("title", "A title that could not be saved", before)

    monkeypatch.setattr(detail_pane, "_set_title", real)
    opened: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText", lambda parent, t, label, mode=None, text="", *a, **k:
                        (opened.append(text), (text, True))[1])
    with qtbot.waitSignal(detail.titleChanged, timeout=10000):
        detail.ask_edit_title()                       # F2 starts from the title kept
    assert opened == ["A title that could not be saved"]
    assert window.lib.get_paper(pid).title == "A title that could not be saved"
    assert detail.unsaved_drafts() == [] and _kept(lib_path) == []


def test_a_highlights_note_kept_goes_to_the_note_box_with_its_words(qtbot, lib_path):
    from gapscope.store import Library

    with Library(lib_path) as lib:
        pid = lib.resolve("5")
    _keep(lib_path, pid, "comment", "check this number", quote="a 12% gain")
    w = _open(qtbot, lib_path)
    qtbot.mouseClick(w.kept_bar.restore_button, Qt.LeftButton)
    assert w.detail.unsaved_drafts() == [(pid, "note", "“a 12% gain”: check this number")]


def test_a_comment_kept_from_the_reader_goes_back_to_its_comment_field(qtbot, lib_path, shared_data):
    from .test_pdf_reader import EACL, _attach_before_opening

    pid = _attach_before_opening(lib_path, shared_data / "pdfs" / EACL)
    path = _keep(lib_path, pid, "comment", "compare with table 3")
    w = _open(qtbot, lib_path)
    qtbot.mouseClick(w.kept_bar.restore_button, Qt.LeftButton)
    assert w.tabs.currentWidget() is w.reader and w.reader.paper_id == pid
    assert w.reader.comment_edit.text() == "compare with table 3" and w.reader.kept.paths() == {path}
    w.reader.comment_edit.clear()                     # emptied: nothing left to keep
    assert not path.exists()


def test_a_library_folder_where_drafts_cannot_be_written_is_said_once(qtbot, lib_path, tmp_path):
    import shutil

    folder = tmp_path / "reading.gapscope"
    folder.mkdir()
    shutil.copy(lib_path, folder / "library.sqlite")
    w = _open(qtbot, folder)
    said: list[str] = []
    w.statusBar().messageChanged.connect(lambda m: "cannot be kept" in m and said.append(m))
    if os.geteuid() == 0:                             # root writes into a read-only folder: a file in the way
        (folder / "unsaved").write_text("", encoding="utf-8")
    folder.chmod(0o555)
    try:
        pid = w.library_view.model.paper_id(1)
        assert w.library_view.select_paper(pid)
        qtbot.keyClicks(w.detail.note_edit, "typed where nothing can be kept")
        qtbot.waitUntil(lambda: bool(said), timeout=10000)
        assert "cannot be kept" in said[0] and str(folder / "unsaved") in said[0]
        qtbot.keyClicks(w.detail.note_edit, ", and more")
        w.detail.kept.flush()
        w.experiments_view.editor.insertPlainText("name = 'x'\n")
        w.experiments_view.keep_draft()
        assert len(said) == 1                         # said once, not per keystroke
        assert w.detail.unsaved_drafts() == [(pid, "note", "typed where nothing can be kept, and more")]
    finally:
        folder.chmod(0o755)
    w.experiments_view.editor.document().setModified(False)


@pytest.mark.parametrize("field", ["note", "tag", "comment"])
def test_a_draft_the_library_already_holds_is_not_offered(qtbot, lib_path, field):
    """Saved after all (the window was killed before it heard so): nothing to restore, the file goes."""
    from gapscope.store import Library

    with Library(lib_path) as lib:
        pid = lib.resolve("6")
        if field == "note":
            lib.add_note(pid, "saved just in time")
        elif field == "tag":
            lib.add_tag([pid], "saved just in time")
        else:                                         # a highlight's note, saved with its highlight
            lib.add_highlight(pid, 0, 5, comment="saved just in time")
    path = _keep(lib_path, pid, field, "saved just in time", quote="words")
    w = _open(qtbot, lib_path)
    assert not w.kept_bar.isVisible() and not path.exists()


def test_a_draft_left_in_one_library_is_not_written_over_from_another(window, qtbot, lib_path, tmp_path,
                                                                      monkeypatch):
    """A note whose save failed stays kept in its library's folder when another library is opened; a note
    typed there for the paper of the same number is kept in the new library's folder, not over the old file."""
    import shutil

    import gapscope_desktop.views.detail_pane as detail_pane
    from PySide6.QtWidgets import QMessageBox

    other = tmp_path / "other.sqlite"
    shutil.copy(lib_path, other)                      # the same papers, under the same numbers
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Save)
    monkeypatch.setattr(detail_pane, "_add_note", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    detail, lv = window.detail, window.library_view
    pid = lv.model.paper_id(1)
    assert lv.select_paper(pid)
    qtbot.keyClicks(detail.note_edit, "typed in the first library")
    qtbot.mouseClick(detail.save_note, Qt.LeftButton)
    qtbot.waitUntil(lambda: "disk full" in detail.notes_view.toPlainText(), timeout=10000)
    (first,) = _kept(lib_path)

    assert window.open_library(other) is True
    qtbot.waitUntil(lambda: window.library_view.model.rowCount() > 1, timeout=10000)
    assert window.library_view.select_paper(pid) and detail.paper.id == pid
    qtbot.keyClicks(detail.note_edit, "typed in the second library")
    detail.kept.flush()
    assert [(d.path, d.text) for d in _kept(lib_path)] == [(first.path, "typed in the first library")]
    assert [(d.paper_id, d.text) for d in _kept(other)] == [(pid, "typed in the second library")]


def test_a_note_changed_after_the_list_was_made_is_not_written_over_by_restore(qtbot, lib_path, monkeypatch):
    """The list is made when the library opens; a note changed after that (by another window) keeps its
    change: Restore puts the kept edit in the note box as a new note, not in the Edit note box over it."""
    from gapscope.store import Library

    with Library(lib_path) as lib:
        pid = lib.resolve("4")
        note_id = lib.add_note(pid, "first thought")
    _keep(lib_path, pid, "note_edit", "second thought, kept", "first thought", note_id=note_id)
    w = _open(qtbot, lib_path)
    (line,) = w.kept_bar.lines()
    assert "changed since" not in line
    def another_window():                                 # after this one listed the draft
        with Library(lib_path) as lib:
            lib.update_note(note_id, "the co-author's rewrite")

    import threading

    t = threading.Thread(target=another_window)
    t.start()
    t.join()
    boxes: list[str] = []
    monkeypatch.setattr(QInputDialog, "getMultiLineText",
                        lambda parent, title, label, text="", *a, **k: (boxes.append(text), (text, True))[1])
    qtbot.mouseClick(w.kept_bar.restore_button, Qt.LeftButton)
    assert boxes == []
    assert w.detail.paper.id == pid and w.detail.note_edit.toPlainText() == "second thought, kept"
    assert [n["body"] for n in w.lib.notes_of(pid)] == ["the co-author's rewrite"]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="process start times are read from /proc")
def test_a_draft_whose_process_number_was_taken_since_by_another_process_is_offered(qtbot, lib_path):
    """A window killed (a crash, power lost) leaves its process number in the draft; a process started later
    under that number (after a restart) is not the window that typed it: the draft is offered, not hidden."""
    from gapscope.store import Library

    with Library(lib_path) as lib:
        pid = lib.resolve("2")
    path = _keep(lib_path, pid, "note", "typed before the crash")
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        data = dict(json.loads(path.read_text(encoding="utf-8")), pid=other.pid)
        path.write_text(json.dumps(data), encoding="utf-8")
        hour_ago = time.time() - 3600                      # written before that process started
        os.utime(path, (hour_ago, hour_ago))
        assert not _kept(lib_path)[0].open_elsewhere
        w = _open(qtbot, lib_path)
        (line,) = w.kept_bar.lines()
        assert "typed before the crash" in line
    finally:
        other.kill()
        other.wait()


def test_a_draft_another_running_window_is_typing_is_not_offered(qtbot, lib_path):
    from gapscope.store import Library

    with Library(lib_path) as lib:
        pid = lib.resolve("2")
    path = _keep(lib_path, pid, "note", "typed in the other window")
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        data = dict(json.loads(path.read_text(encoding="utf-8")), pid=other.pid)
        path.write_text(json.dumps(data), encoding="utf-8")   # written by that process while it runs
        assert _kept(lib_path)[0].open_elsewhere
        w = _open(qtbot, lib_path)
        assert w.kept_bar.lines() == []
    finally:
        other.kill()
        other.wait()


def test_a_note_typed_for_a_paper_then_deleted_goes_with_it(window, qtbot, lib_path):
    """Not asked about on close, nor kept in the library's folder to be offered for a paper that is gone."""
    from .test_delete_papers_menu import _saved

    lv, detail = window.library_view, window.detail
    qtbot.waitUntil(lambda: lv.model.rowCount() > 2, timeout=10000)
    gone, stays = lv.model.paper_id(1), lv.model.paper_id(2)
    assert lv.select_paper(gone)
    qtbot.keyClicks(detail.note_edit, "a note on a paper about to go")
    assert lv.select_paper(stays)
    qtbot.keyClicks(detail.note_edit, "a note on a paper that stays")
    detail.kept.flush()
    assert len(_kept(lib_path)) == 2
    lv.paper_menu([gone]).delete(confirm=lambda text: True)
    _saved(qtbot, window)
    qtbot.waitUntil(lambda: gone not in lv.model.ids(), timeout=10000)
    assert detail.unsaved_drafts() == [(stays, "note", "a note on a paper that stays")]
    assert [(d.paper_id, d.text) for d in _kept(lib_path)] == [(stays, "a note on a paper that stays")]


def test_a_paper_deleted_after_the_list_was_made_gets_no_draft_from_restore(qtbot, lib_path, message_boxes):
    import threading

    from gapscope.store import Library

    with Library(lib_path) as lib:
        pid = lib.resolve("2")
    path = _keep(lib_path, pid, "note", "a note whose paper goes meanwhile")
    w = _open(qtbot, lib_path)
    assert len(w.kept_bar.lines()) == 1

    def another_window():
        with Library(lib_path) as lib:
            lib.delete_papers([pid])

    t = threading.Thread(target=another_window)
    t.start()
    t.join()
    d, check = w.kept_bar.current()
    assert w.restore_kept_draft(d, check) is False
    assert [m[0] for m in message_boxes] == ["information"] and "deleted since" in message_boxes[0][2]
    assert w.detail.unsaved_drafts() == [] and path.exists()
    (line,) = w.kept_bar.lines()
    assert "deleted since" in line


def test_escape_after_typing_a_title_asks_and_keep_editing_brings_the_title_back(qtbot, lib_path):
    w = _open(qtbot, lib_path)
    w.library_view.table.selectRow(2)
    detail = w.detail
    pid, before = detail.paper.id, detail.paper.title
    opened: list[str] = []

    def type_then_escape(box):
        edit = box.findChild(QLineEdit)
        edit.selectAll()
        qtbot.keyClicks(edit, "A better title")
        qtbot.keyClick(edit, Qt.Key_Escape)

    def ok(box):
        opened.append(box.textValue())
        box.accept()

    answer_boxes((QInputDialog, type_then_escape), (QMessageBox, "Keep Editing"), (QInputDialog, ok))
    with qtbot.waitSignal(detail.titleChanged, timeout=10000):
        detail.ask_edit_title()
    assert opened == ["A better title"] and w.lib.get_paper(pid).title == "A better title" != before
    qtbot.waitUntil(lambda: _kept(lib_path) == [], timeout=10000)

    # Discard: the title stays as it was, nothing kept
    answer_boxes((QInputDialog, type_then_escape), (QMessageBox, "Discard"))
    detail.ask_edit_title()
    assert w.lib.get_paper(pid).title == "A better title" and _kept(lib_path) == []
    assert detail.unsaved_drafts() == []


def test_an_edit_box_the_window_closes_under_keeps_its_text_for_the_next_window(qtbot, lib_path):
    w, pid, note_id = _showing_a_note(qtbot, lib_path)

    def type_then_terminate(box):
        _type_at_end(qtbot, box, ", typed when SIGTERM came")
        w.close_on_terminate()                        # as SIGTERM does (terminate.py)
        box.reject()                                  # the quitting application ends the box: no Cancel of the user's

    answer_boxes((QInputDialog, type_then_terminate))
    w.detail.ask_edit_note(note_id)
    assert QApplication.activeModalWidget() is None  # nothing was asked
    (kept,) = _kept(lib_path)
    assert (kept.field, kept.text, kept.note_id) == ("note_edit", "first thought, typed when SIGTERM came", note_id)
