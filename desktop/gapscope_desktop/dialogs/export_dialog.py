"""Export a gap report (HTML / Markdown / PDF) or a bibliography (BibTeX / RIS) through the reports core."""

from __future__ import annotations

import html
import inspect
from pathlib import Path
from typing import Optional

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QPushButton, QWidget

from ..widgets.task_dialog import lay_out, progress_and_status

KINDS = [
    ("report-html", "Gap report (HTML)", "export_report", "html", "*.html"),
    ("report-md", "Gap report (Markdown)", "export_report", "md", "*.md"),
    ("report-pdf", "Gap report (PDF)", "export_report", "pdf", "*.pdf"),
    ("bibtex", "Bibliography (BibTeX)", "export_bibliography", "bibtex", "*.bib"),
    ("ris", "Bibliography (RIS)", "export_bibliography", "ris", "*.ris"),
]


def run_export(lib, fn_name, fmt, path, paper_ids, *, progress=None, cancel=None):
    from gapscope import reports

    fn = getattr(reports, fn_name)
    kwargs = {"fmt": fmt}
    params = inspect.signature(fn).parameters
    if paper_ids and "paper_ids" in params:
        kwargs["paper_ids"] = paper_ids
    if "progress" in params:
        kwargs.update(progress=progress, cancel=cancel)
    return fn(lib, path, **kwargs)


class ExportDialog(QDialog):
    def __init__(self, tasks, lib, selected: Optional[list[int]] = None, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setObjectName("exportDialog")
        self.setMinimumWidth(480)
        self.tasks = tasks
        self.lib = lib
        self.selected = selected or []
        self.task = None
        self.kind = QComboBox()
        for key, label, *_ in KINDS:
            self.kind.addItem(label, key)
        self.scope = QComboBox()
        self.scope.addItem("Whole library", "all")
        if self.selected:
            self.scope.addItem(f"The {len(self.selected):,} selected papers", "selected")
        self.bar, self.status = progress_and_status()
        self.go = QPushButton("Export…")
        self.go.setDefault(True)
        self.go.clicked.connect(self.start)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow("What:", self.kind)
        form.addRow("Papers:", self.scope)
        lay_out(self, form, self.bar, self.status, close, self.go)

    def _spec(self):
        return next(k for k in KINDS if k[0] == self.kind.currentData())

    def start(self) -> None:
        _key, label, fn_name, fmt, pattern = self._spec()
        from ..file_dialogs import save_file_name

        path = save_file_name(self, label, str(Path.home() / ("gapscope" + pattern[1:])), pattern)
        if path:
            self.export_to(path)

    def export_to(self, path: str):
        _key, label, fn_name, fmt, _pattern = self._spec()
        ids = self.selected if self.scope.currentData() == "selected" else None
        self.bar.setRange(0, 0)
        self.bar.show()
        self.go.setEnabled(False)
        self.task = self.tasks.run(f"Export {label}", run_export, fn_name, fmt, path, ids, library=self.lib.path,
                                   on_result=lambda _r: self.status.setText(f"Written to {html.escape(path)}"),
                                   on_error=lambda m, _t: self.status.setText(
                                       f"<span style='color:#b03a2e;'>Export failed: {html.escape(m)}</span>"),
                                   on_finished=self._ended)
        return self.task

    def _ended(self) -> None:
        self.task = None
        self.bar.hide()
        self.go.setEnabled(True)
