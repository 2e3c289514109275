"""Gaps: ranked gaps with type, topic, score and statement, filtered by type and topic; gaps whose maps or
library changed since they were found are marked stale. The chosen gap's concepts and its evidence papers
by role (method side, problem side, predicting neighbours, already did both, shortcoming; double-click opens
one in the library), and the closest existing work: the abstracts of the library and the reference corpus
nearest the concept pair (gaps/closest.py); "Draft experiment" hands the gap to the experiments view."""

from __future__ import annotations

import html
from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QSplitter, QTextBrowser, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from gapscope.concepts.acronyms import reading_line
from gapscope.textfmt import latex_to_text

from .. import hints
from .core_view import CoreView

TYPE_NAMES = {
    "method_x_problem": "Method × problem",
    "unaddressed_shortcoming": "Unaddressed shortcoming",
    "thin_growing": "Thin but growing",
}


ROLE_NAMES = {"both": "Already did both", "method": "Method side", "problem": "Problem side",
              "neighbour": "Predicting neighbours", "shortcoming": "States the shortcoming",
              "addresses": "Addresses it", "region": "In the region", "closest": "Closest existing work"}
ROLE_ORDER = ("both", "method", "problem", "neighbour", "shortcoming", "addresses", "region")


def closest_items(details: dict) -> list[tuple[str, Optional[int], str]]:
    """(text, library paper id or None, tooltip) of a gap's closest existing work, for the evidence list."""
    out = []
    for p in details.get("closest_work") or []:
        title = " ".join(latex_to_text(str(p.get("title") or "")).split())
        mark = "  (about both)" if p.get("did_both") else ""
        text = (f"{ROLE_NAMES['closest']}:  {p.get('year') or ''}  {title}  "
                f"[{'arXiv ' + str(p['arxiv_id']) + ', ' if p.get('arxiv_id') else ''}similarity "
                f"{float(p.get('similarity') or 0):.2f}]{mark}")
        in_lib = p.get("source") == "library"
        tip = (f"In the {p.get('source', 'reference')}: cosine to the pair {float(p.get('similarity') or 0):.2f}, to the "
               f"method {float(p.get('to_method') or 0):.2f}, to the problem {float(p.get('to_problem') or 0):.2f}"
               + ("" if in_lib else " (not in this library)"))
        out.append((text, int(p["id"]) if in_lib else None, tip))
    return out


def tried_html(heading: str, n: int, noun: str, papers: list[tuple[str, str]]) -> str:
    """"<heading>: n nouns mention both" and the (title, [bracketed note]) of those listed, as HTML."""
    items = "".join(f"<li>{html.escape(' '.join(title.split()))} <span style='color:#888'>[{html.escape(note)}]"
                    "</span></li>" for title, note in papers)
    return f"<p><b>{heading}:</b> {n} {noun}{'s' if n != 1 else ''} mention both</p><ul>{items}</ul>"


def load_gaps(lib, *, progress=None, cancel=None) -> list[dict]:
    """The latest gaps as dicts, each with "stale" (why it may no longer hold, [] when current)."""
    from gapscope.gaps import list_gaps
    from gapscope.gaps.stale import stale_reasons

    out = []
    for g in list_gaps(lib):
        d = g.to_dict() if hasattr(g, "to_dict") else dict(g)
        d["stale"] = stale_reasons(lib, g) if hasattr(g, "details") else []
        out.append(d)
    return out


def gap_topic(g: dict) -> str:
    t = (g.get("details") or {}).get("topic")
    return str(t.get("label", "")) if isinstance(t, dict) else ""


def detect_gaps(lib, *, progress=None, cancel=None) -> list[dict]:
    from gapscope.gaps import find_gaps

    find_gaps(lib, progress=progress, cancel=cancel)
    return load_gaps(lib)


class GapsView(CoreView):
    showPapers = Signal(list, str)
    openPaper = Signal(int)
    openInPdf = Signal(int, int, str)       # paper id, page (1-based), the evidence sentence
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
        # what the last "Find gaps" left out or refused, and why (find_gaps' notices: a corpus too short for
        # growth, ambiguous acronyms, vague concepts, pairs already established in the reference corpus)
        self.notes = QLabel()
        self.notes.setObjectName("gapNotices")
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.notes.setStyleSheet("color: #555;")
        self.notes.hide()
        self.type_filter = QComboBox()
        self.type_filter.setObjectName("gapTypeFilter")
        self.type_filter.addItem("All types", None)
        for key, name in TYPE_NAMES.items():
            self.type_filter.addItem(name, key)
        self.topic_filter = QComboBox()
        self.topic_filter.setObjectName("gapTopicFilter")
        self.topic_filter.addItem("All topics", None)
        for box in (self.type_filter, self.topic_filter):
            box.currentIndexChanged.connect(self.apply_filters)

        self.table = QTreeWidget()
        self.table.setObjectName("gapTable")
        self.table.setHeaderLabels(["#", "Type", "Topic", "Score", "Statement"])
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setUniformRowHeights(True)
        self.table.header().setStretchLastSection(True)
        self.table.setColumnWidth(0, 40)
        self.table.setColumnWidth(1, 170)
        self.table.setColumnWidth(2, 150)
        self.table.setColumnWidth(3, 60)
        self.table.itemSelectionChanged.connect(self._gap_selected)

        self.detail = QTextBrowser()
        self.detail.setObjectName("gapDetail")
        self.detail.document().setDocumentMargin(10)
        self.evidence = QListWidget()
        self.evidence.setObjectName("gapEvidence")
        self.evidence.setAlternatingRowColors(True)
        self.evidence.itemDoubleClicked.connect(self._open_evidence)
        self.quotes = QListWidget()
        self.quotes.setObjectName("gapQuotes")
        self.quotes.setWordWrap(True)
        self.quotes.setToolTip("Double-click a sentence from a PDF to open it in the Reader at its place")
        self.quotes.itemDoubleClicked.connect(self._open_quote)
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
        rl.addWidget(QLabel("<b>Evidence papers by role</b> — double-click to open"))
        rl.addWidget(self.evidence, 3)
        self.quotes_label = QLabel("<b>Evidence sentences</b> — double-click one from a PDF to read it there")
        rl.addWidget(self.quotes_label)
        rl.addWidget(self.quotes, 2)
        row = QHBoxLayout()
        row.addWidget(self.evidence_button)
        row.addStretch(1)
        row.addWidget(self.draft_button)
        rl.addLayout(row)

        top = QHBoxLayout()
        top.addWidget(self.find_button)
        top.addWidget(self.info, 1)
        top.addWidget(QLabel("Type:"))
        top.addWidget(self.type_filter)
        top.addWidget(QLabel("Topic:"))
        top.addWidget(self.topic_filter)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.table)
        split.addWidget(right)
        split.setSizes([620, 480])
        pl = QVBoxLayout(self)
        pl.setContentsMargins(8, 8, 8, 8)
        pl.addLayout(top)
        pl.addWidget(self.notes)
        pl.addWidget(split, 1)

    def writers(self) -> list:
        return [self.find_button]

    def reload(self) -> None:
        if self.lib is None:
            return
        self.pending = False
        self.tasks.run("Load gaps", load_gaps, library=self.lib.path, quiet=True, on_result=self.show_gaps,
                       on_error=lambda m, _t: self.info.setText(f"Cannot read the gaps: {m}"))

    def library_modified(self) -> None:
        g = self.current_gap()               # shown again with its stale marks, the chosen gap kept
        self._select_after = g.get("id") if g else None
        super().library_modified()

    def find_gaps(self):
        return self.run_step("Find gaps", detect_gaps, button=self.find_button, status=self.info,
                             busy="Finding gaps…", what="Finding gaps", on_result=self.show_gaps)

    def show_gaps(self, gaps: list[dict]) -> None:
        self.gaps = sorted(gaps, key=lambda g: -(g.get("score") or 0))
        self.table.clear()
        grey = QBrush(QColor("#999"))
        for rank, g in enumerate(self.gaps, start=1):
            stale = g.get("stale") or []
            kind = TYPE_NAMES.get(g.get("type"), str(g.get("type")))
            item = QTreeWidgetItem([str(rank), kind + ("  (stale)" if stale else ""), gap_topic(g),
                                    f"{g.get('score', 0):.2f}", " ".join(str(g.get("statement", "")).split())])
            item.setData(0, Qt.UserRole, g.get("id"))
            item.setToolTip(4, str(g.get("statement", "")))
            if stale:
                item.setToolTip(1, "Stale: " + "; ".join(stale) + ". Find gaps again.")
                for col in range(5):
                    item.setForeground(col, grey)
            item.setTextAlignment(3, Qt.AlignRight | Qt.AlignVCenter)
            self.table.addTopLevelItem(item)
        topics = sorted({gap_topic(g) for g in self.gaps if gap_topic(g)})
        keep = self.topic_filter.currentData()
        self.topic_filter.blockSignals(True)
        self.topic_filter.clear()
        self.topic_filter.addItem("All topics", None)
        for t in topics:
            self.topic_filter.addItem(t, t)
        self.topic_filter.setCurrentIndex(max(0, self.topic_filter.findData(keep)) if keep else 0)
        self.topic_filter.blockSignals(False)
        notices = (self.lib.get_setting("gaps.notices") or []) if self.lib is not None else []
        self.notes.setText("\n".join(f"\u2022 {n}" for n in notices))
        self.notes.setVisible(bool(notices))
        n_stale = sum(1 for g in self.gaps if g.get("stale"))
        self.info.setText((f"{len(self.gaps)} gap{'s' if len(self.gaps) != 1 else ''}" + (f", {n_stale} stale (the maps or the library changed "
                                                      "since): “Find gaps” again" if n_stale else ""))
                          if self.gaps else
                          hints.NO_GAPS)
        self.apply_filters()
        if self._select_after is not None:
            self.select_gap(self._select_after)
            self._select_after = None
        elif self.gaps:
            first = next((self.table.topLevelItem(i) for i in range(self.table.topLevelItemCount())
                          if not self.table.topLevelItem(i).isHidden()), None)
            if first is not None:
                self.table.setCurrentItem(first)
        else:
            self._gap_selected()

    def apply_filters(self) -> None:
        """Hide the rows whose type or topic is not the chosen one."""
        typ, topic = self.type_filter.currentData(), self.topic_filter.currentData()
        by_id = {g.get("id"): g for g in self.gaps}
        for i in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(i)
            g = by_id.get(item.data(0, Qt.UserRole), {})
            item.setHidden(bool((typ and g.get("type") != typ) or (topic and gap_topic(g) != topic)))

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
        self.quotes.clear()
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

        details = g.get("details") or {}
        extra = ""
        if details.get("level") == "concept":
            preds = [x["concept"] for x in details.get("predicting_methods") or []] + \
                    [x["concept"] for x in details.get("predicting_problems") or []]
            if preds:
                extra += f'<p><b>Predicting neighbours:</b> {html.escape(", ".join(preds))}</p>'
            acr = [reading_line(d) for d in (details.get("acronyms") or {}).values()]
            if acr:
                extra += f'<p><b>Acronyms:</b> {html.escape("; ".join(acr))}</p>'
        ref = details.get("reference") or {}
        if ref.get("co_mentions"):
            # abstracts of the reference corpus (`gaps find --reference`) that mention both concepts
            extra += tried_html("Already tried in the reference corpus", ref["co_mentions"], "abstract", [
                (latex_to_text(str(p.get("title", ""))), f"{p.get('year') or ''}"
                 + (f", arXiv {p['arxiv_id']}" if p.get("arxiv_id") else "")) for p in ref.get("papers") or []])
        world = details.get("openalex") or {}
        if world.get("works"):
            # works in OpenAlex, all years, that mention both (the gaps_openalex_min setting), most cited first
            extra += tried_html("Already tried elsewhere (OpenAlex, all years)", world["works"], "work", [
                (str(p.get("title") or ""), f"{p.get('year') or ''}"
                 + (f", {p['citations']} citations" if p.get("citations") is not None else ""))
                for p in world.get("papers") or []])
        elif world.get("error"):
            extra += (f"<p style='color:#a60;'><b>OpenAlex check:</b> not done for this gap "
                      f"({html.escape(str(world['error']))})</p>")
        cwc = details.get("closest_check")
        if cwc:
            n = int(cwc.get("done") or 0)
            extra += (f"<p><b>Closest existing work:</b> {n} abstract{'s' if n != 1 else ''} close to the pair "
                      f"{'are' if n != 1 else 'is'} about both concepts (established from {cwc.get('min_done')}; "
                      f"searched: {html.escape(' and '.join(cwc.get('sources') or []))}) — listed with the "
                      "evidence</p>")
        short = details.get("shortcoming_sentences") or []
        if short:
            extra += "<p><b>Shortcomings stated:</b></p><ul>" + "".join(
                f"<li>{html.escape(s['text'])} <span style='color:#888'>[{s['paper_id']}"
                + (f", {html.escape(str(s['section']))} p. {s.get('page')}" if s.get("section") else "")
                + "]</span></li>" for s in short) + "</ul>"
        stale = g.get("stale") or []
        if stale:
            extra += (f'<p style="color:#a60;"><b>Stale:</b> {html.escape("; ".join(stale))}. '
                      "“Find gaps” again.</p>")
        concept = details.get("level") == "concept"
        self.detail.setHtml(
            f'<p style="color:#666;">{html.escape(TYPE_NAMES.get(g.get("type"), str(g.get("type"))))}'
            f' &nbsp;·&nbsp; score {g.get("score", 0):.3f}'
            + (f' &nbsp;·&nbsp; topic: {html.escape(gap_topic(g))}' if gap_topic(g) else "") + '</p>'
            f'<h3>{html.escape(str(g.get("statement", "")))}</h3>'
            + side("Method concept" if concept else "Method", g.get("method"))
            + side("Problem concept" if concept else "Problem", g.get("problem")) + extra)
        ids = [int(i) for i in g.get("evidence") or []]
        roles = {int(k): v for k, v in (g.get("evidence_roles") or {}).items()}
        rank = {r: i for i, r in enumerate(ROLE_ORDER)}
        papers = sorted(self.lib.get_papers(ids), key=lambda p: (rank.get(roles.get(p.id, ""), 99), ids.index(p.id)))
        for p in papers:
            role = ROLE_NAMES.get(roles.get(p.id, ""), roles.get(p.id, "") or "Evidence")
            it = QListWidgetItem(f"{role}:  {p.year or ''}  {' '.join(latex_to_text(p.title).split())}")
            it.setData(Qt.UserRole, p.id)
            it.setData(Qt.UserRole + 1, roles.get(p.id, ""))
            it.setToolTip(", ".join(p.authors[:6]))
            self.evidence.addItem(it)
        for text, pid, tip in closest_items(details):
            it = QListWidgetItem(text)
            it.setData(Qt.UserRole, pid)           # None: a reference paper, not in this library
            it.setData(Qt.UserRole + 1, "closest")
            it.setToolTip(tip)
            self.evidence.addItem(it)
        for q in details.get("quotes") or []:
            where = f"{q['section']} p. {q['page']}" if q.get("section") else "abstract"
            it = QListWidgetItem(f"“{q['text']}”  ({q.get('shortcoming', '')}, {where}) [{q['paper_id']}]")
            it.setData(Qt.UserRole, (int(q["paper_id"]), int(q.get("page") or 0), str(q["text"])))
            if not q.get("section"):
                it.setToolTip("From the abstract: double-click opens the paper in the library")
            self.quotes.addItem(it)

    def _open_quote(self, item: QListWidgetItem) -> None:
        """A sentence from a PDF opens the Reader at its page, selected; one from an abstract opens the paper."""
        pid, page, text = item.data(Qt.UserRole)
        if page:
            self.openInPdf.emit(pid, page, text)
        else:
            self.openPaper.emit(pid)

    def _open_evidence(self, item: QListWidgetItem) -> None:
        if item.data(Qt.UserRole) is not None:
            self.openPaper.emit(int(item.data(Qt.UserRole)))

    def _show_evidence(self) -> None:
        g = self.current_gap()
        if g:
            self.showPapers.emit([int(i) for i in g.get("evidence") or []], f"evidence of gap #{g.get('id')}")

    def _draft(self) -> None:
        g = self.current_gap()
        if g:
            self.draftExperiment.emit(g)
