"""File > Import History…: the library's import and collect log (as `gapscope imports` shows it), the
records each run refused with their file, line and reason (`gapscope imports ID`), and the PRISMA counts
of the screening report (`gapscope imports --prisma`), with a way to copy them.

Everything is read on a worker (the log of a big library, the screening decisions): the dialog opens
at once and fills in when the reads come back."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QDialog, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from .. import theme
from ..widgets.rows import right_aligned

HISTORY_LIMIT = 500      # runs listed, newest first (the CLI's --limit)
COLUMNS = ("#", "Date", "Kind", "Source / file", "Status", "Read", "Added", "Merged", "Already imported", "Refused")


def load_history(lib, *, progress=None, cancel=None) -> tuple[list[dict[str, Any]], Any]:
    """The newest runs of the log (without their kept lists) and the PRISMA flow."""
    from gapscope.reports.data import prisma_flow

    return lib.imports_log(HISTORY_LIMIT, lists=False), prisma_flow(lib)


def load_entry(lib, import_id: int, *, progress=None, cancel=None) -> Optional[dict[str, Any]]:
    """One run with the records it refused, its notes and merges."""
    return lib.import_entry(import_id)


def when(iso: Optional[str]) -> str:
    """A log time (UTC, ISO) in the user's time zone, to the minute."""
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def source_text(e: dict[str, Any]) -> str:
    """What a run read: the file of an import, or the source and query of a collect."""
    if e["kind"] == "import":
        return e["target"]
    return f"{e['source']}: {e['target']}"


def _item(value: Any, number: bool = False) -> QTableWidgetItem:
    it = QTableWidgetItem()
    if number:
        it.setData(Qt.DisplayRole, int(value or 0))        # sorts as a number
        it.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
    else:
        it.setText(str(value))
    it.setToolTip(str(value))
    return it


def _table(headers, name: str) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(list(headers))
    t.setEditTriggers(QAbstractItemView.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectRows)
    t.verticalHeader().hide()
    t.setWordWrap(False)
    return t


class ImportHistoryDialog(QDialog):
    def __init__(self, tasks, library_path: Path, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import History")
        self.setObjectName("importHistoryDialog")
        self.resize(980, 680)
        self.tasks = tasks
        self.library_path = Path(library_path)
        self.entries: list[dict[str, Any]] = []
        self.entry: Optional[dict[str, Any]] = None     # the selected run, with its lists
        self.flow = None
        self.task = None
        self.entry_task = None

        self.runs = _table(COLUMNS, "importRuns")
        self.runs.setSelectionMode(QAbstractItemView.SingleSelection)
        self.runs.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.runs.itemSelectionChanged.connect(self._run_selected)

        self.summary = QLabel()
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.PlainText)
        self.summary.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.refused = _table(("", "File and line", "Reason"), "refusedRecords")
        self.refused.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        self.copy_refused = QPushButton("Copy List")
        self.copy_refused.setObjectName("copyRefused")
        self.copy_refused.setToolTip("Copy the refused records and notes as tab-separated lines")
        self.copy_refused.clicked.connect(self.copy_refused_list)
        details = QGroupBox("Refused records and notes of the selected run")
        lay = QVBoxLayout(details)
        lay.addWidget(self.summary)
        lay.addWidget(self.refused, 1)
        lay.addLayout(right_aligned(self.copy_refused))

        self.prisma = _table(("Step", "Records"), "prismaCounts")
        self.prisma.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.how = QLabel()
        self.how.setObjectName("prismaHowCounted")
        self.how.setWordWrap(True)
        self.copy_prisma = QPushButton("Copy Counts")
        self.copy_prisma.setObjectName("copyPrisma")
        self.copy_prisma.setToolTip("Copy the PRISMA counts as tab-separated lines (step, records), for a "
                                    "spreadsheet or a PRISMA diagram")
        self.copy_prisma.clicked.connect(self.copy_prisma_counts)
        prisma_box = QGroupBox("PRISMA flow (the counts of the screening report)")
        lay = QVBoxLayout(prisma_box)
        lay.addWidget(self.prisma, 1)
        lay.addWidget(self.how)
        lay.addLayout(right_aligned(self.copy_prisma))

        lower = QSplitter(Qt.Horizontal)
        lower.addWidget(details)
        lower.addWidget(prisma_box)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.runs)
        split.addWidget(lower)

        self.status = QLabel()
        self.status.setObjectName("importHistoryStatus")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(close)
        outer = QVBoxLayout(self)
        outer.addWidget(split, 1)
        outer.addLayout(buttons)
        self._set_copy_buttons()
        self.refresh()

    # --- reads -------------------------------------------------------------------------------------
    def refresh(self):
        """Read the log and the PRISMA counts again (on a worker)."""
        if self.task is not None and not self.task.done:
            return self.task
        self.status.setText("Reading the import log…")
        self.refresh_button.setEnabled(False)
        self.task = self.tasks.run("Read the import history", load_history, library=self.library_path, quiet=True,
                                   on_result=self._show_history, on_error=self._read_failed,
                                   on_finished=lambda: self.refresh_button.setEnabled(True))
        return self.task

    def _read_failed(self, message: str, _tb: str) -> None:
        self.status.setText(f"Could not read the import log: {message}")

    def _show_history(self, result) -> None:
        entries, flow = result
        keep = self.entry["id"] if self.entry is not None else None
        self.entries, self.flow = entries, flow
        self.runs.setSortingEnabled(False)
        self.runs.setRowCount(len(entries))
        for r, e in enumerate(entries):
            values = [(e["id"], True), (when(e["started_at"]), False), (e["kind"], False), (source_text(e), False),
                      (e["status"], False), (e["read"], True), (e["added"], True), (e["merged"], True),
                      (e["unchanged"], True), (e["error_count"], True)]
            for c, (v, number) in enumerate(values):
                it = _item(v, number)
                it.setData(Qt.UserRole, e["id"])
                if c == 9 and e["error_count"]:
                    it.setForeground(theme.qcolor("error"))
                self.runs.setItem(r, c, it)
        self.runs.setSortingEnabled(True)
        self.runs.resizeColumnsToContents()
        self.runs.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self._show_prisma(flow)
        n = len(entries)
        self.status.setText(("1 import or collect run" if n == 1 else f"{n:,} import and collect runs")
                            + (f" (the newest {HISTORY_LIMIT:,})" if n >= HISTORY_LIMIT else "") if n
                            else "Nothing has been imported or collected into this library yet.")
        ids = [e["id"] for e in entries]
        if ids:
            target = keep if keep in ids else ids[0]
            if self.selected_run() == target:
                self._run_selected()      # still selected (no signal): its details read again, as its row was
            else:
                self.select_run(target)
        else:
            self._show_entry(None)

    def _show_prisma(self, flow) -> None:
        rows = flow.rows()
        self.prisma.setRowCount(len(rows))
        for r, (step, n) in enumerate(rows):
            self.prisma.setItem(r, 0, _item(step))
            self.prisma.setItem(r, 1, _item(n, number=True))
        self.how.setText(" ".join(flow.how_counted[:1]))
        self.how.setToolTip("\n\n".join(flow.how_counted))
        self._set_copy_buttons()

    def select_run(self, import_id: int) -> None:
        for r in range(self.runs.rowCount()):
            if self.runs.item(r, 0).data(Qt.UserRole) == import_id:
                self.runs.selectRow(r)
                return

    def selected_run(self) -> Optional[int]:
        """The id of the run selected in the table, if any."""
        rows = self.runs.selectionModel().selectedRows()
        return self.runs.item(rows[0].row(), 0).data(Qt.UserRole) if rows else None

    def _run_selected(self) -> None:
        import_id = self.selected_run()
        if import_id is None:
            return
        self.summary.setText("Reading…")
        self.entry_task = self.tasks.run(f"Read import #{import_id}", load_entry, import_id,
                                         library=self.library_path, quiet=True,
                                         on_result=lambda e, i=import_id: self._entry_read(i, e),
                                         on_error=self._read_failed)

    def _entry_read(self, import_id: int, entry) -> None:
        selected = self.selected_run()
        if selected is not None and selected != import_id:
            return     # another run was selected meanwhile: its own read shows it
        self._show_entry(entry)

    # --- the selected run ---------------------------------------------------------------------------
    def _show_entry(self, e: Optional[dict[str, Any]]) -> None:
        from gapscope.fulltext.edit_advice import in_app_words   # a PDF import's advice, in the app's words
        from gapscope.models import RecordError

        self.entry = e
        if e is None:
            self.summary.setText("")
            self.refused.setRowCount(0)
            self._set_copy_buttons()
            return
        rows = [("Refused", RecordError.from_text(t)) for t in e["errors"]]
        rows += [("Note", RecordError.from_text(t)) for t in e["warnings"]]
        self.refused.setRowCount(len(rows))
        for r, (kind, err) in enumerate(rows):
            for c, v in enumerate((kind, err.location, in_app_words(err.message))):
                self.refused.setItem(r, c, _item(v))
        self.refused.resizeColumnToContents(0)
        self.refused.resizeColumnToContents(1)
        self.refused.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        bad, kept = e["error_count"], len(e["errors"])
        text = (f"#{e['id']} {e['kind']} of {source_text(e)}, {when(e['started_at'])}"
                + (f" to {when(e['finished_at'])}" if e.get("finished_at") else "") + f": {e['status']}. "
                f"Read {e['read']:,}: {e['added']:,} added, {e['merged']:,} merged with papers already in the "
                f"library, {e['unchanged']:,} already imported, {bad:,} refused.")
        if bad > kept:
            text += f" The log keeps the first {kept:,} refused records; {bad - kept:,} more are counted only."
        if not rows:
            text += " Nothing was refused."
        if e.get("message"):
            text += f"\n{e['message']}"
        self.summary.setText(text)
        self._set_copy_buttons()

    def _set_copy_buttons(self) -> None:
        self.copy_refused.setEnabled(bool(self.entry and (self.entry["errors"] or self.entry["warnings"])))
        self.copy_prisma.setEnabled(self.flow is not None)

    def refused_text(self) -> str:
        """The selected run's refused records and notes as tab-separated lines (kind, where, why)."""
        from gapscope.fulltext.edit_advice import in_app_words
        from gapscope.models import RecordError

        if self.entry is None:
            return ""
        lines = ["Kind\tFile and line\tReason"]
        for kind, key in (("Refused", "errors"), ("Note", "warnings")):
            for t in self.entry[key]:
                err = RecordError.from_text(t)
                lines.append(f"{kind}\t{err.location}\t{in_app_words(err.message)}")
        return "\n".join(lines) + "\n"

    def copy_refused_list(self) -> None:
        QApplication.clipboard().setText(self.refused_text())
        self.status.setText("Copied the refused records of the selected run.")

    def copy_prisma_counts(self) -> None:
        if self.flow is None:
            return
        QApplication.clipboard().setText(self.flow.as_text())
        self.status.setText("Copied the PRISMA counts.")
