"""A scope's screening features: its papers, their texts' TF-IDF (+ sentence vectors) matrix, cached on
disk by content hash (feature_cache.py: mapped, not read), and the key that says whether a matrix in
memory still fits the library.

Loading the matrix of a big library takes a second or more (75,000 papers: ~450 MB mapped, after reading
and hashing the texts that key it, unless the cache knows them by the library's text stamp), building it
the first time tens of seconds: a program that ranks again after each decision keeps it (see sessions.py)
and checks, with :meth:`ScopeFeatures.still_current`, only what changes it (the papers, their texts, their
vectors).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from ..jobs import report
from ..models import is_untitled
from . import feature_cache
from .child_build import CHILD_FROM, build_in_child
from .features import build_features
from .scope import Scope
from .vectors import cache_dir, library_vectors

# Part of the feature-cache key: change it whenever build_features changes.
FEATURES_VERSION = "3"

# The steps of a ranking, as the progress of a first build reports them (the desktop's bar).
STEPS = 5
STEP_TEXTS, STEP_VECTORS, STEP_FEATURES, STEP_RANK, STEP_STATS = range(STEPS)


def _text(title: str, abstract: str) -> str:
    # A placeholder title ("[untitled] " + the abstract's start) says nothing of its own: such a paper
    # is judged on its abstract alone, as `triage simulate` judges a CSV row without a title, and one
    # with no abstract either is a record without text.
    return (f"{title}. {abstract}" if abstract else title) if not is_untitled(title) else (abstract or "")


def _texts(lib, paper_ids: list[int]) -> list[str]:
    out = {pid: _text(title, abstract) for pid, (title, abstract) in lib.title_abstracts_of(paper_ids).items()}
    return [out.get(p, "") for p in paper_ids]


def scope_papers(lib, scope, text_stamp: Optional[int] = None) -> tuple[list[int], Optional[list[str]]]:
    """The scope's papers, and for the whole library their texts too (None: read them with ``_texts``
    when needed): every paper by id (the order of ``Scope().paper_ids``) in one read of the table,
    a third faster than the ids and then a lookup of each. ``text_stamp``: the library's, read first;
    while the disk cache holds a record of these papers' texts under it, the texts are not read."""
    if scope != Scope() or text_stamp is not None:
        ids = scope.paper_ids(lib)
        if scope != Scope() or _stamp_record(text_stamp, ids) is not None:
            return ids, None
    rows = lib.paper_title_abstracts()
    return [r[0] for r in rows], [_text(title, abstract) for _pid, title, abstract in rows]


def _vector_marker(lib) -> Optional[tuple[str, int]]:
    """(embedding model, papers with an abstract vector): it moves when `gapscope embed` adds vectors."""
    try:
        from ..embed.library import library_model

        model = library_model(lib)
        return model, lib.vector_mapping_count("abstract", model)
    except Exception:  # noqa: BLE001 - no embeddings module or table: no vectors
        return None


def _vectors_ready(lib, paper_ids: list[int], marker) -> bool:
    """Whether every paper has a stored abstract vector (as ``library_vectors`` would find), without
    reading the vectors."""
    if marker is None or not paper_ids:
        return False
    try:
        have = lib.papers_with_vector("abstract", marker[0])
    except Exception:  # noqa: BLE001 - as library_vectors: no vectors table yet
        return False
    return all(p in have for p in paper_ids)


def _text_hash(paper_ids: list[int], texts: list[str]):
    h = hashlib.sha256()
    for pid, t in zip(paper_ids, texts):
        h.update(f"{pid}\x1f{t}\x1e".encode("utf-8"))
    return h


def _key_from(text_hash, with_vectors: bool) -> str:
    h = text_hash.copy()
    h.update(FEATURES_VERSION.encode() + (b"emb" if with_vectors else b"tfidf"))
    return h.hexdigest()[:24]


def _key(paper_ids: list[int], texts: list[str], with_vectors: bool) -> str:
    return _key_from(_text_hash(paper_ids, texts), with_vectors)


def _stamp_record(text_stamp: Optional[int], paper_ids: list[int]) -> Optional[dict]:
    if text_stamp is None or not paper_ids:
        return None
    return feature_cache.stamp_record(cache_dir(), text_stamp, feature_cache.papers_digest(paper_ids),
                                      FEATURES_VERSION)


def _record_texts(lib, paper_ids: list[int], text_hash, no_text: np.ndarray, text_stamp: Optional[int]) -> None:
    """Note in the disk cache the keys of these texts under ``text_stamp``, when the stamp is still the one
    read before the texts were (no text changed meanwhile: otherwise the texts read may be newer or older
    than the stamp, and nothing is recorded)."""
    if text_stamp is None or lib.paper_text_stamp() != text_stamp:
        return
    keys = {"emb": _key_from(text_hash, True), "tfidf": _key_from(text_hash, False)}
    feature_cache.write_stamp_record(cache_dir(), text_stamp, feature_cache.papers_digest(paper_ids),
                                     FEATURES_VERSION, keys, [int(k) for k in np.flatnonzero(no_text)])


def _cached_verdict(text_hash, marker) -> Optional[bool]:
    """Whether the vectors were all there, as a cache of these texts says, built when the vectors were as
    they are now (the same marker, as a kept session judges it: ``still_current``); None: no such cache.
    Spares checking every paper's vector (half a second at 75,000 papers)."""
    if marker is None:
        return None
    for with_vectors in (True, False):
        if feature_cache.marker_of(cache_dir(), _key_from(text_hash, with_vectors)) == list(marker):
            return with_vectors
    return None


@dataclass
class ScopeFeatures:
    paper_ids: list[int]
    X: object                      # scipy.sparse.csr_matrix, one row per paper (None: no papers)
    has_embeddings: bool
    no_text: np.ndarray            # papers with neither title nor abstract
    use_embeddings: bool = True
    key: str = ""                  # of the papers, their texts and whether vectors were used
    marker: object = None          # _vector_marker when built
    text_stamp: Optional[int] = None   # the library's paper text stamp, read before the texts were
    row_of: dict = field(init=False)

    def __post_init__(self) -> None:
        self.row_of = {pid: k for k, pid in enumerate(self.paper_ids)}

    def still_current(self, lib, scope) -> bool:
        """Whether the scope still holds the same papers with the same texts, and their vectors are as
        they were (no `gapscope embed` since): then this matrix is the one a new build would give.

        The library's text stamp (store: it moves on every added or deleted paper and every changed title
        or abstract, whoever writes) is read first: while it is the one recorded, no text changed and the
        texts need no reading (75,000 papers: 0.45 s). The whole library's papers are then the same too;
        a narrower scope's are read. A stamp that moved compares the texts, as before."""
        stamp = lib.paper_text_stamp()       # first: a change made after this read moves it again
        if stamp is not None and stamp == self.text_stamp and (
                not self.use_embeddings or _vector_marker(lib) == self.marker) and (
                scope == Scope() or scope.paper_ids(lib) == self.paper_ids):
            return True
        ids, texts = scope_papers(lib, scope)
        if ids != self.paper_ids:
            return False
        if ids:
            marker = _vector_marker(lib) if self.use_embeddings else None
            with_vectors = self.has_embeddings if marker == self.marker else (
                self.use_embeddings and _vectors_ready(lib, ids, marker))
            if _key(ids, _texts(lib, ids) if texts is None else texts, with_vectors) != self.key:
                return False
        self.text_stamp = stamp              # the same texts under the new stamp: the next check is quick
        return True


def load_scope_features(lib, paper_ids: list[int], use_embeddings: bool = True, cancel=None,
                        progress=None, *, texts: Optional[list[str]] = None,
                        text_stamp: Optional[int] = None) -> ScopeFeatures:
    """The features of ``paper_ids``: read from the disk cache, else built (a big scope in a child
    process, which Cancel stops) and cached. Reports its steps (of ``STEPS``) to ``progress``.
    ``texts``: theirs, when already read (``scope_papers``); ``text_stamp``: the library's text stamp as
    read before the papers and their texts were (None: none recorded, the first check reads the texts).
    Without ``texts``, a cache recorded under that stamp for these papers is used without reading them."""
    if not paper_ids:
        return ScopeFeatures([], None, False, np.zeros(0, bool), use_embeddings, text_stamp=text_stamp)
    n = len(paper_ids)
    if texts is None:
        known = _known_by_stamp(lib, paper_ids, use_embeddings, progress, text_stamp)
        if known is not None:
            return known
    report(progress, STEP_TEXTS, STEPS, f"Reading the titles and abstracts of {n:,} papers")
    texts = _texts(lib, paper_ids) if texts is None else texts
    report(progress, STEP_VECTORS, STEPS, "Checking the papers' sentence vectors")
    marker = _vector_marker(lib) if use_embeddings else None
    text_hash = _text_hash(paper_ids, texts)
    with_vectors = _cached_verdict(text_hash, marker) if use_embeddings else False
    checked = with_vectors is None
    if checked:
        with_vectors = use_embeddings and _vectors_ready(lib, paper_ids, marker)
    key = _key_from(text_hash, with_vectors)
    no_text = np.array([not t.strip(" .") for t in texts], dtype=bool)

    def made(matrix, has_embeddings: bool) -> ScopeFeatures:
        return ScopeFeatures(list(paper_ids), matrix, has_embeddings, no_text, use_embeddings, key, marker,
                             text_stamp)

    if feature_cache.present(cache_dir(), key):
        report(progress, STEP_FEATURES, STEPS, f"Loading the screening features of {n:,} papers")
        cached = feature_cache.load(cache_dir(), key)
        if cached is not None:
            if checked and marker is not None:        # a cache from before markers: the next load needs no check
                feature_cache.write_marker(cache_dir(), key, marker)
            _record_texts(lib, paper_ids, text_hash, no_text, text_stamp)
            return made(cached, with_vectors)
    emb = library_vectors(lib, paper_ids) if with_vectors else None
    if with_vectors and emb is None:      # the vectors could not be read after all: TF-IDF only, as before
        return load_scope_features(lib, paper_ids, False, cancel, progress, texts=texts, text_stamp=text_stamp)
    building = f"Building the screening features of {n:,} papers (once: they are kept)"
    report(progress, STEP_FEATURES, STEPS, building)
    start = time.monotonic()

    def waiting() -> None:      # the build says nothing for tens of seconds: the time spent, at least
        report(progress, STEP_FEATURES, STEPS, f"{building}: {time.monotonic() - start:.0f} s")

    # a big scope's build holds the GIL for seconds: in a child process, so a GUI thread beside it runs on
    feats = (build_in_child(texts, emb, cancel=cancel, on_wait=waiting) if n >= CHILD_FROM else None) \
        or build_features(texts, emb)
    # kept mapped from the cache (shared, reclaimable memory) when it could be written
    matrix = feature_cache.save(cache_dir(), key, feats.matrix, marker)
    if matrix is not None and feats.has_embeddings == with_vectors:
        _record_texts(lib, paper_ids, text_hash, no_text, text_stamp)
    return made(feats.matrix if matrix is None else matrix, feats.has_embeddings)


def _known_by_stamp(lib, paper_ids: list[int], use_embeddings: bool, progress,
                    text_stamp: Optional[int]) -> Optional[ScopeFeatures]:
    """The features of ``paper_ids`` from the disk cache without reading their texts, when a record says
    which keys their texts had under the library's text stamp as it is (``text_stamp``, read before the
    papers were) and that key's cache is there; None otherwise (the texts are then read and hashed)."""
    rec = _stamp_record(text_stamp, paper_ids)
    if rec is None:
        return None
    marker = _vector_marker(lib) if use_embeddings else None
    with_vectors, checked = False, False
    if use_embeddings:       # as for read texts: the verdict of a cache built with the vectors as they are
        with_vectors = next((v for v in (True, False) if marker is not None and feature_cache.marker_of(
            cache_dir(), rec["keys"]["emb" if v else "tfidf"]) == list(marker)), None)
        checked = with_vectors is None
        if checked:
            with_vectors = _vectors_ready(lib, paper_ids, marker)
    key = rec["keys"]["emb" if with_vectors else "tfidf"]
    if not feature_cache.present(cache_dir(), key):
        return None
    report(progress, STEP_FEATURES, STEPS, f"Loading the screening features of {len(paper_ids):,} papers")
    cached = feature_cache.load(cache_dir(), key)
    if cached is None or cached.shape[0] != len(paper_ids):
        return None
    if checked and marker is not None:
        feature_cache.write_marker(cache_dir(), key, marker)
    no_text = np.zeros(len(paper_ids), dtype=bool)
    no_text[[r for r in rec["no_text"] if 0 <= r < len(paper_ids)]] = True
    return ScopeFeatures(list(paper_ids), cached, with_vectors, no_text, use_embeddings, key, marker, text_stamp)
