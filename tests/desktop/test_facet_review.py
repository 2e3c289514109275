"""Check Facet Labels on a real classified library: the least certain labels first, a key sets one right
(saved as a correction the maps use, the sentence leaves the list), a paper opens from it, one paper only."""

from __future__ import annotations

from PySide6.QtCore import Qt

from gapscope.facets import paper_sentences, uncertain_sentences


def _open(w, qtbot):
    w.act_check_facets.trigger()
    dlg = w.facet_review
    assert dlg is not None and dlg.isVisible()
    qtbot.waitUntil(lambda: bool(dlg.rows), timeout=20000)
    return dlg


def test_check_facet_labels_sets_the_least_certain_right(analysed_window, qtbot, tmp_path):
    w = analysed_window
    dlg = _open(w, qtbot)
    want = uncertain_sentences(w.lib, limit=len(dlg.rows))
    assert [(r["paper_id"], r["idx"]) for r in dlg.rows] == [(r["paper_id"], r["idx"]) for r in want]
    assert dlg.table.topLevelItemCount() == len(want)
    assert float(dlg.table.topLevelItem(0).text(0)) <= float(dlg.table.topLevelItem(1).text(0))
    assert [dlg.table.headerItem().text(i) for i in range(3)] == ["Confidence", "Role", "Shortcoming"]
    assert dlg.grab().save(str(tmp_path / "facet_review.png")) and (tmp_path / "facet_review.png").stat().st_size > 5000

    # key 3 = method: saved as a correction, the row leaves, the next one is selected
    first, second = dlg.rows[0], dlg.rows[1]
    assert dlg.table.currentItem() is dlg.table.topLevelItem(0)
    with qtbot.waitSignal(dlg.corrected, timeout=20000) as sig:
        qtbot.keyClick(dlg.table, Qt.Key_3)
    assert sig.args == [first["paper_id"]]
    fixed = {(s["start"], s["end"]): s for s in paper_sentences(w.lib, first["paper_id"])}[(first["start"], first["end"])]
    assert fixed["role"] == "method" and fixed["role_corrected"]
    assert (dlg.rows[0]["paper_id"], dlg.rows[0]["idx"]) == (second["paper_id"], second["idx"])
    assert dlg.table.currentItem().text(3) == second["text"]
    assert second["text"] in dlg.context.toPlainText()          # the whole sentence, with its neighbours

    # a button sets the shortcoming the same way (key 9 = own); a role filter and a shortcoming filter narrow the list
    with qtbot.waitSignal(dlg.corrected, timeout=20000):                      # saved on the writer queue
        qtbot.mouseClick(dlg.buttons["own"], Qt.LeftButton)
    fixed = {(s["start"], s["end"]): s for s in paper_sentences(w.lib, second["paper_id"])}[(second["start"], second["end"])]
    assert fixed["shortcoming"] == "own" and fixed["shortcoming_corrected"] and fixed["role"] == second["role"]
    dlg.short_box.setCurrentIndex(dlg.short_box.findData("none"))
    qtbot.waitUntil(lambda: bool(dlg.rows) and all(r["shortcoming"] == "none" for r in dlg.rows), timeout=20000)
    dlg.short_box.setCurrentIndex(0)
    dlg.label_box.setCurrentIndex(dlg.label_box.findData("result"))
    qtbot.waitUntil(lambda: bool(dlg.rows) and all(r["role"] == "result" for r in dlg.rows), timeout=20000)

    # double-click opens the paper in the library; reopened, the dialog lists the library and can narrow to that paper
    item = dlg.table.topLevelItem(0)
    dlg.table.itemDoubleClicked.emit(item, 2)
    pid = dlg.rows[0]["paper_id"]
    qtbot.waitUntil(lambda: w.detail.paper is not None and w.detail.paper.id == pid, timeout=10000)
    dlg.close()
    dlg = _open(w, qtbot)
    assert dlg.paper_only.isEnabled() and len({r["paper_id"] for r in dlg.rows}) > 1
    dlg.paper_only.setChecked(True)
    qtbot.waitUntil(lambda: {r["paper_id"] for r in dlg.rows} == {pid}, timeout=20000)
    # the label filter chosen before stays (one dialog per window, reused)
    assert len(dlg.rows) == len([s for s in paper_sentences(w.lib, pid)
                                 if not (s["role_corrected"] or s["shortcoming_corrected"]) and s["role"] == "result"])
    dlg.close()


def test_check_facet_labels_shows_a_correction_that_labels_no_sentence_and_removes_it(lib_path, qtbot):
    """A correction whose words are gone from its place (its abstract changed under it) is listed below the
    labels with the words it was made on; Remove Correction takes it out and the check is clean again."""
    from gapscope.integrity import check_library
    from gapscope.sentences import split_sentences
    from gapscope.store import Library
    from gapscope.triage import correct_facet

    from .conftest import _close_at_teardown, _open_window

    with Library(lib_path, create=False) as lib:
        pid, abstract = next((p, a) for p, _t, a, *_ in lib.facet_state() if len(split_sentences(a or "")) >= 3)
        last = split_sentences(abstract)[-1]
        correct_facet(lib, pid, last.start, last.end, "own")
        with lib.transaction() as conn:        # rewritten outside GapScope: other words at its place now
            conn.execute("UPDATE papers SET abstract = ? WHERE id = ?",
                         (abstract[:last.start] + "We leave the rest of the data to a later study.", pid))
        assert [c["paper_id"] for c in check_library(lib).facet_corrections] == [pid]
        before = lib.facet_corrections(pid)
    w = _open_window(qtbot, lib_path)
    try:
        w.act_check_facets.trigger()
        dlg = w.facet_review
        qtbot.waitUntil(lambda: bool(dlg.strays), timeout=20000)
        assert dlg.stray_box.isVisible() and dlg.stray_table.topLevelItemCount() == 1
        assert not dlg.undo_remove.isEnabled()               # nothing removed yet
        assert dlg.remove_stray.height() >= dlg.remove_stray.minimumSizeHint().height() > 0   # not squeezed away
        item = dlg.stray_table.topLevelItem(0)
        assert item.text(1) == last.text and item.text(2) == "shortcoming own" and "no longer" in item.text(3)
        assert "1 of your corrections labels no sentence" in dlg.stray_note.text()
        assert not dlg.remove_stray.isEnabled()
        dlg.stray_table.setCurrentItem(item)
        assert dlg.remove_stray.isEnabled()
        with qtbot.waitSignal(dlg.corrected, timeout=20000) as sig:
            qtbot.mouseClick(dlg.remove_stray, Qt.LeftButton)
        assert sig.args == [pid]
        qtbot.waitUntil(lambda: not dlg.strays and dlg.stray_table.topLevelItemCount() == 0, timeout=20000)
        assert w.lib.facet_corrections(pid) == [] and check_library(w.lib).clean
        # a misclick: Undo Remove stays in view and Ctrl+Z puts the correction back as it was
        assert dlg.stray_box.isVisible() and dlg.undo_remove.isEnabled() and "Undo Remove" in dlg.info.text()
        dlg.activateWindow()
        qtbot.waitUntil(dlg.isActiveWindow, timeout=5000)
        with qtbot.waitSignal(dlg.corrected, timeout=20000) as sig:
            qtbot.keyClick(dlg.stray_table, Qt.Key_Z, Qt.ControlModifier)
        assert sig.args == [pid]
        assert w.lib.facet_corrections(pid) == before        # labels, place, words and date
        qtbot.waitUntil(lambda: len(dlg.strays) == 1, timeout=20000)
        assert dlg.stray_table.topLevelItem(0).text(1) == last.text and "Put back" in dlg.info.text()
        assert not dlg.undo_remove.isEnabled()
        dlg.undo_last_removal()                              # nothing left to undo: said, nothing written
        assert "Nothing to undo" in dlg.info.text() and w.lib.facet_corrections(pid) == before
        dlg.close()
    finally:
        _close_at_teardown(w)


def test_remove_correction_leaves_a_label_set_again_at_that_place_since_the_list_was_read(lib_path, qtbot):
    """A correction listed as labelling no sentence, then set again at its place (other words now there) by
    another writer: Remove Correction takes nothing out, and says so."""
    import threading

    from gapscope.sentences import split_sentences
    from gapscope.store import Library
    from gapscope.triage import correct_facet

    from .conftest import _close_at_teardown, _open_window

    with Library(lib_path, create=False) as lib:
        pid, abstract = next((p, a) for p, _t, a, *_ in lib.facet_state() if len(split_sentences(a or "")) >= 3)
        last = split_sentences(abstract)[-1]
        correct_facet(lib, pid, last.start, last.end, "own")
        other = ("We leave the rest of the data to a later study and " * 40)[:last.end - last.start - 1] + "."
        changed = abstract[:last.start] + other + abstract[last.end:]
        assert len(changed) == len(abstract)
        with lib.transaction() as conn:        # rewritten outside GapScope: other words, as long, at its place
            conn.execute("UPDATE papers SET abstract = ? WHERE id = ?", (changed, pid))
    w = _open_window(qtbot, lib_path)
    try:
        w.act_check_facets.trigger()
        dlg = w.facet_review
        qtbot.waitUntil(lambda: bool(dlg.strays), timeout=20000)

        def set_again():          # another writer (the command line) sets the label on the words there now
            with Library(lib_path, create=False) as other_lib:
                correct_facet(other_lib, pid, last.start, last.end, "method")
        t = threading.Thread(target=set_again)
        t.start()
        t.join()
        dlg.stray_table.setCurrentItem(dlg.stray_table.topLevelItem(0))
        with qtbot.waitSignal(dlg.corrected, timeout=20000):
            qtbot.mouseClick(dlg.remove_stray, Qt.LeftButton)
        assert "Not removed" in dlg.info.text() and not dlg.undo_remove.isEnabled()     # nothing to put back
        (c,) = w.lib.facet_corrections(pid)
        assert (c["role"], c["shortcoming"], c["text"]) == ("method", None, changed[last.start:last.end])
        qtbot.waitUntil(lambda: not dlg.strays, timeout=20000)
        dlg.close()
    finally:
        _close_at_teardown(w)


def test_undo_remove_does_not_stick_on_a_correction_whose_paper_was_deleted_since(window, qtbot):
    """Two corrections removed, then the paper of the last one deleted: Ctrl+Z cannot put that one back and
    says so, and the next Ctrl+Z puts back the one removed before it (it is not retried for ever)."""
    import threading

    from gapscope.deletion import delete_papers
    from gapscope.store import Library

    w = window
    w.act_check_facets.trigger()
    dlg = w.facet_review
    kept, gone = w.lib.facet_state()[0][0], w.lib.facet_state()[1][0]

    def removed(pid):
        words = w.lib.get_paper(pid).abstract[:12]
        return {"paper_id": pid, "start": 0, "end": 12, "role": "method", "shortcoming": None,
                "corrected_at": "2026-01-05T09:30:00+00:00", "text": words}

    dlg.removed = [removed(kept), removed(gone)]

    def delete_elsewhere():                                   # another window (the GUI thread does not write)
        with Library(w.lib.path, create=False) as other:
            delete_papers(other, [gone])
    writer = threading.Thread(target=delete_elsewhere)
    writer.start()
    writer.join()
    qtbot.waitUntil(lambda: not dlg._restoring, timeout=5000)
    dlg.undo_last_removal()
    qtbot.waitUntil(lambda: "Not put back" in dlg.info.text(), timeout=20000)
    assert "no longer in the library" in dlg.info.text()
    with qtbot.waitSignal(dlg.corrected, timeout=20000) as sig:
        dlg.undo_last_removal()
    assert sig.args == [kept] and [c["role"] for c in w.lib.facet_corrections(kept)] == ["method"]
    assert dlg.removed == [] and not dlg.undo_remove.isEnabled()
    dlg.close()


def test_remove_correction_is_off_before_the_corrections_are_listed(make_view):
    """Nothing is chosen until the listing of stray corrections arrives: the button must not offer a
    removal before then (a read-only window switched writable kept it on: nothing had turned it off)."""
    from gapscope_desktop.dialogs.facet_review_dialog import FacetReviewDialog

    dlg = make_view(FacetReviewDialog)
    assert not dlg.remove_stray.isEnabled()
    dlg.show_strays([])
    assert not dlg.remove_stray.isEnabled()
