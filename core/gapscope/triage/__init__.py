"""Screening with active learning, and annotations that are never lost.

Public API (sklearn/scipy are imported lazily inside the functions that need them):
``decide``, ``undo``, ``seed``, ``next_papers``, ``triage_stats``, ``TriageSession`` (``SessionCache`` keeps
one between rankings), exclusion reasons,
annotations (``add_note``, ``add_highlight``, ``correct_facet``, ``query_spans``) and the simulation.
"""

from ..store.triage import DecidedElsewhere, NotLiveDecision
from .annotate import (FACET_LABELS, add_highlight, add_note, annotations_of, correct_facet, delete_note,
                       facet_corrections_of, highlight_query, highlights_of, query_spans, remove_facet_correction,
                       remove_highlight, restore_facet_correction, take_facet_correction, update_note)
from .decisions import (DECISIONS, add_reason, agreement, conflicts, current_decisions, decide,
                        decision_log, list_reasons, own_decision, remove_reason, resolve, reviewers,
                        screening_sequence, seed, undo, unresolved_count, awaiting_second, awaiting_count)
from .queue import STOP_RULE, TriageSession, next_papers, triage_stats
from .scope import Scope, parse_cluster
from .sessions import SessionCache

__all__ = [
    "FACET_LABELS", "add_highlight", "add_note", "annotations_of", "correct_facet", "delete_note",
    "facet_corrections_of", "highlight_query", "highlights_of", "query_spans", "remove_facet_correction",
    "remove_highlight", "restore_facet_correction", "take_facet_correction", "update_note", "DECISIONS", "add_reason",
    "current_decisions", "decide", "decision_log",
    "list_reasons", "remove_reason", "seed", "undo", "STOP_RULE", "TriageSession", "next_papers", "triage_stats",
    "agreement", "conflicts", "resolve", "reviewers", "screening_sequence", "Scope", "parse_cluster",
    "DecidedElsewhere", "NotLiveDecision", "own_decision", "unresolved_count", "awaiting_second", "awaiting_count", "SessionCache",
]
