"""The vector cache: ``embeddings`` (model, text hash -> vector) and ``paper_texts`` (paper, kind -> hash)."""

from __future__ import annotations

import hashlib
from typing import Iterable, Optional, Sequence

import numpy as np

STORE_DTYPE = "float16"      # 384 dims -> 768 bytes a vector; cosine to float32 > 0.99999


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def pooled_hash(text: str) -> str:
    """The key of a facet text's *pooled* vector: the mean of its sentences' vectors from the abstract's
    one encoder pass (``gapscope facets``), kept apart from the vector of the text encoded on its own."""
    return text_hash("pooled\x1f" + text)


def abstract_text(title: str, abstract: str) -> str:
    """The text embedded for a paper's ``abstract`` kind."""
    title, abstract = (title or "").strip(), (abstract or "").strip()
    return f"{title}. {abstract}" if abstract else title


def to_blob(vec: np.ndarray, dtype: str = STORE_DTYPE) -> bytes:
    return np.asarray(vec, dtype=dtype).tobytes()


def from_blobs(blobs: Sequence[bytes], dim: int, dtype: str) -> np.ndarray:
    if not blobs:
        return np.zeros((0, dim), np.float32)
    return np.frombuffer(b"".join(blobs), dtype=dtype).reshape(len(blobs), dim).astype(np.float32)


def cached_hashes(lib, model: str) -> set[str]:
    return lib.cached_text_hashes(model)


def put_vectors(lib, model: str, hashes: Sequence[str], vecs: np.ndarray) -> None:
    """Store vectors (an existing (model, hash) keeps its row); joins the caller's transaction."""
    dim = int(vecs.shape[1]) if len(vecs) else 0
    lib.put_vector_blobs(model, [(h, dim, STORE_DTYPE, to_blob(v)) for h, v in zip(hashes, vecs)])


def put_mapping(lib, model: str, rows: Iterable[tuple[int, str, str]]) -> None:
    """(paper_id, kind, text_hash) rows; an empty hash removes the paper's row."""
    lib.put_text_mapping(model, rows)


def current_mapping(lib, model: str, kind: str) -> dict[int, str]:
    return lib.text_mapping(model, kind)


def load(lib, kind: str, model: str, paper_ids: Optional[Sequence[int]] = None) -> tuple[np.ndarray, np.ndarray]:
    rows = lib.vector_blobs(kind, model)
    if paper_ids is not None:
        wanted = set(int(i) for i in paper_ids)
        rows = [r for r in rows if r[0] in wanted]
    if not rows:
        return np.zeros(0, np.int64), np.zeros((0, 0), np.float32)
    dim, dtype = rows[0][1], rows[0][2]
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    return ids, from_blobs([r[3] for r in rows], dim, dtype)
