"""Embeddings: a fast encoder and a cache of vectors in the library, keyed by model and text hash."""

from __future__ import annotations

from .encoder import DEFAULT_MODEL, Encoder
from .library import embed_library, library_model, load_vectors
from ..vocabulary import EMBED_KINDS
from .store import abstract_text, text_hash

__all__ = ["DEFAULT_MODEL", "Encoder", "EMBED_KINDS", "abstract_text", "embed_library", "library_model",
           "load_vectors", "text_hash"]
