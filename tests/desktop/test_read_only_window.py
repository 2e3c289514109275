"""A read-only library can be read but not edited: every control that writes (note and tag boxes,
triage decisions and their keys, Find gaps, Build maps, imports ...) is off, with a tooltip that says
why, and comes back when a writable library is opened. Nothing typed is thrown away."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt


def _writers(window):
    w = window
    return {"note box": w.detail.note_edit, "tag box": w.detail.tag_edit, "Add note": w.detail.save_note,
            "Include": w.triage_view.b_include, "Undo": w.triage_view.b_undo, "Find gaps": w.gaps_view.find_button,
            "Build maps": w.maps_view.build_button, "Launch": w.experiments_view.launch_button,
            "Import": w.act_import, "Collect": w.act_collect, "Attach PDF": w.act_attach_pdf}


@pytest.fixture
def read_only_window(qtbot, lib_path, monkeypatch):
    """Permissions do not bind root: the library is 'not writable' by the same check the store makes,
    and then opened mode=ro for real."""
    import gapscope.store.library as store_library

    from .conftest import _close_at_teardown, _open_window

    with monkeypatch.context() as m:        # only this: the autouse isolation (settings, data, log) stays
        m.setattr(store_library, "_writable", lambda db: False)
        window = _open_window(qtbot, lib_path)
    yield window
    _close_at_teardown(window)


def test_a_read_only_library_turns_every_writing_control_off_with_the_reason(read_only_window, qtbot, tmp_path,
                                                                            lib_path):
    from gapscope.triage import current_decisions

    from .test_triage_view import _wait_card

    window = read_only_window
    assert window.lib.read_only and "(read-only)" in window.windowTitle()
    window.library_view.table.selectRow(1)                   # a paper shown: the boxes would be on
    assert window.detail.paper is not None
    for name, w in _writers(window).items():
        assert not w.isEnabled(), name
        assert "read-only" in w.toolTip(), name
    window.tabs.setCurrentIndex(1)
    _wait_card(qtbot, window.triage_view)                    # a card shown: the decisions would be on
    assert not window.triage_view.b_include.isEnabled()
    qtbot.keyClick(window.triage_view, Qt.Key_I)             # the key does not decide either
    assert not window.triage_view.loading and current_decisions(window.lib) == {}

    writable = tmp_path / "writable.sqlite"
    shutil.copy(lib_path, writable)
    assert window.open_library(writable) and not window.lib.read_only
    window.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: window.library_view.model.rowCount() > 1, timeout=10000)
    window.library_view.table.selectRow(1)
    for name, w in _writers(window).items():
        if name == "Include":
            continue                                         # on once the Triage view shows a card
        assert w.isEnabled(), name
        assert "read-only" not in w.toolTip(), name
    assert window.gaps_view.find_button.toolTip().startswith("Find gaps between")


def test_a_control_the_view_turns_on_stays_off_while_read_only(qtbot):
    from PySide6.QtWidgets import QPushButton, QWidget

    from gapscope_desktop.write_guard import WriteGuard

    parent = QWidget()
    qtbot.addWidget(parent)
    button = QPushButton("Save", parent)
    button.setToolTip("Save it")
    guard = WriteGuard()
    guard.register([button])
    guard.set_read_only(True)
    button.setEnabled(True)                                  # the view's own wish, e.g. a task ended
    assert not button.isEnabled() and "read-only" in button.toolTip()
    guard.set_read_only(False)
    assert button.isEnabled() and button.toolTip() == "Save it"
    button.setEnabled(False)                                 # off by the view's wish (nothing to do)
    guard.set_read_only(True)
    guard.set_read_only(False)
    assert not button.isEnabled()


def test_a_control_the_view_turns_off_while_read_only_stays_off_once_writable(qtbot):
    """Qt sends nothing when a control already held off is turned off: the view says so through
    write_guard.set_enabled, and the guard gives that wish back, not the last one it saw."""
    from PySide6.QtWidgets import QPushButton, QWidget

    from gapscope_desktop.write_guard import WriteGuard, set_enabled

    parent = QWidget()
    qtbot.addWidget(parent)
    button = QPushButton("Find", parent)
    guard = WriteGuard()
    guard.register([button])
    guard.set_read_only(True)
    set_enabled(button, False)                               # e.g. a step started: off until it ends
    guard.set_read_only(False)                               # a writable library opens
    assert not button.isEnabled()
    set_enabled(button, True)                                # the view's own "on"
    assert button.isEnabled()
    guard.set_read_only(True)
    set_enabled(button, True)
    assert not button.isEnabled() and "read-only" in button.toolTip()
    loose = QPushButton("Not a writer", parent)              # a control no guard holds: set directly
    set_enabled(loose, False)
    assert not loose.isEnabled()


def test_the_triage_buttons_turned_off_while_read_only_stay_off_once_writable(read_only_window):
    window = read_only_window
    triage = window.triage_view
    triage._set_enabled(True)                                # a card shown (held off: read-only)
    assert not triage.b_include.isEnabled()
    triage._set_enabled(False)                               # then none left to decide on
    window.write_guard.set_read_only(False)                  # what opening a writable library does first
    assert not any(b.isEnabled() for b in (triage.b_include, triage.b_exclude, triage.reason))
    triage._set_enabled(True)
    assert all(b.isEnabled() for b in (triage.b_include, triage.b_exclude, triage.reason))


def test_read_only_the_less_seen_writers_write_nothing(read_only_window, monkeypatch):
    """Check Facet Labels (its number keys too), the Reader's page menu, Preferences' library-kept
    settings and Collect each refuse, saying why, instead of failing in the store."""
    import gapscope_desktop.dialogs.collect_dialog as collect_dialog
    import gapscope_desktop.dialogs.preferences_dialog as preferences_dialog
    from PySide6.QtWidgets import QMessageBox

    from gapscope.vocabulary import SENTENCE_ROLES

    window = read_only_window
    started, told = [], []
    for name in ("save", "write"):
        monkeypatch.setattr(window.tasks, name, lambda task_name, *a, **k: started.append(task_name))
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _title, text, *a, **k: told.append(text))

    window.show_facet_review()
    dlg = window.facet_review
    monkeypatch.setattr(dlg, "_show_context", lambda r: None)
    dlg.show_rows([{"role_confidence": 0.4, "shortcoming_confidence": 0.5, "role": "result", "shortcoming": "none",
                    "text": "A sentence.", "title": "A paper", "paper_id": 1, "start": 0, "end": 11, "idx": 0}])
    assert all(not b.isEnabled() for b in dlg.buttons.values())
    dlg.set_label(SENTENCE_ROLES[0])                          # what the number key 1 does
    assert "read-only" in dlg.info.text()

    reader = window.reader
    reader.selection = (0, 1)                                 # text selected on the page
    assert not any(a.isEnabled() for a in reader.page_menu().actions())
    assert reader.highlight_selection("a note") is False and "read-only" in reader.status.text()

    class Accepted:
        library_settings = {"collect.arxiv_url": "http://mirror.example/api"}

        def __init__(self, *a, **k):
            pass

        def exec(self):
            return True

    monkeypatch.setattr(preferences_dialog, "PreferencesDialog", Accepted)
    window.show_preferences()
    assert "collect.arxiv_url" in told[-1] and "read-only" in told[-1]

    monkeypatch.setattr(collect_dialog.CollectDialog, "exec", lambda self: started.append("collect dialog"))
    window.show_collect()
    assert "read-only" in told[-1]
    assert started == []


def _cancelled_run(lib):
    lib.insert_run(run_id="r-kept", name="mlp", spec_path=None, spec="", folder="runs/r-kept", status="cancelled",
                   gap_id=None, created_at="2026-05-01T10:00:00+00:00", papers=[])


def test_resume_turned_off_while_read_only_stays_off_once_writable(qtbot, lib_path, monkeypatch):
    """Experiments: a cancelled run selected in a read-only library's History (Resume held off), then
    deselected (no run to resume): a writable library opened next does not turn Resume on, even
    for the moment before its History loads."""
    import gapscope.store.library as store_library

    from .conftest import _close_at_teardown, _open_window
    from .library_data import write_aside

    write_aside(lib_path, _cancelled_run)
    with monkeypatch.context() as m:
        m.setattr(store_library, "_writable", lambda db: False)
        window = _open_window(qtbot, lib_path)
    try:
        view = window.experiments_view
        window.tabs.setCurrentWidget(view)
        qtbot.waitUntil(lambda: view.history.topLevelItemCount() == 1, timeout=20000)
        view.history.topLevelItem(0).setSelected(True)       # resumable: Resume would be on
        assert not view.resume_button.isEnabled() and "read-only" in view.resume_button.toolTip()
        view.history.clearSelection()                        # nothing to resume
        window.write_guard.set_read_only(False)              # what opening a writable library does first
        assert not view.resume_button.isEnabled()
        assert view.launch_button.isEnabled()
    finally:
        _close_at_teardown(window)


def test_read_only_a_highlight_with_a_note_offers_no_remove_and_asks_nothing(qtbot, lib_path, monkeypatch):
    """The paper details list the highlights without their "remove" link, and a stray click on one is
    not answered by "Remove this highlight and its note?" that then removes nothing."""
    import gapscope.store.library as store_library
    from PySide6.QtCore import QUrl
    from PySide6.QtWidgets import QMessageBox

    from gapscope.store import Library

    from .conftest import _close_at_teardown, _open_window

    lib = Library(lib_path)
    try:
        pid = next(p.id for p in lib.get_papers(lib.list_paper_ids()) if len(p.abstract or "") > 20)
        hid = lib.add_highlight(pid, 0, 10, comment="keep this one")
    finally:
        lib.close()
    with monkeypatch.context() as m:
        m.setattr(store_library, "_writable", lambda db: False)
        window = _open_window(qtbot, lib_path)
    try:
        window.detail.show_paper(pid)
        page = window.detail.notes_view.toHtml()
        assert "keep this one" in page and "highlight:remove/" not in page
        asked = []
        monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: asked.append(a) or QMessageBox.Yes))
        window.detail._link(QUrl(f"highlight:remove/{hid}"))
        assert asked == [] and "Remove highlight" not in [t.name for t in window.tasks.running]
    finally:
        _close_at_teardown(window)
