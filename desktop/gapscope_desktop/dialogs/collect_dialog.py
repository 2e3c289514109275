"""Collect papers: from arXiv, Google Scholar, or a file (BibTeX, RIS, CSV, arXiv snapshot). Runs on a
worker with a progress bar and Cancel; a block page or network error is reported with what was kept."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Optional

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QFormLayout, QHBoxLayout, QLineEdit, QPushButton,
                               QSpinBox, QWidget)

from .. import theme
from ..widgets.task_dialog import lay_out, progress_and_status

SOURCES = [("arxiv", "arXiv"), ("scholar", "Google Scholar"), ("file", "File import")]
IMPORT_SUFFIXES = (".bib", ".ris", ".csv", ".jsonl", ".json", ".gz")   # what Browse… lists, and a drop takes


def dropped_import_file(urls, library_path: Optional[Path]) -> Optional[Path]:
    """The first local bibliography file among dropped URLs, by name only (nothing is opened here), never
    one inside the open library's folder (docs/architecture.md, "Library file safety")."""
    root = Path(library_path).resolve() if library_path is not None and Path(library_path).is_dir() else None
    for url in urls:
        p = Path(url.toLocalFile()) if url.isLocalFile() else None
        if p is not None and p.suffix.lower() in IMPORT_SUFFIXES and (root is None or root not in p.resolve().parents):
            return p
    return None


def run_import(lib, path, fmt, collection, *, progress=None, cancel=None):
    from gapscope.ingest import import_file

    return import_file(lib, path, fmt=fmt, collection=collection or None, progress=progress, cancel=cancel)


def run_collect(lib, source, query, limit, collection, *, progress=None, cancel=None):
    """arXiv or Google Scholar through the collect core (as `gapscope collect arxiv|scholar --collection`):
    polite paging, resumable, every page committed as it comes, the papers found joining
    ``collection``; a block or network error raises with the report of what was kept."""
    from gapscope import collect as core

    fn = core.collect_arxiv if source == "arxiv" else core.collect_scholar
    return fn(lib, query, max_results=limit, collection=collection or None, progress=progress, cancel=cancel)


def message_html(text: str) -> str:
    """A message from the importers as rich text that shows it exactly: HTML would fold the two spaces of
    a RIS tag ('TY  -') into one, and a user copying what they read would write a tag no reader takes."""
    return f"<span style='white-space:pre-wrap;'>{html.escape(str(text))}</span>"


def describe_report(report) -> str:
    d = report.to_dict() if hasattr(report, "to_dict") else dict(report)
    text = (f"Read {d.get('read', 0):,}: added {d.get('added', 0):,}, merged {d.get('merged', 0):,} with papers "
            f"already in the library, {d.get('unchanged', 0):,} already imported.")
    if d.get("kept_edited"):
        text += (f" {d['kept_edited']:,} kept the abstract edited by hand (the record's is not taken; see the "
                 "notes).")
    errs = d.get("errors") or []
    bad = max(d.get("bad", 0), len(errs))
    if errs:
        text += (f"<br><span style='color:{theme.colour('warning')};'>"
                 f"{bad:,} record{'' if bad == 1 else 's'} could not be read:</span><br>") + \
            "<br>".join(message_html(e) for e in errs[:8]) + ("<br>…" if bad > 8 else "")
    for what, items in (("Merged", d.get("merges") or []), ("Note", d.get("warnings") or [])):
        if items:
            text += f"<br>{what}:<br>" + "<br>".join(message_html(m) for m in items[:8]) + \
                ("<br>…" if len(items) > 8 else "")
    if d.get("cancelled"):
        text += "<br>Cancelled: the batches committed before the stop are kept."
    if d.get("total") is not None:
        text += f"<br>The source reports {d['total']:,} results for this query; {d.get('pages', 0)} pages read."
    if d.get("message"):
        text += "<br>" + message_html(d["message"])
    return text


def status_line(name: str, report) -> str:
    """The window's status bar line after an import or collect: its counts, and where the rest is."""
    bad = report.bad
    return (f"{name}: {report.added:,} added, {report.merged:,} merged, {report.unchanged:,} already imported, "
            f"{bad:,} refused" + (" (cancelled)" if report.cancelled else "")
            + (f", {report.kept_edited:,} kept the abstract as edited" if report.kept_edited else "")
            + "."
            + (" File > Import History… lists what was refused and why." if bad else ""))


class CollectDialog(QDialog):
    collected = Signal(object)

    def __init__(self, tasks, library_path: Path, source: str = "arxiv", parent: Optional[QWidget] = None,
                 path: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Collect papers")
        self.setObjectName("collectDialog")
        self.setMinimumWidth(560)
        self.tasks = tasks
        self.library_path = Path(library_path)
        self.task = None
        self.report = None
        self.log_before: Optional[int] = None   # the newest import-log entry before this run started

        self.source = QComboBox()
        for key, label in SOURCES:
            self.source.addItem(label, key)
        self.query = QLineEdit(placeholderText="e.g. retrieval augmented generation evaluation")
        self.limit = QSpinBox()
        self.limit.setRange(1, 100000)
        self.limit.setValue(200)
        self.limit.setSuffix(" papers at most")
        self.file = QLineEdit(path, placeholderText="A .bib, .ris, .csv, CSL-JSON .json or arXiv snapshot "
                                                    ".jsonl(.gz) file")
        self.browse = QPushButton("Browse…")
        self.browse.clicked.connect(self._browse)
        self.fmt = QComboBox()
        for f in ("auto", "arxiv", "bibtex", "ris", "csv", "csljson"):
            self.fmt.addItem(f, f)
        self.collection = QLineEdit(placeholderText="optional: also put the papers in this collection")

        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.browse)
        self.file_row = QWidget()
        self.file_row.setLayout(file_row)
        file_row.setContentsMargins(0, 0, 0, 0)

        form = QFormLayout()
        form.addRow("Source:", self.source)
        form.addRow("Query:", self.query)
        form.addRow("Limit:", self.limit)
        form.addRow("File:", self.file_row)
        form.addRow("Format:", self.fmt)
        form.addRow("Collection:", self.collection)
        self.form = form

        self.bar, self.status = progress_and_status()
        self.bar.setObjectName("collectProgress")
        self.bar.setTextVisible(False)
        self.status.setObjectName("collectStatus")
        self.start_button = QPushButton("Collect")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Close")
        self.cancel_button.clicked.connect(self._cancel_or_close)

        lay_out(self, form, self.bar, self.status, self.cancel_button, self.start_button)
        self.source.currentIndexChanged.connect(self._source_changed)
        self.source.setCurrentIndex(max(0, [k for k, _ in SOURCES].index(source) if source in dict(SOURCES) else 0))
        self._source_changed()

    def _source_changed(self, *_a) -> None:
        src = self.source.currentData()
        is_file = src == "file"
        for w in (self.file_row, self.fmt):
            w.setVisible(is_file)
            self.form.labelForField(w).setVisible(is_file)
        for w in (self.query, self.limit):
            w.setVisible(not is_file)
            self.form.labelForField(w).setVisible(not is_file)
        self.start_button.setText("Import" if is_file else "Collect")
        self.start_button.setEnabled(self.task is None)
        self.status.setText("")
        self.adjustSize()

    def _browse(self) -> None:
        from ..file_dialogs import open_file_name

        path = open_file_name(self, "Import papers", str(Path.home()),
                              f"Bibliographies ({' '.join('*' + x for x in IMPORT_SUFFIXES)});;All files (*)")
        if path:
            self.file.setText(path)

    def start(self):
        src = self.source.currentData()
        if self.task is not None:
            return None
        coll = self.collection.text().strip()
        if src == "file":
            path = self.file.text().strip()
            if not path:
                self.status.setText("Choose a file to import.")
                return None
            name, fn, args = f"Import {Path(path).name}", run_import, (path, self.fmt.currentData(), coll)
        else:
            q = self.query.text().strip()
            if not q:
                self.status.setText("Type what to search for.")
                return None
            name, fn, args = f"Collect from {dict(SOURCES)[src]}", run_collect, (src, q, self.limit.value(), coll)
        self.log_before = self._newest_log_id()
        self.bar.setRange(0, 0)
        self.bar.show()
        self.status.setText("Starting…")
        self.start_button.setEnabled(False)
        self.cancel_button.setText("Cancel")
        self.task = self.tasks.write(name, fn, *args, library=self.library_path, on_progress=self._progress,
                                     on_result=self._done, on_error=self._failed, on_cancelled=self._cancelled,
                                     on_finished=self._ended)
        return self.task

    def _progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        self.status.setText(html.escape(message) if message else f"{done:,} of {total:,}" if total else "Working…")

    def _done(self, report) -> None:
        self.report = report
        if self.task is not None:          # the status bar's line once the dialog is closed
            self.task.summary = status_line(self.task.name, report)
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.status.setText(describe_report(report))
        self.collected.emit(report)

    def _newest_log(self) -> Optional[list]:
        """The newest entry of the library's import log (an empty list: none yet; None: unreadable)."""
        try:
            from gapscope.store import Library

            with Library(self.library_path, create=False) as lib:
                return lib.imports_log(1, lists=False)
        except Exception:  # noqa: BLE001 - the log is a courtesy; the error itself is already shown
            return None

    def _newest_log_id(self) -> int:
        log = self._newest_log()
        return log[0]["id"] if log else 0

    def _kept(self) -> str:
        """What this run left in the library. A run stopped before it wrote anything (an empty file, a
        file of another format) has no log entry of its own: the newest one is an earlier run's."""
        log = self._newest_log()
        if log is None:
            return ""
        if not log or (self.log_before is not None and log[0]["id"] <= self.log_before):
            return "<br>Nothing was added to the library."
        e = log[0]
        return (f"<br>Kept in the library from this run: {e['added']:,} added, {e['merged']:,} merged "
                f"(log entry #{e['id']}, status {html.escape(str(e['status']))}).")

    def _failed(self, message: str, _tb: str) -> None:
        self.bar.hide()
        blocked = self.task is not None and self.task.error_type == "CollectBlocked"
        head = "Blocked by the source" if blocked else "Stopped"
        self.status.setText(f"<span style='color:{theme.colour('error')};'><b>{head}:</b> "
                            f"{message_html(message)}</span>" + self._kept()
                            + ("<br>Try again later, or set a proxy in Preferences; the next collect with the "
                               "same query continues where this one stopped."
                               if blocked and "proxy" not in message else ""))   # Scholar's message says so
        self.collected.emit(None)

    def _cancelled(self) -> None:
        self.bar.hide()
        self.status.setText("Cancelled." + self._kept())
        self.collected.emit(None)

    def _ended(self) -> None:
        self.task = None
        self.cancel_button.setText("Close")
        self.start_button.setEnabled(True)

    def _cancel_or_close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.status.setText("Cancelling after the current batch…")
        else:
            self.accept()

    def reject(self) -> None:  # Esc cancels a running task first
        if self.task is not None:
            self.task.cancel()
            return
        super().reject()
