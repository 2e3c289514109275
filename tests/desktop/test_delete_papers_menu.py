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
