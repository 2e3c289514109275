"""The application entry: which library opens, and that heavy libraries stay out of start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run_python(code: str, timeout: int) -> subprocess.CompletedProcess:
    """``code`` in a fresh interpreter (offscreen Qt, this checkout's core and desktop on the path)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "core"), str(ROOT / "desktop")]),
               QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout)


def test_library_choice_order(tmp_path, monkeypatch):
    """--library, $GAPSCOPE_LIBRARY, the last library while it is there, the CLI's default library
    when it exists (found without $GAPSCOPE_LIBRARY), else None: the welcome page."""
    import shutil

    from gapscope.store import Library, default_library_path

    from gapscope_desktop import settings
    from gapscope_desktop.app import library_path

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert library_path(None) is None
    default = default_library_path()
    assert str(default).startswith(str(tmp_path / "data"))
    Library(default).close()                       # what `gapscope init` makes with no --library
    assert library_path(None) == default
    saved = tmp_path / "saved.gapscope"
    Library(saved).close()
    settings.put("library/path", str(saved))
    assert library_path(None) == saved
    shutil.rmtree(saved)                           # the last library is gone: the default again
    assert library_path(None) == default
    monkeypatch.setenv("GAPSCOPE_LIBRARY", str(tmp_path / "env.sqlite"))
    assert library_path(None) == tmp_path / "env.sqlite"
    assert library_path(str(tmp_path / "cli.sqlite")) == tmp_path / "cli.sqlite"


def test_opening_the_window_imports_no_heavy_library(lib_path):
    """torch, faiss, sentence-transformers, sklearn and pyqtgraph load on use, not at start-up."""
    code = (
        "import sys\n"
        "from gapscope_desktop.app import create_app\n"
        "from gapscope_desktop.main_window import MainWindow\n"
        "app = create_app(['t'])\n"
        f"w = MainWindow({str(lib_path)!r}); w.show(); app.processEvents()\n"
        "heavy = [m for m in ('torch', 'faiss', 'sentence_transformers', 'transformers', 'sklearn', 'pyqtgraph',"
        " 'matplotlib') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
        "w.tasks.shutdown(); w.close()\n"
    )
    out = _run_python(code, timeout=120)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr


def test_main_window_opens_a_new_library_and_shows_it_empty(qtbot, tmp_path):
    from gapscope_desktop.app import create_app
    from gapscope_desktop.main_window import MainWindow

    create_app(["t"])
    w = MainWindow(tmp_path / "fresh.sqlite")
    qtbot.addWidget(w)
    assert (tmp_path / "fresh.sqlite").exists()
    qtbot.waitUntil(lambda: not w.library_view.loading, timeout=10000)
    assert w.library_view.model.rowCount() == 0
    assert "fresh.sqlite" in w.windowTitle()
    w.close()


def test_many_void_qt_calls_do_not_abort_the_interpreter():
    """PySide6 6.12 on CPython 3.11 drops a reference to None on every void Qt call; without the guard
    in gapscope_desktop the interpreter aborts after a few thousand (a live loss curve, a long import's
    progress). Run in a subprocess: an abort would take pytest down with it."""
    code = (
        "import gapscope_desktop\n"
        "from PySide6.QtWidgets import QApplication, QLabel\n"
        "import pyqtgraph as pg\n"
        "app = QApplication([])\n"
        "label = QLabel()\n"
        "for i in range(200000):\n"
        "    label.setText(str(i % 10))\n"
        "plot = pg.PlotWidget()\n"
        "curve = plot.plot([], [])\n"
        "for i in range(5000):\n"
        "    curve.setData([0, 1, 2], [1, 2, float(i)])\n"
        "print('survived')\n"
    )
    out = _run_python(code, timeout=300)
    assert out.returncode == 0 and "survived" in out.stdout, out.stderr[-2000:]


def _smoke(args: list[str], env_extra: dict, timeout: int = 180) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "core"), str(ROOT / "desktop")]),
               QT_QPA_PLATFORM="offscreen", **env_extra)
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)


def test_smoke_test_opens_the_library_of_the_environment_draws_and_exits_0(lib_path):
    out = _smoke([sys.executable, "-m", "gapscope_desktop.app", "--smoke-test"], {"GAPSCOPE_LIBRARY": str(lib_path)})
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"smoke test ok: {lib_path}, 400 papers listed, window drawn" in out.stdout, out.stdout + out.stderr


def test_smoke_test_on_a_fresh_machine_draws_the_welcome_page_and_exits_0(tmp_path):
    """`make run RUN_ARGS=--smoke-test` right after a fresh install: no library yet (none saved, none at
    the CLI's default place). It checks the install by drawing the welcome page, and creates nothing."""
    env = {k: v for k, v in os.environ.items() if k != "GAPSCOPE_LIBRARY"}
    env.update(PYTHONPATH=os.pathsep.join([str(ROOT / "core"), str(ROOT / "desktop")]), QT_QPA_PLATFORM="offscreen",
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_STATE_HOME=str(tmp_path / "state"),
               GAPSCOPE_SETTINGS=str(tmp_path / "settings" / "GapScope.ini"))
    out = subprocess.run([sys.executable, "-m", "gapscope_desktop.app", "--smoke-test"], env=env,
                         capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "smoke test ok: no library yet, the welcome page drawn" in out.stdout, out.stdout + out.stderr
    assert "Traceback" not in out.stderr, out.stderr
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").rglob("*.gapscope"))


def test_smoke_test_exits_1_naming_a_library_it_cannot_open(tmp_path):
    bad = tmp_path / "bad.gapscope"
    bad.mkdir()
    (bad / "library.sqlite").write_bytes(b"not a database at all" * 100)
    out = _smoke([sys.executable, "-m", "gapscope_desktop.app", "--smoke-test"], {"GAPSCOPE_LIBRARY": str(bad)})
    assert out.returncode == 1, out.stdout + out.stderr
    assert "smoke test: cannot open the library" in out.stderr and str(bad) in out.stderr
    assert (bad / "library.sqlite").read_bytes() == b"not a database at all" * 100   # left untouched



def test_quitting_waits_for_the_workers_before_qt_goes():
    """A user's edit still being written when the application quits (past the window's own wait) ends
    before the event loop returns, that is before Qt and the interpreter are torn down: a worker left
    running then emitted from a Task already deleted ("Signal source has been deleted", or a crash).
    Run in a subprocess: it is about the exit."""
    code = (
        "import sys, threading\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QWidget\n"
        "from gapscope_desktop.app import create_app\n"
        "from gapscope_desktop.tasks import TaskManager\n"
        "app = create_app(['test'])\n"
        "window = QWidget()\n"
        "tasks = TaskManager(window)\n"
        "quitting, loop_ended = threading.Event(), threading.Event()\n"
        "def slow_save(*, progress=None, cancel=None):\n"
        "    quitting.wait(10)\n"
        "    print('the save ended after the event loop:', loop_ended.wait(3), flush=True)\n"
        "tasks.save(\"a user's edit\", slow_save)\n"
        "def quit_now():\n"
        "    quitting.set()\n"
        "    app.quit()\n"
        "QTimer.singleShot(0, quit_now)\n"
        "code = app.exec()\n"
        "loop_ended.set()\n"
        "sys.exit(code)\n"
    )
    out = _run_python(code, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "the save ended after the event loop: False" in out.stdout, out.stdout + out.stderr[-2000:]
    assert "Error" not in out.stderr, out.stderr[-2000:]


def test_the_application_exits_when_a_worker_is_stuck_for_good():
    """A worker that never ends (a save blocked for good, not cancellable) must not keep the application
    from exiting: the quit waits for it a bounded time (tasks.QUIT_WAIT_MS, shortened here), then the
    process ends with the event loop's exit code, the stuck work named in the log. Waiting without a
    bound, the quit (and then the thread pool's own deletion) hung for ever."""
    code = (
        "import sys, threading\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QWidget\n"
        "from gapscope_desktop import tasks\n"
        "from gapscope_desktop.app import create_app, run_event_loop\n"
        "tasks.QUIT_WAIT_MS = 200\n"
        "app = create_app(['test'])\n"
        "window = QWidget()\n"
        "manager = tasks.TaskManager(window)\n"
        "never = threading.Event()\n"
        "manager.save(\"a stuck edit\", lambda *, progress=None, cancel=None: never.wait())\n"
        "QTimer.singleShot(0, lambda: app.exit(3))\n"
        "sys.exit(run_event_loop(app))\n"
    )
    try:
        out = _run_python(code, timeout=60)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError("the application never exited while a worker was stuck") from exc
    assert out.returncode == 3, out.stderr[-2000:]
    assert "a stuck edit" in out.stderr, out.stderr[-2000:]
