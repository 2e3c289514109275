"""Pairs of concepts that are no gap, read from the library's text and topics (the concept rules are in
quality.py). Both `gaps find` and the backtest apply them, from the papers before the date only.

1. Joined in text (``joined_in_text``): KeyBERT names only a paper's top phrases, so established practice
   ("KV cache" x "inference latency") can have no paper that names both as concepts while abstracts talk
   about both all the time. A pair that ``TEXT_JOINED_MIN`` or more titles and abstracts mention together
   (any form of each: the phrase or a merged variant, stemmed, its words near each other; found through
   the library's FTS index, ``Library.papers_mentioning``) is combined already.
2. One inside the other's area (``contained``): a small concept whose papers lie almost all in the topics
   where a much broader one is over-represented is part of that area's work ("annotation pipeline" x
   "MLLMs", "multi-agent pipeline" x "LLM agents"), not a new combination of two things."""

from __future__ import annotations

from typing import Mapping, Optional, Sequence

import numpy as np

TEXT_JOINED_MIN = 2      # abstracts mentioning both that make a pair "already combined" (one may be chance)
AREA_LIFT = 2.0          # a topic is in a concept's area when the concept is this many times denser there
CONTAIN_SHARE = 0.8      # ... and a concept lies inside another's area when this share of its papers is there
BROADER = 4.0            # only inside a concept with this many times its papers (an area, not a peer)


def concept_mentions(lib, concepts: Sequence, n_forms: int = 10) -> dict[int, frozenset]:
    """{concept id: ids of the papers whose title or abstract mentions the concept (its phrase or one of
    its merged variants), and the papers the extractor named it in}."""
    hits = lib.papers_mentioning({c.id: [c.phrase, *c.synonyms[:n_forms]] for c in concepts})
    return {c.id: frozenset(hits.get(c.id, set()) | set(c.papers)) for c in concepts}


def co_mentions(mentions: Mapping[int, frozenset], m_ids: Sequence[int], p_ids: Sequence[int],
                papers: Optional[set] = None) -> np.ndarray:
    """(|m_ids|, |p_ids|) the number of papers (of ``papers``, all when None) mentioning both concepts."""
    import scipy.sparse as sp

    ids = list(m_ids) + list(p_ids)
    row_of: dict[int, int] = {}
    rows, cols = [], []
    for j, cid in enumerate(ids):
        for q in mentions.get(cid, ()):
            if papers is None or q in papers:
                rows.append(row_of.setdefault(q, len(row_of)))
                cols.append(j)
    a = sp.csc_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(row_of), len(ids)))
    a.sum_duplicates()
    a.data[:] = 1.0
    nm = len(m_ids)
    return (a[:, :nm].T @ a[:, nm:]).toarray().astype(np.float32)


def joined_in_text(co: np.ndarray) -> np.ndarray:
    """Pairs the library's text already combines."""
    return np.asarray(co) >= TEXT_JOINED_MIN


def contained(topics_m: np.ndarray, topics_p: np.ndarray, topic_sizes: np.ndarray) -> np.ndarray:
    """(|M|, |P|) bool: one concept lies inside the other's area. ``topics_*``: papers of each concept per
    topic (rows: concepts); ``topic_sizes``: the papers of each topic."""
    tm, tp = np.asarray(topics_m, np.float64), np.asarray(topics_p, np.float64)
    nt = np.asarray(topic_sizes, np.float64)
    total = max(float(nt.sum()), 1.0)

    def area(t):
        n = t.sum(axis=1, keepdims=True)
        lift = (t / np.maximum(nt, 1.0)) / np.maximum(n / total, 1e-12)
        return (lift >= AREA_LIFT) & (t >= 2)

    def share(t):
        return t / np.maximum(t.sum(axis=1, keepdims=True), 1.0)

    nm, np_ = tm.sum(axis=1), tp.sum(axis=1)
    m_in_p = (share(tm) @ area(tp).T.astype(np.float64) >= CONTAIN_SHARE) & (np_[None, :] >= BROADER * nm[:, None])
    p_in_m = (area(tm).astype(np.float64) @ share(tp).T >= CONTAIN_SHARE) & (nm[:, None] >= BROADER * np_[None, :])
    return m_in_p | p_in_m
