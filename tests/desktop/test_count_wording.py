"""Counts the window says agree with their number and carry a thousands separator ("1 paper", "Delete
1,200 papers…"), and an undo with every edit already undone says there is nothing left to undo."""

from __future__ import annotations


def test_one_listed_paper_is_one_paper(window, qtbot):
    lv = window.library_view
    pid = lv.model.paper_id(0)
    lv.show_ids([pid], "")
    qtbot.waitUntil(lambda: not lv.loading and lv.model.rowCount() == 1, timeout=10000)
    assert lv.filter_label.text().startswith("1 paper — ") and "1 selected paper" in lv.filter_label.text()
    assert "papers" not in lv.filter_label.text()


def test_the_delete_entry_counts_with_a_separator(window):
    for ids, says in (([window.library_view.model.paper_id(0)], "Delete 1 paper…"),
                      (list(range(1, 1201)), "Delete 1,200 papers…")):
        menu = window.library_view.paper_menu(ids).build()
        assert says in [a.text() for a in menu.actions()]
    from gapscope_desktop.views.paper_menu import deletion_question

    assert deletion_question({"papers": 10653}).startswith("Delete 10,653 papers from the library?")


def test_an_undo_after_every_edit_was_undone_says_nothing_is_left(window, qtbot):
    detail, lv = window.detail, window.library_view
    pid = lv.model.paper_id(2)
    assert lv.select_paper(pid)
    assert detail.undo_edit() is None
    assert f"paper #{pid} were not edited" in window.statusBar().currentMessage()
    with qtbot.waitSignal(detail.titleChanged, timeout=10000):
        detail.edit_title("A title of my own", pid)
    qtbot.waitUntil(lambda: detail.act_undo_edit.isEnabled(), timeout=10000)
    with qtbot.waitSignal(detail.titleChanged, timeout=10000):
        detail.undo_edit()
    qtbot.waitUntil(lambda: detail.undoing is None, timeout=10000)
    assert detail.undo_edit() is None
    said = window.statusBar().currentMessage()
    assert "Nothing left to undo" in said and "were not edited" not in said
