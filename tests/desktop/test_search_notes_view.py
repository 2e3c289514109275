"""The search box finds papers by the user's own notes: listed after the papers whose text matches, the
title's tooltip saying which note held the words, the filter line how many were found so."""

from __future__ import annotations

import pytest

from gapscope_desktop.views.paper_model import COL_TITLE, TOOLTIP


@pytest.fixture
def noted(lib_path):
    """The library with a note on one paper, holding a word no title or abstract holds."""
    from gapscope.store import Library

    lib = Library(lib_path)
    pid = lib.list_paper_ids()[7]
    note = lib.add_note(pid, "Key dataset for my related-work section; compare with quokkanet")
    lib.close()
    return pid, note


@pytest.fixture
def noted_window(qtbot, lib_path, noted):
    from .conftest import _close_at_teardown, _open_window

    window = _open_window(qtbot, lib_path)
    yield window
    _close_at_teardown(window)


def test_the_search_box_finds_a_paper_by_its_note(noted_window, noted, qtbot):
    pid, note = noted
    lv = noted_window.library_view
    lv.search.setText("quokkanet")
    lv._apply_search()
    qtbot.waitUntil(lambda: lv.model.ids() == [pid], timeout=5000)
    tip = lv.model.data(lv.model.index(0, COL_TITLE), TOOLTIP)
    assert f"note #{note}" in tip and "compare with quokkanet" in tip
    assert "1 found in your notes" in lv.filter_label.text()


def test_papers_found_by_a_note_come_after_those_found_by_their_text(noted_window, noted, qtbot):
    pid, _note = noted
    lv = noted_window.library_view
    lib = noted_window.lib
    by_text = [i for i, _r in lib.search("dataset", limit=1000)]
    lv.search.setText("dataset")
    lv._apply_search()
    want = by_text if pid in by_text else by_text + [pid]
    qtbot.waitUntil(lambda: lv.model.ids() == want, timeout=5000)


def test_sorted_on_a_column_papers_found_by_a_note_take_their_place_in_it(noted_window, noted, qtbot):
    pid, _note = noted
    lv = noted_window.library_view
    lib = noted_window.lib
    lv._sort("title", False)
    lv.search.setText("dataset")
    lv._apply_search()
    found = set(lib.list_paper_ids(query="dataset")) | {pid}
    want = [i for i in lib.list_paper_ids(order="title") if i in found]
    qtbot.waitUntil(lambda: lv.model.ids() == want, timeout=5000)
