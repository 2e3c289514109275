"""The screening queue: which paper to show next, and the stopping estimate.

A :class:`TriageSession` holds a scope's features in memory (built once, cached on disk by content
hash: scope_features.py) and refits the model after each decision; the desktop keeps one per scope
across decisions (sessions.py: dropped when the scope, its papers or the model settings change), the
CLI builds one per command. Decisions are read from the library on every ranking (another window's
too) and every decision goes straight to it (see decisions.py).
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..vocabulary import LABELLING_DECISIONS
from . import decisions as dec
from .features import EMBEDDING_WEIGHT
from .model import DEFAULT_C, DEFAULT_POS_WEIGHT, blank_records_due, fit_and_score
from .scope import Scope
from .scope_features import ScopeFeatures, load_scope_features, scope_papers
from .stopping import add_readiness, allowed_missing, assess, rule_text, streak_threshold

# Stopping rule, stated in the CLI, the app, the report and the docs.
STOP_RULE = rule_text()


# What orders the queue, by what is labelled (include and exclude train; maybe and postpone do not).
RANKED_BY = {   # each reads after "queue ranked by"
    "library order": "library order (no include yet)",
    "similarity": "similarity to the included papers (includes only, no exclude yet)",
    "classifier": "the classifier, trained on the includes and excludes",
}


# What a queue entry's "score" is, by what ranks the queue: the scales differ, so each entry names its own
# ("score_kind") and a script never compares or thresholds scores of different kinds.
SCORE_KINDS = {
    "library order": "none",            # nothing to score by yet: 0 for every paper, library order
    "similarity": "similarity",         # mean similarity of the paper's features to the included papers'
    "classifier": "decision_value",     # the classifier's log-odds, before the prevalence correction of "probability"
}


def ranked_by(current: dict[int, dict[str, Any]]) -> str:
    """'library order' (no include), 'similarity' (includes, no exclude) or 'classifier' (both)."""
    labels = {d["decision"] for d in current.values()}
    if "include" not in labels:
        return "library order"
    return "classifier" if "exclude" in labels else "similarity"


def model_description(has_embeddings: bool, C: float = DEFAULT_C) -> dict[str, Any]:
    """The ranking model and its settings, as stats, the CLI and the report state them."""
    features = "tfidf+minilm" if has_embeddings else "tfidf"
    return {
        "classifier": "logistic regression (liblinear, dual)", "C": C, "relevant_class_weight": DEFAULT_POS_WEIGHT,
        "class_weight": f"balanced, relevant class x{DEFAULT_POS_WEIGHT:g}",
        "features": features, "embeddings": bool(has_embeddings),
        "embedding_weight": EMBEDDING_WEIGHT if has_embeddings else None,
        "text": (f"logistic regression (liblinear, dual form), C={C:g}, class weights balanced with the relevant "
                 f"class x{DEFAULT_POS_WEIGHT:g}; features: word 1-2 gram TF-IDF of title and abstract"
                 + (f" + MiniLM sentence embeddings (weight {EMBEDDING_WEIGHT:g})" if has_embeddings else
                    " only (TF-IDF only: run `gapscope embed` to add sentence embeddings)")),
    }


def _load_or_build(lib, paper_ids: list[int], use_embeddings: bool, cancel=None, progress=None):
    """(feature matrix, whether sentence vectors are in it, papers without text) of ``paper_ids``."""
    f = load_scope_features(lib, paper_ids, use_embeddings, cancel, progress)
    return f.X, f.has_embeddings, f.no_text


class TriageSession:
    """Screening of a scope (default: the whole library, or ``collection``) by one reviewer (None: the
    resolved decisions of everyone; a name: that reviewer's own, blind to the others')."""

    def __init__(self, lib, collection: Optional[str] = None, *, use_embeddings: bool = True, C: float = DEFAULT_C,
                 scope: Optional[Scope] = None, reviewer: Optional[str] = None, cancel=None, progress=None,
                 features: Optional[ScopeFeatures] = None):
        """``features``: the scope's, kept from an earlier session (see sessions.py); else loaded."""
        self.scope = scope if scope is not None else Scope(collection=collection)
        self.collection = self.scope.collection
        self.reviewer = reviewer
        self.C = C
        if features is None:
            stamp = lib.paper_text_stamp()      # before the texts are read (see ScopeFeatures.still_current)
            ids, texts = scope_papers(lib, self.scope, stamp)     # no texts while the disk cache knows them
            features = load_scope_features(lib, ids, use_embeddings, cancel, progress, texts=texts,
                                           text_stamp=stamp)
        self.features = features
        self.paper_ids = self.features.paper_ids
        self.row_of = self.features.row_of
        self.X, self.has_embeddings, self.no_text = self.features.X, self.features.has_embeddings, self.features.no_text
        self._fitted = None
        self._fitted_key = None
        self.rebind(lib)

    def rebind(self, lib) -> None:
        """Read the library through ``lib`` from now on (a worker's own connection): the session is kept
        between rankings; what it reads of the library (decisions, reviewers) is read again each time."""
        self.lib = lib
        # a session without a reviewer where named reviewers screen: it resolves their conflicts
        self.resolving = self.reviewer is None and bool(dec.named_reviewers(lib, self.collection))

    # --- state from the library -------------------------------------------------------------------
    def current(self) -> dict[int, dict[str, Any]]:
        """Current decisions on the scope's papers (decisions outside a narrowed scope are left out)."""
        return {pid: d for pid, d in dec.current_decisions(self.lib, self.collection, self.reviewer).items()
                if pid in self.row_of}

    def _fit(self, current: dict[int, dict[str, Any]]):
        key = tuple((pid, d["decision"]) for pid, d in current.items())
        if self._fitted is not None and self._fitted_key == key:
            return self._fitted
        lab = [(self.row_of[pid], 1 if d["decision"] == "include" else 0)
               for pid, d in current.items() if d["decision"] in LABELLING_DECISIONS and pid in self.row_of]
        idx = np.array([r for r, _ in lab], dtype=np.int64)
        y = np.array([v for _, v in lab], dtype=np.int64)
        if len(idx) == 0:
            n = len(self.paper_ids)
            from .model import Fitted

            self._fitted = Fitted(np.zeros(n), np.zeros(n))
        else:
            # a session's first fit is kept on disk (a new process in the same state reads it); a kept
            # session's later ones are new states, fitted once in memory
            self._fitted = fit_and_score(self.X, idx, y, C=self.C,
                                         features_key=self.features.key if self._fitted is None else "")
        self._fitted_key = key
        return self._fitted

    # --- the queue --------------------------------------------------------------------------------
    def queue(self, n: int = 1, explore: float = 0.0) -> list[dict[str, Any]]:
        """The next ``n`` papers: most likely relevant first; with ``explore`` > 0 each slot is, with
        that probability, a random unscreened paper instead, so the model meets other subtopics.
        Papers with neither title nor abstract are shown once no paper with text is more likely
        relevant than the review's base rate (the model cannot judge them, and ranking an empty
        vector would put them at an arbitrary place); postponed papers come last."""
        if not 0.0 <= explore <= 1.0:
            raise ValueError("explore must be between 0 and 1")
        if not self.paper_ids:
            return []
        current = self.current()
        fitted = self._fit(current)
        by = ranked_by(current)
        classifier = by == "classifier"

        def entry(k: int, why: str) -> dict[str, Any]:
            # no classifier, no probability: the scores then only order the papers
            return {"paper_id": self.paper_ids[k], "score": float(fitted.scores[k]), "score_kind": SCORE_KINDS[by],
                    "probability": float(fitted.prob[k]) if classifier else None, "why": why, "ranked_by": by}

        out: list[dict[str, Any]] = []
        if self.resolving:
            # the open conflicts come first: a decision here without a name is their resolution
            for c in dec.conflicts(self.lib, self.collection):
                k = self.row_of.get(c["paper_id"])
                if k is not None and len(out) < n:
                    out.append(dict(entry(k, "conflict"), conflict=c["decisions"]))
            if len(out) >= n:
                return out
        decided = np.zeros(len(self.paper_ids), dtype=bool)
        decided[[self.row_of[p] for p in current if p in self.row_of]] = True
        decided[[self.row_of[q["paper_id"]] for q in out]] = True    # the conflicts listed above
        fresh = np.flatnonzero(~decided)
        ranked = fresh[np.argsort(-fitted.scores[fresh], kind="stable")] if len(fresh) else fresh
        blank = ranked[self.no_text[ranked]]
        ranked = ranked[~self.no_text[ranked]]
        n_found = sum(1 for d in current.values() if d["decision"] == "include")
        # without a classifier there is no probability to compare the base rate with: text first
        due = bool(len(blank)) and (not len(ranked) or (classifier and
                                    blank_records_due(fitted.prob[ranked], n_found, len(self.paper_ids))))
        # Seeded by the number of decisions so the same state shows the same queue.
        rng = np.random.default_rng(len(current) * 7919 + len(self.paper_ids))
        taken, top = set(), 0

        def add_blanks() -> None:
            for k in (int(b) for b in blank[: max(n - len(out), 0)]):
                out.append(entry(k, "no text"))

        if due:
            add_blanks()
        while len(out) < n and len(taken) < len(ranked):
            if explore > 0 and rng.random() < explore:
                pick = int(rng.choice(ranked))
                while pick in taken:
                    pick = int(rng.choice(ranked))
                why = "explore"
            else:
                while int(ranked[top]) in taken:
                    top += 1
                pick, why = int(ranked[top]), "top"
            taken.add(pick)
            out.append(entry(pick, why))
        if not due:
            add_blanks()
        if len(out) < n:
            postponed = [pid for pid, d in current.items() if d["decision"] == "postpone"]
            for pid in postponed[: n - len(out)]:
                k = self.row_of.get(pid)
                if k is not None:
                    out.append(entry(k, "postponed"))
        return out

    def decide(self, paper_id: int, decision: str, reason: Optional[str] = None) -> int:
        return dec.decide(self.lib, paper_id, decision, reason=reason, collection=self.collection,
                          reviewer=self.reviewer or "")

    def undo(self):
        return dec.undo(self.lib, self.collection, self.reviewer)

    # --- progress and stopping --------------------------------------------------------------------
    def _unseen(self, current: dict[int, dict[str, Any]]) -> int:
        """The scope's papers not yet screened (postponed ones included)."""
        return sum(1 for pid in self.paper_ids if pid not in current or current[pid]["decision"] == "postpone")

    def _stopping(self, current: dict[int, dict[str, Any]], unseen: int) -> dict[str, Any]:
        """``stats()['stopping']``: the stopping test, the unseen-relevant estimate and the streak heuristic."""
        total = len(self.paper_ids)
        # The screening record in the order papers were first screened: include and maybe count as
        # relevant (both go on to the next stage), postponed papers are still unseen.
        sequence = [1 if decision in ("include", "maybe") else 0
                    for pid, decision in dec.screening_sequence(self.lib, self.collection, self.reviewer)
                    if pid in self.row_of and decision in dec.SCREENED]
        st = assess(sequence, total)
        streak = 0
        for v in reversed(sequence):
            if v:
                break
            streak += 1
        found = st.found
        return {
            "rule": STOP_RULE, "target_recall": st.target_recall, "confidence": st.confidence,
            "estimated_relevant_unseen": st.estimate, "unseen_relevant_upper": st.upper,
            "estimated_recall": (None if st.estimate is None else round(found / (found + st.estimate), 3)),
            "recall_lower_bound": None if st.recall_lower is None else round(st.recall_lower, 3),
            "p_value": None if st.p_value is None else round(st.p_value, 4),
            "irrelevant_in_a_row": streak, "streak_threshold": streak_threshold(total),
            "suggest_stop": bool(total and (st.stop or unseen == 0)),
            "relevant_found": found, "allowed_missing": allowed_missing(found, st.target_recall) if found else None,
        }

    def stopping(self) -> dict[str, Any]:
        """The stopping figures as `triage stats --json` gives them (``stats()['stopping']`` with
        :func:`~.stopping.add_readiness`'s fields), without the rest of the statistics: what `triage next
        --json --stopping` carries beside the papers."""
        current = self.current()
        unseen = self._unseen(current)
        stats = {"empty": not self.paper_ids, "screened": _screened(_counts(current)), "unseen": unseen,
                 "stopping": self._stopping(current, unseen)}
        return add_readiness(stats)["stopping"]

    def stats(self) -> dict[str, Any]:
        current = self.current()
        counts = _counts(current)
        reasons: dict[str, int] = {}
        for d in current.values():
            if d["decision"] == "exclude":
                key = d["reason"] or "(no reason)"
                reasons[key] = reasons.get(key, 0) + 1
        total = len(self.paper_ids)
        unseen = self._unseen(current)
        stopping = self._stopping(current, unseen)
        by = ranked_by(current)
        out = {
            "scope": self.scope.describe(), "collection": self.collection, "reviewer": self.reviewer,
            "total": total, "empty": total == 0,
            "screened": _screened(counts), "unseen": unseen,
            "include": counts["include"], "exclude": counts["exclude"], "maybe": counts["maybe"],
            "postpone": counts["postpone"], "seeds": sum(1 for d in current.values() if d["origin"] == "seed"),
            "exclusion_reasons": reasons, "uses_embeddings": bool(self.has_embeddings), "stopping": stopping,
            "ranked_by": by, "ranking": RANKED_BY[by], "model": model_description(bool(self.has_embeddings), self.C),
            "decisions_elsewhere": dec.decisions_elsewhere(self.lib, self.collection),
        }
        if self.reviewer is None:
            out["named_reviewers"] = dec.named_reviewers(self.lib, self.collection)
            out["conflicts"] = sum(1 for c in dec.conflicts(self.lib, self.collection) if c["paper_id"] in self.row_of)
            # dual screening: papers one reviewer screened are not screened yet (decisions.awaiting_second)
            out["awaiting_second"] = sum(1 for a in dec.awaiting_second(self.lib, self.collection)
                                         if a["paper_id"] in self.row_of)
            out["agreement"] = dec.agreement(self.lib, self.collection)
        return out


def _counts(current: dict[int, dict[str, Any]]) -> dict[str, int]:
    """How many current decisions of each kind."""
    counts = {d: 0 for d in dec.DECISIONS}
    for d in current.values():
        counts[d["decision"]] += 1
    return counts


def _screened(counts: dict[str, int]) -> int:
    """Papers screened: included, excluded or maybe (a postponed paper is still unseen)."""
    return counts["include"] + counts["exclude"] + counts["maybe"]


def next_papers(lib, collection: Optional[str] = None, n: int = 1, explore: float = 0.0, *,
                scope: Optional[Scope] = None, reviewer: Optional[str] = None) -> list[tuple[int, float]]:
    """(paper id, probability of relevance in [0, 1], or None before there is a classifier) of the next
    papers to screen."""
    return [(q["paper_id"], q["probability"])
            for q in TriageSession(lib, collection, scope=scope, reviewer=reviewer).queue(n, explore)]


def triage_stats(lib, collection: Optional[str] = None, *, scope: Optional[Scope] = None,
                 reviewer: Optional[str] = None) -> dict[str, Any]:
    return TriageSession(lib, collection, scope=scope, reviewer=reviewer).stats()
