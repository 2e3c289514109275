"""The paper table's context menu (decide, re-decide, seed, tag, collections, citation) and the
sidebar's collections (create, rename, screen in Triage), on a real library."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

pytest.importorskip("gapscope.triage")


@contextmanager
def _set_up_as_another_process():
    """Writes a test makes to set the scene (the window's own thread may not write: its edits go on the
    writer queue)."""
    from gapscope.store import allow_writes_in_current_thread, forbid_writes_in_current_thread

    allow_writes_in_current_thread()
    try:
        yield
    finally:
        forbid_writes_in_current_thread()


def _saved(qtbot, window):
    """Wait for the window's edits on the writer queue."""
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=20000)


def _action(menu, *path):
    """The action at ``path`` (menu titles, then the action's text) in ``menu``."""
    for title in path[:-1]:
        menu = next(a.menu() for a in menu.actions() if a.menu() is not None and a.text().startswith(title))
    return next(a for a in menu.actions() if a.text().startswith(path[-1]))


def test_context_menu_decides_redecides_and_fills_collections(window, qtbot):
    from PySide6.QtWidgets import QApplication

    from gapscope.triage import current_decisions, decision_log, list_reasons

    lv = window.library_view
    ids = lv.model.ids()[:2]
    menu = lv.paper_menu(ids).build()
    _action(menu, "Decide", "Include").trigger()
    _saved(qtbot, window)
    cur = current_decisions(window.lib)
    assert cur[ids[0]]["decision"] == cur[ids[1]]["decision"] == "include"

    # re-deciding one paper: the menu says so, and the log keeps the first decision
    menu = lv.paper_menu(ids[:1]).build()
    reason = list_reasons(window.lib)[0]
    _action(menu, "Re-decide", "Exclude with reason", reason).trigger()
    _saved(qtbot, window)
    log = decision_log(window.lib, paper_id=ids[0])
    assert [(r["decision"], r["reason"], r["undone_at"]) for r in log] == [("include", None, None), ("exclude", reason, None)]
    assert current_decisions(window.lib)[ids[1]]["decision"] == "include"  # nothing after it undone

    lv.paper_menu(ids).new_collection("picked")
    _saved(qtbot, window)
    assert dict(window.lib.list_collections())["picked"] == 2
    lv.paper_menu(ids[:1]).tag("key paper")
    _saved(qtbot, window)
    assert window.lib.tags_of(ids[0]) == ["key paper"]
    lv.paper_menu(ids[:1]).copy_citation()
    title = " ".join(window.lib.get_paper(ids[0]).title.split())
    assert title in QApplication.clipboard().text()

    # the sidebar and the triage view hear about the new collection and tag
    names = [window.sidebar.topLevelItem(i).text(0) for i in range(window.sidebar.topLevelItemCount())]
    assert "COLLECTIONS" in names
    assert window.triage_view.collection.findData("picked") > 0


def test_sidebar_creates_renames_and_screens_a_collection(window, qtbot):
    from gapscope.triage import current_decisions

    sb = window.sidebar
    sb.new_collection("to screen")
    _saved(qtbot, window)
    ids = window.library_view.model.ids()[:5]
    with _set_up_as_another_process():
        window.lib.add_to_collection("to screen", ids)
    sb.rename_collection("to screen", "screening set")
    _saved(qtbot, window)
    assert dict(window.lib.list_collections()) == {"screening set": 5}
    sb.reload()
    sb.select_choice("collection", "screening set")
    menu = sb.menu_for(sb.currentItem())
    _action(menu, "Screen in Triage").trigger()
    view = window.triage_view
    assert window.tabs.currentWidget() is view and view.collection.currentData() == "screening set"
    qtbot.waitUntil(lambda: not view.loading and view.current is not None, timeout=60000)
    assert view.current in ids
    assert view.progress.maximum() == 5
    view.decide("include")
    qtbot.waitUntil(lambda: not view.loading and view.current is not None, timeout=60000)
    _saved(qtbot, window)
    assert len(current_decisions(window.lib, "screening set")) == 1


def test_conflicts_are_listed_and_resolved_from_the_table(window, qtbot):
    from gapscope.triage import conflicts, current_decisions, decide

    ids = window.library_view.model.ids()[:3]
    with _set_up_as_another_process():
        for pid, a, b in zip(ids, ("include", "exclude", "include"), ("exclude", "exclude", "include")):
            decide(window.lib, pid, a, reviewer="ann")
            decide(window.lib, pid, b, reviewer="ben")
    window.refresh_sidebar()
    sb = window.sidebar
    sb.select_choice("decision", "conflict")
    item = sb.currentItem()
    assert item is not None and item.text(0) == "Conflicts to resolve" and item.text(1) == "1"
    sb.itemClicked.emit(item, 0)
    lv = window.library_view
    qtbot.waitUntil(lambda: not lv.loading and lv.model.ids() == [ids[0]], timeout=10000)
    menu = lv.paper_menu([ids[0]]).build()
    _action(menu, "Resolve conflict", "Include").trigger()
    _saved(qtbot, window)
    assert conflicts(window.lib) == []
    assert current_decisions(window.lib)[ids[0]]["origin"] == "resolution"


def test_with_named_reviewers_the_table_settles_a_paper_for_all(window, qtbot):
    from gapscope.triage import conflicts, current_decisions, decide

    ids = window.library_view.model.ids()[:2]
    with _set_up_as_another_process():
        for pid in ids:
            decide(window.lib, pid, "include", reviewer="ann")
            decide(window.lib, pid, "include", reviewer="ben")
    menu = window.library_view.paper_menu([ids[0]]).build()
    _action(menu, "Decide for all reviewers", "Exclude").trigger()
    _saved(qtbot, window)
    assert current_decisions(window.lib)[ids[0]]["decision"] == "exclude"
    assert conflicts(window.lib) == []  # not a third vote against ann and ben


def test_with_named_reviewers_the_table_offers_no_unnamed_seed(window, qtbot):
    from gapscope.triage import decide

    ids = window.library_view.model.ids()[:2]
    assert _action(window.library_view.paper_menu([ids[1]]).build(), "Seed as relevant").isEnabled()
    with _set_up_as_another_process():
        decide(window.lib, ids[0], "include", reviewer="ann")
    seed = _action(window.library_view.paper_menu([ids[1]]).build(), "Seed as relevant")
    assert not seed.isEnabled() and "--reviewer" in seed.toolTip()     # a third reviewer's vote otherwise


def test_papers_leave_the_listed_collection_and_the_collection_can_be_deleted(window, qtbot):
    """A paper put in the wrong collection comes out of it from the table's menu (it stays in the library);
    the sidebar deletes a collection after saying what goes with it, and the list shows all papers again."""
    from gapscope.triage import current_decisions

    lv, sb = window.library_view, window.sidebar
    ids = lv.model.ids()[:3]
    lv.paper_menu(ids).new_collection("reading list")
    _saved(qtbot, window)
    sb.reload()
    sb.select_choice("collection", "reading list")
    window._sidebar_chosen("collection", "reading list")
    qtbot.waitUntil(lambda: sorted(lv.model.ids()) == sorted(ids), timeout=20000)
    with _set_up_as_another_process():
        from gapscope.triage import decide

        decide(window.lib, ids[0], "include", collection="reading list")
    menu = lv.paper_menu(ids[:1]).build()
    assert lv.paper_menu(ids[:1]).collection == "reading list"
    _action(menu, "Remove from “reading list”").trigger()
    _saved(qtbot, window)
    assert sorted(window.lib.list_paper_ids(collection="reading list")) == sorted(ids[1:])
    assert window.lib.get_paper(ids[0]) is not None                     # still in the library
    qtbot.waitUntil(lambda: sorted(lv.model.ids()) == sorted(ids[1:]), timeout=20000)

    menu = sb.menu_for(sb.currentItem())
    assert _action(menu, "Delete collection…").isEnabled()
    asked = []
    assert not sb.delete_collection("reading list", confirm=lambda t: asked.append(t) or False)
    assert dict(window.lib.list_collections()) == {"reading list": 2}     # Cancel: nothing deleted
    assert "(2) stay in the library" in asked[0] and "1 screening decision made in it is deleted" in asked[0]
    assert sb.delete_collection("reading list", confirm=lambda t: True)
    _saved(qtbot, window)
    assert dict(window.lib.list_collections()) == {}
    assert current_decisions(window.lib) == {}                            # the whole library's: untouched
    assert sb.current_choice() == ("all", None)
    assert window.triage_view.collection.findData("reading list") == -1      # Triage offers it no more
    qtbot.waitUntil(lambda: lv.model.rowCount() == window.lib.count_papers(), timeout=20000)


def test_a_search_is_saved_by_name_listed_in_the_sidebar_run_again_and_deleted(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    lv, sb = window.library_view, window.sidebar
    assert not lv.save_search_button.isEnabled()                       # nothing typed: nothing to save
    lv.search.setText("segmentation")
    lv._apply_search()
    assert lv.save_search_button.isEnabled()
    qtbot.waitUntil(lambda: not lv.loading, timeout=20000)
    found = sorted(lv.model.ids())
    assert 0 < len(found) < window.lib.count_papers()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Segmentation papers", True)))
    with qtbot.waitSignal(lv.searchSaved, timeout=20000):
        lv.save_search_button.click()
    assert window.lib.saved_searches() == [("Segmentation papers", "segmentation")]
    sb.select_choice("search", "segmentation")
    item = sb.currentItem()
    assert item is not None and item.text(0) == "Segmentation papers"

    window.library_view.clear_filters()
    qtbot.waitUntil(lambda: not lv.loading and lv.model.rowCount() == window.lib.count_papers(), timeout=20000)
    sb.itemClicked.emit(item, 0)                                         # one click runs it again
    qtbot.waitUntil(lambda: not lv.loading and sorted(lv.model.ids()) == found, timeout=20000)
    assert lv.search.text() == "segmentation"

    _action(sb.menu_for(item), "Delete saved search").trigger()
    _saved(qtbot, window)
    assert window.lib.saved_searches() == []
    names = [sb.topLevelItem(i).text(0) for i in range(sb.topLevelItemCount())]
    assert "SAVED SEARCHES" not in names


def test_saving_a_search_keeps_no_broken_query_and_replaces_another_only_when_asked(window, qtbot, monkeypatch):
    """As `gapscope search --save`: a query that cannot run is refused with why; a name already used for
    another search is replaced only after a Yes."""
    from PySide6.QtWidgets import QMessageBox

    lv = window.library_view
    warned, asked, reply = [], [], [QMessageBox.Cancel]
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: warned.append(a[2])))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: asked.append(a[2]) or reply[0]))

    def save(query, name):
        lv.search.setText(query)
        task = lv.save_search(name)
        if task is not None:
            qtbot.waitUntil(lambda: task.done, timeout=20000)
        return task

    save("segmentation", "mine")
    assert window.lib.saved_searches() == [("mine", "segmentation")]
    save("title:(", "broken")
    assert window.lib.saved_searches() == [("mine", "segmentation")] and len(warned) == 1
    assert "bad search" in warned[0]
    assert save("graph", "mine") is None and len(asked) == 1 and "segmentation" in asked[0]
    assert window.lib.saved_searches() == [("mine", "segmentation")]               # Cancel: kept
    reply[0] = QMessageBox.Yes
    save("graph", "mine")
    assert window.lib.saved_searches() == [("mine", "graph")]
    assert save("graph", "mine") is not None and len(asked) == 2                  # the same query: not asked


def test_a_saved_search_that_no_longer_runs_says_which_and_is_edited_in_place(window, qtbot, monkeypatch):
    """A saved search the parser now refuses (one ending in AND): choosing it names the saved search beside
    the parser's message and offers to edit it; the Export dialog offers no "current list" for a list that
    failed; the edited query replaces the saved one and runs."""
    from PySide6.QtWidgets import QInputDialog

    from gapscope_desktop.dialogs.export_dialog import ExportDialog

    lv, sb = window.library_view, window.sidebar
    with _set_up_as_another_process():
        window.lib.save_search("Old segmentation", "segmentation AND")
    sb.reload()
    sb.select_choice("search", "segmentation AND")
    sb.itemClicked.emit(sb.currentItem(), 0)
    qtbot.waitUntil(lambda: not lv.loading and lv.model.rowCount() == 0, timeout=20000)
    said = lv.filter_label.text()
    assert "saved search “Old segmentation”" in said and "AND needs" in said
    assert not lv.edit_saved_search_button.isHidden()

    scopes: list = []
    monkeypatch.setattr(ExportDialog, "exec", lambda dlg: scopes.extend(
        dlg.scope.itemData(i) for i in range(dlg.scope.count())) or 0)
    window.show_export()
    assert scopes and "search" not in scopes                     # no "current list" of a search that failed

    asked = []
    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *a, **k: asked.append((a[2], k.get("text"))) or ("segmentation", True)))
    with qtbot.waitSignal(lv.searchSaved, timeout=20000):
        lv.edit_saved_search_button.click()
    assert "Old segmentation" in asked[0][0] and asked[0][1] == "segmentation AND"
    assert window.lib.saved_searches() == [("Old segmentation", "segmentation")]
    qtbot.waitUntil(lambda: not lv.loading and lv.model.rowCount() > 0, timeout=20000)
    assert lv.search.text() == "segmentation" and lv.edit_saved_search_button.isHidden()
    scopes.clear()
    window.show_export()
    assert "search" in scopes


def test_replacing_several_decisions_at_once_is_asked_about_first(window, qtbot, monkeypatch):
    """A Select All then Exclude would replace every decision made so far in one click: asked first, a
    Cancel changes nothing; one paper re-decided is not asked about."""
    from PySide6.QtWidgets import QMessageBox

    from gapscope.triage import current_decisions

    lv = window.library_view
    ids = lv.model.ids()[:4]
    _action(lv.paper_menu(ids[:3]).build(), "Decide", "Include").trigger()
    _saved(qtbot, window)
    asked, reply = [], [QMessageBox.Cancel]
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a, **k: asked.append(text) or reply[0])
    _action(lv.paper_menu(ids).build(), "Re-decide", "Exclude").trigger()
    _saved(qtbot, window)
    assert len(asked) == 1 and "3 of these papers are already decided (3 include)" in asked[0]
    assert {i: d["decision"] for i, d in current_decisions(window.lib).items()} == dict.fromkeys(ids[:3], "include")
    reply[0] = QMessageBox.Yes
    _action(lv.paper_menu(ids).build(), "Re-decide", "Exclude").trigger()
    _saved(qtbot, window)
    assert {i: d["decision"] for i, d in current_decisions(window.lib).items()} == dict.fromkeys(ids, "exclude")
    _action(lv.paper_menu(ids[:1]).build(), "Re-decide", "Maybe").trigger()
    _saved(qtbot, window)
    assert len(asked) == 2 and current_decisions(window.lib)[ids[0]]["decision"] == "maybe"


def test_screen_this_list_screens_exactly_the_papers_the_table_lists(window, qtbot, monkeypatch):
    """"Screen this list in Triage" carries every filter of the table (here With a PDF on top of a search),
    as the Export dialog's current list does: Triage screens the listed papers and no more, and both the
    menu's entry and Triage's chip say what the list holds."""
    from gapscope.store.fulltext import FulltextMixin

    lv, view = window.library_view, window.triage_view
    qtbot.waitUntil(lambda: not lv.loading and lv.model.rowCount() == window.lib.count_papers(), timeout=20000)
    every = lv.model.ids()
    lv.search.setText("segmentation")
    lv._apply_search()
    qtbot.waitUntil(lambda: not lv.loading and lv.model.rowCount() < len(every), timeout=20000)
    found = lv.model.ids()
    assert len(found) >= 3
    # the papers "with a PDF": every other found one, and papers the search does not find
    with_pdf = found[::2] + [i for i in every if i not in found][:3]
    monkeypatch.setattr(FulltextMixin, "paper_ids_with_pdf", lambda self: list(with_pdf))
    lv.set_filter(with_pdf=True)
    qtbot.waitUntil(lambda: not lv.loading and lv.model.rowCount() == len(found[::2]), timeout=20000)
    listed = lv.model.ids()

    action = _action(lv.paper_menu(listed[:1]).build(), "Screen this list in Triage")
    assert f"{len(listed)} papers" in action.text()
    assert "with a PDF" in action.text() and "segmentation" in action.text()
    action.trigger()
    assert window.tabs.currentWidget() is view
    assert sorted(view.scope().paper_ids(window.lib)) == sorted(listed)
    assert view.cluster_chip.isVisible() and "with a PDF" in view.cluster_chip.toolTip()
    qtbot.waitUntil(lambda: not view.loading and view.current is not None, timeout=60000)
    assert view.current in listed and view.progress.maximum() == len(listed)
