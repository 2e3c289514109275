"""Export any scope in any format the CLI has: the gap report (HTML / Markdown / PDF) of the library or a
collection, and the papers of the whole library, the selection, the included papers, a tag, a collection
or the papers the table lists now (with every filter it applies) as BibTeX, RIS, CSL-JSON, CSV or their
notes (Markdown / JSON). The same core functions as `gapscope report` and `gapscope export`
(`gapscope.reports.export_report` / `export_papers`)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Optional

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QFormLayout, QPushButton, QWidget

from gapscope.reports.api import PapersWritten
from gapscope.reports.data import DEFAULT_REPORT_GAPS
from gapscope.textfmt import plural

from .. import theme
from ..widgets.task_dialog import lay_out, progress_and_status

# (key, label, format, file pattern); a report takes a whole library or a collection only
REPORTS = [
    ("report-html", "Gap report (HTML)", "html", "*.html"),
    ("report-md", "Gap report (Markdown)", "md", "*.md"),
    ("report-pdf", "Gap report (PDF)", "pdf", "*.pdf"),
]
# every format of `gapscope export` (a test checks the list against the CLI's choices)
PAPER_FORMATS = [
    ("bibtex", "Bibliography (BibTeX)", "bibtex", "*.bib"),
    ("ris", "Bibliography (RIS)", "ris", "*.ris"),
    ("csljson", "Bibliography (CSL-JSON, for Zotero)", "csljson", "*.json"),
    ("csv", "Table (CSV, for a spreadsheet)", "csv", "*.csv"),
    ("notes-md", "Notes and highlights (Markdown)", "notes-md", "*.md"),
    ("notes-json", "Notes and highlights (JSON)", "notes-json", "*.json"),
]
# the screening decisions (`gapscope triage export`): of the whole library or of a collection
DECISIONS = [
    ("decisions-csv", "Screening decisions (CSV)", "csv", "*.csv"),
    ("decisions-json", "Screening decisions (JSON)", "json", "*.json"),
]
KINDS = REPORTS + PAPER_FORMATS + DECISIONS
REPORT_SCOPES = {"all", "collection"}      # the scopes of a report and of the decisions
WITH_TAGS_NOTES = {"bibtex", "ris", "csv"}     # the formats that carry the tags (and notes) (`--no-tags-notes`)
TAGS_NOTES_TEXT = "With the papers' tags and notes (Zotero reads them as its tags and notes)"
TAGS_COLUMN_TEXT = "With the papers' tags (a column of their own)"     # CSV carries no notes


def run_export(lib, kind: str, path: str, filters: dict[str, Any], *, progress=None, cancel=None):
    """Worker side: one export, through the core function the CLI uses."""
    from gapscope import reports

    fmt = next(k[2] for k in KINDS if k[0] == kind)
    if kind.startswith("report-"):
        return reports.export_report(lib, path, fmt, collection=filters.get("collection"), progress=progress,
                                     cancel=cancel,
                                     max_gaps=None if filters.get("all_gaps") else DEFAULT_REPORT_GAPS)
    if kind.startswith("decisions-"):
        from gapscope.triage.export import export_decisions

        return export_decisions(lib, path, fmt, collection=filters.get("collection"))
    filters = dict(filters)
    listing = filters.pop("listing", None)
    if listing is not None:
        # the ids the table's own listing gives for its filter: one rule for what the list shows
        from ..views.library_view import list_ids

        filters["ids"] = list_ids(lib, listing, cancel=cancel)
    return reports.export_papers(lib, path, fmt, progress=progress, cancel=cancel, **filters)


class ExportDialog(QDialog):
    """``selected``: the papers selected in the table; ``current``: the table's filter (a library_view.Filter),
    exported as "the current list": the papers the table lists for it, in its order."""

    def __init__(self, tasks, lib, selected: Optional[list[int]] = None, parent: Optional[QWidget] = None,
                 current: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setObjectName("exportDialog")
        self.setMinimumWidth(520)
        self.tasks = tasks
        self.lib = lib
        self.selected = selected or []
        self.current = current
        self.task = None
        self.kind = QComboBox()
        for key, label, *_ in KINDS:
            self.kind.addItem(label, key)
        self.scope = QComboBox()
        self.scope.setObjectName("exportScope")
        self.scope.addItem("Whole library", "all")
        if self.selected:
            self.scope.addItem("The selected paper" if len(self.selected) == 1
                               else f"The {plural(len(self.selected), 'paper')} selected", "selected")
        self.scope.addItem("Included papers (triage)", "included")
        self.tags = [name for name, _n in lib.list_tags()]
        self.collections = [name for name, _n in lib.list_collections()]
        if self.tags:
            self.scope.addItem("Papers with a tag", "tag")
        if self.collections:
            self.scope.addItem("A collection", "collection")
        listed = self.current.describe() if self.current is not None else ""
        if listed:
            self.scope.addItem(f"The current list ({listed})", "search")
        self.which = QComboBox()  # the tag or the collection
        self.which.setObjectName("exportWhich")
        self.tags_notes = QCheckBox(TAGS_NOTES_TEXT)
        self.tags_notes.setObjectName("exportTagsNotes")
        self.tags_notes.setChecked(True)
        self.all_gaps = QCheckBox(f"Every gap found, not only the {DEFAULT_REPORT_GAPS} best")
        self.all_gaps.setToolTip("The report lists all the gaps of the latest “Find gaps” "
                                 "(`gapscope report --gaps all`)")
        self.all_gaps.setObjectName("exportAllGaps")
        self.bar, self.status = progress_and_status()
        self.go = QPushButton("Export…")
        self.go.setDefault(True)
        self.go.clicked.connect(self.start)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow("What:", self.kind)
        form.addRow("Papers:", self.scope)
        form.addRow("", self.which)
        form.addRow("", self.tags_notes)
        form.addRow("", self.all_gaps)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.scope.currentIndexChanged.connect(lambda _i: self._scope_changed())
        lay_out(self, form, self.bar, self.status, close, self.go)
        self._kind_changed()

    # --- scope ---------------------------------------------------------------------------------------
    def set_scope(self, scope: str, which: Optional[str] = None) -> None:
        self.scope.setCurrentIndex(self.scope.findData(scope))
        if which is not None:
            self.which.setCurrentIndex(self.which.findText(which))

    def _kind_changed(self) -> None:
        """A report covers the library or a collection; the other scopes are for paper exports."""
        is_report = self.kind.currentData().startswith(("report-", "decisions-"))
        model = self.scope.model()
        for i in range(self.scope.count()):
            model.item(i).setEnabled(not is_report or self.scope.itemData(i) in REPORT_SCOPES)
        if is_report and self.scope.currentData() not in REPORT_SCOPES:
            self.scope.setCurrentIndex(0)
        self.tags_notes.setVisible(self.kind.currentData() in WITH_TAGS_NOTES)
        self.tags_notes.setText(TAGS_COLUMN_TEXT if self.kind.currentData() == "csv" else TAGS_NOTES_TEXT)
        self.all_gaps.setVisible(self.kind.currentData().startswith("report-"))
        self._scope_changed()

    def _scope_changed(self) -> None:
        scope = self.scope.currentData()
        self.which.clear()
        names = self.tags if scope == "tag" else self.collections if scope == "collection" else []
        self.which.addItems(names)
        self.which.setVisible(bool(names))

    def filters(self) -> dict[str, Any]:
        """The chosen scope as the CLI's filters (`--ids`, `--included`, `--tag`, `--collection`); the current
        list as ``listing`` (its filter: run_export lists it as the table does and exports those `--ids`)."""
        scope = self.scope.currentData()
        if self.kind.currentData().startswith("report-") and self.all_gaps.isChecked():
            return dict(self._scope_filters(scope), all_gaps=True)             # `report --gaps all`
        if self.kind.currentData() in WITH_TAGS_NOTES and not self.tags_notes.isChecked():
            return dict(self._scope_filters(scope), tags_notes=False)          # `--no-tags-notes`
        return self._scope_filters(scope)

    def _scope_filters(self, scope) -> dict[str, Any]:
        if scope == "selected":
            return {"ids": list(self.selected)}
        if scope == "included":
            return {"included": True}
        if scope in ("tag", "collection"):
            return {scope: self.which.currentText()}
        if scope == "search":
            return {"listing": self.current}
        return {}

    # --- export --------------------------------------------------------------------------------------
    def _spec(self):
        return next(k for k in KINDS if k[0] == self.kind.currentData())

    def start(self) -> None:
        _key, label, _fmt, pattern = self._spec()
        from ..file_dialogs import save_file_name

        path = save_file_name(self, label, str(Path.home() / ("gapscope" + pattern[1:])), pattern)
        if path:
            self.export_to(path)

    def export_to(self, path: str):
        key, label, _fmt, _pattern = self._spec()
        self.bar.setRange(0, 0)
        self.bar.show()
        self.go.setEnabled(False)

        def done(n) -> None:
            if isinstance(n, PapersWritten):
                what = f"{plural(n.papers, 'paper')} written"
            else:
                what = f"{plural(n, 'decision')} written" if isinstance(n, int) else "Written"
            none = f" ({html.escape(n.left_out())})" if isinstance(n, PapersWritten) and n.with_nothing else ""
            self.status.setText(f"{what} to {html.escape(path)}{none}"
                                + self._left_out(getattr(n, "undrawn", None)))

        self.task = self.tasks.run(f"Export {label}", run_export, key, path, self.filters(), library=self.lib.path,
                                   on_result=done,
                                   on_error=lambda m, _t: self.status.setText(
                                       f"<span style='color:{theme.colour('error')};'>Export failed: "
                                       f"{html.escape(m)}</span>"),
                                   on_finished=self._ended)
        return self.task

    @staticmethod
    def _left_out(undrawn) -> str:
        """A PDF report's characters that no font on this computer has: which papers, and the way to them."""
        if not undrawn:
            return ""
        from gapscope.reports.pdf import undrawn_message

        return (f"<br><span style='color:{theme.colour('caution')};'>"
                + html.escape(undrawn_message(undrawn, "The “Gap report (HTML)” export")) + "</span>")

    def _ended(self) -> None:
        self.task = None
        self.bar.hide()
        self.go.setEnabled(True)
