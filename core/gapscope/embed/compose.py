"""Pooled shortcoming vectors of papers with full text, made from the pooled vectors of their parts.

A paper's shortcoming text joins its abstract's shortcoming sentences and, when it has a labelled PDF,
those of its Limitations, Discussion, Future-work and Conclusion sections (``Library.facet_texts``). The
two come from different encoder passes (``gapscope facets`` reads the abstract, ``gapscope pdf label``
the paragraphs), and each pass stores the pooled vector of its own part under ``pooled_hash(part)``. The
whole text's vector is their mean weighted by sentence count, unit length: each shortcoming sentence
counts the same, as in an abstract's own pooled vector. Nothing is encoded again."""

from __future__ import annotations

from typing import Mapping, Optional, Sequence

import numpy as np

from . import store


def compose_shortcoming_vectors(lib, model: str, texts: Mapping[int, str], have: set[str],
                                paper_ids: Optional[Sequence[int]] = None) -> int:
    """Store a pooled vector for each shortcoming text in ``texts`` (paper id -> text) that is made of parts
    (``Library.shortcoming_text_parts``) all of which have one and that has none itself; ``have`` (the
    cached hashes) is updated. Returns how many were made. A part without a pooled vector (a correction
    changed it, or the PDF was labelled by another encoder) leaves the text to be encoded on its own."""
    parts = lib.shortcoming_text_parts(paper_ids)
    todo: dict[str, list[tuple[str, int]]] = {}
    for pid, ps in parts.items():
        text = texts.get(pid)
        if not text or not ps or store.pooled_hash(text) in have:
            continue
        if " ".join(t for t, _n in ps) != text:        # the parts must make up the very text
            continue
        hs = [(store.pooled_hash(t), n) for t, n in ps]
        if all(h in have for h, _n in hs):
            todo[store.pooled_hash(text)] = hs
    if not todo:
        return 0
    blobs = lib.vector_blobs_by_hash(model, {h for hs in todo.values() for h, _n in hs})
    made_h, made_v = [], []
    for h, hs in todo.items():
        if any(p not in blobs for p, _n in hs):
            continue
        vecs = np.stack([store.from_blobs([blobs[p][2]], blobs[p][0], blobs[p][1])[0] for p, _n in hs])
        v = (np.asarray([n for _p, n in hs], np.float32)[:, None] * vecs).sum(axis=0)
        made_h.append(h)
        made_v.append(v / max(float(np.linalg.norm(v)), 1e-12))
    if made_h:
        store.put_vectors(lib, model, made_h, np.stack(made_v))
        have.update(made_h)
    return len(made_h)
