"""Desktop test fixtures: an isolated QSettings, a real library from the shared data, the main window,
and a check that no test leaves a worker thread running."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _jitter():
    """GAPSCOPE_TEST_JITTER=SEED[,MAX_MS]: background tasks start and answer late, in a seeded random
    order (jitter.py); unset, nothing changes."""
    spec = os.environ.get("GAPSCOPE_TEST_JITTER")
    if not spec:
        yield
        return
    from .jitter import install

    with pytest.MonkeyPatch.context() as mp:
        install(spec, mp)
        yield


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    monkeypatch.delenv("GAPSCOPE_LIBRARY", raising=False)
    # the default library (and the sample library beside it) and the app log: never the user's own
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user-data"))
    monkeypatch.setenv("GAPSCOPE_LOG", str(tmp_path / "user-log" / "gapscope.log"))
    yield
    # create_app marks the test thread as the GUI thread (no writes); the next test's fixtures seed
    # their libraries from this same thread before their window exists
    from gapscope.store import allow_writes_in_current_thread

    allow_writes_in_current_thread()


@pytest.fixture(scope="session")
def _library_template(tmp_path_factory, shared_data):
    """One real library (400 arXiv papers) built once; each test gets its own copy."""
    from gapscope.store import Library

    from .library_data import fill_library

    d = tmp_path_factory.mktemp("template")
    path = d / "template.sqlite"
    lib = Library(path)
    fill_library(lib, shared_data, d, 400)
    lib._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    lib.close()
    return path


@pytest.fixture
def lib_path(_library_template, tmp_path):
    import shutil

    dest = tmp_path / "library.sqlite"
    shutil.copy(_library_template, dest)
    return dest


def _approve_close(w) -> None:
    """At a test's end the window closes without the questions a user gets (unsaved drafts, running
    work): a test that left a draft or a task running would otherwise wait on a dialog no one answers."""
    w._close_approved = True


def _close_at_teardown(w) -> None:
    _approve_close(w)
    w.close()


def _open_window(qtbot, path, *, closed_by_qtbot=True):
    """The main window on ``path``, shown, its papers listed and its start-up warm-up done. Without
    ``closed_by_qtbot`` the test closes (and may delete) it itself."""
    from gapscope_desktop.app import create_app
    from gapscope_desktop.main_window import MainWindow

    create_app(["test"])
    w = MainWindow(path)
    if closed_by_qtbot:
        qtbot.addWidget(w, before_close_func=_approve_close)      # qtbot closes it before fixtures end
    w.resize(1280, 800)
    w.show()
    qtbot.waitUntil(lambda: w.library_view.model.rowCount() > 0, timeout=10000)
    qtbot.waitUntil(lambda: w.warm_up_task is not None and w.warm_up_task.done, timeout=20000)
    return w


@pytest.fixture
def window(qtbot, lib_path):
    w = _open_window(qtbot, lib_path)
    yield w
    _close_at_teardown(w)


@pytest.fixture
def make_view(qtbot):
    """``make_view(ViewClass, (width, height))``: a view on its own (no window, no library), shown at that
    size (not shown without one); the task manager they share is shut down when the test ends."""
    from gapscope_desktop.app import create_app
    from gapscope_desktop.tasks import TaskManager

    create_app(["test"])
    tasks = TaskManager()

    def make(cls, size=None):
        view = cls(tasks)
        qtbot.addWidget(view)
        if size is not None:
            view.resize(*size)
            view.show()
        return view

    yield make
    tasks.shutdown(5000)


@pytest.fixture(autouse=True)
def _no_dangling_workers():
    """Every task a test starts must have ended when the test ends (napari's _dangling_qthreads idea)."""
    from PySide6.QtCore import QThreadPool

    yield
    from gapscope_desktop.tasks import TaskManager

    leftover = [t for m in TaskManager.instances() for t in m.active()]
    for m in TaskManager.instances():
        m.shutdown(10000)
    assert QThreadPool.globalInstance().activeThreadCount() == 0
    assert not leftover, f"tasks still running at the end of the test: {[t.name for t in leftover]}"


@pytest.fixture(scope="session")
def _analysed_template(tmp_path_factory, shared_data):
    """A 500-paper library with facets classified, embeddings, maps and gaps, built once through
    the core functions (the same ones the Maps view's "Build maps" runs)."""
    pytest.importorskip("gapscope.maps")
    pytest.importorskip("gapscope.gaps")
    from gapscope.store import Library

    from gapscope_desktop.views.maps_view import build

    from .library_data import fill_library

    d = tmp_path_factory.mktemp("analysed")
    path = d / "analysed.sqlite"
    lib = Library(path)
    fill_library(lib, shared_data, d, 500)  # embedding is the slow part; 500 is the least that yields gaps
    build(lib, "topic")
    from gapscope.gaps import find_gaps

    find_gaps(lib)
    lib._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    lib.close()
    return path


@pytest.fixture
def analysed_window(qtbot, _analysed_template, tmp_path):
    import shutil

    dest = tmp_path / "analysed.sqlite"
    shutil.copy(_analysed_template, dest)
    w = _open_window(qtbot, dest)
    yield w
    _close_at_teardown(w)


def run_recording_progress(dlg, qtbot, shown_with):
    """Start the collect/import dialog ``dlg`` and keep each progress report as the dialog shows it
    (followed from before the task starts, so that no early report is missed): ``(done, total, message,
    *shown_with(dlg))`` each. Returns (task, reports) once the task is done."""
    seen = []
    shows = dlg._progress

    def shown(d, t, m):
        shows(d, t, m)
        seen.append((d, t, m, *shown_with(dlg)))

    dlg._progress = shown
    task = dlg.start()
    qtbot.waitUntil(lambda: task.done, timeout=60000)
    return task, seen


@pytest.fixture
def message_boxes(monkeypatch):
    """Every QMessageBox the window shows (critical, information, warning), as (kind, title, text), answered."""
    from PySide6.QtWidgets import QMessageBox

    shown = []
    for kind in ("critical", "information", "warning"):
        monkeypatch.setattr(QMessageBox, kind, lambda parent, title, text, *a, _k=kind: shown.append((_k, title, text)))
    return shown


def answer_boxes(*steps) -> None:
    """Answer the modal boxes shown next, in turn: each step ``(kind, how)``, ``kind`` a QMessageBox or a
    QInputDialog, ``how`` the text of the button to click or a function given the box."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    steps, handled = list(steps), []

    def answer():
        box = QApplication.activeModalWidget()
        kind, how = steps[0]
        if not isinstance(box, kind) or not box.isVisible() or box in handled:
            QTimer.singleShot(20, answer)
            return
        handled.append(box)
        steps.pop(0)
        if callable(how):
            how(box)
        else:
            next(b for b in box.buttons() if b.text().replace("&", "") == how).click()
        if steps:
            QTimer.singleShot(0, answer)

    QTimer.singleShot(0, answer)
