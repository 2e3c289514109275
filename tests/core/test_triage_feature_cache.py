"""The disk cache of a scope's features is mapped, not read: a session from the cache ranks exactly as the
one that built it; a cache in the former single-file form is used once more and rewritten; a damaged
cache is built again, losing nothing."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from gapscope.triage import TriageSession, decide
from gapscope.triage import features as features_mod
from gapscope.triage import scope_features


@pytest.fixture
def cache(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv("GAPSCOPE_TRIAGE_CACHE", str(root))
    return root


def _screened(lib, truth, n=12):
    """A session after ``n`` decisions taken from its own queue (the same for every session ranking alike)."""
    for _ in range(n):
        pid = TriageSession(lib, use_embeddings=False).queue(1)[0]["paper_id"]
        decide(lib, pid, "include" if truth[pid] else "exclude")


def _mapped(matrix) -> bool:
    base = matrix.data
    while base is not None and not isinstance(base, np.memmap):
        base = base.base
    return isinstance(base, np.memmap)


def _no_build(monkeypatch):
    def refuse(*_a, **_k):
        raise AssertionError("the features were built again")

    monkeypatch.setattr(scope_features, "build_features", refuse)
    monkeypatch.setattr(scope_features, "build_in_child", refuse)


def test_a_session_from_the_cache_is_mapped_and_ranks_as_the_built_one(adhd, cache, monkeypatch):
    lib, truth = adhd
    _screened(lib, truth)
    built = TriageSession(lib, use_embeddings=False)
    folders = list(cache.glob("features-*"))
    assert len(folders) == 1 and folders[0].is_dir()
    _no_build(monkeypatch)
    again = TriageSession(lib, use_embeddings=False)
    assert _mapped(again.X)
    assert (again.X != built.X).nnz == 0 and again.X.dtype == np.float32
    assert again.queue(20) == built.queue(20) and again.stats() == built.stats()


def test_a_cache_of_the_former_form_is_used_and_rewritten(adhd, cache, monkeypatch):
    lib, truth = adhd
    built = TriageSession(lib, use_embeddings=False)
    folder = next(cache.glob("features-*"))
    old = cache / f"{folder.name}.npz"
    sparse.save_npz(old, built.X, compressed=False)
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()
    _no_build(monkeypatch)
    again = TriageSession(lib, use_embeddings=False)
    assert not old.exists() and folder.is_dir() and _mapped(again.X)
    assert again.queue(10) == built.queue(10)


def test_a_cache_without_the_vectors_marker_gets_one_on_its_first_load(adhd, cache, monkeypatch):
    lib, _truth = adhd
    built = TriageSession(lib)
    marker = next(cache.glob("features-*")) / "marker.json"
    marker.unlink()                                      # as the former form's cache, rewritten, has none
    checked = []
    real = scope_features._vectors_ready
    monkeypatch.setattr(scope_features, "_vectors_ready", lambda *a: checked.append(1) or real(*a))
    _no_build(monkeypatch)
    TriageSession(lib)
    assert checked == [1] and marker.exists()
    assert TriageSession(lib).queue(10) == built.queue(10) and checked == [1]


def test_a_damaged_cache_is_built_again(adhd, cache, monkeypatch):
    lib, truth = adhd
    built = TriageSession(lib, use_embeddings=False)
    folder = next(cache.glob("features-*"))
    data = folder / "data.npy"
    data.write_bytes(data.read_bytes()[:200])          # cut short (a full disk, a copy interrupted)
    calls = []
    real = features_mod.build_features
    monkeypatch.setattr(scope_features, "build_features", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = TriageSession(lib, use_embeddings=False)
    assert calls and again.queue(10) == built.queue(10)
    _no_build(monkeypatch)                              # the cache was written afresh
    assert _mapped(TriageSession(lib, use_embeddings=False).X)


def test_a_cache_built_with_the_vectors_as_they_are_spares_checking_every_papers_vector(adhd, cache, monkeypatch):
    lib, _truth = adhd
    checked = []
    real = scope_features._vectors_ready
    monkeypatch.setattr(scope_features, "_vectors_ready", lambda *a: checked.append(1) or real(*a))
    built = TriageSession(lib)
    assert checked == [1]
    again = TriageSession(lib)
    assert checked == [1] and again.has_embeddings == built.has_embeddings
    assert again.queue(10) == built.queue(10)
    # `gapscope embed` since (the vectors' marker moved): every paper's vector is checked again
    marker = scope_features._vector_marker(lib)
    monkeypatch.setattr(scope_features, "_vector_marker", lambda _lib: (marker[0], marker[1] + 5))
    TriageSession(lib)
    assert checked == [1, 1]
