"""Features for the screening model: word 1-2 gram TF-IDF plus, when available, sentence embeddings.

Both are computed once per collection; retraining after a decision then only refits a linear model
on the labelled rows and scores the rest (one sparse mat-vec), which keeps the next paper instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

# Relative weight of the (L2-normalised) embedding block against the (L2-normalised) TF-IDF block.
# Small: the embeddings carry the topic, and most papers in a review share it; TF-IDF n-grams carry
# what separates includes from excludes (study design words). Chosen on the two shared reviews
# (seeds 1..5, see benchmarks/bench_triage_vs_asreview.py): 0.15 helps both, 0.3+ hurts Kitchenham.
EMBEDDING_WEIGHT = 0.15


@dataclass
class Features:
    matrix: "object"            # scipy.sparse.csr_matrix, one row per paper
    n_tfidf: int
    has_embeddings: bool


def build_features(texts: Sequence[str], embeddings: Optional[np.ndarray] = None, *,
                   embedding_weight: float = EMBEDDING_WEIGHT, min_df: Optional[int] = None,
                   max_features: Optional[int] = None, stop_words: Optional[str] = None) -> Features:
    """TF-IDF over ``texts`` (word 1-2 grams, sublinear tf; stop words kept: bigrams such as "review
    of" or "we surveyed" mark study designs), stacked with
    ``embeddings`` (rows aligned with texts) scaled by ``embedding_weight``."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [t or "" for t in texts]
    if min_df is None:
        # Large collections: drop n-grams seen once (mostly one-off bigrams); it shrinks the model
        # several-fold and keeps each refit fast. Small reviews keep every n-gram.
        min_df = 1 if len(texts) < 3000 else 2
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words=stop_words, min_df=min_df,
                          max_df=0.95 if len(texts) > 50 else 1.0, max_features=max_features,
                          dtype=np.float32, strip_accents="unicode")
    try:
        tfidf = vec.fit_transform(texts).tocsr()
    except ValueError:  # every text empty or stop words only
        tfidf = sparse.csr_matrix((len(texts), 1), dtype=np.float32)
    if embeddings is None:
        return Features(tfidf, tfidf.shape[1], False)
    emb = np.asarray(embeddings, dtype=np.float32)
    if emb.shape[0] != len(texts):
        raise ValueError(f"{emb.shape[0]} embedding rows for {len(texts)} texts")
    dense = sparse.csr_matrix(emb * np.float32(embedding_weight))
    return Features(sparse.hstack([tfidf, dense], format="csr", dtype=np.float32), tfidf.shape[1], True)
