"""Vectors of short texts (concept head words, map keywords) kept on disk by the encoder that made them.

Judging map label terms (concepts/label_terms.py) reads a few thousand such vectors; encoding them takes
seconds, loading the encoder for it (imports and weights) several times more: most of a `gapscope map
relabel`. The same words come back at every relabel, so they are kept here and the encoder is loaded only
for a text not kept yet. A cache only: a missing, damaged or unwritable file costs an encoding, nothing else.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np

from ..jobs import CancelToken

# Texts kept per encoder: past this the file starts afresh (a few thousand words a library; 100,000 of
# MiniLM's 384-wide vectors are 150 MB)
TEXTS_KEPT = 100_000


def cache_dir() -> Path:
    """$GAPSCOPE_PHRASE_CACHE, else the user's cache folder (GapScope/phrase-vectors)."""
    env = os.environ.get("GAPSCOPE_PHRASE_CACHE")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("GapScope", appauthor=False)) / "phrase-vectors"


def encoder_key(model: Optional[str]) -> str:
    """The encoder ``load_encoder(model)`` makes on this machine, named without loading it: the model's
    files (path and time), the device preference and whether the CPU has bf16 units (what the "auto"
    precision picks). A vector of another precision or model is another file."""
    from .. import settings
    from .encoder import cpu_has_bf16, default_model_path

    path = str(model or default_model_path())
    weights = [Path(path) / name for name in ("model.safetensors", "pytorch_model.bin")]
    stamp = next((f"{w.name}:{w.stat().st_mtime_ns}:{w.stat().st_size}" for w in weights if w.is_file()), "")
    device = settings.Settings().lookup("device")[0]
    return hashlib.sha256(f"{path}\x1f{stamp}\x1f{device}\x1f{cpu_has_bf16()}".encode()).hexdigest()[:20]


class PhraseVectors:
    """The kept vectors of one encoder (``encoder_key``): ``get`` what is there, ``put`` new ones."""

    _lock = threading.Lock()

    def __init__(self, key: str) -> None:
        self.path = cache_dir() / f"vectors-{key}.npz"
        self._kept: Optional[dict[str, np.ndarray]] = None

    def _read(self) -> dict[str, np.ndarray]:
        if self._kept is None:
            self._kept = self._load()
        return self._kept

    def _load(self) -> dict[str, np.ndarray]:
        """The file's vectors; {} for a missing, cut short or damaged one (zipfile's own errors too), or one
        that is no table of vectors, one a text."""
        try:
            with np.load(self.path, allow_pickle=False) as f:
                texts, vectors = f["texts"], f["vectors"]
                if texts.ndim != 1 or vectors.ndim != 2 or len(texts) != len(vectors):
                    return {}
                return dict(zip(texts.tolist(), vectors))
        except Exception:  # noqa: BLE001 - encoded afresh
            return {}

    def get(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        kept = self._read()
        return {t: kept[t] for t in texts if t in kept}

    def drop(self) -> None:
        """Forget what is kept (vectors this encoder cannot have made): the next ``put`` writes the file anew."""
        self._kept = {}
        self._fresh_file = True

    _fresh_file = False

    def put(self, vectors: dict[str, np.ndarray]) -> None:
        """Keep ``vectors`` with what the file holds now: another process may have written it since it was read
        (the GUI and a CLI relabel), and its vectors stay."""
        kept = self._read()
        with self._lock, _file_lock(self.path):
            if not self._fresh_file:
                width = next((v.shape for v in vectors.values()), None)
                kept.update({t: v for t, v in self._load().items() if t not in kept and v.shape == width})
            self._fresh_file = False
            if len(kept) + len(vectors) > TEXTS_KEPT:
                kept.clear()
            kept.update(vectors)
            if not kept:
                return
            texts = sorted(kept)
            tmp = self.path.with_name(f"{self.path.stem}.{os.getpid()}-{threading.get_ident()}.tmp.npz")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                np.savez(tmp, texts=np.array(texts, dtype=str), vectors=np.stack([kept[t] for t in texts]))
                os.replace(tmp, self.path)
            except OSError:
                tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def _file_lock(path: Path):
    """Two processes' read-merge-write of one file one after the other, where the system offers a lock (POSIX);
    elsewhere the merge still keeps all but a write made in the same instant."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path.with_name(path.name + ".lock"), "a")
    except OSError:
        yield
        return
    with fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def kept_encoder(model: Optional[str], *, cancel: Optional[CancelToken] = None) -> Callable[[list[str]], np.ndarray]:
    """``encode(texts)``: the vectors ``load_encoder(model)`` gives, read from the disk where kept; the
    encoder is loaded (once per process, embed.encoder.load_encoder) only for texts not kept, and what it
    encodes is kept. ``cancel`` stops the load and the encoding."""
    from .encoder import load_encoder

    stores: list[PhraseVectors] = []          # made at the first encoding: a judge may never encode

    def encode(texts: list[str]) -> np.ndarray:
        if not stores:
            stores.append(PhraseVectors(encoder_key(model)))
        store = stores[0]
        texts = list(texts)
        got = store.get(texts)
        missing = sorted(set(texts) - got.keys())
        if missing:
            encoder = load_encoder(model, cancel=cancel)
            fresh = np.asarray(encoder.encode(missing, cancel=cancel), dtype=np.float32)
            if got and next(iter(got.values())).shape != fresh.shape[1:]:
                # kept by another encoder under this key (a model replaced at its path): all encoded again
                store.drop()
                missing = sorted(set(texts))
                fresh = np.asarray(encoder.encode(missing, cancel=cancel), dtype=np.float32)
                got = {}
            new = dict(zip(missing, fresh))
            store.put(new)
            got.update(new)
        if not texts:
            return np.zeros((0, 0), np.float32)
        return np.stack([got[t] for t in texts])
    return encode
