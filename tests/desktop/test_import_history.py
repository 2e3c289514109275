"""File > Import History…: after the import dialog is closed, each run's counts, the records it refused
(file, line, reason) and the PRISMA counts of the screening report stay in view, read on a worker; the
counts copy as tab-separated lines. An import's progress bar fills (bytes of its file)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from .conftest import run_recording_progress


def _import(window, qtbot, path):
    from gapscope_desktop.dialogs.collect_dialog import CollectDialog

    dlg = CollectDialog(window.tasks, window.lib.path, source="file", parent=window)
    qtbot.addWidget(dlg)
    dlg.file.setText(str(path))
    task = dlg.start()
    qtbot.waitUntil(lambda: task.done, timeout=30000)
    assert task.outcome == "succeeded"
    return dlg, task


def _history(window, qtbot):
    from gapscope_desktop.dialogs.import_history import ImportHistoryDialog

    dlg = ImportHistoryDialog(window.tasks, window.lib.path, parent=window)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.task.done and dlg.entry is not None, timeout=20000)
    return dlg


def _column(table, name: str) -> int:
    return [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())].index(name)


def test_the_history_lists_each_run_with_what_it_refused_and_the_prisma_counts(window, qtbot, tmp_path):
    from PySide6.QtWidgets import QApplication

    from gapscope.reports.data import prisma_flow

    bib = tmp_path / "refs.bib"
    bib.write_text("@article{ok1, title={A real title kept in the history}, author={Ada Lovelace}, year={2020}}\n"
                   "@article{broken, author={Nobody}\n", encoding="utf-8")
    _dlg, task = _import(window, qtbot, bib)
    assert "1 refused" in task.summary and "Import History" in task.summary    # the status bar points there
    logged = window.lib.imports_log(1)[0]

    dlg = _history(window, qtbot)
    runs = dlg.runs
    assert runs.rowCount() == len(window.lib.imports_log(1000, lists=False))
    assert dlg.status.text() == f"{runs.rowCount()} import and collect runs"
    row = next(r for r in range(runs.rowCount()) if runs.item(r, 0).data(Qt.UserRole) == logged["id"])
    assert runs.item(row, _column(runs, "Source / file")).text() == logged["target"]
    for name, key in (("Added", "added"), ("Merged", "merged"), ("Already imported", "unchanged"),
                      ("Refused", "error_count")):
        assert runs.item(row, _column(runs, name)).data(Qt.DisplayRole) == logged[key], name
    assert dlg.entry["id"] == logged["id"]           # the newest run is selected and its details read

    refused = dlg.refused
    where, why = logged["errors"][0].split(": ", 1)[0], logged["errors"][0].split(": ", 1)[1]
    assert refused.rowCount() >= 1 and refused.item(0, 0).text() == "Refused"
    assert refused.item(0, 1).text() == where and where.endswith("refs.bib:2")
    assert refused.item(0, 2).text() == why
    assert "1 refused" in dlg.summary.text()

    # another run selected: its own details (the library's first import refused nothing)
    first = next(r for r in range(runs.rowCount()) if runs.item(r, 0).data(Qt.UserRole) != logged["id"])
    first_id = runs.item(first, 0).data(Qt.UserRole)
    runs.selectRow(first)
    qtbot.waitUntil(lambda: dlg.entry is not None and dlg.entry["id"] == first_id, timeout=20000)
    assert dlg.refused.rowCount() == len(dlg.entry["errors"]) + len(dlg.entry["warnings"])

    flow = prisma_flow(window.lib)
    shown = [(dlg.prisma.item(r, 0).text(), dlg.prisma.item(r, 1).data(Qt.DisplayRole))
             for r in range(dlg.prisma.rowCount())]
    assert shown == flow.rows()
    dlg.copy_prisma.click()
    assert QApplication.clipboard().text() == flow.as_text()


def test_file_menu_opens_the_import_history(window, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gapscope_desktop.dialogs.import_history import ImportHistoryDialog

    file_menu = window.menuBar().actions()[0].menu()
    assert window.act_import_history in file_menu.actions() and window.act_import_history.isEnabled()
    seen = {}

    def look():                       # inside the modal dialog's own event loop
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, ImportHistoryDialog):
            QTimer.singleShot(20, look)
            return
        qtbot.waitUntil(lambda: dlg.task.done, timeout=20000)
        seen["rows"] = dlg.runs.rowCount()
        dlg.accept()

    QTimer.singleShot(0, look)
    window.act_import_history.trigger()
    assert seen["rows"] == len(window.lib.imports_log(1000, lists=False)) > 0


def test_an_import_progress_bar_fills_over_the_bytes_of_the_file(window, qtbot, shared_data, tmp_path):
    """The record count of a snapshot is unknown until its end: the bar runs over the file's bytes, with
    the counts in the status line."""
    from .library_data import write_slice

    from gapscope_desktop.dialogs.collect_dialog import CollectDialog

    path = write_slice(shared_data, tmp_path / "more.jsonl", 1200, skip=400)

    dlg = CollectDialog(window.tasks, window.lib.path, source="file", parent=window)
    qtbot.addWidget(dlg)
    dlg.file.setText(str(path))
    task, seen = run_recording_progress(dlg, qtbot, lambda d: (d.bar.maximum(), d.bar.value()))
    assert task.outcome == "succeeded" and seen
    size = path.stat().st_size
    assert all(t == size and maximum == size for _, t, _, maximum, _ in seen)
    assert seen[-1][0] == size and seen[-1][4] == size
    assert "1,200 read" in seen[-1][2] and "new" in seen[-1][2]


def test_progress_beyond_a_qt_int_keeps_its_proportion():
    from gapscope_desktop.tasks import fit_progress

    gb5 = 5 * 1024**3
    assert fit_progress(gb5 // 2, gb5) == (500_000, 1_000_000)
    assert fit_progress(gb5, gb5) == (1_000_000, 1_000_000)
    assert fit_progress(300, 1000) == (300, 1000)


def test_refresh_reads_the_selected_runs_details_again(window, qtbot):
    """The dialog opened while an import ran: Refresh shows the run as it ended, in its row and in the
    details below it (the run stays selected, so no selection change asks for them)."""
    from gapscope.models import ImportReport

    from .library_data import write_aside

    run = write_aside(window.lib.path, lambda lib: lib.start_import("import", "bibtex", "/data/late.bib"))
    dlg = _history(window, qtbot)
    assert dlg.entry["id"] == run and dlg.entry["status"] == "running"
    write_aside(window.lib.path, lambda lib: lib.save_import_progress(
        run, ImportReport(source="bibtex", read=3, added=3), status="done"))
    dlg.refresh_button.click()
    qtbot.waitUntil(lambda: dlg.task.done, timeout=20000)
    qtbot.waitUntil(lambda: dlg.entry["status"] == "done", timeout=20000)
    assert dlg.selected_run() == run and "3 added" in dlg.summary.text()


# a folder of PDFs being attached whose process is killed after its second new paper
_KILLED_PDF_IMPORT = """
import os, signal, sys
from gapscope.fulltext.attach import PdfImport
from gapscope.models import Paper
from gapscope.store import Library

batch = PdfImport(Library(sys.argv[1]), sys.argv[2])
for i in (1, 2):
    batch.add(Paper(title=f"A paper read from the PDF number {i} of the folder", source="pdf",
                    source_key=f"{sys.argv[2]}/paper{i}.pdf"))
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_pdf_folder_import_killed_midway_reads_interrupted_with_what_it_attached(window, qtbot, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    core = str(Path(__file__).resolve().parents[2] / "core")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([core, os.environ.get("PYTHONPATH", "")]))
    folder = tmp_path / "pdfs"
    proc = subprocess.run([sys.executable, "-c", _KILLED_PDF_IMPORT, str(window.lib.path), str(folder)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr
    # the window's own connection, opened before the kill, reads it so too
    assert window.lib.imports_log(1)[0]["status"] == "interrupted"

    dlg = _history(window, qtbot)
    runs = dlg.runs
    row = next(r for r in range(runs.rowCount()) if runs.item(r, _column(runs, "Source / file")).text() == str(folder))
    assert runs.item(row, _column(runs, "Status")).text() == "interrupted"
    assert runs.item(row, _column(runs, "Added")).data(Qt.DisplayRole) == 2
    runs.selectRow(row)
    qtbot.waitUntil(lambda: dlg.entry is not None and dlg.entry["target"] == str(folder), timeout=20000)
    assert ": interrupted. Read 2: 2 added" in dlg.summary.text()
    assert "the PDFs attached before are kept: attach the same folder or files again" in dlg.summary.text()


def test_a_pdf_import_note_names_the_details_pane_not_the_cli_command(window, qtbot):
    """The note of a PDF with no abstract is kept in the CLI's words (`gapscope papers edit ...`); the
    history shows it, and copies it, in the app's: the details pane's Edit abstract."""
    from PySide6.QtWidgets import QApplication

    from gapscope.fulltext.abstract import NO_HEADING
    from gapscope.fulltext.attach import PdfImport
    from gapscope.models import Paper, RecordWarning

    from .library_data import write_aside

    def import_one(lib):
        batch = PdfImport(lib, "/papers/no abstract.pdf")
        batch.add(Paper(title="A paper whose PDF has no abstract heading", source="pdf",
                        source_key="/papers/no abstract.pdf"), [RecordWarning("/papers/no abstract.pdf", NO_HEADING)])
        batch.end()

    write_aside(window.lib.path, import_one)
    dlg = _history(window, qtbot)
    notes = [dlg.refused.item(r, 2).text() for r in range(dlg.refused.rowCount())
             if dlg.refused.item(r, 0).text() == "Note"]
    assert len(notes) == 1 and notes[0].startswith("no abstract found in the PDF")
    assert "add one in the details pane (Edit abstract)" in notes[0] and "gapscope" not in notes[0]
    dlg.copy_refused.click()
    assert "details pane (Edit abstract)" in QApplication.clipboard().text()
    assert "gapscope papers edit" not in QApplication.clipboard().text()
