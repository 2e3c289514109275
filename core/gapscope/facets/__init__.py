"""Facets: split abstracts into sentences and label each background / objective / method / result /
limitation / other, so that methods, results and limitations can be mapped on their own."""

from __future__ import annotations

from ..vocabulary import FACET_LABELS
from .split import Sentence, split_sentences
from .store import classify_library, facet_counts, facet_texts, paper_sentences, uncertain_sentences

__all__ = ["FACET_LABELS", "Sentence", "classify_library", "facet_counts", "facet_texts", "paper_sentences",
           "split_sentences", "uncertain_sentences"]
