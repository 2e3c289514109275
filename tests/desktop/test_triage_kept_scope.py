"""The list sent to Triage comes back after a restart (kept in the library), named; a list whose saved search
was deleted since is said to be gone and the screening falls back to the whole library, visibly."""

from __future__ import annotations

import pytest

pytest.importorskip("gapscope.triage")

from .test_triage_view import _close_when_warm, _reopened_on_triage, _wait_card  # noqa: E402


def _screen_the_library_list(window, qtbot, query: str):
    """The Library tab searched for ``query`` (a saved search chosen in the sidebar when one is named so),
    then "Screen this list in Triage": the papers listed, once the card is shown."""
    lv, view = window.library_view, window.triage_view
    qtbot.waitUntil(lambda: not lv.loading and lv.model.rowCount() > 0, timeout=20000)
    every = lv.model.rowCount()
    lv.search.setText(query)
    lv._apply_search()
    qtbot.waitUntil(lambda: not lv.loading and 0 < lv.model.rowCount() < every, timeout=20000)
    listed = lv.model.ids()
    window.screen_in_triage(lv.screen_scope())
    _wait_card(qtbot, view)
    assert sorted(view.scope().paper_ids(window.lib)) == sorted(listed)
    return listed


def _restart(window, qtbot, lib_path):
    qtbot.waitUntil(lambda: not window.tasks.active(), timeout=20000)    # the list kept (a write) ended
    window._close_approved = True
    window.close()
    return _reopened_on_triage(qtbot, lib_path)


def test_the_library_list_sent_to_triage_is_screened_again_after_a_restart(window, qtbot, lib_path):
    """Screen this list over a search, close the window, open the library again: Triage screens the same
    papers (not the whole library), its chip and a line above the counts say which list it is, and the CLI
    reads the same list from the library."""
    listed = _screen_the_library_list(window, qtbot, "segmentation")
    w2 = _restart(window, qtbot, lib_path)
    v2 = w2.triage_view
    assert v2.listed is not None and sorted(v2.scope().paper_ids(w2.lib)) == sorted(listed)
    assert v2.progress.maximum() == len(listed) and v2.current in listed
    assert v2.cluster_chip.isVisible() and "segmentation" in v2.cluster_chip.toolTip()
    assert v2.scope_notice.isVisible()
    assert "from last time" in v2.scope_notice.text() and "segmentation" in v2.scope_notice.text()
    from gapscope.triage.kept_scope import kept_scope

    kept = kept_scope(w2.lib)
    assert kept is not None and kept.scope.ids == frozenset(listed) and not kept.gone
    # another list chosen: the notice about the one brought back goes
    v2.set_scope(collection=None)
    assert not v2.scope_notice.isVisible()
    _close_when_warm(qtbot, w2)


def test_a_list_whose_saved_search_was_deleted_says_so_and_screens_the_whole_library(window, qtbot, lib_path):
    """The list screened came from a saved search that is deleted while the app is closed (from the CLI): on
    opening, Triage names the saved search that is gone and screens the whole library instead."""
    from gapscope.triage import Scope

    from .library_data import write_aside

    write_aside(lib_path, lambda lib: lib.save_search("seg papers", "segmentation"))
    _screen_the_library_list(window, qtbot, "segmentation")
    qtbot.waitUntil(lambda: not window.tasks.active(), timeout=20000)
    window._close_approved = True
    window.close()
    write_aside(lib_path, lambda lib: lib.delete_saved_search("seg papers"))

    w2 = _reopened_on_triage(qtbot, lib_path)
    v2 = w2.triage_view
    assert v2.scope() == Scope()
    assert v2.progress.maximum() == w2.lib.count_papers()
    assert v2.scope_notice.isVisible() and not v2.cluster_chip.isVisible()
    assert "saved search “seg papers”" in v2.scope_notice.text() and "gone" in v2.scope_notice.text()
    assert "the whole library" in v2.scope_notice.text()
    _close_when_warm(qtbot, w2)


def test_a_list_whose_papers_were_all_deleted_says_so_and_screens_the_whole_library(window, qtbot, lib_path):
    """Every paper of the list screened is deleted while the app is closed (from the CLI): on opening, Triage
    says the list is gone and screens the whole library instead, not "the list from last time" of 0 papers."""
    from gapscope.triage import Scope

    from .library_data import write_aside

    listed = _screen_the_library_list(window, qtbot, "segmentation")
    qtbot.waitUntil(lambda: not window.tasks.active(), timeout=20000)
    window._close_approved = True
    window.close()
    write_aside(lib_path, lambda lib: lib.delete_papers(listed))

    w2 = _reopened_on_triage(qtbot, lib_path)
    v2 = w2.triage_view
    assert v2.scope() == Scope() and v2.listed is None
    assert v2.progress.maximum() == w2.lib.count_papers() > 0
    text = v2.scope_notice.text()
    assert v2.scope_notice.isVisible() and "gone" in text and "from last time" not in text
    assert "segmentation" in text and "the whole library" in text
    _close_when_warm(qtbot, w2)
