"""No two listed gaps alike: a candidate is dropped when it shares most of its evidence with a gap already
listed, or when both its concepts are near-synonyms (or the same) of that gap's two concepts; and no
concept leads more than ``per_concept`` gaps (else one popular method fills the list)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import numpy as np

SYNONYM_SIM = 0.8          # cosine of the concepts' phrase vectors above which they count as near-synonyms
# cosine of the concepts' content (mean abstract vector of their papers): catches an acronym and its
# expansion ("VLMs", "vision-language models"), whose phrase vectors are far apart
CONTENT_SYNONYM_SIM = 0.9
EVIDENCE_SHARE = 0.5       # "most of the evidence": overlap over the smaller evidence set


@dataclass
class Candidate:
    key: object                              # anything that identifies the candidate to the caller
    score: float
    method: int                              # concept ids
    problem: int
    method_vec: np.ndarray = field(repr=False)
    problem_vec: np.ndarray = field(repr=False)
    evidence: frozenset = frozenset()        # paper ids
    method_content: Optional[np.ndarray] = field(default=None, repr=False)
    problem_content: Optional[np.ndarray] = field(default=None, repr=False)


def evidence_overlap(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def near(u: np.ndarray, v: np.ndarray, same: bool, sim: float, cu=None, cv=None) -> bool:
    return same or float(u @ v) >= sim or (cu is not None and cv is not None and float(cu @ cv) >= CONTENT_SYNONYM_SIM)


def duplicate_of(c: Candidate, kept: Sequence[Candidate], *, synonym_sim: float = SYNONYM_SIM,
                 evidence_share: float = EVIDENCE_SHARE) -> Optional[tuple[Candidate, str]]:
    for g in kept:
        if evidence_overlap(c.evidence, g.evidence) > evidence_share:
            return g, "shares most of its evidence"
        if (near(c.method_vec, g.method_vec, c.method == g.method, synonym_sim, c.method_content, g.method_content)
                and near(c.problem_vec, g.problem_vec, c.problem == g.problem, synonym_sim, c.problem_content,
                         g.problem_content)):
            return g, "both concepts are near-synonyms of its concepts"
    return None


def dedupe(cands: Sequence[Candidate], top: int, *, per_concept: Optional[int] = 2,
           synonym_sim: float = SYNONYM_SIM, evidence_share: float = EVIDENCE_SHARE,
           accept: Optional[Callable[[Candidate], Optional[str]]] = None) -> tuple[list[Candidate], list[dict]]:
    """The best ``top`` candidates (by score) with no duplicates; and what was dropped, and why.
    ``accept(candidate)``: a last, costlier check asked only of the candidates that would be listed (the
    ranking is walked down until ``top`` are kept); it returns why the candidate is no gap, or None."""
    kept: list[Candidate] = []
    dropped: list[dict] = []
    used: dict[int, int] = {}
    for c in sorted(cands, key=lambda c: -c.score):
        if len(kept) >= top:
            break
        if per_concept is not None and (used.get(c.method, 0) >= per_concept or used.get(c.problem, 0) >= per_concept):
            continue
        dup = duplicate_of(c, kept, synonym_sim=synonym_sim, evidence_share=evidence_share)
        if dup is not None:
            dropped.append({"key": c.key, "duplicate_of": dup[0].key, "why": dup[1]})
            continue
        why = accept(c) if accept is not None else None
        if why:
            dropped.append({"key": c.key, "duplicate_of": None, "why": why})
            continue
        kept.append(c)
        used[c.method] = used.get(c.method, 0) + 1
        used[c.problem] = used.get(c.problem, 0) + 1
    return kept, dropped
