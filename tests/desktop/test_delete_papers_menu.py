"""The paper table's "Delete N papers…": asks first (saying what goes with the papers and pointing at
File > Back Up Library), deletes on the writer queue, and reads the list again; off when read-only."""

from __future__ import annotations

import pytest

from .test_screening_menus import _action, _saved

pytest.importorskip("gapscope.deletion")


@pytest.fixture
def read_only_window(qtbot, lib_path, monkeypatch):
    """As test_read_only_window's: 'not writable' by the store's own check, then opened mode=ro."""
    import gapscope.store.library as store_library

    from .conftest import _close_at_teardown, _open_window

    with monkeypatch.context() as m:
        m.setattr(store_library, "_writable", lambda db: False)
        window = _open_window(qtbot, lib_path)
    yield window
    _close_at_teardown(window)


def test_menu_deletes_papers_after_confirming(window, qtbot):
    lv = window.library_view
    qtbot.waitUntil(lambda: lv.model.rowCount() > 2, timeout=10000)
    ids = lv.model.ids()[:2]
    before = window.lib.count_papers()
    asked = []
    menu = lv.paper_menu(ids)
    assert _action(menu.build(), "Delete 2 papers").isEnabled()

    menu.delete(confirm=lambda text: asked.append(text) or False)      # cancelled: nothing goes
    _saved(qtbot, window)
    assert window.lib.count_papers() == before
    assert "Delete 2 papers" in asked[0] and "Back Up Library" in asked[0]

    lv.paper_menu(ids).delete(confirm=lambda text: True)
    _saved(qtbot, window)
    assert window.lib.count_papers() == before - 2
    qtbot.waitUntil(lambda: not lv.loading and lv.model.rowCount() == before - 2, timeout=10000)
    assert not set(ids) & set(lv.model.ids())
    assert window.detail.paper is None


def test_delete_is_off_on_a_read_only_library(read_only_window, qtbot):
    window = read_only_window
    lv = window.library_view
    qtbot.waitUntil(lambda: lv.model.rowCount() > 0, timeout=10000)
    started = []
    window.tasks.write = lambda name, *a, **k: started.append(name)
    menu = lv.paper_menu(lv.model.ids()[:1])
    entry = _action(menu.build(), "Delete 1 paper")
    assert not entry.isEnabled() and "read-only" in entry.toolTip()
    menu.delete(confirm=lambda text: True)
    assert started == []


def _undeletable(folder, name: str) -> None:
    """Make ``folder/name`` a file the system refuses to delete: its folder read-only (what a user meets
    on a shared drive); root ignores permission bits, so there the stored name is a non-empty folder,
    which unlink refuses as well."""
    import os

    if os.geteuid() != 0:
        folder.chmod(0o555)
        return
    (folder / name).unlink()
    (folder / name).mkdir()
    (folder / name / "kept").write_bytes(b"x")


def test_pdfs_that_could_not_be_deleted_are_named(qtbot, lib_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from gapscope.store import Library

    from .conftest import _close_at_teardown, _open_window

    with Library(lib_path) as lib:
        a, b = lib.list_paper_ids()[:2]
        folder = lib.files_folder()
        folder.mkdir(parents=True, exist_ok=True)
        for pid, name in ((a, "stuck.pdf"), (b, "gone.pdf")):
            (folder / name).write_bytes(b"%PDF-1.4 " + name.encode())
            lib.add_attachment(pid, name, name, f"/somewhere/{name}", source="file", match_how="paper",
                               match_score=None, status="unreadable", message=None, pages=None)
    window = _open_window(qtbot, lib_path)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: warned.append(text))
    _undeletable(folder, "stuck.pdf")
    try:
        window.library_view.paper_menu([a, b]).delete(confirm=lambda text: True)
        _saved(qtbot, window)
        qtbot.waitUntil(lambda: bool(warned), timeout=10000)
    finally:
        folder.chmod(0o755)
        _close_at_teardown(window)
    with Library(lib_path) as lib:
        assert not {a, b} & set(lib.list_paper_ids()) and not (folder / "gone.pdf").exists()
    (text,) = warned
    assert "2 papers were deleted" in text and "1 PDF file could not be removed" in text
    assert str(folder / "stuck.pdf") in text and "gone.pdf" not in text
