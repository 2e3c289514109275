"""The screening features of a big scope are built in a child process (scikit-learn's TF-IDF holds the
GIL for seconds at 75,000 papers: a thread doing it would freeze the desktop's GUI thread)."""

from __future__ import annotations

import multiprocessing

import pytest

from gapscope.jobs import Cancelled, CancelToken
from gapscope.triage import queue, scope_features
from gapscope.triage.child_build import build_in_child

from .triage_helpers import load_screening_slice


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GAPSCOPE_TRIAGE_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def lib(library, shared_data):
    load_screening_slice(library, shared_data / "screening" / "cohen2006-adhd.csv", n_excluded=120)
    return library


def test_a_big_scope_builds_its_features_in_a_child_process(lib, monkeypatch):
    ids = lib.list_paper_ids()
    expected = scope_features.build_features(scope_features._texts(lib, ids), None).matrix

    def in_this_process(*_a, **_k):
        raise AssertionError("the features were built in the calling process")

    monkeypatch.setattr(scope_features, "CHILD_FROM", 10)          # the library counts as big
    monkeypatch.setattr(scope_features, "build_features", in_this_process)
    X, has_embeddings, _ = queue._load_or_build(lib, ids, False)
    assert X.shape == expected.shape and (X != expected).nnz == 0
    assert not has_embeddings
    assert not multiprocessing.active_children()


def test_cancel_stops_the_child(lib):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        build_in_child(scope_features._texts(lib, lib.list_paper_ids()), None, cancel=token)
    assert not multiprocessing.active_children()


def _hang(_texts, _embeddings, _dest):    # a build that takes long (the child's target, by name)
    import time

    time.sleep(120)


def test_anything_that_ends_the_wait_stops_the_child(monkeypatch):
    """Not only Cancel: an error while waiting (or a second Ctrl-C) must not leave a build running unseen."""
    from gapscope.triage import child_build

    monkeypatch.setattr(child_build, "_build_to_file", _hang)

    def failing_wait():
        raise RuntimeError("the window went away")

    try:
        with pytest.raises(RuntimeError, match="went away"):
            build_in_child(["a text", "another"], None, on_wait=failing_wait)
        assert not multiprocessing.active_children()
    finally:
        for child in multiprocessing.active_children():
            child.terminate()
            child.join()
