"""Encoder features for the facet head: one pass per abstract gives contextual sentence vectors."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from ..jobs import CancelToken, ProgressFn


def abstract_features(encoder, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]],
                      *, progress: Optional[ProgressFn] = None, cancel: Optional[CancelToken] = None,
                      batch_size: Optional[int] = None,
                      span_layers: Optional[Sequence] = None, adapter=None) -> tuple[np.ndarray, list[np.ndarray]]:
    """(document vectors, [per text: (n_sentences, dim * layers) contextual sentence vectors])."""
    return encoder.encode_spans(texts, spans, batch_size=batch_size, progress=progress, cancel=cancel,
                                span_layers=span_layers, adapter=adapter)


def sentence_features(encoder, sentences: Sequence[str], *, progress=None, cancel=None,
                      span_layers: Optional[Sequence[int]] = None) -> tuple[np.ndarray, np.ndarray]:
    """Each sentence encoded alone as a one-sentence abstract: (its document vectors, its sentence
    vectors pooled over its own tokens, the same pooling as in an abstract)."""
    docs, vecs = encoder.encode_spans(sentences, [[(0, len(s))] for s in sentences], progress=progress,
                                      cancel=cancel, span_layers=span_layers)
    width = encoder.dim * (len(span_layers) if span_layers else 1)
    return docs, (np.stack([v[0] for v in vecs]) if vecs else np.zeros((0, width), np.float32))


def cache_dir() -> Path:
    d = Path(os.environ.get("GAPSCOPE_FEATURE_CACHE", "/tmp/gapscope-facet-features"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def cached(encoder, tag: str, payload: Sequence[str], compute):
    """Feature arrays cached under /tmp by (model, precision, tag, hash of the inputs)."""
    h = hashlib.sha256("\x1e".join(payload).encode("utf-8")).hexdigest()[:16]
    path = cache_dir() / f"{encoder.model_id}-{encoder.precision}-{tag}-{h}.npz"
    if path.exists():
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    arrays = compute()
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, path)
    return arrays
