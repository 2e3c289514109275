"""A concept set as the gap code reads it: concepts with vectors, and who named them when."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np


@dataclass
class Concept:
    id: int
    kind: str                      # method | problem
    phrase: str
    synonyms: list[str]
    vector: np.ndarray = field(repr=False)
    papers: dict[int, str] = field(default_factory=dict)      # paper id -> side that named it
    scores: dict[int, float] = field(default_factory=dict)    # paper id -> extractor relevance

    @property
    def n_papers(self) -> int:
        return len(self.papers)


@dataclass
class ConceptSet:
    concepts: list[Concept]
    batch: Optional[int] = None
    fingerprint: str = ""
    encoder: str = ""              # the encoder whose phrase vectors the concepts carry ("" when unknown)

    def by_id(self) -> dict[int, Concept]:
        return {c.id: c for c in self.concepts}

    def vectors(self) -> np.ndarray:
        return np.stack([c.vector for c in self.concepts]).astype(np.float32) if self.concepts else np.zeros((0, 1), np.float32)


def from_rows(rows: list[dict], batch: Optional[int] = None, fingerprint: str = "", encoder: str = "") -> ConceptSet:
    out = []
    for r in rows:
        papers, scores = {}, {}
        for pid, side, score in r["papers"]:
            # a paper naming it on both sides counts as method side for a method concept, problem otherwise
            if pid not in papers or side == r["kind"]:
                papers[int(pid)] = side
            scores[int(pid)] = max(scores.get(int(pid), 0.0), float(score))
        out.append(Concept(id=int(r["id"]), kind=r["kind"], phrase=r["phrase"], synonyms=list(r["synonyms"]),
                           vector=np.asarray(r["vector"], dtype=np.float32), papers=papers, scores=scores))
    return ConceptSet(out, batch, fingerprint, encoder)


def load_concept_set(lib, batch: Optional[int] = None) -> ConceptSet:
    batch = lib.latest_concept_batch() if batch is None else batch
    if batch is None:
        return ConceptSet([])
    run = lib.concept_run(batch) or {}
    return from_rows(lib.load_concepts(batch), batch, run.get("fingerprint", ""),
                     str((run.get("params") or {}).get("model") or ""))
