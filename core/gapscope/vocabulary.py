"""The words the whole core shares: sentence roles and shortcomings, map facets, embedding kinds, triage decisions.

One place for each set, importable without numpy (the CLI builds its choices from it at start-up).
The database checks the same words (store/schema.py CHECK constraints); tests/core/test_vocabulary.py
keeps the two in step."""

from __future__ import annotations

# The five rhetorical roles of CSAbstruct, in the order of the facet head's role outputs.
SENTENCE_ROLES = ("background", "objective", "method", "result", "other")

# A sentence's shortcoming type, in the order of the shortcoming head's outputs: none; a shortcoming of
# prior work; an open problem of the field; a limitation of the paper itself.
SHORTCOMINGS = ("none", "prior", "open", "own")

# What a correction may set a sentence's role to (a shortcoming is corrected on its own).
FACET_LABELS = SENTENCE_ROLES

# What `annotate correct-facet` accepts: a role, a shortcoming type, or "limitation" (= shortcoming own).
CORRECTION_LABELS = SENTENCE_ROLES + SHORTCOMINGS + ("limitation",)

# The facet texts of a paper: its method sentences, its result sentences, and its shortcoming
# sentences (any type but none), each joined in order.
FACET_TEXT_LABELS = ("method", "result", "shortcoming")

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
