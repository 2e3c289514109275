"""The one concept that names a map region: a thin-and-growing gap is stated as "“linear codes” (with
“MDS”, “minimum distance”)", not as the cluster's keyword triple, which nobody could research.

The concept is the one most of the region's papers name and few papers outside it do (papers naming it
inside, times the share of all its papers that are inside): "LLMs" is named by many papers of a region of a
cs.CL library and by thousands outside it, so it names no region."""

from __future__ import annotations

from typing import Mapping, Optional

from ..concepts.model import Concept, ConceptSet
from .concept_evidence import nameable

COVER_MIN = 0.25    # the share of the region's papers that must name it
INSIDE_MIN = 0.3    # the share of the papers naming it that must lie in the region
MIN_NAMING = 3


def concept_papers(c: Concept, mentions: Optional[Mapping[int, frozenset]]) -> set:
    """The papers the extractor named ``c`` in, and those whose title or abstract names it."""
    return set(c.papers) | set((mentions or {}).get(c.id, ()))


def region_concept(members: set, cs: ConceptSet, mentions: Optional[Mapping[int, frozenset]] = None,
                   refused: frozenset = frozenset()) -> Optional[tuple[Concept, set]]:
    """(the concept naming the region of ``members``, the region's papers naming it), or None when no
    concept is named by COVER_MIN of them with INSIDE_MIN of its papers inside."""
    best, best_score = None, 0.0
    need = max(MIN_NAMING, COVER_MIN * len(members))
    for c in cs.concepts:
        if c.id in refused or not nameable(c):
            continue
        papers = concept_papers(c, mentions)
        inside = papers & members
        if len(inside) < need or len(inside) < INSIDE_MIN * len(papers):
            continue
        score = len(inside) * len(inside) / len(papers)
        if score > best_score or (score == best_score and best is not None and c.id < best[0].id):
            best, best_score = (c, inside), score
    return best
