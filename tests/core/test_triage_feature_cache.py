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


def _texts_not_read(monkeypatch, lib):
    def read(*_a, **_k):
        raise AssertionError("the papers' texts were read")

    monkeypatch.setattr(type(lib), "paper_title_abstracts", read)
    monkeypatch.setattr(type(lib), "title_abstracts_of", read)


@pytest.mark.parametrize("use_embeddings", [False, True])
def test_an_unchanged_library_finds_its_cache_without_reading_the_texts(adhd, cache, monkeypatch, use_embeddings):
    """The library's text stamp is recorded with the cache: a new session (each `triage next`) under the
    same stamp maps its features without reading and hashing the texts, and ranks as the one that built them."""
    lib, truth = adhd
    _screened(lib, truth, n=6)
    built = TriageSession(lib, use_embeddings=use_embeddings)
    lib.add_note(next(iter(truth)), "read it")           # decisions, notes: no text change
    _no_build(monkeypatch)
    with monkeypatch.context() as m:
        _texts_not_read(m, lib)
        again = TriageSession(lib, use_embeddings=use_embeddings)
        assert _mapped(again.X) and again.features.key == built.features.key
        assert again.has_embeddings == built.has_embeddings
        assert (again.no_text == built.no_text).all() and again.paper_ids == built.paper_ids
        assert again.queue(20) == built.queue(20) and again.stats() == built.stats()


@pytest.mark.parametrize("how", ["title", "abstract", "insert", "delete"])
def test_a_text_changed_by_plain_sql_in_another_connection_reads_the_texts_again(adhd, cache, monkeypatch, how):
    """A write no GapScope code sees (plain SQL through another connection, as another process would) moves
    the stamp: the texts are read and hashed again, the features are those of the texts as they are now, and
    the new state is recorded in turn."""
    from .triage_helpers import write_behind

    lib, truth = adhd
    before = TriageSession(lib, use_embeddings=False)
    pid = next(iter(truth))
    write_behind(lib, how, pid)
    read = []
    real = type(lib).paper_title_abstracts
    monkeypatch.setattr(type(lib), "paper_title_abstracts", lambda *a, **k: read.append(1) or real(*a, **k))
    after = TriageSession(lib, use_embeddings=False)
    assert read == [1] and after.features.key != before.features.key
    assert (pid in after.paper_ids) == (how != "delete")
    fresh = scope_features.build_features(scope_features._texts(lib, after.paper_ids)).matrix
    assert (after.X != fresh).nnz == 0                   # exactly the features of the texts as they are now
    _no_build(monkeypatch)
    with monkeypatch.context() as m:                     # the new state is known by its stamp in turn
        _texts_not_read(m, lib)
        assert TriageSession(lib, use_embeddings=False).features.key == after.features.key


def test_a_text_changed_while_the_texts_are_read_records_nothing(adhd, cache, monkeypatch):
    """The texts read belong to the stamp read before them only if it has not moved meanwhile: a change
    made by another process during the read leaves no record, and the next session reads the texts."""
    from gapscope.store import Library

    lib, truth = adhd
    pid = next(iter(truth))
    real = type(lib).paper_title_abstracts

    def read_then_edited(self, *a, **k):
        rows = real(self, *a, **k)
        other = Library(lib.path)
        try:
            with other.transaction() as conn:
                conn.execute("UPDATE papers SET title = 'Stimulants in preschool children' WHERE id = ?", (pid,))
        finally:
            other.close()
        return rows

    with monkeypatch.context() as m:
        m.setattr(type(lib), "paper_title_abstracts", read_then_edited)
        TriageSession(lib, use_embeddings=False)
    assert not list(cache.glob("texts-*.json"))
    read = []
    monkeypatch.setattr(type(lib), "paper_title_abstracts", lambda *a, **k: read.append(1) or real(*a, **k))
    now = TriageSession(lib, use_embeddings=False)
    assert read == [1] and "Stimulants in preschool children" in scope_features._texts(lib, [pid])[0]
    assert (now.X != scope_features.build_features(scope_features._texts(lib, now.paper_ids)).matrix).nnz == 0
