"""Help > Check Library Integrity…: the check runs on a worker with progress and Cancel in the status bar,
and shows "No problems found" for a clean library, or a dialog naming each finding (a row naming a
deleted paper, a missing index, a missing PDF file), on a read-only library too."""

from __future__ import annotations


def _damage(lib_path) -> tuple[int, int]:
    """A note left behind by a paper deleted with foreign keys off, a dropped index, a PDF file gone."""
    from gapscope.store import Library

    with Library(lib_path, create=False) as lib:
        first, second = lib.list_paper_ids()[:2]
        lib.add_note(first, "keep me")
        files = lib.files_folder()
        files.mkdir(parents=True, exist_ok=True)
        lib.add_attachment(second, "cd" * 32, "cd" * 32 + ".pdf", "paper.pdf", source="file", match_how="paper",
                           match_score=None, status="unreadable", message=None, pages=None)
        lib._conn.execute("PRAGMA foreign_keys = OFF")
        with lib.transaction() as conn:
            conn.execute("DROP INDEX notes_paper")
            conn.execute("DELETE FROM papers WHERE id = ?", (first,))
    return first, second


def _check(window, qtbot, message_boxes):
    shown = []
    task = window.check_library_integrity(show=shown.append)
    assert task is not None and task.cancellable and not task.quiet        # progress and Cancel in the status bar
    qtbot.waitUntil(lambda: task.done and (bool(shown) or bool(message_boxes)), timeout=60000)
    assert task.outcome == "succeeded", task.error
    return shown


def test_a_clean_library_says_no_problems_found(window, qtbot, message_boxes):
    assert window.act_check_library in window.menuBar().actions()[-1].menu().actions()     # the Help menu
    assert window.act_check_library.isEnabled()
    assert _check(window, qtbot, message_boxes) == []
    assert message_boxes == [("information", "Library integrity", f"No problems found in {window.lib.path}.")]


def test_each_finding_is_shown_on_a_read_only_library_too(qtbot, lib_path, message_boxes, monkeypatch):
    import gapscope.store.library as store_library

    from .conftest import _close_at_teardown, _open_window

    gone, without_file = _damage(lib_path)
    monkeypatch.setattr(store_library, "_writable", lambda db: False)     # the window's and the worker's
    window = _open_window(qtbot, lib_path)
    try:
        assert window.lib.read_only and window.act_check_library.isEnabled()
        shown = _check(window, qtbot, message_boxes)
        assert len(shown) == 1 and not message_boxes
        text = shown[0].text.toPlainText()
        assert f"paper_id = {gone} names a row of papers that no longer exists" in text
        assert "index notes_paper of notes is missing" in text
        assert f"the PDF of paper {without_file} (attachment" in text and "attach the PDF again" in text
    finally:
        _close_at_teardown(window)


def test_cancel_ends_the_check_without_a_dialog(window, qtbot, message_boxes, monkeypatch):
    from gapscope_desktop.dialogs import integrity_dialog

    started = []

    def slow_check(lib, *, progress=None, cancel=None):
        import time

        from gapscope.integrity import check_library

        def tell(done, total, message=""):
            started.append(message)
            while not cancel.cancelled:      # held at its first step until Cancel
                time.sleep(0.01)
        return check_library(lib, progress=tell, cancel=cancel)

    monkeypatch.setattr(integrity_dialog, "_check", slow_check)
    shown = []
    task = window.check_library_integrity(show=shown.append)
    qtbot.waitUntil(lambda: bool(started), timeout=20000)
    task.cancel()
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    assert task.outcome == "cancelled" and shown == [] and message_boxes == []


def test_a_check_that_ends_after_another_library_is_opened_shows_nothing(window, qtbot, message_boxes, monkeypatch,
                                                                          tmp_path):
    """Opening another library cancels the check; one past its last point of cancelling still returns its
    findings, and they are the old library's: no dialog over the new one."""
    from gapscope.store import Library
    from gapscope_desktop.dialogs import integrity_dialog

    started = []

    def late_check(lib, *, progress=None, cancel=None):
        import time

        from gapscope.integrity import check_library

        started.append(True)
        while not cancel.cancelled:
            time.sleep(0.01)
        return check_library(lib)            # the cancel came too late to stop it

    monkeypatch.setattr(integrity_dialog, "_check", late_check)
    other = tmp_path / "other.gapscope"
    Library(other).close()
    shown = []
    task = window.check_library_integrity(show=shown.append)
    qtbot.waitUntil(lambda: bool(started), timeout=20000)
    assert window.open_library(other)
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    assert shown == [] and message_boxes == []


def test_a_search_index_out_of_step_is_shown_from_the_reader(qtbot, lib_path, message_boxes):
    """The window's check runs on a reader, which may not write (FTS5's own check is an INSERT): the papers
    are tokenized again there, and the paper whose title changed behind a dropped trigger is named."""
    from gapscope.store import Library

    from .conftest import _close_at_teardown, _open_window

    with Library(lib_path, create=False) as lib:
        pid = lib.list_paper_ids()[1]
        with lib.transaction() as conn:
            conn.execute("DROP TRIGGER papers_fts_au")
            conn.execute("UPDATE papers SET title = 'Zymurgy of brewing yeasts' WHERE id = ?", (pid,))
    window = _open_window(qtbot, lib_path)
    try:
        shown = _check(window, qtbot, message_boxes)
        assert len(shown) == 1 and not message_boxes
        text = shown[0].text.toPlainText()
        assert "The search index disagrees with the papers (2):" in text
        assert "papers_fts_au" in text and f"paper {pid} 'Zymurgy of brewing yeasts' is in the search index" in text
        assert "gapscope check --repair" in text
    finally:
        _close_at_teardown(window)
