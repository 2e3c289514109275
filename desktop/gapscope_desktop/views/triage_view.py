"""Triage: one paper at a time, keyboard first. I include, E exclude (1-7 exclude with a reason),
M maybe, P postpone, U or Ctrl+Z undo. The ranking (next_papers) runs on a worker; a decision is one
quick write through the core, on the writer queue."""

from __future__ import annotations

import html
from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QTextBrowser,
                               QVBoxLayout, QWidget)

from .. import queries
from .core_view import CoreView
from .paper_html import abstract_html, legend_html, load_sentences, paper_header_html


def fetch_next(lib, collection, *, progress=None, cancel=None):
    """Worker side: the best next paper by the model's ranking, and the current statistics."""
    from gapscope import jobs
    from gapscope.triage import next_papers, triage_stats

    jobs.report(progress, 0, 2, "ranking")
    ranked = next_papers(lib, collection=collection, n=1)
    jobs.check(cancel)
    jobs.report(progress, 1, 2, "statistics")
    stats = triage_stats(lib, collection=collection)
    jobs.report(progress, 2, 2, "")
    return ranked, stats


def _fmt_stats(stats) -> tuple[str, Optional[tuple[int, int]], str, bool]:
    """(summary line, (screened, total) for the bar, stopping estimate line, suggest stop) from
    ``triage_stats``."""
    if not isinstance(stats, dict):
        return "", None, "", False
    parts = [f"{stats[k]:,} {label}" for k, label in (("include", "included"), ("exclude", "excluded"),
                                                      ("maybe", "maybe"), ("postpone", "postponed"),
                                                      ("unseen", "not screened"))
             if isinstance(stats.get(k), int)]
    total, screened = stats.get("total"), stats.get("screened")
    bar = (int(screened), int(total)) if isinstance(total, int) and isinstance(screened, int) else None
    stop = stats.get("stopping") or {}
    est, recall = stop.get("estimated_relevant_unseen"), stop.get("estimated_recall")
    if est is None:
        text = "needs at least one include and one exclude before the model can estimate what is left"
    else:
        text = f"about {est:.1f} relevant papers still unseen"
        if recall is not None:
            text += f", estimated recall {recall:.0%}"
    if "irrelevant_in_a_row" in stop:
        text += f"; {stop['irrelevant_in_a_row']} of {stop.get('streak_threshold', '?')} non-includes in a row"
    return "  ·  ".join(parts), bar, text, bool(stop.get("suggest_stop"))


def _num(v) -> str:
    if isinstance(v, float):
        return f"{v:.2f}" if abs(v) < 10 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


class TriageView(CoreView):
    decided = Signal()

    def __init__(self, tasks, parent: Optional[QWidget] = None) -> None:
        super().__init__(tasks, parent)
        self.current: Optional[int] = None
        self.score: Optional[float] = None
        self.loading = False
        self.history: list[int] = []

        self.collection = QComboBox()
        self.collection.setObjectName("triageCollection")
        self.collection.currentIndexChanged.connect(lambda _i: self.load_next())
        self.progress = QProgressBar()
        self.progress.setObjectName("triageProgress")
        self.progress.setFormat("%v of %m screened")
        self.stats_label = QLabel()
        self.stop_label = QLabel()
        self.stop_label.setObjectName("stoppingEstimate")
        self.stop_label.setWordWrap(True)
        self.stop_label.setStyleSheet("color: #555;")

        self.card = QTextBrowser()
        self.card.setObjectName("triageCard")
        self.card.setOpenExternalLinks(True)
        self.card.document().setDocumentMargin(22)
        f = self.card.font()
        f.setPointSizeF(f.pointSizeF() * 1.2)  # a reading card, like ASReview's
        self.card.setFont(f)
        self.card.setFocusPolicy(Qt.NoFocus)  # keys go to the view's shortcuts
        self.rank_label = QLabel()
        self.rank_label.setStyleSheet("color: #555;")

        self.reason = QComboBox()
        self.reason.setObjectName("exclusionReason")
        self.reason.setMinimumWidth(220)

        def button(text, tip, slot):
            b = QPushButton(text)
            b.setToolTip(tip)
            b.setFocusPolicy(Qt.NoFocus)
            b.clicked.connect(slot)
            return b

        self.b_include = button("Include  (I)", "Include this paper", lambda: self.decide("include"))
        self.b_maybe = button("Maybe  (M)", "Decide later with a closer look", lambda: self.decide("maybe"))
        self.b_exclude = button("Exclude  (E)", "Exclude with the reason chosen on the left",
                                lambda: self.decide("exclude"))
        self.b_postpone = button("Postpone  (P)", "Skip for now", lambda: self.decide("postpone"))
        self.b_undo = button("Undo  (U)", "Undo the last decision", self.undo)
        self.b_include.setStyleSheet("QPushButton { color: #1d7a3a; font-weight: bold; }")
        self.b_exclude.setStyleSheet("QPushButton { color: #b03a2e; font-weight: bold; }")
        self.message = QLabel()
        self.message.setStyleSheet("color: #a04000;")

        top = QHBoxLayout()
        top.addWidget(QLabel("Screen:"))
        top.addWidget(self.collection)
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
        pl.addWidget(self.stats_label)
        pl.addWidget(self.stop_label)
        pl.addWidget(frame, 1)
        pl.addWidget(self.rank_label)
        pl.addLayout(buttons)
        pl.addWidget(self.message)

        self.setFocusPolicy(Qt.StrongFocus)  # the keys below reach the view whenever it is shown
        for w in (self.collection, self.reason):
            w.setFocusPolicy(Qt.ClickFocus)
        self._set_enabled(False)

    def keyPressEvent(self, event) -> None:
        key, mods = event.key(), event.modifiers()
        actions = {Qt.Key_I: lambda: self.decide("include"), Qt.Key_E: lambda: self.decide("exclude"),
                   Qt.Key_M: lambda: self.decide("maybe"), Qt.Key_P: lambda: self.decide("postpone"),
                   Qt.Key_U: self.undo}
        if key == Qt.Key_Z and mods & Qt.ControlModifier:
            self.undo()
        elif key in actions and not mods & (Qt.ControlModifier | Qt.AltModifier):
            actions[key]()
        elif Qt.Key_1 <= key <= Qt.Key_9 and not mods & (Qt.ControlModifier | Qt.AltModifier):
            self._exclude_with(key - Qt.Key_0)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.setFocus()

    # --- state -----------------------------------------------------------------------------------
    def library_changed(self, lib) -> None:
        self.current = None
        self.collection.blockSignals(True)
        self.collection.clear()
        self.collection.addItem("Whole library", None)
        for name, n in lib.list_collections():
            self.collection.addItem(f"{name} ({n:,})", name)
        self.collection.blockSignals(False)
        self.reason.clear()
        self.reason.addItem("no reason given", None)
        for i, r in enumerate(queries.exclusion_reasons(lib), start=1):
            self.reason.addItem(f"{i}  {r}", r)
        self.card.setHtml("")

    def needs_reload(self) -> bool:
        # no card shown (a new library, or every paper decided): rank again, papers may have come in
        return self.lib is not None and self.current is None and not self.loading

    def reload(self) -> None:
        self.load_next()

    def _set_enabled(self, on: bool) -> None:
        for b in (self.b_include, self.b_maybe, self.b_exclude, self.b_postpone, self.reason):
            b.setEnabled(on)

    def _collection(self):
        return self.collection.currentData()

    # --- flow ------------------------------------------------------------------------------------
    def load_next(self) -> None:
        if self.lib is None:
            return
        self.loading = True
        self._set_enabled(False)
        self.rank_label.setText("Ranking the remaining papers…")
        self.tasks.run("Rank papers", fetch_next, self._collection(), library=self.lib.path, quiet=True,
                       on_result=self._show_next, on_error=self._failed)

    def _failed(self, message: str, _tb: str) -> None:
        self.loading = False
        self.message.setText(f"Ranking failed: {message}")
        self.rank_label.clear()

    def _show_next(self, result) -> None:
        self.loading = False
        ranked, stats = result
        summary, bar, stop, suggest = _fmt_stats(stats)
        self.stats_label.setText(summary)
        rule = (stats.get("stopping") or {}).get("rule", "") if isinstance(stats, dict) else ""
        self.stop_label.setToolTip(rule)
        self.stop_label.setText(("<b style='color:#1d7a3a;'>You can stop screening:</b> " if suggest else
                                 "<b>Stopping estimate:</b> ") + html.escape(stop) if stop else "")
        if bar:
            self.progress.setRange(0, max(bar[1], 1))
            self.progress.setValue(bar[0])
        if not ranked:
            self.current = None
            self.card.setHtml('<p align="center" style="color:#777; margin-top:40px; font-size:14pt;">'
                              'Every paper here has a decision.</p>')
            self.rank_label.clear()
            return
        pid, score = ranked[0]
        self.current, self.score = int(pid), score
        p = self.lib.get_paper(self.current)
        sents = load_sentences(self.lib, p.id)
        self.card.setHtml(paper_header_html(p) + legend_html(sents) + abstract_html(p.abstract, sents, []))
        trained = isinstance(stats, dict) and stats.get("include") and stats.get("exclude")
        self.rank_label.setText(f"Ranked first by the model (score {score:.3f}).  Keys: I include · E exclude · "
                                f"1–9 exclude with a reason · M maybe · P postpone · U undo" if trained else
                                "No model yet: papers come in library order until there is one include and one "
                                "exclude.  Keys: I include · E exclude · 1–9 exclude with a reason · M maybe · "
                                "P postpone · U undo")
        self.message.clear()
        self._set_enabled(True)

    def decide(self, decision: str, reason: Optional[str] = None) -> None:
        if self.current is None or self.loading or self.lib is None:
            return
        if decision == "exclude" and reason is None:
            reason = self.reason.currentData()
        pid = self.current
        self.loading = True           # no second decision before this one is saved and the next paper ranked
        self._set_enabled(False)
        self.tasks.save("Decide", _decide, pid, decision, reason, self._collection(), library=self.lib.path,
                        on_result=lambda _r: self._decided(pid, decision), on_error=self._not_saved)

    def _decided(self, pid: int, decision: str) -> None:
        self.history.append(pid)
        self.message.setText(f"{decision.capitalize()}d" if decision != "maybe" else "Marked maybe")
        self.decided.emit()
        self.current = None
        self.load_next()

    def _not_saved(self, message: str, _tb: str) -> None:
        self.loading = False
        self._set_enabled(self.current is not None)
        self.message.setText(f"Not saved: {message}")

    def _exclude_with(self, n: int) -> None:
        if n < self.reason.count():
            self.reason.setCurrentIndex(n)
            self.decide("exclude", reason=self.reason.itemData(n))

    def undo(self) -> None:
        if self.lib is None or self.loading:
            return
        self.loading = True
        self._set_enabled(False)
        self.tasks.save("Undo decision", _undo, self._collection(), library=self.lib.path,
                        on_result=self._undone, on_error=self._not_saved)

    def _undone(self, undone) -> None:
        if not undone:
            self.loading = False
            self._set_enabled(self.current is not None)
            self.message.setText("Nothing to undo.")
            return
        self.message.setText("Undone.")
        self.decided.emit()
        self.current = None
        self.load_next()


# Writer-queue side (a worker with its own Library).
def _decide(lib, paper_id, decision, reason, collection, *, progress=None, cancel=None):
    from gapscope.triage import decide

    return decide(lib, paper_id, decision, reason=reason, collection=collection)


def _undo(lib, collection, *, progress=None, cancel=None):
    from gapscope.triage import undo

    return undo(lib, collection=collection)
