"""Maps on a real slice of the shared arXiv cs file (stand-in TF-IDF vectors; see maps_fixtures)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from .maps_fixtures import cs_rows, facet_data, insert_papers  # noqa: F401 (cs_rows is a fixture)


@pytest.fixture(scope="module")
def slice_lib(tmp_path_factory, cs_rows):
    from gapscope.store import Library

    rows = cs_rows[:400]
    lib = Library(tmp_path_factory.mktemp("maps") / "lib.sqlite")
    ids = insert_papers(lib, rows)
    yield lib, ids, rows, facet_data(ids, rows)
    lib.close()


def test_same_seed_same_clusters_other_seed_differs(slice_lib):
    from gapscope.maps.cluster import spherical_kmeans

    _, _, _, data = slice_lib
    x = data["topic"][1]
    a, b = spherical_kmeans(x, 12, seed=3), spherical_kmeans(x, 12, seed=3)
    c = spherical_kmeans(x, 12, seed=4)
    assert np.array_equal(a.labels, b.labels)
    assert np.allclose(a.centroids, b.centroids)
    assert not np.array_equal(a.labels, c.labels)
    assert np.allclose(np.linalg.norm(a.centroids, axis=1), 1.0, atol=1e-4)


def test_k_is_chosen_from_the_data_within_its_candidates(slice_lib):
    from gapscope.maps.cluster import candidate_ks, choose_k

    _, _, _, data = slice_lib
    x = data["topic"][1]
    k, scores = choose_k(x, seed=0)
    cands = candidate_ks(len(x))
    assert k in cands and set(scores) == set(cands)
    assert 2 <= min(cands) and max(cands) <= int(np.sqrt(len(x) / 2)) + 1
    assert all(-1.0 <= s <= 1.0 for s in scores.values())


def test_auto_k_depends_on_the_papers_not_on_the_seed(slice_lib):
    from gapscope.maps import make_map

    _, _, _, data = slice_lib
    ids, x, texts = data["topic"]
    maps = [make_map("topic", ids, x, texts, {}, seed=s, stability_seeds=0) for s in (0, 3, 7)]
    assert len({m.k for m in maps}) == 1 and all(m.params["k_auto"] for m in maps)
    # the seed still moves the clustering itself
    assert maps[0].assignments != maps[1].assignments


def test_stability_is_in_unit_range_and_lower_for_noise(slice_lib):
    from gapscope.maps.cluster import cluster_stability, spherical_kmeans, stability_runs

    _, _, _, data = slice_lib
    x = data["topic"][1]
    ref = spherical_kmeans(x, 10, seed=0)
    others = stability_runs(x, 10, 0, runs=3)
    real = cluster_stability(ref.labels, 10, others)
    noise_labels = np.random.default_rng(0).integers(0, 10, len(x))
    noise = cluster_stability(noise_labels, 10, others)
    assert real.shape == (10,) and np.all((real >= 0) & (real <= 1))
    assert real.mean() > noise.mean() + 0.1


def test_build_maps_labels_come_from_member_texts_and_are_stored(slice_lib):
    from gapscope.maps import build_maps, latest_map

    lib, ids, _, data = slice_lib
    ms = build_maps(lib, facets=("topic", "method"), data=data, seed=0, stability_seeds=2)
    for facet in ("topic", "method"):
        m = ms[facet]
        texts = data[facet][2]
        assert sum(c.size for c in m.clusters) == len(m.assignments) == len(data[facet][0])
        for c in m.clusters:
            if not c.size:
                continue
            assert c.keywords and c.label
            words = set(re.findall(r"[a-z][a-z\-]+", " ".join(texts[p] for p in m.members(c.id)).lower()))
            for kw in c.keywords:
                assert all(w in words for w in kw.lower().split()), (kw, c.id)
            assert c.representative_paper in m.members(c.id)
            assert sum(c.sizes_by_year.values()) == c.size
            assert 0.0 <= c.stability <= 1.0
        back = latest_map(lib, facet)
        assert back.assignments == m.assignments
        assert back.params["seed"] == 0 and back.params["k"] == m.k and "model" in back.params
        assert [c.label for c in back.clusters] == [c.label for c in m.clusters]
        assert set(back.coords) == set(m.assignments)
        xy = np.array(list(back.coords.values()))
        assert np.isfinite(xy).all() and xy.std(axis=0).min() > 0


def test_user_k_and_scope(slice_lib):
    from gapscope.maps import build_maps

    lib, ids, _, data = slice_lib
    lib.add_to_collection("half", ids[::2])
    ms = build_maps(lib, facets=("topic",), data=data, k=7, collection="half", stability_seeds=0, save=False)
    m = ms["topic"]
    assert m.k == 7 and not m.params["k_auto"]
    assert set(m.assignments) == set(ids[::2])
    assert m.scope == {"collection": "half"}


def test_layout_keeps_neighbours_closer_than_random(slice_lib):
    from gapscope.maps.cluster import normalize, spherical_kmeans
    from gapscope.maps.layout import layout_2d

    _, _, _, data = slice_lib
    x = normalize(data["topic"][1])
    r = spherical_kmeans(x, 12, seed=0)
    xy, cxy = layout_2d(x, r.labels, r.centroids)
    sims = x @ x.T
    np.fill_diagonal(sims, -np.inf)
    nn = sims.argmax(axis=1)
    d_nn = np.linalg.norm(xy - xy[nn], axis=1).mean()
    d_rand = np.linalg.norm(xy - xy[np.random.default_rng(0).permutation(len(xy))], axis=1).mean()
    assert d_nn < 0.7 * d_rand and cxy.shape == (12, 2)


def test_export_json_uses_arxiv_ids(slice_lib):
    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.maps import build_maps

    lib, ids, rows, data = slice_lib
    build_maps(lib, facets=("topic", "result"), data=data, stability_seeds=0)
    res = CliRunner().invoke(main, ["--library", str(lib.path), "map", "export", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    arxiv = {r["arxiv_id"] for r in rows}
    for facet in ("topic", "result"):
        m = out["maps"][facet]
        assert set(m["assignments"]) <= arxiv and len(m["assignments"]) == len(data[facet][0])
        kset = {c["id"] for c in m["clusters"]}
        assert set(m["assignments"].values()) <= kset
        assert {"id", "label", "keywords", "representative", "size", "stability", "sizes_by_year"} <= set(m["clusters"][0])
    show = CliRunner().invoke(main, ["--library", str(lib.path), "map", "show", "--facet", "topic", "--json"])
    assert show.exit_code == 0 and json.loads(show.output)["facet"] == "topic"
    bad = CliRunner().invoke(main, ["--library", str(lib.path), "map", "show", "--facet", "topic", "--cluster", "999"])
    assert bad.exit_code == 4
    one = CliRunner().invoke(main, ["--library", str(lib.path), "map", "show", "--facet", "topic", "--cluster", "0"])
    months = next(line for line in one.output.splitlines() if line.startswith("by month: "))
    # a partial end month is given with its whole-month estimate or left out (test_map_show_months.py)
    month = r"\d{4}-\d{2}: [\d,]+( \(~[\d,]+ a whole month\))?"
    assert re.fullmatch(rf"by month: {month}(, {month})*(; partial, left out: {month}(, {month})?)?", months), months


def test_label_bigrams_only_join_adjacent_words_and_skip_fillers():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from gapscope.maps.labels import EXTRA_STOP, clean_text, ctfidf_keywords, terms_of

    stop = frozenset(ENGLISH_STOP_WORDS | EXTRA_STOP)
    t = terms_of(clean_text("Characters of finite groups of Lie type $G(q)$ acting on sheaves; we give two main applications."), stop)
    assert "lie type" in t and "finite groups" in t
    assert "groups lie" not in t and "type acting" not in t and "sheaves acting" not in t
    assert not {"give", "main", "applications", "main applications"} & set(t)
    kws = ctfidf_keywords([["Finite groups of Lie type.", "Groups of Lie type and their characters."],
                           ["Sheaves on curves.", "Coherent sheaves on curves."]], top_n=4)
    assert all("groups lie" not in k for k in kws)
    assert "lie" in " ".join(kws[0]).lower() and any("sheaves" in w for w in kws[1])


def test_a_keyword_cut_from_a_longer_term_is_shown_whole():
    """The bigrams cut "mean average precision" to "mean average": a cluster of the 10,653-paper library was
    labelled "ViTs, mean average, tiny"."""
    from gapscope.maps.labels import ctfidf_keywords

    detection = ["We report mean average precision on drone images.", "Mean average precision rises for drones.",
                 "Drone detectors reach a higher mean average precision.", "Mean average precision of drones.",
                 "Tiny drones are hard; the tiny ones blur."]
    other = ["Sheaves on curves.", "Coherent sheaves on curves.", "Curves and sheaves."]
    kws = ctfidf_keywords([detection, other], top_n=4)
    assert "mean average precision" in [k.lower() for k in kws[0]], kws
    assert not {"mean average", "average precision", "mean", "average", "precision"} & {k.lower() for k in kws[0]}
    assert "tiny" in kws[0] or "drones" in kws[0]           # words with no one longer term stay as they are


def test_keyword_labels_write_acronyms_and_names_as_the_texts_do():
    """Keywords are counted in lower case; a label shows them as the cluster's texts write them ("LRMs,
    ViTs", "Nash"), while a word capitalised only at a sentence's start stays in lower case."""
    from gapscope.maps.labels import ctfidf_keywords

    reasoning = ["Large reasoning models (LRMs) overthink on easy problems.", "Overthinking wastes tokens in LRMs.",
                 "Curbing Overthinking in Reasoning. We curb overthinking.",
                 "LRMs produce long chains; overthinking follows.", "Overthinking is costly for LRMs."]
    vision = ["Vision transformers (ViTs) need a Nash bargaining step.", "ViTs and Nash bargaining.",
              "We prune ViTs with Nash bargaining.", "ViTs reach a Nash bargaining point."]
    kws = ctfidf_keywords([reasoning, vision], top_n=4)
    assert "LRMs" in kws[0] and "lrms" not in kws[0]
    assert "overthinking" in kws[0] and "Overthinking" not in kws[0]
    assert "ViTs" in kws[1] and any(k.startswith("Nash") for k in kws[1])
    assert not any(k.lower() != k and k.lower() in kws[1] for k in kws[1])


def test_a_keyword_cut_before_its_head_noun_is_shown_with_it():
    """"models" is no keyword, so the bigrams stopped before it: "Multimodal Large Language" labelled a
    cluster of the 10,653-paper library. A term of several words grows across such a head noun, and a word
    and its plural count as one when a term grows ("whole-slide image" / "whole-slide images")."""
    from gapscope.maps.labels import ctfidf_keywords

    mllm = ["Multimodal large language models see.", "We tune multimodal large language models.",
            "Multimodal large language models hallucinate.", "Probing multimodal large language models."]
    slides = ["Whole-slide images are big.", "Tiling whole-slide images.", "One whole-slide image per patient.",
              "Stain on whole-slide images."]
    other = ["Sheaves on curves.", "Coherent sheaves on curves.", "Curves and sheaves."]
    kws = [[k.lower() for k in ks] for ks in ctfidf_keywords([mllm, slides, other], top_n=2)]
    assert kws[0][0] == "multimodal large language models", kws
    assert kws[1][0] == "whole-slide images", kws
    kws = kws[0] + kws[1]
    assert not {"multimodal large language", "large language", "whole-slide"} & set(kws)


def test_a_word_the_whole_library_writes_names_no_cluster():
    """"sensitivity, layers, sequences" labelled a cluster of the 10,653-paper library: one plain word that
    the texts of a fifth of the clusters write names no subject and leaves its slot to the next term."""
    from gapscope.maps.labels import ctfidf_keywords

    clusters = [[f"Layers of the {w} model.", f"Deep layers for {w} {w}.", f"We probe {w} in layers."]
                for w in ["radiology", "pricing", "antenna", "farming", "gait", "lipreading", "sycophancy",
                          "propaganda", "impedance", "precipitation"]]
    kws = ctfidf_keywords(clusters, top_n=3)
    assert all(k[-1] == "layers" for k in kws), kws                 # after the cluster's own terms
    assert kws[0][0] == "radiology" and kws[3][0] == "farming"
    apart: list = []
    kws = ctfidf_keywords(clusters, top_n=3, widespread=apart)     # or held apart for the label's last resort
    assert all("layers" not in k for k in kws) and apart == [["layers"]] * 10, (kws, apart)
    alone: list = []
    assert ctfidf_keywords([["Layers."], ["Layers, layers."]] + clusters[:8], widespread=alone)[0] == ["layers"]
    assert alone[0] == []                                             # a cluster with no other term keeps it
