"""The disk cache of a scope's feature matrix: a folder of three plain .npy arrays (the CSR matrix's
data, indices and row pointers) that is mapped into memory instead of read.

Reading the former single .npz of 75,000 papers (~400 MB through zipfile) took 1.5-2 s on every
`triage next`; mapping takes a millisecond, the pages come from the OS's file cache as the first
product touches them, and they stay shared with other processes and reclaimable (the desktop's kept
session no longer holds 400 MB of its own). Copy-on-write: nothing is ever written back to the file.
A cache from before (``features-KEY.npz``) is read once more and rewritten in the new form. Beside the
arrays, ``marker.json`` keeps what the sentence vectors were when it was built (scope_features.py:
while they are the same, whether every paper had one needs no check).

The keys hash the papers' texts, and reading 75,000 texts to hash them takes a second. Beside the folders,
a small ``texts-*.json`` record per library text stamp (store: a random number that moves on every added
or deleted paper and every changed title or abstract, in any process) says which keys the texts of those
papers had under that stamp: while the stamp is the same, the texts are too and need no reading.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from pathlib import Path
from typing import Optional

import numpy as np

_PARTS = ("data", "indices", "indptr")


def folder_of(cache_root: Path, key: str) -> Path:
    return cache_root / f"features-{key}"


def present(cache_root: Path, key: str) -> bool:
    return folder_of(cache_root, key).is_dir() or (cache_root / f"features-{key}.npz").exists()


def load(cache_root: Path, key: str):
    """The cached matrix of ``key``, mapped (None when there is none or it cannot be read)."""
    from scipy import sparse

    folder = folder_of(cache_root, key)
    if folder.is_dir():
        try:
            shape = tuple(int(v) for v in np.load(folder / "shape.npy"))
            data, indices, indptr = (np.load(folder / f"{p}.npy", mmap_mode="c") for p in _PARTS)
            if len(shape) != 2 or len(indptr) != shape[0] + 1 or not len(data) == len(indices) == indptr[-1]:
                return None
            return sparse.csr_matrix((data, indices, indptr), shape=shape, copy=False)
        except (OSError, ValueError):
            return None
    old = cache_root / f"features-{key}.npz"
    if old.exists():
        try:
            matrix = sparse.load_npz(old).tocsr()
        except (OSError, ValueError):
            return None
        kept = save(cache_root, key, matrix)
        if kept is not None:
            old.unlink(missing_ok=True)
            return kept
        return matrix
    return None


def marker_of(cache_root: Path, key: str):
    """The vector marker saved with the cache of ``key`` (what the sentence vectors were when it was
    built), or None."""
    try:
        return json.loads((folder_of(cache_root, key) / "marker.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_marker(cache_root: Path, key: str, marker) -> None:
    """Note the vectors' marker beside a cache that has none (one written before markers were kept)."""
    target = folder_of(cache_root, key) / "marker.json"
    tmp = target.with_name(f"marker.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(list(marker)), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)      # a cache only


def save(cache_root: Path, key: str, matrix, marker=None) -> Optional[object]:
    """Write ``matrix`` as the cache of ``key`` and return it mapped from there (None when it could not be
    written: a cache only, the caller keeps its matrix). ``marker``: the vectors' when it was built."""
    folder = folder_of(cache_root, key)
    tmp = folder.with_name(folder.name + f".{os.getpid()}.tmp")
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        for p in _PARTS:
            np.save(tmp / f"{p}.npy", np.ascontiguousarray(getattr(matrix, p)))
        np.save(tmp / "shape.npy", np.asarray(matrix.shape, dtype=np.int64))
        if marker is not None:
            (tmp / "marker.json").write_text(json.dumps(list(marker)), encoding="utf-8")
        try:
            os.replace(tmp, folder)      # atomic
        except OSError:
            if folder.is_dir() and load(cache_root, key) is not None:
                pass                     # another process's, finished meanwhile: the same content
            else:                        # a damaged one (cut short): replaced
                shutil.rmtree(folder, ignore_errors=True)
                os.replace(tmp, folder)
    except OSError:
        return None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return load(cache_root, key)


# The newest stamp records kept (one is written per text state a ranking saw: each is ~100 bytes).
RECORDS_KEPT = 200


def _record_path(cache_root: Path, stamp: int, papers: str, version: str) -> Path:
    name = hashlib.sha256(f"{version}\x1f{stamp}\x1f{papers}".encode()).hexdigest()[:24]
    return cache_root / f"texts-{name}.json"


def papers_digest(paper_ids) -> str:
    """What identifies a list of papers (ids in order) in a stamp record."""
    return hashlib.sha256(np.asarray(paper_ids, dtype=np.int64).tobytes()).hexdigest()[:24]


def stamp_record(cache_root: Path, stamp: int, papers: str, version: str) -> Optional[dict]:
    """What was recorded of the texts of ``papers`` (``papers_digest``) under the library text stamp
    ``stamp`` by the features' ``version``: {"keys": {"tfidf": key, "emb": key}, "no_text": [rows]}, or
    None."""
    try:
        rec = json.loads(_record_path(cache_root, stamp, papers, version).read_text(encoding="utf-8"))
        ok = (rec["stamp"] == stamp and rec["papers"] == papers and rec["version"] == version
              and set(rec["keys"]) == {"tfidf", "emb"} and isinstance(rec["no_text"], list))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return rec if ok else None


def write_stamp_record(cache_root: Path, stamp: int, papers: str, version: str, keys: dict,
                       no_text_rows: list[int]) -> None:
    """Record the keys the texts of ``papers`` have under ``stamp`` (the caller read the texts while the
    stamp was that one, before and after); the oldest records beyond ``RECORDS_KEPT`` go."""
    target = _record_path(cache_root, stamp, papers, version)
    tmp = target.with_name(f"{target.stem}.{os.getpid()}-{threading.get_ident()}.tmp")
    rec = {"stamp": stamp, "papers": papers, "version": version, "keys": keys, "no_text": no_text_rows}
    try:
        cache_root.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(rec), encoding="utf-8")
        os.replace(tmp, target)
        records = sorted(cache_root.glob("texts-*.json"), key=lambda p: p.stat().st_mtime)
        for old in records[:-RECORDS_KEPT]:
            old.unlink(missing_ok=True)
    except OSError:
        tmp.unlink(missing_ok=True)      # a cache only
