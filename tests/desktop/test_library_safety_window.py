"""The window never writes to a library the user did not choose and never shows stale data as current: a
library that fails to open leaves the welcome page (every library action off, the default library only
when asked), changes made by another process are noticed (the views reload by themselves when nothing
is being edited, else a banner with Refresh), and File > Back Up Library makes a backup on a worker."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox


def _add_paper(lib, title, *, progress=None, cancel=None):
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper

    ingest_papers(lib, [Paper(source="test", source_key=title, title=title, abstract="An abstract.")],
                  kind="import", source="test", target="test")


def test_a_library_that_fails_to_open_leaves_the_welcome_page_and_no_action_writes_elsewhere(
        qtbot, lib_path, message_boxes, monkeypatch):
    from gapscope.store import database_file, default_library_path
    from gapscope_desktop.app import create_app
    from gapscope_desktop.main_window import MainWindow

    data = Path(lib_path).read_bytes()
    Path(lib_path).write_bytes(data[:len(data) // 3])          # a truncated library file
    create_app(["test"])
    w = MainWindow(lib_path)
    qtbot.addWidget(w)
    try:
        assert message_boxes and message_boxes[0][0] in ("critical", "warning")
        assert w.lib is None and w.pages.currentWidget() is w.welcome
        assert str(lib_path) in w.welcome.message.text() and "backup" in w.welcome.message.text()
        for a in (w.act_collect, w.act_import, w.act_attach_pdf, w.act_fetch_pdfs, w.act_export, w.act_check_facets,
                  w.act_backup, w.act_refresh):
            assert not a.isEnabled(), a.text()
        asked = []
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.No)
        w.welcome.buttons["importFile"].click()               # asks; No: nothing opened, nothing created
        assert asked and str(default_library_path()) in asked[0]
        assert w.lib is None and not database_file(default_library_path()).exists()
        assert Path(lib_path).read_bytes() == data[:len(data) // 3]        # the damaged file is left as it was
    finally:
        w.close()


def test_changes_by_another_process_reload_the_views_when_nothing_is_being_edited(qtbot, window):
    from gapscope_desktop.main_window import AUTO_REFRESH_MESSAGE

    from .library_data import write_aside

    qtbot.waitUntil(lambda: not window.tasks.running, timeout=20000)   # ended, and handled
    window.watch.take_version()
    before = window.library_view.model.rowCount()
    write_aside(window.lib.path, lambda other: _add_paper(other, "A paper imported from the command line"))
    assert window.watch.check() is True
    assert window.changed_banner.isHidden()                        # no banner: the views reload by themselves
    assert window.statusBar().currentMessage() == AUTO_REFRESH_MESSAGE
    qtbot.waitUntil(lambda: window.library_view.model.rowCount() == before + 1, timeout=20000)
    assert window.watch.check() is False
    # a task's report on the status line (what a fetch or an import did) is not covered by this one
    window.statusBar().showMessage("Fetched 1 of 2 PDFs", 30000)
    write_aside(window.lib.path, lambda other: _add_paper(other, "Another paper from the command line"))
    assert window.watch.check() is True
    assert window.statusBar().currentMessage() == "Fetched 1 of 2 PDFs"
    qtbot.waitUntil(lambda: window.library_view.model.rowCount() == before + 2, timeout=20000)


def test_changes_by_another_process_show_a_banner_while_a_note_is_typed_and_refresh_reloads(qtbot, window):
    from .library_data import write_aside

    qtbot.waitUntil(lambda: not window.tasks.running, timeout=20000)   # ended, and handled
    window.library_view.table.selectRow(1)
    qtbot.keyClicks(window.detail.note_edit, "a thought not saved yet")
    window.watch.take_version()
    before = window.library_view.model.rowCount()
    assert window.watch.check() is False and window.changed_banner.isHidden()
    write_aside(window.lib.path, lambda other: _add_paper(other, "A paper imported from the command line"))
    assert window.watch.check() is True
    assert not window.changed_banner.isHidden()
    assert "changed by another GapScope process" in window.changed_banner.label.text()
    assert window.library_view.model.rowCount() == before         # nothing reloads under the user's hands
    window.act_refresh.trigger()                                   # View > Refresh (F5)
    assert window.changed_banner.isHidden()
    qtbot.waitUntil(lambda: window.library_view.model.rowCount() == before + 1, timeout=20000)
    assert window.watch.check() is False


def test_the_windows_own_writes_raise_no_banner(qtbot, window):
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=20000)   # ended, and handled
    window.watch.take_version()
    task = window.tasks.write("Add a paper", _add_paper, "A paper added in the window", library=window.lib.path)
    qtbot.waitUntil(lambda: task.done and not window.tasks.active(), timeout=20000)
    assert task.outcome == "succeeded", task.error
    assert window.watch.check() is False and window.changed_banner.isHidden()


def test_back_up_library_from_the_file_menu(qtbot, window, message_boxes, monkeypatch, tmp_path):
    from gapscope.store import Library
    from gapscope_desktop import file_dialogs

    out = tmp_path / "backups"
    out.mkdir()
    monkeypatch.setattr(file_dialogs, "_run", lambda dlg: str(out))
    n = window.lib.count_papers()
    task = window.back_up_library()
    assert task is not None and task.cancellable and not task.quiet     # progress and Cancel in the status bar
    qtbot.waitUntil(lambda: task.done and bool(message_boxes), timeout=60000)
    assert task.outcome == "succeeded", task.error
    made = list(out.iterdir())
    assert len(made) == 1 and made[0].name.endswith(".gapscope") and "-backup-" in made[0].name
    kind, title, text = message_boxes[0]
    assert title == "Backup made" and str(made[0]) in text and f"{n:,} papers" in text
    with Library(made[0]) as copy:
        assert copy.count_papers() == n
    window.back_up_library()                       # a second one in the same minute gets its own name
    qtbot.waitUntil(lambda: len(message_boxes) == 2 and not window.tasks.active(), timeout=60000)
    assert len(list(out.iterdir())) == 2


def test_an_experiment_run_from_the_window_raises_no_banner(qtbot, window):
    """The runner is a process of its own that records the run in the library: the window's own work."""
    from .library_data import write_aside

    qtbot.waitUntil(lambda: not window.tasks.running, timeout=20000)   # ended, and handled
    window.watch.take_version()
    ev = window.experiments_view
    ev.process = object()                                          # a run under way (what `running` reads)
    write_aside(window.lib.path, lambda other: _add_paper(other, "A run recorded by the runner"))
    assert window.watch.check() is False                           # not while the run is on
    ev.process = None
    ev.runFinished.emit(0, "done")
    assert window.watch.check() is False and window.changed_banner.isHidden()


def test_a_read_ending_does_not_hide_another_process_change(qtbot, window):
    from .library_data import write_aside

    qtbot.waitUntil(lambda: not window.tasks.running, timeout=20000)   # ended, and handled
    window.watch._files.blockSignals(True)       # the check below is the only one: no race with the file watcher
    window.watch.take_version()
    write_aside(window.lib.path, lambda other: _add_paper(other, "Imported from the command line"))
    task = window.tasks.run("List", lambda lib, *, progress=None, cancel=None: lib.count_papers(),
                            library=window.lib.path, quiet=True)
    qtbot.waitUntil(lambda: task.done and task not in window.tasks.running, timeout=20000)
    assert window.watch.check() is True


def test_closing_the_library_stops_watching_it_and_hides_the_banner(qtbot, window):
    window.changed_banner.show()
    window.close_library("gone")
    assert window.changed_banner.isHidden() and window.watch.lib is None


def test_a_cancelled_backup_says_nothing_was_left(window):
    from types import SimpleNamespace

    window._task_ended(SimpleNamespace(name="Back up the library", outcome="cancelled", quiet=False,
                                       exception=None, leaves_nothing=True))
    assert window.statusBar().currentMessage() == "Back up the library cancelled; nothing was left behind."


def test_the_sidebar_forgets_the_triage_collection_of_the_last_library(window, tmp_path):
    from gapscope.store import Library

    Library(tmp_path / "other.gapscope").close()
    window.sidebar.set_triage_scope("a collection of the first library")
    assert window.open_library(tmp_path / "other.gapscope")
    assert window.sidebar.triage_collection is None and window.sidebar.counted_collection is None


def test_a_notice_from_opening_the_library_is_not_written_over_the_status_line(qtbot, lib_path, monkeypatch):
    """The upgrade notice of a library opened at start (before the window shows) takes the status bar's
    place as any message does: the status line (path, paper count) is hidden under it, not overlapped,
    and comes back when the message goes."""
    from gapscope.store import Library
    from gapscope_desktop.app import create_app
    from gapscope_desktop.main_window import MainWindow

    notice = "upgraded the library from schema 1 to 2; the old file is kept at old.sqlite"
    migrate = Library.migrate

    def upgraded(self):
        done = migrate(self)
        self.notices.append(notice)
        return done

    monkeypatch.setattr(Library, "migrate", upgraded)
    create_app(["test"])
    w = MainWindow(lib_path)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.library_view.model.rowCount() > 0, timeout=10000)
    assert w.statusBar().currentMessage() == notice
    assert w.status_label.text() and not w.status_label.isVisible()
    w.statusBar().clearMessage()
    assert w.status_label.isVisible()
    qtbot.waitUntil(lambda: w.warm_up_task is not None and w.warm_up_task.done, timeout=20000)
    w._close_approved = True
    w.close()
