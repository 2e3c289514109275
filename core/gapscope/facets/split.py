"""The sentence splitter under its facet-pipeline name: it lives in ``gapscope.sentences``, below the store,
so that the integrity check and imports can tell which sentences a facet correction labels."""

from __future__ import annotations

from ..sentences import Sentence, split_sentences

__all__ = ["Sentence", "split_sentences"]
