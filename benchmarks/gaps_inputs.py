"""What the gap benchmarks read at a validation date: the library's papers before the first test date only."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class ValidationInputs:
    lib: object
    concepts: object        # the concept set
    dates: dict             # paper id -> date, only the papers dated before the cutoff
    vectors: object         # (paper ids, abstract vectors) or None
    mentions: object        # concept id -> papers mentioning it (concepts/pair_rules.concept_mentions)
    mentions_s: float


def validation_inputs(library: str, cutoff: str) -> ValidationInputs:
    """``cutoff``: the first test date; no paper dated on or after it is read."""
    from gapscope.concepts import load_concept_set
    from gapscope.concepts.pair_rules import concept_mentions
    from gapscope.gaps.concept_backtest import abstract_vectors
    from gapscope.maps.build import paper_dates
    from gapscope.store import Library

    lib = Library(library, create=False)
    cs = load_concept_set(lib)
    dates = {p: d for p, d in paper_dates(lib).items() if d and d < cutoff}
    vectors = abstract_vectors(lib)
    t0 = time.perf_counter()
    mentions = concept_mentions(lib, cs.concepts)
    return ValidationInputs(lib, cs, dates, vectors, mentions, time.perf_counter() - t0)
