"""Facets: split abstracts into sentences; give each a role (background / objective / method / result /
other) and a shortcoming type (none / prior / open / own), so that methods, results and shortcomings can
be mapped on their own."""

from __future__ import annotations

from ..vocabulary import FACET_LABELS, SENTENCE_ROLES as ROLES, SHORTCOMINGS
from .split import Sentence, split_sentences

_STORE = ("classify_library", "facet_counts", "facet_texts", "paper_sentences", "shortcoming_sentences",
          "uncertain_sentences")


def __getattr__(name: str):
    # the library functions load the store (sqlite) on first use: training and evaluation run without it
    if name in _STORE:
        from . import store

        return getattr(store, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["FACET_LABELS", "ROLES", "SHORTCOMINGS", "Sentence", "classify_library", "facet_counts", "facet_texts",
           "paper_sentences", "shortcoming_sentences", "split_sentences", "uncertain_sentences"]
