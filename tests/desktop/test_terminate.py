"""SIGTERM to the desktop app closes it as a window close that cancels the running work: drafts saved, the
running task cancelled (its cancel seen by the work itself), the library closed; not a death mid-write.
Run in a child process (the real ``gapscope_desktop.app.main``): without the handler SIGTERM kills it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# the app as started from the command line; once the papers are listed, a note is typed (a draft), a long
# write (a Find gaps, say) starts, and SIGTERM arrives from outside the event loop
_APP = r'''
import os, signal, sys, time
from PySide6.QtCore import QTimer
from gapscope_desktop import app
from gapscope_desktop.main_window import MainWindow

busy = sys.argv[2] == "busy"
seen = {}
shown = MainWindow.show

def long_write(lib, *, progress=None, cancel=None):
    from gapscope.jobs import Cancelled
    seen["began"] = True
    while not cancel.cancelled:
        time.sleep(0.01)
    seen["cancel seen"] = True
    raise Cancelled()

def show(self):
    shown(self)
    seen["window"] = self

    def ready():
        if not self.library_view.model.rowCount():
            QTimer.singleShot(50, ready)
            return
        self.library_view.table.selectRow(1)
        self.detail.note_edit.setPlainText("typed before SIGTERM")
        seen["drafts"] = len(self.detail.unsaved_drafts())
        if busy:
            seen["task"] = self.tasks.write("Find gaps", long_write, library=self.lib.path)
        QTimer.singleShot(300, lambda: os.kill(os.getpid(), signal.SIGTERM))
    QTimer.singleShot(0, ready)

MainWindow.show = show
rc = app.main(["gapscope-desktop", "--library", sys.argv[1]])
w = seen["window"]
task = seen.get("task")
print("exit", rc, "drafts", seen["drafts"], "outcome", task.outcome if task else None,
      "cancel seen", seen.get("cancel seen"), "library closed", w.lib is None, flush=True)
'''


def _terminated_app(lib_path, mode: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "core"), str(ROOT / "desktop")]),
               QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-c", _APP, str(lib_path), mode], env=env, capture_output=True,
                          text=True, timeout=120)


def _notes(lib_path) -> list[str]:
    from gapscope.store import Library

    lib = Library(lib_path)
    try:
        return [" ".join(map(str, r)) for r in lib.note_rows()]
    finally:
        lib.close()


def test_sigterm_while_a_task_runs_cancels_it_saves_drafts_and_closes(lib_path):
    out = _terminated_app(lib_path, "busy")
    assert out.returncode == 0, (out.returncode, out.stdout, out.stderr[-3000:])   # -15: killed mid-work
    assert "exit 0 drafts 1 outcome cancelled cancel seen True library closed True" in out.stdout, out.stdout
    assert any("typed before SIGTERM" in n for n in _notes(lib_path))


def test_sigterm_while_idle_closes_the_window_and_the_library(lib_path):
    out = _terminated_app(lib_path, "idle")
    assert out.returncode == 0, (out.returncode, out.stdout, out.stderr[-3000:])
    assert "exit 0 drafts 1 outcome None cancel seen None library closed True" in out.stdout, out.stdout
    assert any("typed before SIGTERM" in n for n in _notes(lib_path))


def test_the_handler_is_put_back(qtbot):
    from PySide6.QtWidgets import QWidget

    from gapscope_desktop.terminate import close_on_sigterm

    before = signal.getsignal(signal.SIGTERM)
    w = QWidget()
    qtbot.addWidget(w)
    restore = close_on_sigterm(w)
    assert signal.getsignal(signal.SIGTERM) is not before
    restore()
    assert signal.getsignal(signal.SIGTERM) is before
