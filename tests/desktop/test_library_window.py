"""The main window on a real library: lazy table, search, sort, selection -> detail, tags and notes."""

from __future__ import annotations

from PySide6.QtCore import Qt


def _titles(model, n):
    return [model.data(model.index(r, 0)) for r in range(n)]


def test_window_lists_every_paper_lazily(window):
    lib = window.lib
    model = window.library_view.model
    assert model.rowCount() == lib.count_papers() == 400
    # Only the pages the view painted were read, not the whole library.
    assert model.page_loads <= 2
    last = model.data(model.index(model.rowCount() - 1, 0))
    assert last == " ".join(lib.get_paper(model.paper_id(model.rowCount() - 1)).title.split())


def test_search_uses_the_full_text_index(window, qtbot):
    lv = window.library_view
    lib = window.lib
    expected = set(lib.list_paper_ids(query="diffusion"))
    assert 0 < len(expected) < lib.count_papers()
    qtbot.keyClicks(lv.search, "diffusion")
    qtbot.waitUntil(lambda: set(lv.model.ids()) == expected, timeout=5000)
    assert "diffusion" in lv.filter_label.text()
    lv.clear_filters()
    qtbot.waitUntil(lambda: lv.model.rowCount() == lib.count_papers(), timeout=5000)


def test_a_bad_query_is_reported_not_raised(window, qtbot):
    """A search that cannot run lists nothing (the rows of the search before are not its results), says why
    and cannot be saved; "foo OR" and "a AND" alike. Mended, it lists its papers again."""
    lv = window.library_view
    lv.search.setText("diffusion")
    lv._apply_search()
    qtbot.waitUntil(lambda: not lv.loading and 0 < lv.model.rowCount() < window.lib.count_papers(), timeout=5000)
    lv.table.selectRow(0)
    assert window.detail.paper is not None
    for bad in ('"unclosed', "diffusion OR", "diffusion AND"):
        lv.search.setText(bad)
        assert not lv.save_search_button.isEnabled()
        lv._apply_search()
        qtbot.waitUntil(lambda: not lv.loading and "bad search" in lv.filter_label.text(), timeout=5000)
        assert lv.model.rowCount() == 0 and window.detail.paper is None
        assert "bad search" in lv.search.toolTip()
    lv.search.setText("diffusion")
    assert lv.save_search_button.isEnabled()
    lv._apply_search()
    qtbot.waitUntil(lambda: not lv.loading and lv.model.rowCount() > 0, timeout=5000)
    assert lv.search.toolTip() == "" and "bad search" not in lv.filter_label.text()


def test_sorting_by_title_asks_sql_for_the_order(window, qtbot):
    lv = window.library_view
    lv.table.sortByColumn(0, Qt.DescendingOrder)
    want = window.lib.list_paper_ids(order="title", descending=True)
    qtbot.waitUntil(lambda: lv.model.ids() == want, timeout=5000)
    lv.table.sortByColumn(2, Qt.AscendingOrder)
    want = window.lib.list_paper_ids(order="year")
    qtbot.waitUntil(lambda: lv.model.ids() == want, timeout=5000)


def test_every_column_sorts_by_what_it_shows(window, qtbot):
    """The arXiv / DOI column sorts by the identifier shown (its arrow is never a sort that did not
    happen), the Title column by the title as shown."""
    from gapscope.textfmt import title_sort_key

    from gapscope_desktop.views.paper_model import COL_IDENT, COL_TITLE

    lv, model = window.library_view, window.library_view.model
    for col, key in ((COL_IDENT, str.casefold), (COL_TITLE, title_sort_key)):
        for order in (Qt.AscendingOrder, Qt.DescendingOrder):
            before = model.ids()
            lv.table.sortByColumn(col, order)
            qtbot.waitUntil(lambda: not lv.loading and model.ids() != before, timeout=5000)
            shown = [model.data(model.index(r, col)) for r in range(model.rowCount())]
            keys = [key(s) for s in shown]
            assert keys == sorted(keys, reverse=order == Qt.DescendingOrder)
            assert lv.filter.order == ("ident" if col == COL_IDENT else "title")


def test_selecting_a_paper_shows_it_and_notes_and_tags_are_saved(window, qtbot, lib_path):
    lv = window.library_view
    pid = lv.model.paper_id(5)
    lv.table.selectRow(5)
    paper = window.lib.get_paper(pid)
    text = window.detail.browser.toPlainText()
    assert " ".join(paper.title.split()) in " ".join(text.split())
    assert paper.arxiv_id in window.detail.browser.toHtml()  # link to arxiv.org/abs/ID

    qtbot.keyClicks(window.detail.note_edit, "Compare with the NeRF baseline.")
    qtbot.mouseClick(window.detail.save_note, Qt.LeftButton)
    qtbot.keyClicks(window.detail.tag_edit, "to-read")
    with qtbot.waitSignal(window.detail.tagsChanged, timeout=10000):   # saved on the writer queue
        qtbot.keyClick(window.detail.tag_edit, Qt.Key_Return)

    from gapscope.store import Library

    with Library(lib_path) as other:  # saved at once, visible to another connection
        assert [n["body"] for n in other.notes_of(pid)] == ["Compare with the NeRF baseline."]
        assert other.tags_of(pid) == ["to-read"]
    assert "Compare with the NeRF baseline." in window.detail.notes_view.toPlainText()
    # the sidebar now lists the tag, and choosing it filters the table
    window.sidebar.select_choice("tag", "to-read")
    window._sidebar_chosen("tag", "to-read")
    qtbot.waitUntil(lambda: lv.model.ids() == [pid], timeout=5000)


def test_search_terms_are_highlighted_in_the_abstract(window, qtbot):
    lv = window.library_view
    lv.search.setText("diffusion")
    lv._apply_search()
    qtbot.waitUntil(lambda: lv.model.rowCount() and lv.filter.query == "diffusion" and not lv.loading, timeout=5000)
    lv.table.selectRow(0)
    assert "#ffe58a" in window.detail.browser.toHtml().lower()


def test_window_state_is_remembered(window, qtbot, lib_path):
    from gapscope_desktop.main_window import MainWindow

    window.tabs.setCurrentIndex(3)
    window.resize(780, 500)  # within the offscreen screen (800 wide), which clamps restored geometry
    window.lib_split.setSizes([300, 350])
    sizes = window.lib_split.sizes()
    window.close()
    w2 = MainWindow(lib_path)
    qtbot.addWidget(w2)
    assert w2.tabs.currentIndex() == 3
    assert w2.size().height() == 500
    w2.show()
    new = w2.lib_split.sizes()
    assert abs(new[0] / sum(new) - sizes[0] / sum(sizes)) < 0.05  # the split is kept (scaled to the width)
    w2.close()


def test_the_current_paper_is_current_again_after_a_restart(window, qtbot, lib_path, tmp_path):
    """A reading session goes on where it stopped: the paper that was current when the window closed is
    current again (and shown in the detail pane) when it opens on that library; another library keeps
    its own first row."""
    import shutil

    from gapscope_desktop.main_window import MainWindow

    lv = window.library_view
    lv.table.selectRow(57)
    pid = lv.current_paper_id()
    assert pid is not None and pid != lv.model.paper_id(0)
    window._close_approved = True
    window.close()
    w2 = MainWindow(lib_path)
    qtbot.addWidget(w2)
    w2.show()
    qtbot.waitUntil(lambda: w2.library_view.model.rowCount() > 0 and not w2.library_view.loading, timeout=10000)
    qtbot.waitUntil(lambda: w2.library_view.current_paper_id() == pid, timeout=10000)
    title = " ".join(w2.lib.get_paper(pid).title.split())
    assert title in " ".join(w2.detail.browser.toPlainText().split())
    other = tmp_path / "other" / "library.sqlite"
    other.parent.mkdir()
    w2._close_approved = True
    w2.close()
    shutil.copy(lib_path, other)
    w3 = MainWindow(other)
    qtbot.addWidget(w3)
    w3.show()
    qtbot.waitUntil(lambda: w3.library_view.model.rowCount() > 0 and not w3.library_view.loading, timeout=10000)
    assert w3.library_view.current_paper_id() != pid
    qtbot.waitUntil(lambda: w3.warm_up_task is not None and w3.warm_up_task.done, timeout=20000)
    w3._close_approved = True
    w3.close()


def test_highlights_made_in_the_core_show_in_the_detail_pane(window, qtbot):
    import pytest

    triage = pytest.importorskip("gapscope.triage")
    lv = window.library_view
    pid = lv.model.paper_id(3)
    abstract = window.lib.get_paper(pid).abstract
    from .library_data import write_aside

    write_aside(window.lib.path, lambda lib: triage.add_highlight(lib, pid, 0, 40, comment="key claim"))
    lv.table.selectRow(3)
    listed = " ".join(window.detail.notes_view.toPlainText().split())     # listed under the notes
    assert "key claim" in listed and " ".join(abstract[:40].split()) in listed
    assert "key claim" in window.detail.browser.toHtml()                  # and drawn on the abstract, its tooltip


def test_select_all_reads_the_selection_by_ranges(window, qtbot, monkeypatch):
    """Ctrl+A on a big library: the selected ids come from the selection's ranges, never from
    ``selectedRows()``, which asks the model about every row and column (1.4 s on the GUI thread at
    75,000 papers)."""
    from PySide6.QtCore import QItemSelectionModel

    lv = window.library_view
    per_row = []
    for name in ("selectedRows", "selectedIndexes"):
        monkeypatch.setattr(QItemSelectionModel, name, lambda *a, name=name: per_row.append(name) or [])
    emitted = []
    lv.selectionChanged.connect(emitted.append)
    lv.table.setFocus()
    qtbot.keyClick(lv.table, Qt.Key_A, Qt.ControlModifier)
    assert not per_row
    assert emitted and emitted[-1] == lv.model.ids() and len(emitted[-1]) == 400
    assert lv.selected_ids() == lv.model.ids()
    # the column headers do not see it: Qt would walk every row to paint a header as "selected"
    header = lv.table.horizontalHeader()
    assert lv.table.selectionModel().hasSelection() and not header.selectionModel().hasSelection()
    # a selection with holes: every row but two
    sm = lv.table.selectionModel()
    for row in (5, 7):
        sm.select(lv.model.index(row, 0), QItemSelectionModel.Deselect | QItemSelectionModel.Rows)
    ids = lv.model.ids()
    assert lv.selected_ids() == [i for r, i in enumerate(ids) if r not in (5, 7)]


def _select_rows(lv, rows, current):
    """Ctrl+click as a user does: ``rows`` selected, ``current`` (one of them) the current row."""
    from PySide6.QtCore import QItemSelectionModel

    sm = lv.table.selectionModel()
    for row in rows:
        sm.select(lv.model.index(row, 0), QItemSelectionModel.Select | QItemSelectionModel.Rows)
    sm.setCurrentIndex(lv.model.index(current, 0), QItemSelectionModel.Select | QItemSelectionModel.Rows)


def test_a_multi_selection_and_its_current_paper_survive_the_list_read_again(window, qtbot):
    """Twelve papers chosen to tag, and the list read again (another process's change, an import, a sort):
    the same twelve stay selected, wherever their rows went, with the same current paper."""
    lv = window.library_view
    rows = [1, 2, 3, 7, 8, 20, 21, 40, 55, 56, 90, 120]
    _select_rows(lv, rows, current=20)
    chosen, current = lv.selected_ids(), lv.current_paper_id()
    assert len(chosen) == 12 and current == lv.model.paper_id(20)
    lv.refresh()                                           # what the window's refresh does
    qtbot.waitUntil(lambda: not lv.loading, timeout=20000)
    assert lv.selected_ids() == chosen and lv.current_paper_id() == current
    assert window.detail.paper.id == current
    lv.table.sortByColumn(0, Qt.DescendingOrder)           # listed again in another order: other rows
    qtbot.waitUntil(lambda: not lv.loading and lv.filter.order == "title", timeout=20000)
    assert sorted(lv.selected_ids()) == sorted(chosen) and lv.current_paper_id() == current
    assert [lv.model.row_of(p) for p in chosen] != rows


def test_papers_no_longer_listed_leave_the_selection_and_the_rest_stay(window, qtbot):
    """One of four selected papers deleted by another process: the list read again keeps the other three."""
    from .library_data import write_aside

    lv = window.library_view
    _select_rows(lv, [0, 1, 2, 3], current=1)
    chosen, current = lv.selected_ids(), lv.current_paper_id()
    write_aside(window.lib.path, lambda lib: lib.delete_papers([chosen[0]]))
    lv.refresh()
    qtbot.waitUntil(lambda: not lv.loading and lv.model.rowCount() == 399, timeout=20000)
    assert lv.selected_ids() == chosen[1:] and lv.current_paper_id() == current


def test_a_new_search_or_restriction_keeps_the_current_paper_alone(window, qtbot):
    """Ctrl+A on the whole library, then a search: the matching papers are not all selected (one Delete away
    from deleting every match); the current paper stays chosen when the search lists it, alone."""
    lv = window.library_view
    assert lv.select_paper(lv.model.paper_id(5))            # a paper clicked, then Ctrl+A
    lv.table.selectAll()
    current = lv.current_paper_id()
    assert current is not None and len(lv.selected_ids()) == lv.model.rowCount() == 400
    others = [p for p in lv.model.ids() if p != current][:30]
    lv.show_ids(others + [current], "31 papers")
    qtbot.waitUntil(lambda: not lv.loading and lv.model.rowCount() == 31, timeout=20000)
    assert lv.selected_ids() == [current] and lv.current_paper_id() == current


def test_a_title_edited_in_a_multi_selection_keeps_the_selection(window, qtbot):
    """F2 on the current paper of a multi-selection: the list is read again for the new title, and the
    selection stays whole (the edited paper still current)."""
    lv = window.library_view
    _select_rows(lv, [4, 5, 6, 9, 11], current=6)
    chosen, current = lv.selected_ids(), lv.current_paper_id()
    window.detail.edit_title("A title typed in the detail pane", current)
    qtbot.waitUntil(lambda: window.lib.get_paper(current).title == "A title typed in the detail pane",
                    timeout=10000)
    # the title is written before its task answers, and the list is read again only then
    qtbot.waitUntil(lambda: not any(t.name == "Edit title" for t in window.tasks.running), timeout=10000)
    qtbot.waitUntil(lambda: not lv.loading and not any(t.name == "List papers" for t in window.tasks.running),
                    timeout=20000)
    assert lv.selected_ids() == chosen and lv.current_paper_id() == current


def test_a_tag_taken_off_in_the_detail_pane_leaves_the_list_of_that_tag_and_the_triage_tags(window, qtbot):
    """The table lists the papers of tag "to-read" (chosen in the sidebar); the tag taken off the shown
    paper in the detail pane takes the paper off that list, as the sidebar's count says, and a tag added
    there is one the Triage view can screen, without the library being opened again."""
    from .library_data import write_aside

    lv = window.library_view
    ids = lv.model.ids()[:3]
    write_aside(window.lib.path, lambda lib: lib.add_tag(ids, "to-read"))
    window.refresh_sidebar()
    window._sidebar_chosen("tag", "to-read")
    qtbot.waitUntil(lambda: sorted(lv.model.ids()) == sorted(ids), timeout=10000)
    assert lv.select_paper(ids[0])
    qtbot.waitUntil(lambda: window.detail.paper is not None and window.detail.paper.id == ids[0], timeout=10000)
    with qtbot.waitSignal(window.detail.tagsChanged, timeout=10000):
        window.detail.tags_label.linkActivated.emit("tag:remove/to-read")
    qtbot.waitUntil(lambda: sorted(lv.model.ids()) == sorted(ids[1:]), timeout=10000)
    assert window.triage_view.tag.findText("tag: to-read (2)") >= 0
    lv.select_paper(ids[1])
    qtbot.waitUntil(lambda: window.detail.paper is not None and window.detail.paper.id == ids[1], timeout=10000)
    qtbot.keyClicks(window.detail.tag_edit, "methods")
    with qtbot.waitSignal(window.detail.tagsChanged, timeout=10000):
        qtbot.keyClick(window.detail.tag_edit, Qt.Key_Return)
    qtbot.waitUntil(lambda: window.triage_view.tag.findData("methods") >= 0, timeout=10000)
