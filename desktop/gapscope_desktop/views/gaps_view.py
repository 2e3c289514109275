"""Gaps: ranked gaps with type, topic, score and statement, filtered by type and topic; gaps whose maps or
library changed since they were found are marked stale. The chosen gap's concepts and its evidence papers
by role (method side, problem side, predicting neighbours, already did both, shortcoming; double-click opens
one in the library), and the closest existing work: the abstracts of the library and the reference corpus
nearest the concept pair (gaps/closest.py); "Draft experiment" hands the gap to the experiments view."""

from __future__ import annotations

import html
from typing import Mapping, Optional

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QLabel, QListView, QListWidget,
                               QListWidgetItem, QPushButton, QSplitter, QStyle, QTextBrowser, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from gapscope.concepts.acronyms import readable_phrase, reading_line, telling_synonyms
from gapscope.gaps.aliases import other_names
from gapscope.gaps.closest import closest_line
from gapscope.gaps.thresholds import done_from
from gapscope.gaps.quotes import label_of
from gapscope.gaps.standing import standing_text
from gapscope.gaps.stale import in_app_words, stale_kinds, stale_summary
from gapscope.gaps.topics import (ANY_TOPIC, evidence_topics, gap_topic, paper_topics, region_map_labels, topic_names,
                                  topic_words)
from gapscope.gaps.topics import in_topic as topic_rule
from gapscope.reports.explain import headline, ranked_by_text, related_concepts
from gapscope.textfmt import clip_words, latex_to_text
from gapscope.vocabulary import GAP_ROLE_NAMES, GAP_ROLE_ORDER, SCORE_MEANING

from .. import hints, theme
from ..widgets.column_fit import ColumnFit
from .core_view import CoreView
from .heading_room import make_room_for_heading

# what a score is (gaps/standing.py): the kinds' raw scores measure different things and are not compared
SCORE_TIP = SCORE_MEANING + " Types are interleaved by it, not by their raw scores."

TYPE_NAMES = {
    "method_x_problem": "Method × problem",
    "unaddressed_shortcoming": "Unaddressed shortcoming",
    "thin_growing": "Thin but growing",
}
# the Type column's words: short, so the statement keeps the room (the filter and the detail say TYPE_NAMES)
TYPE_COLUMN = {**TYPE_NAMES, "unaddressed_shortcoming": "Shortcoming"}


ROLE_NAMES, ROLE_ORDER = GAP_ROLE_NAMES, GAP_ROLE_ORDER      # the report and `gaps show` use the same words
NO_GAP = -1            # "select no gap" (a followed link whose gap is gone)
NOTES_SHOWN = 2        # notices of the last "Find gaps" shown in full; more are behind a "show" link
STATEMENT_SHARE = 0.45  # of the table's width the Statement column keeps: Type and Topic give up room first
NARROWEST_CHARS = 8     # what Type and Topic keep of their words (the tooltips have all of them)


def closest_library_id(p: dict, held: Mapping[str, int]) -> Optional[int]:
    """The library paper one closest-work entry is: its own id, or for a reference entry the library's copy
    (``held``: {arXiv id: library paper id}; the check keeps one copy of a paper, often the reference's)."""
    if p.get("source") == "library":
        return int(p["id"])
    return held.get(str(p.get("arxiv_id") or ""))


def closest_items(details: dict, listed: Mapping[int, str] | frozenset = frozenset(),
                  held: Optional[Mapping[str, int]] = None) -> list[tuple[str, Optional[int], str]]:
    """(text, library paper id or None, tooltip) of a gap's closest existing work, for the evidence list: the
    entries `gaps show` and the report list (gaps/closest.closest_entries: one about both also when it is in
    ``listed`` ({id: role} of the rows listed already), under an earlier role, unless that role is "both"; a
    nearest one not twice). ``held``: closest_library_id's."""
    from gapscope.gaps.closest import closest_entries

    out = []
    for p in closest_entries(details, listed, held or {}):
        pid = p["library_id"]
        title = " ".join(latex_to_text(str(p.get("title") or "")).split())
        # naming both is evidence that a paper combined them; "about both" is a reading by meaning
        mark = f"  ({p['mark']})" if p["mark"] != "nearest" else ""
        text = (f"{ROLE_NAMES['closest']}:  {p.get('year') or ''}  {title}  "
                f"[{'arXiv ' + str(p['arxiv_id']) + ', ' if p.get('arxiv_id') else ''}similarity "
                f"{float(p.get('similarity') or 0):.2f}]{mark}")
        tip = (f"In the {p.get('source', 'reference')}: cosine to the pair {float(p.get('similarity') or 0):.2f}, to the "
               f"method {float(p.get('to_method') or 0):.2f}, to the problem {float(p.get('to_problem') or 0):.2f}"
               + ("" if pid is not None else " (not in this library)"))
        out.append((text, pid, tip))
    return out


def paper_ref(paper, paper_id) -> str:
    """A paper as a reader knows it: its title cut short and its year ("#id" when it is gone)."""
    if paper is None:
        return f"paper #{paper_id}"
    title = clip_words(" ".join(latex_to_text(paper.title or "").split()), 70)
    return f"{title}, {paper.year}" if paper.year else title


def tried_html(heading: str, n: int, noun: str, papers: list[tuple[str, str]], done: str = "") -> str:
    """"<heading>: n nouns mention both (``done``: the count that makes a pair done and its setting)" and the
    (title, [bracketed note]) of those listed, as HTML."""
    faint = theme.colour("faint")
    items = "".join(f"<li>{html.escape(' '.join(title.split()))} <span style='color:{faint}'>[{html.escape(note)}]"
                    "</span></li>" for title, note in papers)
    return (f"<p><b>{heading}:</b> {n} {noun}{'s' if n != 1 else ''} mention{'s' if n == 1 else ''} both"
            + (f" ({html.escape(done)})" if done else "") + "</p>"
            f"<ul>{items}</ul>")


def load_gaps(lib, *, progress=None, cancel=None) -> list[dict]:
    """The latest gaps as dicts, each with "stale" (why it may no longer hold, [] when current), "run_links"
    (the experiment runs linked to it, in this list or as the same gap of an earlier one, finished first, with
    what each ran: gapscope.experiments.run_links), "runs" (the ids of the finished ones: a cancelled run
    tested nothing) and, for a thin, growing region, "map_topic" (the topic map's label of its cluster: the
    filter finds it under both)."""
    from gapscope.experiments.run_links import gap_run_links
    from gapscope.experiments.runner import runs_as_shown
    from gapscope.gaps import list_gaps
    from gapscope.gaps.identity import runs_of_gaps
    from gapscope.gaps.stale import stale_reasons

    gaps = list_gaps(lib)
    runs = runs_of_gaps(lib, gaps)
    shown = {r["id"]: r for r in runs_as_shown(lib)} if runs else {}
    topic_of = paper_topics(lib) if any(not (g.details or {}).get("topic") for g in gaps) else {}
    on_map = region_map_labels(lib, gaps)
    out = []
    for g in gaps:
        d = g.to_dict() if hasattr(g, "to_dict") else dict(g)
        d["stale"] = stale_reasons(lib, g) if hasattr(g, "details") else []
        d["run_links"] = gap_run_links(d, [shown[i] for i in runs.get(g.id, []) if i in shown])
        d["runs"] = [x["id"] for x in d["run_links"] if x["finished"]]
        if g.id in on_map:
            d["map_topic"] = on_map[g.id]
        if not (g.details or {}).get("topic"):
            d["evidence_topics"] = evidence_topics(g.evidence, topic_of)
        out.append(d)
    return out


def run_links_html(links: list[dict], faint: str, caution: str) -> str:
    """A gap's runs as `gapscope gaps show` lists them (run_links.gap_runs_lines): each finished one with its
    data set, model and result, under it in the caution colour when its data are not the problem's; those
    that did not finish counted apart. "" for a gap no run is linked to."""
    from gapscope.experiments.run_links import gap_runs_lines

    lines = gap_runs_lines(links)
    if not lines:
        return ""
    items, rest = [], []
    for kind, text in lines:
        if kind == "run":
            items.append(html.escape(text))
        elif kind == "caveat" and items:
            items[-1] += f'<br><span style="color:{caution};">{html.escape(text)}</span>'
        elif kind == "unfinished":
            rest.append(f"<p><b>Not finished:</b> {html.escape(text)}</p>")
        else:
            rest.append(f"<p>{html.escape(text)}</p>")
    return (f'<p><b>Runs:</b> <span style="color:{faint}">(Experiments › History)</span></p>'
            + ("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>" if items else "") + "".join(rest))


def resolve_link(lib, gap_id: int, *, progress=None, cancel=None) -> dict:
    """Where a link to gap ``gap_id`` (an experiment run's) leads now (gapscope.gaps.identity.resolve_gap):
    {"linked", "target" (the id listed now, None: gone), "statement" (as linked), "since" (the list's date)}."""
    from gapscope.gaps.identity import resolve_gap

    link = resolve_gap(lib, gap_id)
    return {"linked": int(gap_id), "target": link.gap.id if link.gap is not None else None,
            "statement": link.was.statement if link.was is not None else "", "since": link.listed_since}


def link_note(link: dict) -> str:
    """What the view says of a followed link that does not lead to the same id (plain text)."""
    if link.get("target") is not None:
        return (f"Gap #{link['linked']} was found again as gap #{link['target']} "
                "(the same concepts and kind; gap ids are new each time gaps are found).")
    what = f"Gap #{link['linked']}" + (f" (“{' '.join(link['statement'].split())}”)" if link.get("statement") else "")
    when = f" on {str(link['since'])[:10]}" if link.get("since") else ""
    return (f"{what} is no longer in the list: gaps were found again{when}, and not this one. "
            "The run keeps its own copy of what it tested (its spec).")


TOPIC_FILTER_TIP = (
    "Gaps whose topic (the topic-map cluster that holds most of their papers) is this one. A gap without a "
    "topic (an unaddressed shortcoming) is shown under each topic its evidence papers belong to on the latest "
    "topic map (its Topic column names the first, “papers in: …”, its tooltip all); one whose evidence papers "
    "are on no topic map is shown under every topic, marked “(any topic)”.")


def topic_column(g: dict) -> str:
    """The gap's topic, or for a gap without one the first of its evidence papers' topics and how many more
    ("papers in: Vision +2": not a topic of its own), or "(any topic)"."""
    if gap_topic(g):
        return gap_topic(g)
    ev = g.get("evidence_topics") or []
    if not ev:
        return ANY_TOPIC
    return f"papers in: {ev[0]}" + (f" +{len(ev) - 1}" if len(ev) > 1 else "")


def topic_tip(g: dict) -> str:
    """The Topic cell's tooltip of a gap without a topic: every topic its evidence papers are in, and why."""
    ev = g.get("evidence_topics") or []
    return (f"Evidence papers in: {', '.join(ev)}.\n\n" if ev else "") + TOPIC_FILTER_TIP


def stale_note(reasons: list[str]) -> str:
    """Why a gap is stale, in the app's words (the core's reasons name the command line), ending with what
    to press."""
    text = "; ".join(in_app_words(r) for r in reasons)
    return f"{text}." + ("" if "Find gaps" in text else " Press “Find gaps” to find the gaps again.")


def names_of(g: dict) -> list[str]:
    """The topics the filter finds a gap under by its own topic (a region: the map's name of it too)."""
    return topic_names(g, g.get("map_topic") or "")


def in_topic(g: dict, topic: Optional[str]) -> bool:
    """The topic filter's rule (TOPIC_FILTER_TIP; gapscope.gaps.topics, as `gaps list --topic`)."""
    return topic_rule(names_of(g), g.get("evidence_topics") or [], topic)


def topic_text(g: dict) -> str:
    """The gap's topic, with the topic map's other name for a region ("preserve privacy (on the topic map:
    privacy risks)")."""
    return topic_words(names_of(g))


def _note_label(name: str, colour: str) -> QLabel:
    """A hidden, wrapping, selectable line of text above the list (the notes, the types not looked for)."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    theme.set_text_colour(label, colour)
    label.hide()
    return label


def skipped_banner(skipped: list[dict]) -> str:
    """One line per gap type the last find could not look for, with the commands (and the app's button) that
    allow it: "No 'unaddressed shortcoming' gaps were looked for: the library has no shortcoming map ..."."""
    from gapscope.gaps.needs import skipped_text

    lines = []
    for entry in skipped:
        text = skipped_text(entry)
        # the Maps view's "Build maps" runs every missing step (facets, vectors, all four maps)
        lines.append(f"\u26a0 {text[:1].upper()}{text[1:]} (in the app: “Build maps” in the Maps view, "
                     "then “Find gaps”).")
    return "\n".join(lines)


def detect_gaps(lib, *, progress=None, cancel=None) -> list[dict]:
    from gapscope.gaps import find_gaps

    find_gaps(lib, progress=progress, cancel=cancel)
    return load_gaps(lib)


def build_and_detect(lib, *, progress=None, cancel=None) -> list[dict]:
    """The maps and the concepts brought up to date (each step only where out of date), then the gaps:
    `gapscope analyze`, as "Build maps" runs it, with the gaps."""
    from gapscope.analyze import analyze
    from gapscope.vocabulary import MAP_FACETS

    analyze(lib, facets=MAP_FACETS, gaps=True, progress=progress, cancel=cancel)
    return load_gaps(lib)


class GapsView(CoreView):
    showPapers = Signal(list, str)
    openPaper = Signal(int)
    openInPdf = Signal(int, int, str)       # paper id, page (1-based), the evidence sentence
    draftExperiment = Signal(dict)
    inputsRebuilt = Signal()        # "Find gaps" built the maps (and concepts) first: the Maps view is out of date

    def __init__(self, tasks, parent: Optional[QWidget] = None) -> None:
        super().__init__(tasks, parent)
        self.gaps: list[dict] = []
        self._other_names: dict[int, list[str]] = {}
        self._select_after: Optional[int] = None
        self._links = 0                     # links followed so far: only the last one's answer is followed

        self.find_button = QPushButton("Find gaps")
        self.find_button.setToolTip("Find gaps between the library's concepts, from its latest maps (runs in the "
                                    "background); when the maps are out of date it offers to build them first")
        self.find_button.clicked.connect(self.find_gaps)
        self.info = QLabel()
        self.info.setWordWrap(True)         # a long count ("62 gaps, 62 stale ...") wraps, never widens the window
        self.info.setMinimumWidth(self.info.fontMetrics().averageCharWidth() * 40)   # nor shrinks to a column
        theme.set_text_colour(self.info, "secondary")
        # what the last "Find gaps" left out or refused, and why (find_gaps' notices: a corpus too short for
        # growth, ambiguous acronyms, vague concepts, pairs already established in the reference corpus)
        self.notes = _note_label("gapNotices", "secondary")
        # more than NOTES_SHOWN notices (a big library gives seven, a quarter of the view): one line that
        # opens them, so the gap list keeps its room
        self.notes_toggle = QLabel()
        self.notes_toggle.setObjectName("gapNoticesToggle")
        theme.set_text_colour(self.notes_toggle, "secondary")
        self.notes_toggle.linkActivated.connect(lambda _l: self._show_notes(self.notes.isHidden()))
        self.notes_toggle.hide()
        self._n_notes = 0
        # the gap types the last "Find gaps" could not look for (a map or vectors missing: gapscope.gaps.needs),
        # never folded away with the notes: without it an empty type reads as "none of these gaps"
        self.skipped_label = _note_label("gapSkipped", "caution")
        # where a followed link (an experiment run's gap) led: found again under another id, or gone
        self.link_label = QLabel()
        self.link_label.setObjectName("gapLinkNote")
        self.link_label.setWordWrap(True)
        theme.set_text_colour(self.link_label, "caution")
        self.link_label.hide()
        self.type_filter = QComboBox()
        self.type_filter.setObjectName("gapTypeFilter")
        self.type_filter.addItem("All types", None)
        for key, name in TYPE_NAMES.items():
            self.type_filter.addItem(name, key)
        self.topic_filter = QComboBox()
        self.topic_filter.setObjectName("gapTopicFilter")
        self.topic_filter.addItem("All topics", None)
        self.topic_filter.setToolTip(TOPIC_FILTER_TIP)
        for box in (self.type_filter, self.topic_filter):
            box.currentIndexChanged.connect(self.apply_filters)
            # the topics come with the gaps, after the first show: the box grows to show a chosen label whole
            box.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        # said when the filters hide every gap (the table alone would just be empty)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("gapFilterEmpty")
        theme.set_text_colour(self.empty_label, "faint")
        self.empty_label.linkActivated.connect(lambda _l: self.clear_filters())
        self.empty_label.hide()
        self._count_text = ""

        self.table = QTreeWidget()
        self.table.setObjectName("gapTable")
        self.table.setHeaderLabels(["#", "Type", "Topic", "Score", "Statement"])
        self.table.headerItem().setToolTip(0, "The gap's id: the N of `gapscope gaps show N` and `gapscope runs "
                                              "draft --gap N`, and the “gap #N” of experiment runs. The rows are "
                                              "in score order.")
        self.table.headerItem().setToolTip(3, SCORE_TIP)
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setUniformRowHeights(True)
        self.table.header().setStretchLastSection(True)
        fm = self.table.fontMetrics()         # the columns grow with the font
        # the statement (last, stretched) is what a reader reads: the others take what their words need;
        # a stale gap is marked by an icon beside its id, the reason in the tooltip (not "(stale)" in a column)
        self._stale_icon = self.style().standardIcon(QStyle.SP_MessageBoxWarning)
        icon = self.table.iconSize().width() if self.table.iconSize().width() > 0 else fm.height()
        self._id_width = fm.horizontalAdvance("0000") + icon + 16
        self.table.itemSelectionChanged.connect(self._gap_selected)
        # a width the user dragged a column to wins over the fit, and comes back in the next session
        self.column_fit = ColumnFit(self.table, "gaps", self._column_widths)
        self.column_fit.apply()
        self.table.viewport().installEventFilter(self)     # a narrower table narrows Type and Topic first

        self.detail = QTextBrowser()
        self.detail.setObjectName("gapDetail")
        self.detail.document().setDocumentMargin(10)
        # a narrower pane wraps the statement into more lines: the pane then grows to show them all
        self._detail_width = 0
        self.detail.installEventFilter(self)
        self.evidence = QListWidget()
        self.evidence.setObjectName("gapEvidence")
        self.evidence.setAlternatingRowColors(True)
        # a long title wraps in the pane, never behind a horizontal scroll bar; the rows are laid out again
        # (wrapped anew) when the pane is resized
        self.evidence.setWordWrap(True)
        self.evidence.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.evidence.setResizeMode(QListView.Adjust)
        self.evidence.itemDoubleClicked.connect(self._open_evidence)
        self.quotes = QListWidget()
        self.quotes.setObjectName("gapQuotes")
        self.quotes.setWordWrap(True)
        self.quotes.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.quotes.setResizeMode(QListView.Adjust)
        self.quotes.setToolTip("Double-click a sentence from a PDF to open it in the Reader at its place")
        self.quotes.itemDoubleClicked.connect(self._open_quote)
        # the lists may shrink to two rows each, so that a long statement above them can be read whole
        # (heading_room.py); they scroll, the statement does not
        for box in (self.evidence, self.quotes):
            box.setMinimumHeight(box.fontMetrics().lineSpacing() * 2 + 2 * box.frameWidth())
        self.evidence_button = QPushButton("Show evidence in library")
        self.evidence_button.clicked.connect(self._show_evidence)
        self.draft_button = QPushButton("Draft experiment…")
        self.draft_button.setObjectName("draftExperiment")
        self.draft_button.clicked.connect(self._draft)
        for b in (self.evidence_button, self.draft_button):
            b.setEnabled(False)

        lists = QWidget()
        rl = QVBoxLayout(lists)
        rl.setContentsMargins(0, 0, 0, 0)
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
        # the gap's details over its evidence: the statement is what a reader came for, so the details
        # take the larger share (a long statement reads whole at 1280x800); the user's split is remembered
        # (MainWindow.save_state)
        self.detail_split = QSplitter(Qt.Vertical)
        self.detail_split.setObjectName("gapDetailSplit")
        self.detail_split.setChildrenCollapsible(False)
        self.detail_split.addWidget(self.detail)
        self.detail_split.addWidget(lists)
        self.detail_split.setStretchFactor(0, 3)
        self.detail_split.setStretchFactor(1, 2)
        self.detail_split.setSizes([600, 400])
        right = self.detail_split

        top = QHBoxLayout()
        top.addWidget(self.find_button)
        top.addWidget(self.info, 1)
        top.addWidget(QLabel("Type:"))
        top.addWidget(self.type_filter)
        top.addWidget(QLabel("Topic:"))
        top.addWidget(self.topic_filter)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.empty_label)
        ll.addWidget(self.table, 1)
        self.split = split = QSplitter(Qt.Horizontal)
        split.setObjectName("gapSplit")
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([700, 400])         # the list's statements are the longest text of the view
        split.setStretchFactor(0, 2)       # and a wider window widens them most
        split.setStretchFactor(1, 1)
        pl = QVBoxLayout(self)
        pl.setContentsMargins(8, 8, 8, 8)
        pl.addLayout(top)
        pl.addWidget(self.skipped_label)
        pl.addWidget(self.notes_toggle)
        pl.addWidget(self.notes)
        pl.addWidget(self.link_label)
        pl.addWidget(split, 1)

    def writers(self) -> list:
        return [self.find_button]

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Resize and obj is self.table.viewport():
            self.column_fit.apply()
        elif event.type() == QEvent.Resize and obj is self.detail and obj.width() != self._detail_width:
            # on a change of the pane's width only (the window's, or the split beside the list): a height the
            # user gives it by the split stands, even where its scroll bar comes or goes
            self._detail_width = obj.width()
            # after the browser has wrapped its text anew at this width (its own resize comes after this filter)
            QTimer.singleShot(0, self, self._room_for_statement)
        return super().eventFilter(obj, event)

    def _room_for_statement(self) -> None:
        """The details pane as tall as the statement needs (the evidence lists give up room): read whole,
        never scrolled to."""
        make_room_for_heading(self.detail, self.detail_split)

    def _column_widths(self) -> dict[int, int]:
        """Type and Topic at the width their words need while the Statement keeps STATEMENT_SHARE of the table;
        in a narrower table they give up the room, in proportion, down to NARROWEST_CHARS (the statement,
        stretched last, takes the rest: at 1024x700 it showed ten characters). The id and the score: the
        width of their figures."""
        fm = self.table.fontMetrics()
        fixed = {0: self._id_width, 3: fm.horizontalAdvance("0.000") + 16}
        full = {1: fm.horizontalAdvance("Method × problem") + 14, 2: fm.averageCharWidth() * 18}
        width = self.table.viewport().width()
        taken = sum(self.column_fit.user_width(c) or w for c, w in fixed.items())
        room = width - taken - int(width * STATEMENT_SHARE)
        scale = min(1.0, max(0, room) / sum(full.values()))
        return {**fixed, **{col: max(fm.averageCharWidth() * NARROWEST_CHARS, int(w * scale))
                            for col, w in full.items()}}

    def library_switched(self, lib) -> None:
        """The gaps listed, the one shown with its evidence and a gap still to select were the previous
        library's: a gap id or evidence paper id names another here, and "Draft experiment" would link
        the wrong gap."""
        self._select_after = None
        self._links += 1                    # a link followed in the library before is not followed here
        self.link_label.hide()
        self.gaps = []
        self.table.blockSignals(True)
        self.table.clear()
        self.table.blockSignals(False)
        self._gap_selected()
        self.topic_filter.blockSignals(True)  # its topics were the library before's
        self.topic_filter.clear()
        self.topic_filter.addItem("All topics", None)
        self.topic_filter.blockSignals(False)
        self.notes.clear()
        self.notes.hide()
        self.notes_toggle.hide()
        self._n_notes = 0
        self.empty_label.hide()
        self._count_text = ""
        self.info.setText("")

    def reload(self) -> None:
        if self.lib is None:
            return
        self.pending = False
        self.run_listing("Load gaps", load_gaps, on_result=self.show_gaps,
                         on_error=lambda m, _t: self.info.setText(f"Cannot read the gaps: {m}"))

    def library_modified(self) -> None:
        # shown again with its stale marks, the chosen gap kept (or the one a listing on its way selects)
        if not (self.listing_on_its_way and self._select_after is not None):
            g = self.current_gap()
            self._select_after = g.get("id") if g else None
        super().library_modified()

    def find_gaps(self, build_first: Optional[bool] = None):
        """Find gaps; when the maps or concepts are out of date (papers imported since, ...) gaps found from
        them would be stale at once, so ask (``build_first`` answers) whether to build them first."""
        if self.lib is None:
            return None
        self._select_after = None               # the new list opens on its best gap
        self.link_label.hide()
        from gapscope.gaps.stale import inputs_out_of_date

        late = inputs_out_of_date(self.lib)
        if late and build_first is None:
            build_first = self.ask_build_first(late)
            if build_first is None:
                return None
        if late and build_first:
            return self.run_step("Build maps and find gaps", build_and_detect, button=self.find_button,
                                 status=self.info, busy="Building the maps, then finding gaps…",
                                 what="Building the maps and finding gaps", on_result=self._found,
                                 on_finished=self.inputsRebuilt.emit)
        return self.run_step("Find gaps", detect_gaps, button=self.find_button, status=self.info,
                             busy="Finding gaps…", what="Finding gaps", on_result=self._found)

    def _found(self, gaps: list[dict]) -> None:
        self.outdate_listings()       # a listing still on its way read the gaps found before these
        self.show_gaps(gaps)

    def ask_build_first(self, late: list[str]) -> Optional[bool]:
        """True: build the maps first; False: find gaps from them as they are; None: neither."""
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self, "The maps are out of date",
            "Gaps found now would come from out-of-date inputs and be marked stale at once:\n\n"
            + "\n".join(f"\u2022 {r}" for r in late)
            + "\n\nBuild the maps first (and extract the concepts again where needed), then find gaps?\n"
            "No: find gaps from the maps as they are.",
            QMessageBox.Yes | QMessageBox.No | QMessageBox.Cancel, QMessageBox.Yes)
        return {QMessageBox.Yes: True, QMessageBox.No: False}.get(answer)

    def show_gaps(self, gaps: list[dict]) -> None:
        self.gaps = sorted(gaps, key=lambda g: -(g.get("score") or 0))
        # an end listed under its acronym in one gap and spelled out in another ("LoRA", "low-rank adaptation")
        self._other_names = other_names((g.get("id"), g.get("details")) for g in self.gaps)
        self.table.clear()
        grey = QBrush(theme.qcolor("stale"))
        for rank, g in enumerate(self.gaps, start=1):
            stale = g.get("stale") or []
            kind = TYPE_COLUMN.get(g.get("type"), str(g.get("type")))
            # the id a user types in the command line, not the rank (the row's place says that)
            item = QTreeWidgetItem([str(g.get("id")), kind, topic_column(g),
                                    f"{g.get('score', 0):.2f}", " ".join(str(g.get("statement", "")).split())])
            item.setData(0, Qt.UserRole, g.get("id"))
            item.setToolTip(0, f"gap #{g.get('id')}, {rank} of {len(self.gaps)} by score")
            item.setToolTip(1, TYPE_NAMES.get(g.get("type"), str(g.get("type"))))
            within = standing_text(str(g.get("type")), g.get("details") or {})
            item.setToolTip(3, f"{within}. {SCORE_TIP}" if within else SCORE_TIP)
            item.setToolTip(4, str(g.get("statement", "")))
            item.setToolTip(2, topic_text(g) or topic_tip(g))     # a long topic label is cut in its column
            if not gap_topic(g):
                item.setForeground(2, QBrush(theme.qcolor("faint")))
            if stale:
                item.setIcon(0, self._stale_icon)
                item.setToolTip(0, f"Stale: {stale_note(stale)}\n(gap #{g.get('id')}, {rank} of {len(self.gaps)} "
                                   "by score)")
                for col in range(5):
                    item.setForeground(col, grey)
            item.setTextAlignment(3, Qt.AlignRight | Qt.AlignVCenter)
            self.table.addTopLevelItem(item)
        # each topic a gap is found under (in_topic): its own names, else its evidence papers' topics
        topics = sorted({t for g in self.gaps for t in (names_of(g) or g.get("evidence_topics") or [])})
        keep = self.topic_filter.currentData()
        self.topic_filter.blockSignals(True)
        self.topic_filter.clear()
        self.topic_filter.addItem("All topics", None)
        for t in topics:
            self.topic_filter.addItem(t, t)
        self.topic_filter.setCurrentIndex(max(0, self.topic_filter.findData(keep)) if keep else 0)
        self.topic_filter.blockSignals(False)
        from gapscope.gaps.store import skipped_types

        skipped = skipped_types(self.lib) if self.lib is not None else []
        self.skipped_label.setText(skipped_banner(skipped))
        self.skipped_label.setVisible(bool(skipped))
        notices = (self.lib.get_setting("gaps.notices") or []) if self.lib is not None else []
        self.notes.setText("\n".join(f"\u2022 {n}" for n in notices))
        self._n_notes = len(notices)
        self._show_notes(len(notices) <= NOTES_SHOWN)
        # the stale count with its most common reason (every reason, counted, in the tooltip)
        summary = stale_summary([g.get("stale") or [] for g in self.gaps])
        self._count_text = f", {summary}; press “Find gaps” again" if summary else ""
        kinds = stale_kinds([g.get("stale") or [] for g in self.gaps])
        self.info.setToolTip("\n".join(f"{n:,} gap{'s' if n != 1 else ''}: {k}" for k, n in kinds.most_common()))
        self.apply_filters()
        wanted, self._select_after = self._select_after, None
        if wanted is not None:
            if not self._select_id(wanted):          # never another gap in its place
                self.table.setCurrentItem(None)
                self._gap_selected()
        elif self.gaps:
            first = next((self.table.topLevelItem(i) for i in range(self.table.topLevelItemCount())
                          if not self.table.topLevelItem(i).isHidden()), None)
            if first is not None:
                self.table.setCurrentItem(first)
        else:
            self._gap_selected()

    def _show_notes(self, opened: bool) -> None:
        """The notices in full (``opened``), or only the line that opens them when there are many."""
        n = self._n_notes
        self.notes.setVisible(bool(n) and opened)
        many = n > NOTES_SHOWN
        self.notes_toggle.setVisible(many)
        if many:
            self.notes_toggle.setText(f"{n} notes on what the last “Find gaps” left out and why — "
                                      f'<a href="toggle">{"hide" if opened else "show"}</a>')

    def apply_filters(self) -> None:
        """Hide the rows whose type or topic is not the chosen one (a gap without a topic: in_topic); the
        header counts what is shown, an empty table says why, and a hidden gap's details leave the pane."""
        typ, topic = self.type_filter.currentData(), self.topic_filter.currentData()
        by_id = {g.get("id"): g for g in self.gaps}
        shown = 0
        for i in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(i)
            g = by_id.get(item.data(0, Qt.UserRole), {})
            item.setHidden(bool((typ and g.get("type") != typ) or not in_topic(g, topic)))
            shown += not item.isHidden()
        n = len(self.gaps)
        filtered = bool(typ or topic)
        if not n:      # only the steps still missing: with the maps built, "Find gaps" alone
            built = self.lib is not None and bool(self.lib.map_rows())
            self.info.setText(hints.NO_GAPS_MAPS_BUILT if built else hints.NO_GAPS)
        else:
            self.info.setText((f"{shown} of {n} gaps shown" if filtered else f"{n} gap{'s' if n != 1 else ''}")
                              + self._count_text)
        what = " and ".join(x for x in ((f"of type “{self.type_filter.currentText()}”" if typ else ""),
                                        (f"in the topic “{topic}”" if topic else "")) if x)
        self.empty_label.setText(f'No gap {what}; <a href="clear">clear the filters</a>.' if what else "")
        self.empty_label.setVisible(bool(n and filtered and not shown))
        current = self.table.currentItem()
        if current is not None and current.isHidden():
            self.table.setCurrentItem(None)
            self._gap_selected()

    def clear_filters(self) -> None:
        for box in (self.type_filter, self.topic_filter):
            box.setCurrentIndex(0)

    def _select_id(self, gap_id: int) -> bool:
        for i in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(i)
            if item.data(0, Qt.UserRole) == gap_id:
                self.table.setCurrentItem(item)
                return True
        return False

    def select_gap(self, gap_id: int) -> None:
        """Show the gap a link (an experiment run's) names: itself when listed, else the same gap found again
        (gapscope.gaps.identity), else say that it is gone; never another gap as if it were the linked one."""
        self.link_label.hide()
        self._links += 1                    # the answer for a link followed before this one is not followed
        if not self.pending and not self.listing_on_its_way and self._select_id(gap_id):
            return
        if self.lib is None:
            return
        ticket = self._links
        self.tasks.run("Find the linked gap", resolve_link, int(gap_id), library=self.lib.path, quiet=True,
                       on_result=lambda link: self._follow_link(link) if ticket == self._links else None,
                       on_error=lambda m, _t: (self._show_link_note(f"Cannot find gap #{gap_id}: {m}")
                                               if ticket == self._links else None))

    def _follow_link(self, link: dict) -> None:
        target = link.get("target")
        if target != link["linked"]:
            self._show_link_note(link_note(link))
        wanted = target if target is not None else NO_GAP
        if self.pending or self.listing_on_its_way:
            # a listing is still to come (the tab opening with the link): it selects this, or nothing
            self._select_after = wanted
            if self.pending:
                self.reload()
            return
        self._select_after = None
        if target is not None and self._select_id(target):
            return
        self.table.setCurrentItem(None)
        self._gap_selected()
        if target is not None:              # listed since this list was read: read it again, selecting it
            self._select_after = target
            self.reload()

    def _show_link_note(self, text: str) -> None:
        self.link_label.setText(text)
        self.link_label.setVisible(bool(text))

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
        for w in (self.quotes_label, self.quotes):
            w.hide()
        for b in (self.evidence_button, self.draft_button):
            b.setEnabled(g is not None)
        held = self._held_in_library((g.get("details") or {}) if g is not None else {})
        shown = self._evidence_ids(g, held) if g is not None else []
        # the button names how many it shows: every library paper of the evidence list, those of the
        # closest existing work included
        self.evidence_button.setText(f"Show {len(shown):,} in library" if shown else "Show evidence in library")
        self.evidence_button.setEnabled(bool(shown))
        if g is None:
            self.detail.setHtml(f'<p style="color:{theme.colour("faint")};">Select a gap.</p>')
            return

        expansions = (g.get("details") or {}).get("expansions") or {}
        faint, tertiary, caution = (theme.colour(n) for n in ("faint", "tertiary", "caution"))

        def side(name, part):
            if not part:
                return ""
            kws = [str(k) for k in (part.get("keywords") or [])[:8]]
            label = str(part.get("label", ""))
            if (g.get("details") or {}).get("level") == "concept":
                # an acronym's synonyms without the pieces cut from its definition ("optimization grpo"), and
                # a phrase ending in its acronym as the statement writes it ("whole-slide images (WSIs)")
                kws = telling_synonyms(label, kws, expansions.get(label))
                label = readable_phrase(label)
            kw = ", ".join(kws)
            return (f'<p><b>{name}:</b> {html.escape(label)}'
                    + (f'<br><span style="color:{tertiary}; font-size:small;">{html.escape(kw)}</span>' if kw else "")
                    + "</p>")

        details = g.get("details") or {}
        extra = ""
        if details.get("level") == "concept":
            # which neighbours met the problem (related methods) and which the method (related problems)
            related = related_concepts(details, f"\u201c{details.get('method_concept') or 'the method'}\u201d",
                                       f"\u201c{details.get('problem_concept') or 'the problem'}\u201d")
            if related:
                extra += ('<p><b>Predicting neighbours:</b> '
                          + "<br>".join(html.escape(line) for line in related) + '</p>')
            ranked = ranked_by_text(str(g.get("type")), details)    # what orders the pair, as the report says it
            if ranked:
                extra += f'<p><b>Ranked:</b> {html.escape(ranked)}</p>'
            acr = [reading_line(d) for d in (details.get("acronyms") or {}).values()]
            if acr:
                extra += f'<p><b>Acronyms:</b> {html.escape("; ".join(acr))}</p>'
        ref = details.get("reference") or {}
        if ref.get("co_mentions"):
            # abstracts of the reference corpus (`gaps find --reference`) that mention both concepts
            extra += tried_html("Already tried in the reference corpus", ref["co_mentions"], "abstract", [
                (latex_to_text(str(p.get("title", ""))), f"{p.get('year') or ''}"
                 + (f", arXiv {p['arxiv_id']}" if p.get("arxiv_id") else "")
                 + (", in this library" if p.get("library_id") is not None else ""))   # the library holds it too
                for p in ref.get("papers") or []], done_from("gaps_established_min", ref.get("min_co_mentions")))
        world = details.get("openalex") or {}
        if world.get("works"):
            # works in OpenAlex, all years, that mention both (the gaps_openalex_min setting), most cited first
            extra += tried_html("Already tried elsewhere (OpenAlex, all years)", world["works"], "work", [
                (str(p.get("title") or ""), f"{p.get('year') or ''}"
                 + (f", {p['citations']} citations" if p.get("citations") is not None else ""))
                for p in world.get("papers") or []], done_from("gaps_openalex_min", world.get("min_works")))
        elif world.get("error"):
            extra += (f"<p style='color:{caution};'><b>OpenAlex check:</b> not done for this gap "
                      f"({html.escape(str(world['error']))})</p>")
        line = closest_line(details)      # the statement's count (naming both) and the reading by meaning, apart
        if line:
            lead = "closest existing work"       # the line's own words after it: where, then the counts
            extra += (f"<p><b>Closest existing work</b>{html.escape(line[len(lead):])} — listed with the "
                      "evidence</p>")
        for line in self._other_names.get(g.get("id"), []):
            extra += f'<p style="color:{caution};"><b>Also listed:</b> {html.escape(line)}</p>'
        short = details.get("shortcoming_sentences") or []
        if short:
            # the paper by its title and year, not its library id (a number that tells a reader nothing)
            said_by = self._papers_by_id([int(s["paper_id"]) for s in short])
            extra += "<p><b>Shortcomings stated:</b></p><ul>" + "".join(
                f"<li>{html.escape(s['text'])} <span style='color:{faint}'>["
                + html.escape(paper_ref(said_by.get(int(s["paper_id"])), s["paper_id"]))
                + (f", {html.escape(str(s['section']))} p. {s.get('page')}" if s.get("section") else "")
                + (f"; {html.escape(label_of(s))}" if label_of(s) else "") + "]</span></li>" for s in short) + "</ul>"
        elif details.get("quote_note") and g.get("type") != "unaddressed_shortcoming":  # that one's statement says it
            extra += (f"<p><b>Shortcomings stated:</b> <span style='color:{faint}'>"
                      f"{html.escape(details['quote_note'])}</span></p>")
        extra += run_links_html(g.get("run_links") or [], faint, caution)
        stale = g.get("stale") or []
        # first, above the statement: read at the end of a short pane it came after the gap it qualifies
        warn = (f'<p style="color:{caution};"><b>Stale:</b> {html.escape(stale_note(stale))}</p>' if stale else "")
        concept = details.get("level") == "concept"
        self.detail.setHtml(
            warn + f'<p style="color:{tertiary};">Gap #{g.get("id")} &nbsp;·&nbsp; '
            f'{html.escape(TYPE_NAMES.get(g.get("type"), str(g.get("type"))))}'
            f' &nbsp;·&nbsp; score {g.get("score", 0):.3f}'
            + (f' ({html.escape(within)})' if (within := standing_text(str(g.get("type")), details)) else "")
            + (f' &nbsp;·&nbsp; topic: {html.escape(topic_text(g))}' if topic_text(g) else "") + '</p>'
            # the statement in bold at the text's size (a 140-word one in a heading's size was taller than the
            # pane at 1024x700); a shortcoming's "Stated as: …" quotes are under "Evidence sentences" below,
            # not said twice (as the report: explain.headline)
            f'<h3 style="font-size:medium;">{html.escape(headline(str(g.get("statement", "")), details))}</h3>'
            + side("Method concept" if concept else "Method", g.get("method"))
            # a thin, growing region is a topic-map cluster, not a problem a method is applied to
            + side("Problem concept" if concept else "Region" if g.get("type") == "thin_growing" else "Problem",
                   g.get("problem")) + extra)
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
        for text, pid, tip in closest_items(details, {p.id: roles.get(p.id, "") for p in papers}, held):
            it = QListWidgetItem(text)
            it.setData(Qt.UserRole, pid)           # None: a reference paper, not in this library
            it.setData(Qt.UserRole + 1, "closest")
            it.setToolTip(tip)
            self.evidence.addItem(it)
        quoted = self._papers_by_id([int(q["paper_id"]) for q in details.get("quotes") or []])
        for q in details.get("quotes") or []:
            where = f"{q['section']} p. {q['page']}" if q.get("section") else "abstract"
            it = QListWidgetItem(f"“{q['text']}”  ({', '.join(x for x in (label_of(q), where) if x)}) "
                                 f"[{paper_ref(quoted.get(int(q['paper_id'])), q['paper_id'])}]")
            it.setData(Qt.UserRole, (int(q["paper_id"]), int(q.get("page") or 0), str(q["text"])))
            if not q.get("section"):
                it.setToolTip("From the abstract: double-click opens the paper in the library")
            self.quotes.addItem(it)
        # most gaps quote no sentence (only unaddressed shortcomings do): no empty box then
        for w in (self.quotes_label, self.quotes):
            w.setVisible(self.quotes.count() > 0)
        self._room_for_statement()

    def _papers_by_id(self, ids: list[int]) -> dict:
        return {p.id: p for p in self.lib.get_papers(sorted(set(ids)))} if ids and self.lib is not None else {}

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

    def _held_in_library(self, details: dict) -> dict[str, int]:
        """{arXiv id: library paper id} of the closest existing work listed from the reference corpus that
        the library holds too (a library inside the reference is common)."""
        if self.lib is None:
            return {}
        out = {}
        for p in details.get("closest_work") or []:
            if p.get("source") != "library" and p.get("arxiv_id"):
                pid = self.lib.paper_with_ids(str(p["arxiv_id"]), None)
                if pid is not None:
                    out[str(p["arxiv_id"])] = int(pid)
        return out

    def _evidence_ids(self, g: dict, held: Optional[Mapping[str, int]] = None) -> list[int]:
        """The library papers the evidence list shows: the evidence, then the closest existing work's; none
        removed from the library since (a stale gap's), so the button's count is what the library shows."""
        details = g.get("details") or {}
        held = self._held_in_library(details) if held is None else held
        ids = [int(i) for i in g.get("evidence") or []]
        for p in details.get("closest_work") or []:
            pid = closest_library_id(p, held)
            if pid is not None and pid not in ids:
                ids.append(pid)
        present = {p.id for p in self.lib.get_papers(ids)} if ids and self.lib is not None else set(ids)
        return [i for i in ids if i in present]

    def _show_evidence(self) -> None:
        g = self.current_gap()
        if g:
            self.showPapers.emit(self._evidence_ids(g), f"evidence of gap #{g.get('id')}")

    def _draft(self) -> None:
        g = self.current_gap()
        if g:
            self.draftExperiment.emit(g)
