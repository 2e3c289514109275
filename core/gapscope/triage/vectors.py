"""Dense text vectors for ranking, from GapScope's encoder.

The queue reads the library's cached abstract vectors. The simulation works on a CSV, not a library,
so it encodes texts itself and caches them on disk by text hash (``$GAPSCOPE_TRIAGE_CACHE``, default
the user cache folder) so a second run is instant.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Optional, Sequence

import numpy as np


def cache_dir() -> Path:
    """Where simulate keeps the vectors of a labelled CSV (it has no library to cache them in)."""
    env = os.environ.get("GAPSCOPE_TRIAGE_CACHE")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("GapScope", appauthor=False)) / "triage"


def _encode(texts: list[str], *, progress=None, cancel=None) -> tuple[np.ndarray, str]:
    from ..embed.encoder import load_encoder

    enc = load_encoder(cancel=cancel)
    return enc.encode(texts, progress=progress, cancel=cancel), str(enc.model_id)


def embed_texts(texts: Sequence[str], *, progress=None, cancel=None) -> np.ndarray:
    """L2-normalised float32 vectors for ``texts``, cached on disk by the hash of all texts."""
    key = hashlib.sha256("\x1e".join(texts).encode("utf-8")).hexdigest()[:24]
    path = cache_dir() / f"minilm-{key}.npy"
    if path.exists():
        vecs = np.load(path)
        if vecs.shape[0] == len(texts):
            return vecs
    vecs, _ = _encode(list(texts), progress=progress, cancel=cancel)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, vecs)
    os.replace(tmp, path)
    return vecs


def library_vectors(lib, paper_ids: Sequence[int]) -> Optional[np.ndarray]:
    """Abstract vectors stored in the library for ``paper_ids`` (rows in that order), or None when the
    embeddings module or the vectors are missing for any paper (ranking then uses TF-IDF alone)."""
    from ..embed import load_vectors

    try:
        ids, vecs = load_vectors(lib, "abstract", paper_ids=list(paper_ids))
    except Exception:  # no vectors table yet, or no vectors for this model
        return None
    if len(ids) == 0:
        return None
    pos = {int(i): k for k, i in enumerate(ids)}
    if any(int(p) not in pos for p in paper_ids):
        return None
    return np.asarray(vecs[[pos[int(p)] for p in paper_ids]], dtype=np.float32)
