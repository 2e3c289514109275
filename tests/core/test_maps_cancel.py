"""A `gapscope map` stopped between facets: the maps stored before the stop are kept and named (the
message said "no map was stored" while the topic map was there), and `analyze` need not build them again."""

from __future__ import annotations

import pytest

from . import maps_fixtures
from .maps_fixtures import facet_data, insert_papers

cs_rows = maps_fixtures.cs_rows     # the fixture


@pytest.fixture
def lib_and_data(tmp_path, cs_rows):
    from gapscope.store import Library

    rows = cs_rows[:200]
    lib = Library(tmp_path / "lib.sqlite")
    ids = insert_papers(lib, rows)
    yield lib, facet_data(ids, rows)
    lib.close()


def _cancel_after_first_save(monkeypatch, token):
    import gapscope.maps.store as store

    saved = store.save_map

    def save_then_cancel(lib, m):
        out = saved(lib, m)
        token.cancel()                     # Ctrl-C as the first map is stored
        return out

    monkeypatch.setattr(store, "save_map", save_then_cancel)


def test_a_cancel_between_facets_hands_back_the_maps_kept(lib_and_data, monkeypatch):
    from gapscope.jobs import CancelToken, Cancelled
    from gapscope.maps import build_maps, latest_map

    lib, data = lib_and_data
    token = CancelToken()
    _cancel_after_first_save(monkeypatch, token)
    with pytest.raises(Cancelled) as info:
        build_maps(lib, facets=("topic", "method"), data=data, k=4, stability_seeds=0, cancel=token)
    kept = info.value.state["maps"]
    assert list(kept) == ["topic"]
    assert latest_map(lib, "topic").id == kept["topic"].id
    assert lib.latest_map_id("method") is None


def test_the_message_names_the_maps_kept_and_the_command_for_the_rest():
    from types import SimpleNamespace

    from gapscope.commands.maps import cancelled_maps_message

    msg = cancelled_maps_message({"topic": SimpleNamespace(id=7)}, ("topic", "method", "result"))
    assert "topic (map 7)" in msg and "`gapscope map --facet method --facet result`" in msg
    assert "no map was stored" in cancelled_maps_message({}, ("topic",))


def test_the_command_for_the_rest_keeps_the_options_given(tmp_path, monkeypatch):
    """A map of one collection (or with its own k, seed ...) stopped: the command for the rest maps the same
    papers with the same options, not the whole library with the defaults."""
    from types import SimpleNamespace

    from click.testing import CliRunner

    import gapscope.maps
    from gapscope.cli import main
    from gapscope.jobs import Cancelled

    def stop(lib, **kw):
        raise Cancelled(state={"maps": {"topic": SimpleNamespace(id=3)}})

    from gapscope.store import Library

    lib_path = tmp_path / "review.gapscope"
    Library(lib_path, create=True).close()
    monkeypatch.setattr(gapscope.maps, "build_maps", stop)
    out = CliRunner().invoke(main, ["-L", str(lib_path), "map", "--facet", "topic", "--facet", "method",
                                    "--collection", "my review", "--k", "8", "--quiet"])
    assert out.exit_code == 130, out.output
    assert "`gapscope map --facet method --k 8 --collection 'my review'`" in out.output


def test_analyze_records_the_maps_kept_by_a_cancelled_build(lib_and_data, monkeypatch):
    import gapscope.embed
    import gapscope.maps
    from gapscope import analyze
    from gapscope.jobs import CancelToken, Cancelled

    lib, data = lib_and_data
    token = CancelToken()
    _cancel_after_first_save(monkeypatch, token)
    real = gapscope.maps.build_maps
    # the steps before the maps have nothing to do here: the vectors are handed in
    monkeypatch.setattr(analyze, "_pdf_labels_step", lambda *a: None)
    monkeypatch.setattr(analyze, "_needs_classify", lambda lib: False)
    monkeypatch.setattr(gapscope.embed, "embed_library", lambda *a, **kw: {"embedded": 0})
    monkeypatch.setattr(gapscope.maps, "build_maps", lambda lib, facets, **kw: real(
        lib, facets=facets, data=data, k=4, stability_seeds=0, cancel=kw["cancel"]))
    with pytest.raises(Cancelled):
        analyze.analyze(lib, facets=("topic", "method"), gaps=False, cancel=token)
    topic = lib.latest_map_id("topic")
    assert topic is not None and lib.latest_map_id("method") is None
    assert lib.analysis_input("map:topic") == (analyze._map_fingerprint(lib, "topic"), topic)


# --- Cancel inside a k-means run (faiss's k-means is one C++ call that reads no token) ------------------
def _faiss_runs(monkeypatch, during=None):
    """The iteration counts of each faiss Clustering.train call; ``during()`` runs inside the first one, in
    its thread, before faiss computes (a Cancel as the k-means is under way)."""
    import faiss

    runs: list[int] = []
    real = faiss.Clustering.train

    def train(self, *args, **kwargs):
        runs.append(int(self.niter))
        if during is not None and len(runs) == 1:
            during()
        return real(self, *args, **kwargs)

    monkeypatch.setattr(faiss.Clustering, "train", train)
    return runs


def test_a_cancel_during_the_kmeans_ends_it_at_once_and_drops_its_result(lib_and_data, monkeypatch):
    """The caller ends Cancelled while faiss still computes; the call runs on by itself and is dropped."""
    import threading

    from gapscope.jobs import CancelToken, Cancelled
    from gapscope.maps.cluster import spherical_kmeans

    _, data = lib_and_data
    token = CancelToken()
    release = threading.Event()

    def cancel_then_hold():                        # Cancel while faiss computes, which takes a while
        token.cancel()
        release.wait(30)

    runs = _faiss_runs(monkeypatch, during=cancel_then_hold)
    try:
        with pytest.raises(Cancelled):
            spherical_kmeans(data["topic"][1], 12, seed=0, niter=20, cancel=token)
        assert not release.is_set()                # the caller did not wait for faiss
    finally:
        release.set()
    for t in [t for t in threading.enumerate() if t.name == "gapscope-kmeans"]:
        t.join(30)
        assert not t.is_alive()
    assert runs == [20]                            # one call, left to end by itself


def _tied_points():
    """Unit vectors with many exact duplicates: 4 distinct points, 90 rows. With 12 clusters most start
    empty and are split again and again, and centroids tie."""
    import numpy as np

    rng = np.random.default_rng(7)
    base = rng.normal(size=(4, 16)).astype(np.float32)
    return base[rng.integers(0, len(base), 90)]


@pytest.mark.parametrize("case", ["library", "ties"])
@pytest.mark.parametrize("niter, points_per_centroid", [(20, 256), (12, 8), (7, 256)])
def test_kmeans_with_a_token_gives_the_clusters_of_one_faiss_run(lib_and_data, monkeypatch, case, niter,
                                                                 points_per_centroid):
    """With a token (Cancel can stop it) the k-means gives the centroids and clusters of faiss's own k-means
    in one call, bit for bit: a map built again with the same seed does not change. (8 points per centroid:
    faiss trains on its seeded sample of the papers. "ties": points that tie, where runs of a few
    iterations from the last run's centroids gave other clusters.)"""
    import faiss
    import numpy as np

    from gapscope.jobs import CancelToken
    from gapscope.maps.cluster import assign, normalize, spherical_kmeans

    _, data = lib_and_data
    x = normalize(data["topic"][1] if case == "library" else _tied_points())
    for seed in (0, 3):
        one = faiss.Kmeans(x.shape[1], 12, niter=niter, spherical=True, seed=seed + 1, verbose=False,
                           min_points_per_centroid=1, max_points_per_centroid=points_per_centroid)
        one.train(x)
        runs = _faiss_runs(monkeypatch)
        stepped = spherical_kmeans(x, 12, seed=seed, niter=niter, points_per_centroid=points_per_centroid,
                                   cancel=CancelToken())
        monkeypatch.undo()
        assert runs == [niter]
        assert np.array_equal(stepped.centroids, normalize(one.centroids))
        assert np.array_equal(stepped.labels, assign(x, normalize(one.centroids))[1])
        plain = spherical_kmeans(x, 12, seed=seed, niter=niter, points_per_centroid=points_per_centroid)
        assert np.array_equal(plain.centroids, stepped.centroids)


def test_cluster_keywords_stop_when_cancelled(lib_and_data):
    """The keywords of a map's clusters (seconds on a big library, after the k-means) read Cancel too."""
    from gapscope.jobs import CancelToken, Cancelled
    from gapscope.maps.labels import ctfidf_keywords

    _, data = lib_and_data
    texts = list(data["topic"][2].values())
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        ctfidf_keywords([texts[:50], texts[50:100]], cancel=token)
    assert ctfidf_keywords([texts[:50], texts[50:100]], cancel=CancelToken()) == ctfidf_keywords(
        [texts[:50], texts[50:100]])


def test_a_cancel_while_a_facet_is_read_hands_back_the_maps_kept(lib_and_data, monkeypatch):
    """Cancel while the next facet's vectors are read: its texts are not read (a second or two on a big
    library), and the stop names the maps stored before it, as a stop between facets does."""
    import gapscope.embed as embed
    import gapscope.facets as facets
    from gapscope.jobs import CancelToken, Cancelled
    from gapscope.maps import build_maps
    from gapscope.vocabulary import MAP_FACET_EMBED_KIND

    lib, data = lib_and_data
    token = CancelToken()
    facet_of = {kind: facet for facet, kind in MAP_FACET_EMBED_KIND.items()}

    def load_vectors(lib, kind, paper_ids=None):
        if facet_of[kind] == "method":
            token.cancel()                 # as the method vectors are read
        return data[facet_of[kind]][0], data[facet_of[kind]][1]

    read = []
    real_texts = facets.facet_texts

    def facet_texts(lib, ids):
        read.append(len(ids))
        return real_texts(lib, ids)

    monkeypatch.setattr(embed, "load_vectors", load_vectors)
    monkeypatch.setattr(facets, "facet_texts", facet_texts)
    with pytest.raises(Cancelled) as info:
        build_maps(lib, facets=("topic", "method"), k=4, stability_seeds=0, cancel=token)
    assert list(info.value.state["maps"]) == ["topic"]
    assert not read                        # the method texts were not read after the Cancel
    assert lib.latest_map_id("method") is None
