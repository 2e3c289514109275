"""Edit > Undo (Ctrl+Z, in the paper's details or the paper list) takes back the shown paper's last edit of
its title or abstract: the edit is kept in the library with the text it replaced, so a window opened later
undoes it too; an undo over a change made elsewhere since is refused and says why. Edit > Redo (Ctrl+Shift+Z)
makes the undone edit again, until a new edit closes the way."""

from __future__ import annotations

from PySide6.QtCore import Qt

from .conftest import _close_at_teardown, _open_window

NEW = ("We re-estimate the effect of class size on reading scores with a regression discontinuity design. "
       "Smaller classes raise scores by a tenth of a standard deviation.")


def _edit_menu(window):
    return next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")


def test_an_abstract_and_a_title_edit_are_undone_by_ctrl_z_in_the_pane_and_the_list(window, qtbot):
    detail, lv = window.detail, window.library_view
    pid = lv.model.paper_id(2)
    assert lv.select_paper(pid)
    old = window.lib.get_paper(pid)
    undo = detail.act_undo_edit
    assert undo in _edit_menu(window).actions()
    assert not undo.isEnabled() and undo.text() == "Undo Edit"           # nothing edited yet

    with qtbot.waitSignal(detail.abstractChanged, timeout=10000):
        detail.edit_abstract(NEW, pid)
    qtbot.waitUntil(lambda: undo.isEnabled(), timeout=10000)
    assert undo.text() == "Undo Abstract Edit"
    with qtbot.waitSignal(detail.abstractChanged, timeout=10000):
        detail.browser.setFocus()
        qtbot.keyClick(detail.browser, Qt.Key_Z, Qt.ControlModifier)
    assert window.lib.get_paper(pid).abstract == old.abstract
    qtbot.waitUntil(lambda: "regression discontinuity" not in detail.browser.toPlainText(), timeout=10000)
    assert f"Undone: paper #{pid}'s abstract" in window.statusBar().currentMessage()
    assert not undo.isEnabled()

    with qtbot.waitSignal(detail.titleChanged, timeout=10000):
        detail.edit_title("A title typed by mistake", pid)
    qtbot.waitUntil(lambda: undo.isEnabled() and undo.text() == "Undo Title Edit", timeout=10000)
    with qtbot.waitSignal(detail.titleChanged, timeout=10000):
        lv.table.setFocus()                     # Ctrl+Z from the paper list too
        qtbot.keyClick(lv.table, Qt.Key_Z, Qt.ControlModifier)
    assert window.lib.get_paper(pid).title == old.title
    qtbot.waitUntil(lambda: detail.paper is not None and detail.paper.title == old.title, timeout=10000)
    # the history stays in the library: both edits, undone
    assert [bool(e["undone_at"]) for e in window.lib.paper_edits(pid)] == [True, True]


def test_an_edit_is_undone_from_a_window_opened_later(qtbot, lib_path):
    first = _open_window(qtbot, lib_path)
    pid = first.library_view.model.paper_id(2)
    assert first.library_view.select_paper(pid)
    old = first.lib.get_paper(pid).abstract
    with qtbot.waitSignal(first.detail.abstractChanged, timeout=10000):
        first.detail.edit_abstract(NEW, pid)
    _close_at_teardown(first)

    window = _open_window(qtbot, lib_path)                 # a restart
    try:
        assert window.library_view.select_paper(pid)
        undo = window.detail.act_undo_edit
        assert undo.isEnabled() and undo.text() == "Undo Abstract Edit"
        with qtbot.waitSignal(window.detail.abstractChanged, timeout=10000):
            undo.trigger()                                  # Edit > Undo Abstract Edit
        assert window.lib.get_paper(pid).abstract == old
    finally:
        _close_at_teardown(window)


def test_an_undo_over_a_change_made_elsewhere_is_refused_and_says_why(window, qtbot):
    detail, lv = window.detail, window.library_view
    pid = lv.model.paper_id(2)
    assert lv.select_paper(pid)
    with qtbot.waitSignal(detail.abstractChanged, timeout=10000):
        detail.edit_abstract(NEW, pid)

    def elsewhere(lib, *, progress=None, cancel=None):     # another process (an import, say) changes it
        lib.set_paper_abstract(pid, "Changed elsewhere.", expected=NEW)

    job = window.tasks.write("Elsewhere", elsewhere, library=window.lib.path)
    qtbot.waitUntil(lambda: job.done, timeout=10000)
    task = detail.undo_edit()
    qtbot.waitUntil(lambda: task.done, timeout=10000)
    assert window.lib.get_paper(pid).abstract == "Changed elsewhere."          # not written over
    qtbot.waitUntil(lambda: "Not undone" in detail.notes_view.toPlainText(), timeout=10000)
    assert "abstract was changed since the edit" in detail.notes_view.toPlainText()
    assert "Not undone" in window.statusBar().currentMessage()
    assert detail.undoing is None


def test_a_title_edit_and_its_undo_have_the_gaps_view_mark_its_gaps_again(window, qtbot):
    """A title edit changes what gaps reading the paper count and quote (gaps/label_changes.py): the Gaps view
    reads its stale marks again, as after an abstract edit."""
    detail, lv = window.detail, window.library_view
    pid = lv.model.paper_id(1)
    assert lv.select_paper(pid)
    reread = []
    window.gaps_view.library_modified = lambda: reread.append(pid)
    with qtbot.waitSignal(detail.titleChanged, timeout=10000):
        detail.edit_title("A title that names another concept", pid)
    assert reread == [pid]
    qtbot.waitUntil(lambda: detail.act_undo_edit.isEnabled(), timeout=10000)
    with qtbot.waitSignal(detail.titleChanged, timeout=10000):
        detail.undo_edit()
    assert reread == [pid, pid]


def test_edit_redo_makes_an_undone_edit_again_and_a_new_edit_closes_the_way(window, qtbot):
    """Edit > Redo (Ctrl+Shift+Z, the platform's Redo keys) makes again the edit the last undo took back: on only
    while there is one, named as Undo is, and said in the status bar as an undo is."""
    detail, lv = window.detail, window.library_view
    pid = lv.model.paper_id(2)
    assert lv.select_paper(pid)
    old = window.lib.get_paper(pid)
    redo = detail.act_redo_edit
    assert redo in _edit_menu(window).actions() and redo in lv.actions()
    assert not redo.isEnabled() and redo.text() == "Redo Edit"             # nothing undone yet

    with qtbot.waitSignal(detail.abstractChanged, timeout=10000):
        detail.edit_abstract(NEW, pid)
    qtbot.waitUntil(lambda: detail.act_undo_edit.isEnabled(), timeout=10000)
    assert not redo.isEnabled()                                              # an edit is no undo
    with qtbot.waitSignal(detail.abstractChanged, timeout=10000):
        detail.undo_edit()
    qtbot.waitUntil(lambda: redo.isEnabled(), timeout=10000)
    assert redo.text() == "Redo Abstract Edit" and window.lib.get_paper(pid).abstract == old.abstract

    with qtbot.waitSignal(detail.abstractChanged, timeout=10000):
        detail.browser.setFocus()
        qtbot.keyClick(detail.browser, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert window.lib.get_paper(pid).abstract == NEW
    qtbot.waitUntil(lambda: "regression discontinuity" in detail.browser.toPlainText(), timeout=10000)
    assert f"Redone: paper #{pid}'s abstract" in window.statusBar().currentMessage()
    assert not redo.isEnabled() and detail.act_undo_edit.text() == "Undo Abstract Edit"

    with qtbot.waitSignal(detail.abstractChanged, timeout=10000):
        lv.table.setFocus()                                                  # undo and redo from the list too
        qtbot.keyClick(lv.table, Qt.Key_Z, Qt.ControlModifier)
    qtbot.waitUntil(lambda: redo.isEnabled(), timeout=10000)
    with qtbot.waitSignal(detail.titleChanged, timeout=10000):
        detail.edit_title("Another title", pid)                              # a new edit after the undo
    qtbot.waitUntil(lambda: detail.act_undo_edit.text() == "Undo Title Edit", timeout=10000)
    assert not redo.isEnabled() and detail.redo_edit() is None
    assert "Nothing to redo" in window.statusBar().currentMessage()
    assert window.lib.get_paper(pid).abstract == old.abstract


def test_a_redo_over_a_change_made_elsewhere_is_refused_and_says_why(window, qtbot):
    detail, lv = window.detail, window.library_view
    pid = lv.model.paper_id(2)
    assert lv.select_paper(pid)
    old = window.lib.get_paper(pid).abstract
    with qtbot.waitSignal(detail.abstractChanged, timeout=10000):
        detail.edit_abstract(NEW, pid)
    with qtbot.waitSignal(detail.abstractChanged, timeout=10000):
        detail.undo_edit()

    def elsewhere(lib, *, progress=None, cancel=None):     # an import replaces the abstract the undo put back
        lib.set_paper_abstract(pid, "Changed elsewhere.", expected=old)

    job = window.tasks.write("Elsewhere", elsewhere, library=window.lib.path)
    qtbot.waitUntil(lambda: job.done, timeout=10000)
    task = detail.redo_edit()
    qtbot.waitUntil(lambda: task.done, timeout=10000)
    assert window.lib.get_paper(pid).abstract == "Changed elsewhere."          # not written over
    qtbot.waitUntil(lambda: "Not redone" in detail.notes_view.toPlainText(), timeout=10000)
    assert "abstract was changed since the edit" in window.statusBar().currentMessage()
    assert detail.undoing is None
