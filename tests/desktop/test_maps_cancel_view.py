"""Cancel on "Build maps" does not wait for the calls that no token reaches: a k-means or a model load under
way is left to finish on its own while the task ends cancelled at once, writing nothing to the library."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

pytest.importorskip("gapscope.maps")


def test_cancel_during_the_map_kmeans_ends_the_build_at_once(analysed_window, qtbot, monkeypatch):
    import faiss

    from .library_data import write_aside

    w = analysed_window
    view = w.maps_view
    w.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.map is not None and not w.tasks.active(), timeout=30000)
    before = view.map.id
    # the topic map's inputs changed since it was built: "Build maps" clusters it again
    write_aside(w.lib.path, lambda lib: lib.record_analysis_input("map:topic", "an earlier build's inputs", None))

    runs: list[int] = []             # the iterations of each faiss k-means call
    reached, release = threading.Event(), threading.Event()
    real_train = faiss.Clustering.train

    def train(self, *args, **kwargs):
        runs.append(int(self.niter))
        if not reached.is_set():     # the first k-means call goes on until the task has ended
            reached.set()
            release.wait(60)
        return real_train(self, *args, **kwargs)

    monkeypatch.setattr(faiss.Clustering, "train", train)
    task = view.build_maps()
    try:
        qtbot.waitUntil(reached.is_set, timeout=120000)
        qtbot.mouseClick(w.task_progress.cancel_button, Qt.LeftButton)
        qtbot.waitUntil(lambda: task.done, timeout=10000)    # while faiss still computes
        assert not release.is_set()
        assert task.outcome == "cancelled"
        assert "cancelled" in view.info.text()
    finally:
        release.set()
    for t in [t for t in threading.enumerate() if t.name == "gapscope-kmeans"]:
        t.join(30)
    assert len(runs) == 1                                    # no k-means after the Cancel
    assert w.lib.latest_map_id("topic") == before


def test_cancel_while_the_encoder_loads_ends_the_build_at_once(window, qtbot, monkeypatch):
    import gapscope.embed as embed

    w = window
    view = w.maps_view
    w.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: not w.tasks.active(), timeout=30000)
    loading, release = threading.Event(), threading.Event()
    loaded, used = [], []

    class SlowEncoder:
        """Stands in for the seconds of imports and weights of a real load, which no token reaches."""

        def __init__(self, model=None, **kwargs):
            loading.set()
            release.wait(60)
            loaded.append(self)

        def __getattr__(self, name):          # the build would go on with it: it must not
            used.append(name)
            raise AttributeError(name)

    monkeypatch.setattr(embed, "Encoder", SlowEncoder)
    task = view.build_maps()
    try:
        qtbot.waitUntil(loading.is_set, timeout=120000)     # the facet sentences' encoder is loading
        qtbot.mouseClick(w.task_progress.cancel_button, Qt.LeftButton)
        qtbot.waitUntil(lambda: task.done, timeout=10000)   # while the load still runs
        assert not release.is_set() and not loaded
        assert task.outcome == "cancelled"
        assert "cancelled" in view.info.text() and view.build_button.isEnabled()
        assert not w.task_progress.isVisible()
    finally:
        release.set()
    loaders = [t for t in threading.enumerate() if t.name == "gapscope-encoder-load"]
    for t in loaders:
        t.join(30)
    assert loaded and not any(t.is_alive() for t in loaders)
    assert not used                                          # the late encoder was dropped
    assert w.lib.classified_paper_ids() == []                # and nothing was written with it
