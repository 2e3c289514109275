"""Triage: one paper at a time, keyboard first. I include, E exclude (no reason), 1-9 exclude with
that reason, M maybe, P postpone, U or Ctrl+Z undo. Keyboard focus stays on the paper card: the
drop-downs never take it, so the keys always decide. A reason goes only with the decision it was
chosen for (its key, or a pick in the drop-down followed by the Exclude button); a plain exclude never
inherits one. The scope is a collection, narrowed by a search, a tag, a map cluster or the papers the
Library listed; the reviewer field turns on blind dual screening. The ranking runs on a worker; a decision is one quick write, on the writer queue.

After a decision the next card comes at once from the last ranking (as ASReview shows the next record
while it retrains), and the scope is ranked again behind it with the decision learnt; that ranking gives
the cards after. The ranking session (the scope's features, ~450 MB at 75,000 papers, mapped from the
disk cache) is kept between rankings (gapscope.triage.SessionCache); a first ranking that loads or
builds it shows its steps on a bar, with Cancel."""

from __future__ import annotations

import html
from typing import Optional

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFrame, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton,
                               QTextBrowser, QToolButton, QVBoxLayout, QWidget)

from gapscope.textfmt import latex_to_text, plural
from gapscope.vocabulary import DECISIONS

from .. import hints, queries, theme
from ..widgets.placeholder_fit import fit_placeholder
from ..write_guard import set_enabled
from .core_view import CoreView
from .paper_html import abstract_html, legend_html, load_sentences, paper_header_html


# Papers of a ranking kept to show next, one after each decision, while the scope is ranked again.
UPCOMING = 10


def fetch_next(lib, scope, reviewer=None, sessions=None, n=UPCOMING, *, progress=None, cancel=None):
    """Worker side: the next ``n`` papers as the queue gives them ({paper_id, probability (None before
    there is a classifier), why, ranked_by, conflict?}), the current statistics of the scope, and for
    each paper the reviewer's decision in force on it as the card shows it (its id; None: undecided),
    for the decision made on the card to be checked against. ``sessions``: a SessionCache that keeps
    the ranking session between calls (None: one for this call only)."""
    from gapscope import jobs
    from gapscope.triage import SessionCache, own_decision
    from gapscope.triage.scope_features import STEP_RANK, STEP_STATS, STEPS

    sessions = sessions if sessions is not None else SessionCache()
    with sessions.session(lib, scope, reviewer, cancel=cancel, progress=progress) as session:
        jobs.report(progress, STEP_RANK, STEPS, "Ranking the papers")
        ranked = session.queue(n)
        jobs.check(cancel)
        jobs.report(progress, STEP_STATS, STEPS, "Counting the decisions and the stopping estimate")
        stats = session.stats()
    seen = [own_decision(lib, q["paper_id"], scope.collection, reviewer or "") for q in ranked]
    jobs.report(progress, STEPS, STEPS, "")
    return ranked, stats, seen


_KEYS_HELP = "Keys: I include · E exclude · 1–9 exclude with a reason · M maybe · P postpone · U undo"


def conflict_text(conflict: dict) -> str:
    """'Conflict: ann include, bob exclude — your decision resolves it'."""
    said = ", ".join(f"{rev or '(no reviewer)'} {d['decision']}" for rev, d in conflict.items())
    return f"Conflict: {said} — your decision resolves it"


def why_text(q: dict, stats, first: bool = True) -> str:
    """Why this paper is on the card, from the queue's ``why`` and ``ranked_by``; ``first``: it heads its
    ranking (False: the next one of the last ranking, shown while the scope is ranked again)."""
    prob = q.get("probability")
    p = f" (probability of relevance {prob:.2f})" if prob is not None else ""
    why, by = q.get("why"), q.get("ranked_by")
    if why == "conflict" and q.get("conflict"):
        return conflict_text(q["conflict"])
    names = stats.get("named_reviewers") if isinstance(stats, dict) and not stats.get("reviewer") else None
    if names:
        return (f"Screened by named reviewers ({', '.join(names)}): enter your reviewer name to screen this "
                "paper; with a blank name only their conflicts are resolved")
    if why == "postponed":
        return "Postponed earlier: back at the end of the queue" + p
    if why == "no text":
        return "No title or abstract: the model has no text to judge it by" + p
    if why == "explore":
        return "Picked at random to explore other subtopics" + p
    if not first and why == "top":
        how = {"classifier": "by the model" + p, "similarity": "by similarity to the included papers"}
        return f"Next in the ranking made before your last decision ({how.get(by, 'library order')})"
    if by == "classifier":
        return "Ranked first by the model" + p
    if by == "similarity":
        return "Most similar to the included papers (the model starts once you have excluded a paper)"
    return "No include yet: papers come in library order"


def _fmt_stats(stats) -> tuple[str, Optional[tuple[int, int]], str, bool]:
    """(summary line, (screened, total) for the bar, stopping lines, suggest stop) from ``triage_stats``."""
    if not isinstance(stats, dict):
        return "", None, "", False
    if stats.get("empty"):
        return "", (0, 0), "Nothing to screen: this scope holds no papers.", False
    from gapscope.triage.stopping import describe

    parts = [f"{stats[k]:,} {label}" for k, label in (("include", "included"), ("exclude", "excluded"),
                                                      ("maybe", "maybe"), ("postpone", "postponed"),
                                                      ("unseen", "not screened"))
             if isinstance(stats.get(k), int)]
    if stats.get("conflicts"):
        parts.append(f"{stats['conflicts']:,} conflicts to resolve")
    if stats.get("awaiting_second"):      # dual screening: screened by one reviewer, not screened yet
        parts.append(f"{stats['awaiting_second']:,} awaiting a second reviewer")
    ag = stats.get("agreement")
    if ag and ag.get("kappa") is not None:
        parts.append(f"Cohen's kappa {ag['kappa']:.2f} ({ag['reviewers'][0]} vs {ag['reviewers'][1]}, {ag['papers']:,} papers)")
    total, screened = stats.get("total"), stats.get("screened")
    bar = (int(screened), int(total)) if isinstance(total, int) and isinstance(screened, int) else None
    stop = stats.get("stopping") or {}
    text = "\n".join(describe(stop, int(stats.get("unseen") or 0),
                                    int(stats.get("screened") or 0))) if "suggest_stop" in stop else ""
    return "  ·  ".join(parts), bar, text, bool(stop.get("suggest_stop"))


def progress_text(screened: int, total: int) -> str:
    """The progress bar's text, its numbers grouped as the counts line under it groups them."""
    return f"{screened:,} of {total:,} screened"


# The statistics a decision moves, and the ones it leaves to the next ranking (the stopping estimate).
_COUNTED = DECISIONS
_SCREENED = ("include", "exclude", "maybe")           # a postponed paper is still unseen
_COUNT_KEYS = _COUNTED + ("screened", "unseen")


def counts_moved(stats, before: Optional[str], after: Optional[str]):
    """``stats`` with one paper moved from decision ``before`` to ``after`` (None: undecided): the counts
    and the progress follow a decision or an undo at once, without counting the scope's decisions again
    (the next ranking brings the exact figures and the stopping estimate)."""
    if not isinstance(stats, dict) or stats.get("empty"):
        return stats
    out = dict(stats)
    for decision, step in ((before, -1), (after, 1)):
        keys = [decision] if decision in _COUNTED else []
        keys.append("screened" if decision in _SCREENED else "unseen")
        for key in keys:
            if isinstance(out.get(key), int):
                out[key] += step
    return out


_CHIP_TIP = "Screening one map cluster; click to screen the whole scope again"
_LIST_CHIP_TIP = "Screening the papers the Library listed; click to screen the whole scope again"
_CHIP_CHARS = 28                      # the narrowing chip's text at most about this many characters wide


_DONE = {"include": "Included", "exclude": "Excluded", "maybe": "Marked maybe", "postpone": "Postponed"}
_TITLE_CHARS = 60                     # of a title in the line that confirms a decision


def _local_time(iso: str) -> str:
    """``HH:MM`` on this computer's clock of a stored (UTC) time."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%H:%M")
    except (TypeError, ValueError):
        return str(iso)


def _num(v) -> str:
    if isinstance(v, float):
        return f"{v:.2f}" if abs(v) < 10 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


class TriageView(CoreView):
    decided = Signal()
    scopeChanged = Signal(object)      # the collection being screened (None: the whole library)

    def __init__(self, tasks, parent: Optional[QWidget] = None) -> None:
        super().__init__(tasks, parent)
        self.current: Optional[int] = None
        self.score: Optional[float] = None
        self.loading = False
        # (paper id, decision id) of the decisions this window made, latest last: Undo takes back the
        # window's own last decision, never one the CLI or another window made since
        self.history: list[tuple[int, int]] = []
        self.seen: Optional[int] = None   # the reviewer's decision on the card's paper when it was ranked
        self.conflict: Optional[dict] = None   # the card's paper is this open conflict between reviewers
        # what the last key press did, shown until the next one (a new card does not clear it)
        self.last_action = ""

        self.cluster = None            # (map id, cluster number, label) narrowing the scope
        self.listed = None             # (paper ids, what the list holds): the Library's list, as it showed it
        self.saved_search = None       # the saved search the Library's list was found by (named if deleted)
        self._kept_record = None       # the screened list as the library keeps it (written when it changes)
        self._restored = None          # the scope brought back on opening, while the notice names it
        self.armed_reason: Optional[str] = None   # picked in the drop-down for the paper on the card

        from gapscope.triage import SessionCache

        # the scope's ranking session, kept from one ranking to the next (dropped with the library)
        self.sessions = SessionCache()
        self.rank_task = None
        self.ranking = False           # a ranking of the current scope is under way
        self._generation = 0           # a ranking asked for before the scope changed is dropped
        self._foreground = False       # the ranking under way is awaited for a card (none is shown)
        self._rank_again = False       # decisions were made while it ran: rank once more when it ends
        self._decided_since_rank: set[int] = set()   # by this window while the ranking ran
        self.upcoming: list[tuple[dict, Optional[int]]] = []   # (queue entry, seen) after the card
        self.card_entry: Optional[dict] = None    # the queue entry of the card
        self._card_source = ""                    # the card's HTML as made (Qt's toHtml() rewrites it)
        self.stats = None              # the last ranking's statistics, moved by the decisions since
        self._moved_since_rank = False    # the counts moved by a decision or undo since the ranking began
        # decision id -> (queue entry, seen, (decision before, decision made) or None, (scope, reviewer)) of
        # this window's decisions: an undo in the same scope puts the paper back on the card and moves
        # the counts back
        self._made: dict[int, tuple] = {}

        self.collection = QComboBox()
        self.collection.setObjectName("triageCollection")
        self.collection.currentIndexChanged.connect(lambda _i: self.load_next())
        self.query = QLineEdit()
        self.query.setObjectName("triageQuery")
        self.query.setClearButtonEnabled(True)
        # short placeholders, whole in the squeezed row; what they mean on hover
        fit_placeholder(self.query, "Search within", "Search within (optional): screen only the papers of this "
                        "scope that the search finds (the same search as the library's search box)")
        self.query.editingFinished.connect(self._scope_edited)
        self.tag = QComboBox()
        self.tag.setObjectName("triageTag")
        self.tag.currentIndexChanged.connect(lambda _i: self.load_next())
        self.cluster_chip = QToolButton()
        self.cluster_chip.setObjectName("triageCluster")
        self.cluster_chip.setAutoRaise(True)
        self.cluster_chip.setToolTip(_CHIP_TIP)
        self.cluster_chip.clicked.connect(self._widen)
        self.cluster_chip.hide()
        self.reviewer = QLineEdit()
        self.reviewer.setObjectName("triageReviewer")
        fit_placeholder(self.reviewer, "Reviewer", "Reviewer (blank: one reviewer). Blind dual screening: each "
                        "reviewer enters their name and sees only their own decisions; conflicts are listed for "
                        "resolution and Cohen's kappa is shown.")
        self.reviewer.setMaximumWidth(self.reviewer.fontMetrics().averageCharWidth() * 28)
        self.reviewer.editingFinished.connect(self._scope_edited)
        for edit in (self.query, self.reviewer):
            edit.returnPressed.connect(lambda: self.card.setFocus())
        self._last_scope = None
        # which list is screened after a restart, or why it is not the list screened last (it is gone)
        self.scope_notice = QLabel()
        self.scope_notice.setObjectName("triageScopeNotice")
        self.scope_notice.setWordWrap(True)
        self.scope_notice.hide()
        self.progress = QProgressBar()
        self.progress.setObjectName("triageProgress")
        self.progress.setFormat(progress_text(0, 0))
        self._fit_progress()
        self.stats_label = QLabel()
        self.stats_label.setWordWrap(True)     # these lines wrap at a large font, never widen the window
        self.stop_label = QLabel()
        self.stop_label.setObjectName("stoppingEstimate")
        self.stop_label.setWordWrap(True)
        theme.set_text_colour(self.stop_label, "secondary")

        self.card = QTextBrowser()
        self.card.setObjectName("triageCard")
        self.card.setOpenExternalLinks(True)
        self.card.document().setDocumentMargin(22)
        f = self.card.font()
        f.setPointSizeF(f.pointSizeF() * 1.2)  # a reading card, like ASReview's
        self.card.setFont(f)
        # The card holds the keyboard focus; its key presses are routed to the decisions (eventFilter).
        self.card.setFocusPolicy(Qt.StrongFocus)
        self.card.installEventFilter(self)
        self.rank_label = QLabel()
        self.rank_label.setWordWrap(True)
        theme.set_text_colour(self.rank_label, "secondary")

        self.reason = QComboBox()
        self.reason.setObjectName("exclusionReason")
        self.reason.setMinimumWidth(self.reason.fontMetrics().averageCharWidth() * 30)
        self.reason.setToolTip("Pick a reason, then press Exclude: it goes with that exclude only "
                               "(the E key always excludes without a reason; 1-9 exclude with that reason)")
        self.reason.activated.connect(self._reason_picked)

        def button(text, tip, slot):
            b = QPushButton(text)
            b.setToolTip(tip)
            b.setFocusPolicy(Qt.NoFocus)
            b.clicked.connect(slot)
            return b

        self.b_include = button("Include  (I)", "Include this paper", lambda: self.decide("include"))
        self.b_maybe = button("Maybe  (M)", "Decide later with a closer look", lambda: self.decide("maybe"))
        self.b_exclude = button("Exclude  (E)", "Exclude (with the reason picked on the left, if any)",
                                lambda: self.decide("exclude", reason=self.armed_reason))
        self.b_postpone = button("Postpone  (P)", "Skip for now", lambda: self.decide("postpone"))
        self.b_undo = button("Undo  (U)", "Undo the last decision", self.undo)
        theme.set_text_colour(self.b_include, "good", "font-weight: bold;")
        theme.set_text_colour(self.b_exclude, "error", "font-weight: bold;")
        self.message = QLabel()
        theme.set_text_colour(self.message, "warning")
        # a ranking that loads or builds the scope's features (seconds; the first time tens of seconds)
        self.build_bar = QProgressBar()
        self.build_bar.setObjectName("triageBuildProgress")
        self.build_bar.setTextVisible(True)
        self.b_cancel_rank = button("Cancel", "Stop loading the screening features", self._cancel_ranking)
        self.b_cancel_rank.setObjectName("triageCancelRanking")
        self.b_rank_again = button("Rank again", "Load the screening features and rank the papers", self.load_next)
        self.b_rank_again.setObjectName("triageRankAgain")
        for w in (self.build_bar, self.b_cancel_rank, self.b_rank_again):
            w.hide()

        top = QHBoxLayout()
        top.addWidget(QLabel("Screen:"))
        top.addWidget(self.collection)
        top.addWidget(self.query)
        top.addWidget(self.tag)
        top.addWidget(self.cluster_chip)
        top.addWidget(self.reviewer)
        top.addSpacing(12)
        top.addWidget(self.progress, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.b_include)
        buttons.addWidget(self.b_maybe)
        buttons.addSpacing(16)
        buttons.addWidget(self.reason)
        buttons.addWidget(self.b_exclude)
        buttons.addSpacing(16)
        buttons.addWidget(self.b_postpone)
        buttons.addStretch(1)
        buttons.addWidget(self.b_undo)
        frame = QFrame()
        frame.setFrameShape(QFrame.StyledPanel)
        fl = QVBoxLayout(frame)
        fl.setContentsMargins(0, 0, 0, 0)
        fl.addWidget(self.card)
        pl = QVBoxLayout(self)
        pl.setContentsMargins(12, 10, 12, 10)
        pl.addLayout(top)
        pl.addWidget(self.scope_notice)
        pl.addWidget(self.stats_label)
        pl.addWidget(self.stop_label)
        build = QHBoxLayout()
        build.addWidget(self.build_bar, 1)
        build.addWidget(self.b_cancel_rank)
        build.addWidget(self.b_rank_again)
        build.addStretch(0)
        pl.addLayout(build)
        pl.addWidget(frame, 1)
        pl.addWidget(self.rank_label)
        pl.addLayout(buttons)
        pl.addWidget(self.message)

        self.setFocusProxy(self.card)
        # Drop-downs never take the focus: a key pressed after a mouse pick still decides.
        for w in (self.collection, self.reason, self.tag):
            w.setFocusPolicy(Qt.NoFocus)
            w.activated.connect(lambda _i: self.card.setFocus())
        self._set_enabled(False)

    # The view's keys: keyPressEvent acts on this table and Help > Keyboard Shortcuts lists it.
    KEYS = [(Qt.Key_I, "I", "Include the paper", "include"), (Qt.Key_E, "E", "Exclude the paper", "exclude"),
            (Qt.Key_M, "M", "Maybe", "maybe"), (Qt.Key_P, "P", "Postpone", "postpone"),
            (Qt.Key_U, "U", "Undo the last decision", None)]

    @classmethod
    def key_help(cls) -> list[tuple[str, str]]:
        return [(name, what) for _k, name, what, _d in cls.KEYS] + [
            ("1–9", "Exclude with the numbered reason"), ("Ctrl+Z", "Undo the last decision")]

    def eventFilter(self, obj, event) -> bool:
        if obj is self.card and event.type() == QEvent.KeyPress and self._handle_key(event):
            return True
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event) -> None:
        if not self._handle_key(event):
            super().keyPressEvent(event)

    def _handle_key(self, event) -> bool:
        """The decision keys; True when the key was one of them."""
        key, mods = event.key(), event.modifiers()
        if not self.b_undo.isEnabled():           # decisions are off (a read-only library): keys too
            return False
        actions = {k: (lambda d=d: self.decide(d)) if d else self.undo for k, _n, _w, d in self.KEYS}
        if key == Qt.Key_Z and mods & Qt.ControlModifier:
            self.undo()
        elif key in actions and not mods & (Qt.ControlModifier | Qt.AltModifier):
            actions[key]()
        elif Qt.Key_1 <= key <= Qt.Key_9 and not mods & (Qt.ControlModifier | Qt.AltModifier):
            self._exclude_with(key - Qt.Key_0)
        else:
            return False
        event.accept()
        return True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.card.setFocus()

    # --- state -----------------------------------------------------------------------------------
    def library_changed(self, lib) -> None:
        same = lib is getattr(self, "_lists_for", None)
        self._lists_for = lib
        if not same:
            self.history.clear()          # decision ids of another library
            self._made.clear()
            self.sessions.clear()         # its features too (hundreds of MB on a big library)
        self._generation += 1             # a ranking of the library before is dropped when it ends
        self._cancel_ranking()
        self.ranking, self.loading, self.upcoming = False, False, []
        self._hide_build()                # its bar and Cancel too: its own end is dropped with it
        self.b_rank_again.hide()
        self.rank_label.clear()
        self.current = None
        self._set_enabled(False)          # no card: nothing to decide on until the next one shows
        self.last_action = ""
        self.message.clear()
        self.refresh_lists(lib, keep=same)
        if not same:
            self.cluster = self.listed = self.saved_search = None
            self.cluster_chip.hide()
            self.scope_notice.hide()
            self._last_scope = self._restored = self._kept_record = None
            self._open_on_the_screened_collection(lib)
            self._restore_scope(lib)
        self.reason.clear()
        self.reason.addItem("exclusion reason…", None)
        for i, r in enumerate(queries.exclusion_reasons(lib), start=1):
            self.reason.addItem(f"{i}  {r}", r)
        self.card.setHtml("")

    def tags_changed(self) -> None:
        """Tags added to or taken off papers elsewhere (the detail pane): the tags offered, with their counts.
        The card and a ranking under way stay (a first ranking of a big library builds its features for
        minutes), unless the scope is a tag: its papers may have changed, so it is ranked again."""
        if self.lib is None:
            return
        if self.tag.currentData() is None:
            self.refresh_lists(self.lib)
            return
        self.library_changed(self.lib)
        self.library_modified()

    def changed_elsewhere(self) -> None:
        """Another process changed the library (or View > Refresh): the collections and tags offered, and
        the card, read again. The card and a ranking under way stay, as with :meth:`tags_changed`; the
        next ranking reads the library as it is then. Without a card: ranked when next on screen."""
        if self.lib is None:
            return
        self.refresh_lists(self.lib)
        self.library_modified()

    def library_switched(self, lib) -> None:
        """The screening counts and the stopping estimate were the previous library's."""
        self.stats = None
        self.stats_label.clear()
        self.stop_label.clear()
        self.stop_label.setToolTip("")
        self.progress.reset()

    def _open_on_the_screened_collection(self, lib) -> None:
        """A library whose screening decisions all live in one collection opens on that collection (the
        whole library would show none of them)."""
        from gapscope.triage.decisions import decisions_elsewhere

        where = decisions_elsewhere(lib)
        if len(where) == 1:
            self._pick(self.collection, next(iter(where)))

    # The list screened last (collection, search, tag, map cluster, the Library's listed papers) is kept in the
    # library itself (gapscope.triage.kept_scope: it travels with the library, `gapscope triage scope` reads
    # it); the reviewer's name, the user's own, in the settings with the library's path. After a restart the
    # screening goes on over that list, under that name, and the counts and the stopping estimate are that
    # list's, not the whole library's. The settings' copy of the list serves a library that keeps none
    # (read-only, or last screened before the library kept it).
    SCOPE_KEY = "triage/lastScope"

    def _kept(self):
        from gapscope.triage.kept_scope import KeptScope

        return KeptScope(self.scope(), list_label=self.listed[1] if self.listed else "",
                         cluster_label=str(self.cluster[2]) if self.cluster else "",
                         saved_search=self.saved_search if self.listed else None)

    def _remember_scope(self) -> None:
        import json

        from gapscope.triage.kept_scope import keep_scope, scope_record

        from .. import settings

        settings.put(self.SCOPE_KEY, json.dumps({
            "library": str(self.lib.path), "collection": self._collection(), "tag": self.tag.currentData(),
            "query": self.query.text().strip(), "reviewer": self.reviewer.text().strip()}))
        kept = self._kept()
        record = scope_record(kept)
        if record == self._kept_record or self.lib.read_only:
            return
        self._kept_record = record
        self.tasks.save("Keep the screening list", keep_scope, kept, library=self.lib.path,
                        # logged by the window; written again with the next scope chosen
                        on_error=lambda _message, _tb: setattr(self, "_kept_record", None))

    def _restore_scope(self, lib) -> None:
        import json

        from gapscope.triage import Scope
        from gapscope.triage.kept_scope import kept_scope, scope_record

        from .. import settings

        try:
            saved = json.loads(str(settings.get(self.SCOPE_KEY) or "{}"))
        except ValueError:
            saved = {}
        if not isinstance(saved, dict) or saved.get("library") != str(lib.path):
            saved = {}
        self.reviewer.setText(str(saved.get("reviewer") or ""))
        kept = kept_scope(lib)
        if kept is None:
            self._restore_from_settings(saved)
            return
        s = kept.scope
        self._pick(self.collection, s.collection)
        self._pick(self.tag, s.tag)
        self.query.setText(s.query or "")
        self.listed = (s.ids, kept.list_label) if s.ids is not None else None
        self.saved_search = kept.saved_search if s.ids is not None else None
        self.cluster = (*s.cluster, kept.cluster_label or str(s.cluster[1])) if s.cluster else None
        self._show_narrowing()
        self._kept_record = None if kept.gone else scope_record(kept)
        self._restored = self.scope()
        if kept.gone:
            theme.set_text_colour(self.scope_notice, "warning")
            self.scope_notice.setText(f"The list screened last is gone ({', '.join(kept.gone)} no longer in the "
                                      f"library): screening {s.describe()} instead.")
        else:
            theme.set_text_colour(self.scope_notice, "secondary")
            self.scope_notice.setText(f"Screening the list from last time: {kept.describe()}.")
        # the whole library, chosen last, needs no word; a list gone always has one
        self.scope_notice.setVisible(bool(kept.gone) or s != Scope())

    def _restore_from_settings(self, saved: dict) -> None:
        for key, combo in (("collection", self.collection), ("tag", self.tag)):
            if key in saved:
                # None is a choice too ("Whole library", "any tag"): it wins over the collection the
                # decisions sit in, picked above for a library screened before its scope was kept
                self._pick(combo, saved[key])
        self.query.setText(str(saved.get("query") or ""))

    @staticmethod
    def _pick(combo, value) -> None:
        """Choose ``value`` quietly (None: the first entry); one gone since (renamed, deleted) changes nothing."""
        at = combo.findData(value) if value is not None else 0
        if at >= 0:
            combo.blockSignals(True)
            combo.setCurrentIndex(at)
            combo.blockSignals(False)

    def refresh_lists(self, lib, keep: bool = True) -> None:
        """Fill the collection and tag drop-downs (keeping the current choice when ``keep``)."""
        for combo, first, rows, fmt in ((self.collection, "Whole library", lib.list_collections(), "{} ({:,})"),
                                        (self.tag, "any tag", lib.list_tags(), "tag: {} ({:,})")):
            was = combo.currentData() if keep else None
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, None)
            for name, n in rows:
                combo.addItem(fmt.format(name, n), name)
            combo.setCurrentIndex(max(combo.findData(was), 0))
            combo.blockSignals(False)

    def needs_reload(self) -> bool:
        # no card shown (a new library, or every paper decided): rank again, papers may have come in
        return self.lib is not None and self.current is None and not self.loading

    def reload(self) -> None:
        self.load_next()

    def writers(self) -> list:
        """The controls that write to the library (held off while it is read-only); the keys act only
        where their button could."""
        return [self.b_include, self.b_maybe, self.b_exclude, self.b_postpone, self.b_undo, self.reason]

    def _set_enabled(self, on: bool) -> None:
        for b in (self.b_include, self.b_maybe, self.b_exclude, self.b_postpone, self.reason):
            set_enabled(b, on)              # through the write guard: an "off" while read-only is kept

    def _collection(self):
        return self.collection.currentData()

    def _reviewer(self) -> Optional[str]:
        return self.reviewer.text().strip() or None

    def scope(self):
        from gapscope.triage import Scope

        return Scope(collection=self._collection(), query=self.query.text().strip() or None,
                     tag=self.tag.currentData(), cluster=self.cluster[:2] if self.cluster else None,
                     ids=self.listed[0] if self.listed else None)

    def _scope_edited(self) -> None:
        if (self.scope(), self._reviewer()) != self._last_scope:
            self.load_next()

    def set_scope(self, *, collection=None, query: str = "", tag=None, cluster=None, listed=None,
                  saved_search=None) -> None:
        """Screen this scope (from the library's context menu or the maps view). ``listed``: (ids, what the
        list holds), the papers a list showed (every filter of the Library's table), screened as it showed them;
        ``saved_search``: the name of the saved search that found them."""
        if self.lib is not None:
            self.refresh_lists(self.lib)
        for combo, value in ((self.collection, collection), (self.tag, tag)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            combo.blockSignals(False)
        self.query.setText(query or "")
        self.listed = (frozenset(listed[0]), listed[1]) if listed else None
        self.saved_search = saved_search if listed else None
        self.set_cluster(cluster, reload=False)
        self.load_next()

    def set_cluster(self, cluster, reload: bool = True) -> None:
        """``cluster``: (map id, cluster number, label) or None."""
        self.cluster = tuple(cluster) if cluster else None
        self._show_narrowing()
        if reload:
            self.load_next()

    def _widen(self) -> None:
        """The chip's ✕: the cluster or the listed papers no longer narrow the scope."""
        self.listed = None
        self.set_cluster(None)

    def _show_narrowing(self) -> None:
        """The chip names what narrows the scope (a map cluster, the Library's list and its papers)."""
        if self.cluster:
            full, tip = f"cluster: {self.cluster[2]}", _CHIP_TIP
        elif self.listed:
            full, tip = f"list: {plural(len(self.listed[0]), 'paper')}, {self.listed[1]}", _LIST_CHIP_TIP
        else:
            full, tip = "", _CHIP_TIP
        # a long label is elided (whole in the tooltip): the progress beside it keeps its room
        fm = self.cluster_chip.fontMetrics()
        shown = fm.elidedText(full, Qt.ElideRight, fm.averageCharWidth() * _CHIP_CHARS) if full else ""
        self.cluster_chip.setText(f"{shown}  ✕" if full else "")
        self.cluster_chip.setToolTip(f"{full}\n{tip}" if full else tip)
        self.cluster_chip.setVisible(bool(full))

    def _reason_picked(self, index: int) -> None:
        """A reason picked with the mouse goes with the next press of the Exclude button on this card."""
        self.armed_reason = self.reason.itemData(index) if index > 0 else None
        self.b_exclude.setText(f"Exclude: {self.armed_reason}" if self.armed_reason else "Exclude  (E)")
        self.card.setFocus()

    def _disarm(self) -> None:
        self.armed_reason = None
        self.reason.setCurrentIndex(0)
        self.b_exclude.setText("Exclude  (E)")

    # --- flow ------------------------------------------------------------------------------------
    def load_next(self) -> None:
        """A new card from a new ranking (the scope changed, an undo, a refresh): nothing is shown meanwhile."""
        if self.lib is None:
            return
        self.loading = True
        self.current, self.card_entry, self.upcoming = None, None, []
        self._set_enabled(False)
        self.rank_label.setText("Ranking the remaining papers…")
        self.b_rank_again.hide()
        self._disarm()
        if self._last_scope is None or self._last_scope[0].collection != self._collection():
            self.scopeChanged.emit(self._collection())
        self._last_scope = (self.scope(), self._reviewer())
        if self._last_scope[0] != self._restored:
            self.scope_notice.hide()      # another list chosen: the notice named the one brought back
            self._restored = None
        self._remember_scope()
        self._rank(foreground=True)

    def _rank(self, foreground: bool) -> None:
        """Rank the scope on a worker (a ranking under way for an older scope or card is cancelled)."""
        self._generation += 1
        gen = self._generation
        rank = self.rank_task
        if rank is not None and not rank.done:
            rank.cancel()          # replaced: a big scope's feature build (a child process) stops with it
        self.ranking, self._foreground, self._rank_again = True, foreground, False
        self._decided_since_rank = set()
        self._moved_since_rank = False
        self.rank_task = self.tasks.run(
            "Rank papers", fetch_next, self.scope(), self._reviewer(), self.sessions, UPCOMING,
            library=self.lib.path, quiet=True,
            on_result=lambda r, g=gen: self._ranked(r) if g == self._generation else None,
            on_error=lambda m, t, g=gen: self._failed(m, t) if g == self._generation else None,
            on_cancelled=lambda g=gen: self._rank_cancelled() if g == self._generation else None,
            on_progress=lambda d, t, m, g=gen: self._ranking_says(d, t, m) if g == self._generation else None)

    def _rank_behind_the_card(self) -> None:
        """After a decision, with the next card shown: rank again with the decision learnt. A ranking
        already under way is not cancelled (a quick screener would never get a new one): it ends, and
        one more starts after it."""
        if self.ranking:
            self._rank_again = True
        else:
            self._rank(foreground=False)

    def _ranking_says(self, done: int, total: int, message: str) -> None:
        """The steps of a ranking that loads or builds the scope's features, on the bar (a card is awaited)."""
        from gapscope.triage.scope_features import STEP_RANK

        if not self._foreground or not message or (done >= STEP_RANK and not self.build_bar.isVisible()):
            return                 # a ranking with the features at hand is quick: no bar for it
        self.build_bar.setRange(0, max(total, 1))
        self.build_bar.setValue(done)
        self.build_bar.setFormat(f"Step {min(done + 1, total)} of {total}: {message.replace('%', '%%')}")
        for w in (self.build_bar, self.b_cancel_rank):
            w.show()
        if message.startswith("Building") or message.startswith("Loading"):
            self.rank_label.setText(message + "…")

    def _hide_build(self) -> None:
        for w in (self.build_bar, self.b_cancel_rank):
            w.hide()

    def _cancel_ranking(self) -> None:
        if self.rank_task is not None and not self.rank_task.done:
            self.rank_task.cancel()

    def _rank_cancelled(self) -> None:
        self.ranking = False
        self._hide_build()
        if self._foreground:
            self.loading = False
            self.rank_label.setText("Ranking cancelled: no paper is shown until the papers are ranked.")
            self.b_rank_again.show()

    def _failed(self, message: str, _tb: str) -> None:
        self.ranking = False
        self._hide_build()
        if self._foreground:
            self.loading = False
            self.rank_label.clear()
        self.message.setText(f"Ranking failed: {message}")

    def _ranked(self, result) -> None:
        self.ranking = False
        self._hide_build()
        ranked, stats, seen = result
        # papers this window decided while the ranking ran are not in the queue any more
        entries = [(q, s) for q, s in zip(ranked, seen) if q["paper_id"] not in self._decided_since_rank]
        if self._moved_since_rank and isinstance(self.stats, dict) and isinstance(stats, dict):
            # decided while it ran: it may have counted before the decision was saved; the counts moved
            # by the decisions stay until a ranking that began after them
            stats = {**stats, **{k: self.stats[k] for k in _COUNT_KEYS if k in self.stats}}
        self._show_stats(stats)
        if self._foreground or self.current is None:
            self.loading = False
            self.upcoming = entries
            self._show_upcoming()
        else:
            # the card (from the ranking before) stays under the reader's eyes; this ranking gives the next
            self.upcoming = [e for e in entries if e[0]["paper_id"] != self.current]
            if entries and entries[0][0]["paper_id"] == self.current:
                self.card_entry = entries[0][0]        # it heads the new ranking too: say so
                self.rank_label.setText(f"{why_text(self.card_entry, self.stats)}.  {_KEYS_HELP}")
        if self._rank_again:
            self._rank(foreground=False)

    def _show_stats(self, stats) -> None:
        self.stats = stats
        summary, bar, stop, suggest = _fmt_stats(stats)
        self.stats_label.setText(summary)
        rule = (stats.get("stopping") or {}).get("rule", "") if isinstance(stats, dict) else ""
        self.stop_label.setToolTip(rule)
        head = (f"<b style='color:{theme.colour('good')};'>You can stop screening.</b><br>" if suggest else
                "<b>Stopping estimate:</b><br>")
        self.stop_label.setText(head + html.escape(stop).replace("\n", "<br>") if stop else "")
        empty = isinstance(stats, dict) and stats.get("empty")
        if bar:
            self.progress.setRange(0, max(bar[1], 1))
            self.progress.setValue(bar[0])
            # the text made here, not Qt's %v/%m: those print 10653 where the counts line says 10,653
            self.progress.setFormat("nothing to screen" if empty else progress_text(*bar))
            self._fit_progress()

    def _move_counts(self, before: Optional[str], after: Optional[str]) -> None:
        """A decision or an undo shown in the counts and on the bar at once (see counts_moved)."""
        if isinstance(self.stats, dict) and not self.stats.get("empty"):
            self._moved_since_rank = True
            self._show_stats(counts_moved(self.stats, before, after))

    def _fit_progress(self) -> None:
        """The progress bar at least as wide as the longest text it can show ("252 of 252 screened"), so
        that the top row squeezes the other fields (the cluster chip is elided), never its text."""
        top = max(self.progress.maximum(), 0)
        widest = (self.progress.format() if self.progress.format() == "nothing to screen"
                  else progress_text(top, top))
        fm = self.progress.fontMetrics()
        self.progress.setMinimumWidth(fm.horizontalAdvance(widest) + 4 * fm.averageCharWidth())

    def _show_upcoming(self, first: bool = True) -> None:
        """The next paper of the last ranking on the card (``first``: it heads that ranking). Every new
        card starts with no reason picked: a reason picked for one paper never goes with another."""
        self._disarm()
        if not self.upcoming:
            empty = isinstance(self.stats, dict) and self.stats.get("empty")
            self.current, self.conflict, self.card_entry = None, None, None
            self.card.setHtml(f'<p align="center" style="color:{theme.colour("faint")}; margin-top:40px;'
                              ' font-size:large;">'
                              + (hints.NOTHING_TO_SCREEN if empty else
                                 "Every paper here has a decision.") + '</p>')
            self.rank_label.clear()
            return
        q, self.seen = self.upcoming.pop(0)
        self.card_entry = q
        self.current, self.score = int(q["paper_id"]), q.get("probability")
        self.conflict = q.get("conflict")
        self._card_source = self._card_html()
        self.card.setHtml(self._card_source)
        self.rank_label.setText(f"{why_text(q, self.stats, first)}.  {_KEYS_HELP}")
        self.message.setText(self.last_action)    # an error shown before this card is over; the last action stays
        self._set_enabled(True)
        self._focus_card()

    def _card_html(self) -> str:
        """The card of the paper on it, as the library has it now."""
        p = self.lib.get_paper(self.current)
        sents = load_sentences(self.lib, p.id)
        banner = (f'<p style="color:{theme.colour("warning")}; font-weight:bold;">'
                  f'{html.escape(conflict_text(self.conflict))}</p>'
                  if self.conflict else "")
        return banner + paper_header_html(p) + legend_html(sents) + abstract_html(p.abstract, sents, [])

    def refresh_card(self, paper_id: Optional[int] = None) -> None:
        """The paper on the card read again (its title edited in the detail pane, or by `gapscope papers
        edit` in another process): shown at once, the same paper and ranking, redrawn only when it changed
        (the card keeps its scroll). ``paper_id``: only when that paper is the one on the card."""
        if self.lib is None or self.current is None or paper_id not in (None, self.current):
            return
        from gapscope.store import LibraryError

        try:
            source = self._card_html()
        except LibraryError:          # deleted meanwhile: deciding on it says so
            return
        if source != self._card_source:
            self._card_source = source
            self.card.setHtml(source)

    def library_modified(self) -> None:
        self.refresh_card()           # until the next ranking, which the view's tab may be waiting for
        super().library_modified()

    def _next_card(self) -> None:
        """After a decision: the next paper of the last ranking at once, and a new ranking behind it; with
        none left, wait for the ranking (the one under way, or a new one)."""
        if self.upcoming:
            self.loading = False
            self._show_upcoming(first=False)
            self._rank_behind_the_card()
        elif self.ranking:
            self._disarm()
            self.current, self.card_entry = None, None
            self._foreground = True                   # its result gives the card
            self.card.setHtml("")
            self.rank_label.setText("Ranking the remaining papers…")
        else:
            self.load_next()

    def _focus_card(self) -> None:
        """Give the keys back to the card (unless the user is typing in the search or reviewer field)."""
        from PySide6.QtWidgets import QApplication

        if self.isVisible() and QApplication.focusWidget() not in (self.query, self.reviewer):
            self.card.setFocus()

    def decide(self, decision: str, reason: Optional[str] = None) -> None:
        if self.current is None or self.loading or self.lib is None:
            return
        # The reason is what the caller passed for this decision: a key, or the Exclude button with the
        # reason picked for this card. Nothing is read from the drop-down here.
        pid, resolves = self.current, self.conflict is not None and not self._reviewer()
        # what the paper was before (the queue holds undecided and postponed papers); a resolved
        # conflict moves the reviewers' counts in ways the next ranking tells
        move = None if resolves else (None if self.seen is None else "postpone", decision)
        made = (self.card_entry, self.seen, move, self._last_scope)
        self.loading = True           # no second decision before this one is saved
        self._set_enabled(False)
        self.tasks.save("Decide", _decide, pid, decision, reason, self._collection(), self._reviewer() or "",
                        self.seen, library=self.lib.path,
                        on_result=lambda r: self._decided_elsewhere(pid, r["elsewhere"]) if isinstance(r, dict)
                        else self._decided(pid, decision, reason, resolves, r, made=made),
                        on_error=self._not_saved)

    def _paper_label(self, pid: int) -> str:
        """``#12 'A title cut to fit…'``: which paper an action was about."""
        try:
            title = " ".join(latex_to_text(self.lib.get_paper(pid).title).split())
        except Exception:  # noqa: BLE001 - the paper is gone (another window deleted it): its number says enough
            title = ""
        if len(title) > _TITLE_CHARS:
            title = title[:_TITLE_CHARS - 1].rstrip() + "…"
        return f"#{pid} '{title}'" if title else f"#{pid}"

    def _decided(self, pid: int, decision: str, reason: Optional[str] = None, resolves: bool = False,
                 decision_id: Optional[int] = None, made=None) -> None:
        if decision_id is not None:
            self.history.append((pid, int(decision_id)))
            if made is not None and made[0] is not None:
                self._made[int(decision_id)] = made
        if made is not None and made[2] is not None:
            self._move_counts(*made[2])
        self.last_action = (("Resolved the conflict: " if resolves else "")
                            + f"{_DONE[decision]} {self._paper_label(pid)}" + (f" ({reason})" if reason else "")
                            + " — Undo (U)")
        self.message.setText(self.last_action)
        self.decided.emit()
        if self.ranking:
            self._decided_since_rank.add(pid)
        self._next_card()

    def _decided_elsewhere(self, pid: int, current: Optional[dict]) -> None:
        """Another window (or the CLI) decided the card's paper after it was shown: nothing was saved
        here; say so, and show the next paper with the counts as they are now."""
        if current is not None:
            self.last_action = (f"Paper #{pid} was just decided elsewhere ({current['decision']}, at "
                                f"{_local_time(current['decided_at'])}); showing the next paper")
        else:
            self.last_action = f"Paper #{pid}'s decision was just undone elsewhere; showing the next paper"
        self.message.setText(self.last_action)
        self.decided.emit()
        self.current = None
        self.load_next()

    def _not_saved(self, message: str, _tb: str) -> None:
        self.loading = False
        self._set_enabled(self.current is not None)
        self.message.setText(f"Not saved: {message}")

    def _exclude_with(self, n: int) -> None:
        if n < self.reason.count():
            self.decide("exclude", reason=self.reason.itemData(n))

    def undo(self) -> None:
        """Undo this window's last decision (its own history), and only while it is still the paper's
        decision in force."""
        if self.lib is None or self.loading:
            return
        if not self.history:
            self.message.setText("Nothing to undo: this window has made no decision since it opened.")
            return
        entry = self.history[-1]            # taken off only once answered: a failed save keeps it to retry
        pid, decision_id = entry
        self.loading = True
        self._set_enabled(False)

        def answered(r) -> None:            # undone, or no longer in force: either way nothing left to undo
            if entry in self.history:
                self.history.remove(entry)
            made = self._made.pop(decision_id, None)
            self._undone(r, made) if not isinstance(r, str) else self._not_undone(pid, r)

        self.tasks.save("Undo decision", _undo, decision_id, library=self.lib.path, on_result=answered,
                        on_error=self._not_saved)

    def _not_undone(self, pid: int, why: str) -> None:
        """The window's last decision is no longer in force (the CLI or another window decided the paper
        again, or undid it): nothing was undone; say which paper and why."""
        self.loading = False
        self._set_enabled(self.current is not None)
        self.last_action = f"Not undone: {self._paper_label(pid)} {why}"
        self.message.setText(self.last_action)

    def _undone(self, undone, made=None) -> None:
        """The undone paper back on the card, to be decided again at once (the card shown before it
        comes next), the counts moved back, and the scope ranked again behind it without the decision."""
        self.last_action = (f"Undone: {self._paper_label(undone['paper_id'])} is no longer "
                            f"{_DONE[undone['decision']].lower()}")
        self.message.setText(self.last_action)
        self.decided.emit()
        if made is None or int(made[0]["paper_id"]) != int(undone["paper_id"]) or made[3] != self._last_scope:
            self.current = None              # made in another scope (or reviewer): rank this one for a card
            self.load_next()
            return
        entry, seen, move, _scope = made
        if move is not None:
            self._move_counts(move[1], move[0])
        if self.current is not None and self.card_entry is not None:
            self.upcoming.insert(0, (self.card_entry, self.seen))
        self.upcoming.insert(0, (entry, seen))
        self._decided_since_rank.discard(int(entry["paper_id"]))
        self.loading, self._foreground = False, False
        self._show_upcoming()
        self.rank_label.setText(f"Back after the undo: decide this paper again.  {_KEYS_HELP}")
        self._rank_behind_the_card()


# Writer-queue side (a worker with its own Library).
def _decide(lib, paper_id, decision, reason, collection, reviewer, seen, *, progress=None, cancel=None):
    """The decision's log id; ``{"elsewhere": decision in force}`` when the paper was decided since it
    was shown (nothing saved)."""
    from gapscope.triage import DecidedElsewhere, decide

    try:
        return decide(lib, paper_id, decision, reason=reason, collection=collection, reviewer=reviewer, seen=seen)
    except DecidedElsewhere as exc:
        return {"elsewhere": exc.current}


def _undo(lib, decision_id, *, progress=None, cancel=None):
    """The decision undone; a sentence saying why not when it is no longer the paper's decision in force."""
    from gapscope.triage import NotLiveDecision, undo

    try:
        return undo(lib, decision_id=decision_id)
    except NotLiveDecision as exc:
        return exc.why
