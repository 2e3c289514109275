"""The words the whole core shares: facet labels, map facets, embedding kinds, triage decisions.

One place for each set, importable without numpy (the CLI builds its choices from it at start-up).
The database checks the same words (store/schema.py CHECK constraints); tests/core/test_vocabulary.py
keeps the two in step."""

from __future__ import annotations

# The five rhetorical roles of CSAbstruct, in the order of the facet head's outputs.
SENTENCE_ROLES = ("background", "objective", "method", "result", "other")

# A sentence's facet label: a role, or "limitation" (found by the limitation head).
FACET_LABELS = ("background", "objective", "method", "result", "limitation", "other")

# The facet labels whose sentences, joined per paper, make that paper's facet text.
FACET_TEXT_LABELS = ("method", "result", "limitation")

# What the vector cache embeds per paper: the whole abstract, and each facet text.
EMBED_KINDS = ("abstract",) + FACET_TEXT_LABELS

# The maps built per library; "topic" maps whole abstracts.
MAP_FACETS = ("topic",) + FACET_TEXT_LABELS

# Which embedding kind each map facet reads.
MAP_FACET_EMBED_KIND = {"topic": "abstract", **{label: label for label in FACET_TEXT_LABELS}}

# Triage decisions; "postpone" puts a paper back for later and labels nothing.
DECISIONS = ("include", "exclude", "maybe", "postpone")

# The decisions that label a paper relevant (1) or not (0) for the ranker.
LABELLING_DECISIONS = ("include", "exclude")
