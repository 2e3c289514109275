"""Merging phrases by meaning: leader clustering over the phrases' embeddings, most frequent first, so that
"diffusion models", "diffusion model" and "denoising diffusion models" become one concept named by its most
frequent form, while a long chain of small steps never joins two unrelated phrases (single linkage would)."""

from __future__ import annotations

import numpy as np

MERGE_SIM = 0.87   # cosine of MiniLM phrase vectors; 0.85 still joined "encoder-decoder" into "encoder"


def merge_phrases(phrases: list[str], vecs: np.ndarray, counts: list[int], *, sim: float = MERGE_SIM,
                  block: int = 2048) -> np.ndarray:
    """Leader of each phrase (an index into ``phrases``): phrases in descending ``counts`` order join the
    most similar leader within cosine ``sim``, else lead a group of their own. ``vecs`` L2-normalised."""
    n = len(phrases)
    order = sorted(range(n), key=lambda i: (-counts[i], phrases[i]))
    leader = np.full(n, -1, dtype=np.int64)
    leaders: list[int] = []
    lv = np.zeros((0, vecs.shape[1]), dtype=np.float32)
    pending: list[int] = []          # new leaders not yet stacked into lv (stacking each time is quadratic)
    for i in order:
        v = vecs[i]
        best, best_s = -1, sim
        if len(lv):
            s = lv @ v
            j = int(np.argmax(s))
            if s[j] >= best_s:
                best, best_s = leaders[j], float(s[j])
        for j in pending:
            s = float(vecs[j] @ v)
            if s >= best_s:
                best, best_s = j, s
        if best < 0:
            leader[i] = i
            pending.append(i)
            if len(pending) >= 64:
                leaders += pending
                lv = np.vstack([lv, vecs[pending]])
                pending = []
        else:
            leader[i] = best
    return leader
