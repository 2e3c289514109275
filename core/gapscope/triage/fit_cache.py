"""The relevance model's fits, kept on disk by what they were fitted on: the features (their cache key),
the labelled rows and their labels, the settings, the fitting code and the installed scikit-learn.

A fresh process (each `gapscope triage next`) spends about a second importing scikit-learn before a
fit of a tenth of one; the same decisions on the same features give the same fit, so a second command
in the same state (`triage next` again, with --explore, another --n) reads the weights instead. Any
decision, edited text or new setting is another key: fitted afresh. Only a session's first fit is looked
up and kept: a session kept between decisions (the desktop's) meets each new state once and fits it in
memory. Exact: the weights are kept in the float type the scoring uses, so the scores are the same to the
bit.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from pathlib import Path
from typing import Optional

import numpy as np

from .vectors import cache_dir

# The newest fits kept (75,000 papers: ~4 MB each).
FITS_KEPT = 8


def _sklearn_stamp() -> str:
    """Which scikit-learn would fit (its path and install time), without the second its import takes."""
    spec = importlib.util.find_spec("sklearn")
    origin = spec.origin if spec is not None else None
    try:
        return f"{origin}:{os.stat(origin).st_mtime_ns}" if origin else "none"
    except OSError:
        return "none"


def code_stamp(fn) -> str:
    """A print of the fitting function's code (its bytecode, names and constants): a GapScope whose fit has
    other options (another solver, class weights, iterations) fits afresh instead of reading the weights an
    older one kept under the same features and decisions."""
    h = hashlib.sha256()

    def add(code) -> None:
        h.update(code.co_code + repr(code.co_names).encode())
        for c in code.co_consts:        # a nested function's code by its own print, never its address
            if hasattr(c, "co_code"):
                add(c)
            else:
                h.update(repr(c).encode())

    add(fn.__code__)
    return h.hexdigest()[:16]


def fit_key(X, features_key: str, labelled: np.ndarray, y: np.ndarray, settings: tuple) -> str:
    """The fit's key. Beside the features' key, a print of the matrix itself (its shape, row lengths and
    a sample of its values): a cache of the same texts built again with other sentence vectors differs."""
    h = hashlib.sha256(f"{features_key}\x1f{settings!r}\x1f{_sklearn_stamp()}\x1f{X.shape}\x1f{X.nnz}".encode())
    h.update(np.ascontiguousarray(X.indptr).tobytes())
    h.update(np.ascontiguousarray(X.data[::997]).tobytes())
    h.update(np.asarray(labelled, dtype=np.int64).tobytes())
    h.update(b"\x1f" + np.asarray(y, dtype=np.int64).tobytes())
    return h.hexdigest()[:24]


def _path(key: str) -> Path:
    return cache_dir() / "fits" / f"fit-{key}.npz"


def load(key: str, n_features: int, dtype) -> Optional[tuple[np.ndarray, float]]:
    """(weights, intercept) of the fit ``key``, or None when there is none (or it does not fit)."""
    try:
        with np.load(_path(key)) as f:
            coef, intercept = f["coef"], float(f["intercept"])
    except Exception:  # noqa: BLE001 - missing, cut short, damaged (zipfile's own errors too): fitted afresh
        return None
    if coef.shape != (n_features,) or coef.dtype != dtype:
        return None
    return coef, intercept


def save(key: str, coef: np.ndarray, intercept: float) -> None:
    """Keep a fit (a cache only: a failed write loses nothing); the oldest beyond ``FITS_KEPT`` go."""
    target = _path(key)
    tmp = target.with_name(f"fit-{key}.{os.getpid()}-{threading.get_ident()}.tmp.npz")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        np.savez(tmp, coef=coef, intercept=np.float64(intercept))
        os.replace(tmp, target)
        fits = sorted(target.parent.glob("fit-*.npz"), key=lambda p: p.stat().st_mtime)
        for old in fits[:-FITS_KEPT]:
            old.unlink(missing_ok=True)
    except OSError:
        tmp.unlink(missing_ok=True)
