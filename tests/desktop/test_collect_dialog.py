"""The collect dialog imports a real file on a worker, with progress, while the window keeps repainting;
a bad file is reported with what was kept; cancel keeps the committed batches."""

from __future__ import annotations

from .library_data import write_slice
from .loop_ticks import GuiTurns, loop_ticks


def _dialog(window, source="file"):
    from gapscope_desktop.dialogs.collect_dialog import CollectDialog

    dlg = CollectDialog(window.tasks, window.lib.path, source=source, parent=window)
    dlg.collected.connect(lambda _r: window.refresh_all())
    return dlg


def _imported(window, qtbot, path):
    """The dialog after it imported ``path`` to the end, and its task."""
    dlg = _dialog(window)
    qtbot.addWidget(dlg)
    dlg.file.setText(str(path))
    task = dlg.start()
    qtbot.waitUntil(lambda: task.done, timeout=30000)
    return dlg, task


def test_file_import_runs_on_a_worker_without_blocking_the_window(window, qtbot, shared_data, tmp_path,
                                                                  monkeypatch):
    """The import runs on the writer queue while the window keeps turning: as it starts, and after each
    batch it commits, the import waits until a timer on the GUI thread has answered it (the dialog still
    busy). A GUI-thread import would never be answered. Nothing is timed; how long the loop went without a
    tick is printed, as a measurement."""
    from gapscope_desktop.dialogs import collect_dialog

    path = write_slice(shared_data, tmp_path / "more.jsonl", 2500, skip=400)
    turns = GuiTurns()
    real_import = collect_dialog.run_import

    def import_answered_by_the_gui(lib, *args, progress=None, cancel=None):
        def reported(done, total, message=""):
            progress(done, total, message)
            turns.ask()
        turns.ask()
        return real_import(lib, *args, progress=reported, cancel=cancel)

    monkeypatch.setattr(collect_dialog, "run_import", import_answered_by_the_gui)
    before = window.lib.count_papers()
    dlg = _dialog(window)
    qtbot.addWidget(dlg)
    dlg.file.setText(str(path))
    with loop_ticks() as ticks, turns.ticking(lambda: dlg.start_button.isEnabled()):
        task = dlg.start()
        assert task is not None and dlg.cancel_button.text() == "Cancel"
        qtbot.waitUntil(lambda: task.done, timeout=300000)
    gaps = ticks.gaps
    print(f"import of 2500 papers: {len(gaps)} ticks, max gap {max(gaps, default=0)} ms", ticks.worst(),
          task.last_progress)                                                  # measured, not asserted
    assert task.outcome == "succeeded", task.error
    assert turns.answered >= 2 and turns.unanswered == 0
    assert turns.seen == [False] * turns.answered       # answered mid-import, the dialog busy
    assert dlg.report.added == 2500
    assert "added 2,500" in dlg.status.text()
    qtbot.waitUntil(lambda: window.library_view.model.rowCount() == before + 2500, timeout=10000)
    assert window.sidebar.topLevelItem(0).child(0).text(1) == f"{before + 2500:,}"


def test_a_bad_file_is_reported_with_its_line(window, qtbot, tmp_path):
    bad = tmp_path / "refs.bib"
    bad.write_text("@article{ok1, title={A real title}, author={Ada Lovelace}, year={2020}}\n"
                   "@article{broken, author={Nobody}\n", encoding="utf-8")
    dlg, task = _imported(window, qtbot, bad)
    text = dlg.status.text()
    assert task.outcome == "succeeded"         # the good entry imported, the broken one named with its line
    assert "added 1," in text and "1 record could not be read:" in text and "refs.bib:2" in text, text
    assert dlg.start_button.isEnabled()


def test_import_counts_are_per_record_and_ris_tags_show_with_their_two_spaces(window, qtbot, tmp_path):
    """Four RIS records, one of them bad: the dialog says 4 read and 1 bad, as the CLI does (not one per
    line), and a message naming a tag shows it as written ('TY  -', two spaces), not folded by HTML."""
    from PySide6.QtGui import QTextDocument

    ris = tmp_path / "four.ris"
    ris.write_text("TY  - JOUR\nTI  - First record\nPY  - 2020\nER  - \n"
                   "TI  - Second record, no type line\nAU  - Kim, A\nPY  - 2021\nER  - \n"
                   "TY  - JOUR\nAU  - Nobody\nER  - \n"
                   "TY  - JOUR\nTI  - Fourth record, no end line\nPY  - 2022\n", encoding="utf-8")
    dlg, task = _imported(window, qtbot, ris)
    shown = QTextDocument()
    shown.setHtml(dlg.status.text())
    text = shown.toPlainText()
    assert text.startswith("Read 4: added 3,") and "1 record could not be read:" in text, text
    assert f"{ris}:5: record has no 'TY  -' line" in text and f"{ris}:12: last record not closed with 'ER  -'" in text


def test_cancel_keeps_the_committed_batches(window, qtbot, shared_data, tmp_path):
    path = write_slice(shared_data, tmp_path / "big.jsonl", 6000, skip=400)
    dlg = _dialog(window)
    qtbot.addWidget(dlg)
    dlg.file.setText(str(path))
    task = dlg.start()
    qtbot.waitUntil(lambda: task.last_progress[0] > 0, timeout=60000)
    dlg._cancel_or_close()
    qtbot.waitUntil(lambda: task.done, timeout=60000)
    assert task.outcome in ("cancelled", "succeeded")  # a tiny machine may finish first
    if task.outcome == "succeeded" and task.result.cancelled or task.outcome == "cancelled":
        assert "Cancelled" in dlg.status.text()
    kept = window.lib.count_papers() - 400
    assert 0 <= kept <= 6000
    assert dlg.cancel_button.text() == "Close"


def test_every_source_can_start_and_shows_its_own_fields(window, qtbot):
    from gapscope_desktop.dialogs.collect_dialog import SOURCES

    dlg = _dialog(window, source="arxiv")
    qtbot.addWidget(dlg)
    dlg.show()
    for key, _label in SOURCES:
        dlg.source.setCurrentIndex(dlg.source.findData(key))
        assert dlg.start_button.isEnabled(), key
        assert dlg.start_button.text() == ("Import" if key == "file" else "Collect")
        assert dlg.file.isVisible() == (key == "file") and dlg.query.isVisible() == (key != "file")


def test_a_file_refused_as_a_whole_does_not_report_an_earlier_import_as_kept(window, qtbot, tmp_path):
    """An empty file writes nothing: the dialog must not show the previous import's log entry (the 400
    papers the library was built with) as what this run kept."""
    empty = tmp_path / "empty.bib"
    empty.write_text("", encoding="utf-8")
    dlg, task = _imported(window, qtbot, empty)
    assert task.outcome == "failed"
    text = dlg.status.text()
    assert "empty.bib" in text and "the file is empty" in text
    assert "Kept in the library" not in text and "Nothing was added to the library." in text


def _drop_and_import(window, qtbot, files: list) -> dict:
    """Drag ``files`` from the file manager onto the window and drop them; Import in the dialog the drop
    opens (inside its own modal event loop). What the dialog showed comes back."""
    from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    from gapscope_desktop.dialogs.collect_dialog import CollectDialog

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    enter = QDragEnterEvent(QPoint(100, 100), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    seen = {}

    def import_in_the_dialog():
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, CollectDialog):
            QTimer.singleShot(20, import_in_the_dialog)
            return
        seen.update(file=dlg.file.text(), source=dlg.source.currentData())
        task = dlg.start()
        qtbot.waitUntil(lambda: task.done, timeout=30000)
        seen["status"] = dlg.status.text()
        dlg.accept()

    QTimer.singleShot(0, import_in_the_dialog)
    drop = QDropEvent(QPointF(100, 100), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    window.dropEvent(drop)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: "status" in seen, timeout=30000)
    return seen


def _bib(tmp_path, title: str):
    bib = tmp_path / "refs.bib"
    bib.write_text(f"@article{{ok1, title={{{title}}}, author={{Ada Lovelace}}, year={{2020}}}}\n", encoding="utf-8")
    return bib


def test_a_bibliography_dropped_on_the_window_opens_the_import_with_it(window, qtbot, tmp_path):
    """A .bib dragged from the file manager onto the window is taken (not refused), and the import
    dialog opens with that file filled in: Import brings its papers into the Library view."""
    bib = _bib(tmp_path, "A real title dropped on the window")
    before = window.library_view.model.rowCount()
    seen = _drop_and_import(window, qtbot, [bib])
    assert seen["file"] == str(bib) and seen["source"] == "file"
    assert "added 1" in seen["status"]
    qtbot.waitUntil(lambda: window.library_view.model.rowCount() == before + 1, timeout=10000)


def test_pdfs_and_a_bibliography_dropped_together_are_both_taken(window, qtbot, shared_data, tmp_path):
    """A drop of a PDF with a .bib attaches the PDF and opens the import with the .bib; neither is dropped
    silently."""
    bib = _bib(tmp_path, "A bibliography dropped with a PDF")
    attached = len(window.lib.list_attachments())
    seen = _drop_and_import(window, qtbot, [shared_data / "pdfs/cs/1903.10676.pdf", bib])
    assert seen["file"] == str(bib) and "added 1" in seen["status"]
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=60000)
    assert len(window.lib.list_attachments()) == attached + 1


def test_papers_imported_while_triage_is_on_screen_come_to_screening(window, qtbot, tmp_path):
    """The Triage tab on screen says "Nothing to screen" for a search no paper matches; a file imported
    with such a paper (Import File opens over the Triage tab) is screened at once, and the collection it
    was imported into is in the Triage view's collection list, not only after the tab is opened again."""
    view = window.triage_view
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: not view.loading and view.current is not None, timeout=60000)
    view.set_scope(query="zyxwordlessly")
    qtbot.waitUntil(lambda: not view.loading and "Nothing to screen" in view.card.toPlainText(), timeout=60000)
    bib = _bib(tmp_path, "Zyxwordlessly ranked retrieval")
    dlg = _dialog(window)
    qtbot.addWidget(dlg)
    dlg.file.setText(str(bib))
    dlg.collection.setText("imported today")
    task = dlg.start()
    qtbot.waitUntil(lambda: task.done, timeout=30000)
    assert task.outcome == "succeeded", task.error
    qtbot.waitUntil(lambda: not view.loading and view.current is not None, timeout=60000)
    assert "Zyxwordlessly" in view.card.toPlainText()
    assert view.collection.findData("imported today") >= 0


def test_the_summary_counts_the_abstracts_kept_as_edited_by_hand():
    """An import that met papers whose abstract the user edited or cleared says how many it left so."""
    from gapscope.models import ImportReport
    from gapscope_desktop.dialogs.collect_dialog import describe_report, status_line

    rep = ImportReport(source="csv", read=3, merged=3, kept_edited=2)
    assert "2 kept the abstract edited by hand" in describe_report(rep)
    assert "2 kept the abstract as edited" in status_line("refs.csv", rep)
    assert "kept" not in status_line("refs.csv", ImportReport(source="csv", read=3, merged=3))


def _bad_bib(path, n):
    """``n`` entries whose title is not closed, each refused with its text as written, and one good one."""
    path.write_text("".join(f"@article{{broken{i},\n  title = {{Missing closing brace {i},\n  author = {{Nobody, A}},\n"
                            f"  year = {{2020}}\n\n" for i in range(n))
                    + "@article{ok1, title={A real title}, author={Ada Lovelace}, year={2020}}\n", encoding="utf-8")
    return path


def _shown_whole_or_scrolls(dlg, qtbot):
    """The report's every line can be seen: the status line stands in a scroll area that holds it whole
    (laid out at its full height), the dialog on the screen."""
    from PySide6.QtWidgets import QScrollArea

    area = dlg.status.parentWidget().parentWidget()
    assert isinstance(area, QScrollArea), "the status line is not in a scroll area"
    label = dlg.status
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()), timeout=5000)
    assert dlg.frameGeometry().height() <= dlg.screen().availableGeometry().height()
    return area


def test_a_long_import_report_scrolls_and_a_short_one_grows_the_dialog(window, qtbot, tmp_path):
    """Once cut off below the dialog's edge (a word-wrapped label in a dialog that kept its size): a report
    that fits on the screen grows the dialog to show it all; a longer one scrolls to its last line."""
    dlg = _dialog(window)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.file.setText(str(_bad_bib(tmp_path / "two.bib", 2)))
    task = dlg.start()
    qtbot.waitUntil(lambda: task.done, timeout=30000)
    area = _shown_whole_or_scrolls(dlg, qtbot)
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() == 0, timeout=5000)   # it grew: nothing hidden
    assert "two.bib:6" in dlg.status.text()

    dlg.file.setText(str(_bad_bib(tmp_path / "many.bib", 40)))
    task = dlg.start()
    qtbot.waitUntil(lambda: task.done, timeout=30000)
    area = _shown_whole_or_scrolls(dlg, qtbot)
    qtbot.waitUntil(lambda: dlg.height() > 300, timeout=5000)
    bar = area.verticalScrollBar()
    # longer than the room the dialog may take: it scrolls, and scrolled to the end its last line is in view
    assert dlg.status.height() > area.viewport().height()
    bar.setValue(bar.maximum())
    qtbot.wait(50)
    shown_to = -dlg.status.y() + area.viewport().height()     # the label scrolls inside the viewport
    assert shown_to >= dlg.status.height()
