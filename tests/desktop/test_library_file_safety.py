"""Nothing but SQLite opens the library file inside the window's process (docs/architecture.md, "Library
file safety"): a real file dialog shown over the library's folder leaves the window's POSIX locks in
place, so a second process that opens and closes the library does not delete its -wal / -shm files
under the window, and the window goes on reading and writing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "core"), env.get("PYTHONPATH", "")])
    return env


def _gapscope(library: Path, *args: str) -> subprocess.CompletedProcess:
    """The CLI in a second process: it opens the library, reads, and closes it."""
    return subprocess.run([sys.executable, "-m", "gapscope", "--library", str(library), *args],
                          env=_env(), capture_output=True, text=True, timeout=120)


def _show_file_dialog(qtbot, open_it, *, into: Path | None = None) -> dict:
    """Run ``open_it`` (which shows a modal QFileDialog), let the dialog list its folder (and icon
    every entry, the step that used to sniff files), then cancel it. Returns what it listed."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel

    seen: dict = {}

    def inspect() -> None:
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, QFileDialog):
            QTimer.singleShot(20, inspect)
            return
        if into is not None:
            dlg.setDirectory(str(into))
        model = dlg.findChild(QFileSystemModel)
        root = model.index(dlg.directory().absolutePath())
        qtbot.waitUntil(lambda: model.rowCount(root) > 0, timeout=10000)
        qtbot.wait(1500)  # the icon gatherer thread goes over every entry meanwhile
        seen["folder"] = dlg.directory().absolutePath()
        seen["listed"] = sorted(model.index(r, 0, root).data() for r in range(model.rowCount(root)))
        dlg.reject()

    QTimer.singleShot(0, inspect)
    open_it()
    return seen


def _library_survives(qtbot, window, db: Path) -> None:
    # a second process opens and closes the library while the window holds it
    done = _gapscope(window.lib.path, "stats", "--json")
    assert done.returncode == 0, done.stderr
    assert Path(str(db) + "-wal").exists() and Path(str(db) + "-shm").exists(), \
        "the second process deleted the window's -wal/-shm: the window had lost its SQLite locks"
    # the window still reads and writes, and the other process sees the write
    pid = window.lib.list_paper_ids()[0]

    def tag(lib, *, progress=None, cancel=None):
        lib.add_tag([pid], "after-the-dialog")

    task = window.tasks.save("Tag", tag, library=window.lib.path)   # the window writes on its writer queue
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    assert task.outcome == "succeeded", task.outcome
    assert window.lib.tags_of(pid) == ["after-the-dialog"]
    window.detail.show_paper(pid)
    shown = _gapscope(window.lib.path, "papers", "list", "--tag", "after-the-dialog", "--json")
    assert shown.returncode == 0, shown.stderr
    assert f'"id": {pid},' in shown.stdout
    assert window.lib._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_open_library_dialog_over_an_open_library_file_keeps_its_locks(qtbot, window):
    """The window on a plain library file (as libraries were before folders): File > Open Library
    shows a real dialog over the folder that holds the open library file."""
    db = window.lib.path  # a plain file: the library and its database are one
    assert Path(str(db) + "-wal").exists()
    seen = _show_file_dialog(qtbot, window.choose_library)
    assert seen["folder"] == str(db.parent)
    _library_survives(qtbot, window, db)


def test_import_dialog_inside_a_library_folder_keeps_its_locks(qtbot, _library_template, tmp_path, monkeypatch):
    """A library folder, and the Import dialog pointed inside it with every file listed, the database
    among them: listing it must not open it."""
    from .conftest import _open_window

    folder = tmp_path / "review.gapscope"
    folder.mkdir()
    shutil.copy(_library_template, folder / "library.sqlite")
    window = _open_window(qtbot, folder)
    try:
        db = window.lib.db_path
        assert db == folder / "library.sqlite" and Path(str(db) + "-wal").exists()
        from gapscope_desktop.file_dialogs import open_file_name

        seen = _show_file_dialog(qtbot, lambda: open_file_name(window, "Import papers", str(tmp_path),
                                                                "All files (*)"), into=folder)
        assert "library.sqlite" in seen["listed"]
        _library_survives(qtbot, window, db)
    finally:
        window.close()


def test_every_file_dialog_goes_through_the_safe_factory():
    """A stock QFileDialog.get...() (native or not) would sniff the files it lists."""
    pkg = ROOT / "desktop" / "gapscope_desktop"
    offenders = [str(p.relative_to(pkg)) for p in pkg.rglob("*.py")
                 if p.name != "file_dialogs.py" and "QFileDialog" in p.read_text(encoding="utf-8")]
    assert offenders == []


@pytest.mark.parametrize("name", ["review.sqlite", "refs.bib", "notes", "x.gapscope"])
def test_the_icon_provider_answers_without_opening(tmp_path, name, qapp):
    from PySide6.QtCore import QFileInfo

    from gapscope_desktop.file_dialogs import StatOnlyIconProvider

    p = tmp_path / name
    if name.endswith(".gapscope"):
        p.mkdir()
    else:
        p.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    provider = StatOnlyIconProvider()
    info = QFileInfo(str(p))
    assert not provider.icon(info).isNull()
    assert provider.type(info) in ("GapScope library", "SQLITE file", "BIB file", "File")


def test_save_dialogs_ask_before_replacing_a_file(qapp, monkeypatch):
    """The desktop's answer to `--force`: every "Save as" (report, export, spec, diagnostics, annotated
    PDF) goes through save_file_name, whose dialog asks before it replaces a file that is there."""
    from PySide6.QtWidgets import QFileDialog

    from gapscope_desktop import file_dialogs

    seen = []
    monkeypatch.setattr(file_dialogs, "_run", lambda dlg: seen.append(dlg) or "")
    file_dialogs.save_file_name(None, "Save", "", "")
    (dlg,) = seen
    assert dlg.acceptMode() == QFileDialog.AcceptSave
    assert not dlg.testOption(QFileDialog.DontConfirmOverwrite)
