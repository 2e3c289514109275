"""An experiment spec edited in the Experiments view and not saved outlives a window closed by SIGTERM (which
asks nothing, and saving needs a file dialog): it is kept in the library's folder and offered when the library
is opened next; the kept draft goes once it is saved or discarded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

ROOT = Path(__file__).resolve().parents[2]
SPEC = 'name = "typed before SIGTERM"\n[data]\npath = "papers.csv"\n'

# the app as started from the command line: once the papers are listed, a spec is typed in the Experiments
# tab (no time for the editor's own draft timer), then SIGTERM arrives from outside the event loop
_APP = r'''
import os, signal, sys
from PySide6.QtCore import QTimer
from gapscope_desktop import app
from gapscope_desktop.main_window import TAB_EXPERIMENTS, MainWindow

shown = MainWindow.show

def show(self):
    shown(self)

    def ready():
        if not self.library_view.model.rowCount():
            QTimer.singleShot(50, ready)
            return
        self.tabs.setCurrentIndex(TAB_EXPERIMENTS)
        self.experiments_view.editor.insertPlainText(sys.argv[2])
        QTimer.singleShot(100, lambda: os.kill(os.getpid(), signal.SIGTERM))
    QTimer.singleShot(0, ready)

MainWindow.show = show
print("exit", app.main(["gapscope-desktop", "--library", sys.argv[1]]), flush=True)
'''


def _open(qtbot, path):
    from .conftest import _open_window

    w = _open_window(qtbot, path)
    w.tabs.setCurrentWidget(w.experiments_view)
    return w


def _kept(lib_path) -> list:
    from gapscope_desktop.spec_drafts import list_drafts

    return list_drafts(lib_path)


def test_a_spec_typed_when_sigterm_closes_the_window_is_offered_next_time(qtbot, lib_path, tmp_path, monkeypatch):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "core"), str(ROOT / "desktop")]),
               QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", _APP, str(lib_path), SPEC], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0 and "exit 0" in out.stdout, (out.returncode, out.stdout, out.stderr[-3000:])
    kept = _kept(lib_path)
    assert [d.text for d in kept] == [SPEC]

    w = _open(qtbot, lib_path)
    view = w.experiments_view
    assert view.draft_banner.isVisible() and "was not saved" in view.draft_label.text()
    assert "Experiments tab offers to restore it" in w.statusBar().currentMessage()
    qtbot.mouseClick(view.restore_button, Qt.LeftButton)
    assert view.editor.toPlainText() == SPEC and view.spec_edited()      # restored as it was: unsaved
    assert not view.draft_banner.isVisible()

    # saved to a file: the kept draft is gone
    import gapscope_desktop.file_dialogs as file_dialogs

    saved = tmp_path / "kept.toml"
    monkeypatch.setattr(file_dialogs, "save_file_name", lambda *a, **kw: str(saved))
    qtbot.mouseClick(view.save_button, Qt.LeftButton)
    assert saved.read_text(encoding="utf-8") == SPEC
    assert _kept(lib_path) == []


def test_a_kept_spec_restores_its_gap_or_is_discarded(qtbot, lib_path):
    from gapscope_desktop import spec_drafts

    older = spec_drafts.new_draft_path(lib_path)
    spec_drafts.write_draft(older, "older spec\n")
    os.utime(older, (1, 1))
    newer = spec_drafts.new_draft_path(lib_path)
    spec_drafts.write_draft(newer, "newer spec\n", gap={"id": 7, "statement": "method x problem"})

    w = _open(qtbot, lib_path)
    view = w.experiments_view
    assert "gap #7" in view.draft_label.text() and "1 more" in view.draft_label.text()   # the newest first
    assert view.restore_draft()
    assert view.editor.toPlainText() == "newer spec\n" and "gap #7" in view.gap_label.text()
    assert "gap #7" not in view.draft_label.text() and view.draft_banner.isVisible()      # then the older one
    qtbot.mouseClick(view.discard_draft_button, Qt.LeftButton)
    assert not view.draft_banner.isVisible() and not older.exists()
    assert view.editor.toPlainText() == "newer spec\n"                # the restored one is not touched
    assert [d.path for d in _kept(lib_path)] == [newer]               # and still kept, unsaved as it is


def test_a_spec_discarded_at_close_leaves_no_draft(qtbot, lib_path, monkeypatch):
    w = _open(qtbot, lib_path)
    view = w.experiments_view
    view.editor.insertPlainText(SPEC)
    qtbot.waitUntil(lambda: [d.text for d in _kept(lib_path)] == [SPEC], timeout=10000)   # kept as it is typed
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **kw: QMessageBox.Discard)
    w.close()
    assert w._closed
    assert _kept(lib_path) == []


def test_a_kept_spec_that_cannot_be_read_is_named_and_left_alone(qtbot, lib_path):
    from gapscope_desktop import spec_drafts

    bad = spec_drafts.new_draft_path(lib_path)
    bad.parent.mkdir(parents=True)
    bad.write_text("{not json", encoding="utf-8")
    w = _open(qtbot, lib_path)
    view = w.experiments_view
    assert str(bad) in view.draft_label.text() and not view.restore_button.isEnabled()
    assert bad.read_text(encoding="utf-8") == "{not json"


# a window of another GapScope process on the same library, with a spec typed in it (kept as it is typed)
_OTHER_WINDOW = r'''
import sys
from gapscope_desktop import spec_drafts

spec_drafts.write_draft(spec_drafts.new_draft_path(sys.argv[1]), "typed in the other window\n")
print("kept", flush=True)
sys.stdin.readline()                       # open until told to close
'''


def test_a_spec_another_open_window_is_editing_is_not_offered(qtbot, lib_path):
    """Two windows on one library: the spec the other one is editing was not left by a closed session, and
    Restore or Discard here would take it from under that window. Once that process is gone it is."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "core"), str(ROOT / "desktop")]))
    other = subprocess.Popen([sys.executable, "-c", _OTHER_WINDOW, str(lib_path)], env=env, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert other.stdout.readline().strip() == "kept"
        assert [d.text for d in _kept(lib_path)] == ["typed in the other window\n"]
        w = _open(qtbot, lib_path)
        view = w.experiments_view
        assert view.offered is None and not view.draft_banner.isVisible()
    finally:
        other.communicate("\n", timeout=60)
    view.offer_drafts()                    # as when the library is opened next
    assert view.draft_banner.isVisible() and view.offered.text == "typed in the other window\n"
    assert view.restore_draft()
    assert [(d.text, d.pid) for d in _kept(lib_path)] == [("typed in the other window\n", os.getpid())]


def test_a_library_folder_that_cannot_hold_the_draft_is_logged_once(qtbot, lib_path, monkeypatch, caplog):
    """A read-only library folder: the spec lives in the editor only, and the log says so once, not at every
    pause in the typing (the log's last errors go with a problem report)."""
    import logging

    from gapscope_desktop import spec_drafts

    def read_only(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path.parent))

    w = _open(qtbot, lib_path)
    view = w.experiments_view
    monkeypatch.setattr(spec_drafts, "write_draft", read_only)
    with caplog.at_level(logging.WARNING, logger="gapscope_desktop.views.experiments_view"):
        for part in ("name = 1\n", "[data]\n", 'path = "x.csv"\n'):
            view.editor.insertPlainText(part)
            view.keep_draft()                  # what the timer does after each pause
    said = [r for r in caplog.records if "cannot keep the unsaved experiment spec" in r.getMessage()]
    assert len(said) == 1 and "Permission denied" in said[0].getMessage()
    assert view.editor.toPlainText() == 'name = 1\n[data]\npath = "x.csv"\n' and _kept(lib_path) == []
