"""Gaps: ranked gaps with type, score and statement; the chosen gap's method and problem clusters and
its evidence papers (double-click opens one in the library); "Draft experiment" hands the gap to the
experiments view."""

from __future__ import annotations

import html
from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QSplitter, QTextBrowser, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from .core_view import CoreView

TYPE_NAMES = {
    "method_x_problem": "Method × problem",
    "unaddressed_shortcoming": "Unaddressed shortcoming",
    "thin_growing": "Thin but growing",
}


def load_gaps(lib, *, progress=None, cancel=None) -> list[dict]:
    from gapscope.gaps import list_gaps

    return [g.to_dict() if hasattr(g, "to_dict") else dict(g) for g in list_gaps(lib)]


def detect_gaps(lib, *, progress=None, cancel=None) -> list[dict]:
    from gapscope.gaps import find_gaps

    find_gaps(lib, progress=progress, cancel=cancel)
    return load_gaps(lib)


class GapsView(CoreView):
    showPapers = Signal(list, str)
    openPaper = Signal(int)
    draftExperiment = Signal(dict)

    def __init__(self, tasks, parent: Optional[QWidget] = None) -> None:
        super().__init__(tasks, parent)
        self.gaps: list[dict] = []
        self._select_after: Optional[int] = None

        self.find_button = QPushButton("Find gaps")
        self.find_button.setToolTip("Detect gaps from the current maps (runs in the background)")
        self.find_button.clicked.connect(self.find_gaps)
        self.info = QLabel()
        self.info.setStyleSheet("color: #555;")

        self.table = QTreeWidget()
        self.table.setObjectName("gapTable")
        self.table.setHeaderLabels(["#", "Type", "Score", "Statement"])
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setUniformRowHeights(True)
        self.table.header().setStretchLastSection(True)
        self.table.setColumnWidth(0, 40)
        self.table.setColumnWidth(1, 170)
        self.table.setColumnWidth(2, 60)
        self.table.itemSelectionChanged.connect(self._gap_selected)

        self.detail = QTextBrowser()
        self.detail.setObjectName("gapDetail")
        self.detail.document().setDocumentMargin(10)
        self.evidence = QListWidget()
        self.evidence.setObjectName("gapEvidence")
        self.evidence.setAlternatingRowColors(True)
        self.evidence.itemDoubleClicked.connect(self._open_evidence)
        self.evidence_button = QPushButton("Show evidence in library")
        self.evidence_button.clicked.connect(self._show_evidence)
        self.draft_button = QPushButton("Draft experiment…")
        self.draft_button.setObjectName("draftExperiment")
        self.draft_button.clicked.connect(self._draft)
        for b in (self.evidence_button, self.draft_button):
            b.setEnabled(False)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.detail, 2)
        rl.addWidget(QLabel("<b>Evidence papers</b> — double-click to open"))
        rl.addWidget(self.evidence, 3)
        row = QHBoxLayout()
        row.addWidget(self.evidence_button)
        row.addStretch(1)
        row.addWidget(self.draft_button)
        rl.addLayout(row)

        top = QHBoxLayout()
        top.addWidget(self.find_button)
        top.addWidget(self.info, 1)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.table)
        split.addWidget(right)
        split.setSizes([620, 480])
        pl = QVBoxLayout(self)
        pl.setContentsMargins(8, 8, 8, 8)
        pl.addLayout(top)
        pl.addWidget(split, 1)

    def reload(self) -> None:
        if self.lib is None:
            return
        self.pending = False
        self.tasks.run("Load gaps", load_gaps, library=self.lib.path, quiet=True, on_result=self.show_gaps,
                       on_error=lambda m, _t: self.info.setText(f"Cannot read the gaps: {m}"))

    def find_gaps(self):
        return self.run_step("Find gaps", detect_gaps, button=self.find_button, status=self.info,
                             busy="Finding gaps…", what="Finding gaps", on_result=self.show_gaps)

    def show_gaps(self, gaps: list[dict]) -> None:
        self.gaps = sorted(gaps, key=lambda g: -(g.get("score") or 0))
        self.table.clear()
        for rank, g in enumerate(self.gaps, start=1):
            item = QTreeWidgetItem([str(rank), TYPE_NAMES.get(g.get("type"), str(g.get("type"))),
                                    f"{g.get('score', 0):.2f}", " ".join(str(g.get("statement", "")).split())])
            item.setData(0, Qt.UserRole, g.get("id"))
            item.setToolTip(3, str(g.get("statement", "")))
            item.setTextAlignment(2, Qt.AlignRight | Qt.AlignVCenter)
            self.table.addTopLevelItem(item)
        self.info.setText(f"{len(self.gaps)} gaps" if self.gaps else
                          "No gaps yet: build the maps, then “Find gaps” (or `gapscope gaps find`).")
        if self._select_after is not None:
            self.select_gap(self._select_after)
            self._select_after = None
        elif self.gaps:
            self.table.setCurrentItem(self.table.topLevelItem(0))
        else:
            self._gap_selected()

    def select_gap(self, gap_id: int) -> None:
        for i in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(i)
            if item.data(0, Qt.UserRole) == gap_id:
                self.table.setCurrentItem(item)
                return
        self._select_after = gap_id
        self.reload()

    def current_gap(self) -> Optional[dict]:
        item = self.table.currentItem()
        if item is None:
            return None
        gid = item.data(0, Qt.UserRole)
        return next((g for g in self.gaps if g.get("id") == gid), None)

    def _gap_selected(self) -> None:
        g = self.current_gap()
        self.evidence.clear()
        for b in (self.evidence_button, self.draft_button):
            b.setEnabled(g is not None)
        if g is None:
            self.detail.setHtml('<p style="color:#888;">Select a gap.</p>')
            return

        def side(name, part):
            if not part:
                return ""
            kw = ", ".join(str(k) for k in (part.get("keywords") or [])[:8])
            return (f'<p><b>{name}:</b> {html.escape(str(part.get("label", "")))}'
                    + (f'<br><span style="color:#666; font-size:small;">{html.escape(kw)}</span>' if kw else "")
                    + "</p>")

        self.detail.setHtml(
            f'<p style="color:#666;">{html.escape(TYPE_NAMES.get(g.get("type"), str(g.get("type"))))}'
            f' &nbsp;·&nbsp; score {g.get("score", 0):.3f}</p>'
            f'<h3>{html.escape(str(g.get("statement", "")))}</h3>'
            + side("Method", g.get("method")) + side("Problem", g.get("problem")))
        ids = [int(i) for i in g.get("evidence") or []]
        for p in self.lib.get_papers(ids):
            it = QListWidgetItem(f"{p.year or ''}  {' '.join(p.title.split())}")
            it.setData(Qt.UserRole, p.id)
            it.setToolTip(", ".join(p.authors[:6]))
            self.evidence.addItem(it)

    def _open_evidence(self, item: QListWidgetItem) -> None:
        self.openPaper.emit(int(item.data(Qt.UserRole)))

    def _show_evidence(self) -> None:
        g = self.current_gap()
        if g:
            self.showPapers.emit([int(i) for i in g.get("evidence") or []], f"evidence of gap #{g.get('id')}")

    def _draft(self) -> None:
        g = self.current_gap()
        if g:
            self.draftExperiment.emit(g)
