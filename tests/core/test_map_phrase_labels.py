"""A map cluster's label as one phrase from the concepts distinctive for it (maps/phrase_labels.py), and the
old label kept where no concept covers enough of the cluster, or the library has no concepts."""

from __future__ import annotations


def _toy_map(k: int = 3, n: int = 40):
    from gapscope.maps.model import Cluster, Map

    clusters = [Cluster(id=c, label=f"kw{c}a, kw{c}b", keywords=[f"kw{c}a", f"kw{c}b"], representative="", size=n,
                        stability=1.0, sizes_by_year={}) for c in range(k)]
    assignments = {c * n + i + 1: c for c in range(k) for i in range(n)}
    return Map(facet="topic", params={"k": k}, scope={}, clusters=clusters, assignments=assignments, coords={})


def _named(m, spec: dict[int, dict[str, int]]) -> dict[int, list[str]]:
    """paper -> phrases: in cluster c the first n papers name each phrase of spec[c] = {phrase: n}."""
    out: dict[int, list[str]] = {}
    for c, bag in spec.items():
        members = sorted(m.members(c))
        for ph, n in bag.items():
            for p in members[:n]:
                out.setdefault(p, []).append(ph)
    return out


KINDS = {"gaussian splatting": "method", "view synthesis": "problem", "speech recognition": "problem",
         "diffusion models": "method", "LLM agents": "problem", "tool use": "problem"}


def test_a_concept_covering_most_of_a_cluster_names_it_in_one_phrase():
    """Before, the label listed the phrases ("gaussian splatting, view synthesis"); a method and a problem
    that each cover most of the cluster read as one phrase."""
    from gapscope.maps import PaperConcepts, apply_labels

    m = _toy_map()
    phrases = _named(m, {0: {"gaussian splatting": 34, "view synthesis": 25},
                         1: {"speech recognition": 30}})
    apply_labels(m, PaperConcepts(phrases=phrases, batch=1, kinds=KINDS))
    assert m.clusters[0].label == "gaussian splatting for view synthesis"
    assert m.clusters[0].concepts[:2] == ["gaussian splatting", "view synthesis"]
    assert m.clusters[0].label_kind == "concepts"
    assert m.clusters[1].label == "speech recognition"
    assert m.clusters[2].label == "kw2a, kw2b"                      # no concept at all: its keywords
    assert m.params["label_cover"] == {"0": 0.85, "1": 0.75}


def test_papers_writing_a_concept_cover_it_too():
    """KeyBERT keeps five phrases a paper: "LLM agents" was extracted from 4 of the cluster's 40 papers while
    its title or abstract names it in 30 (``naming``, the library's phrase search)."""
    from gapscope.maps import PaperConcepts, apply_labels

    m = _toy_map()
    members = sorted(m.members(0))
    phrases = _named(m, {0: {"LLM agents": 4, "tool use": 3}})
    asked = []

    def naming(forms_of, cancel=None):
        asked.append(dict(forms_of))
        return {ph: set(members[:30]) if ph == "LLM agents" else set(members[20:40]) if ph == "tool use" else set()
                for ph in forms_of}

    apply_labels(m, PaperConcepts(phrases=phrases, batch=1, kinds=KINDS, naming=naming,
                                  synonyms={"LLM agents": ["llm-based agents", "agents"]}))
    assert m.clusters[0].label == "LLM agents / tool use"
    # the synonym that holds the phrase's words is searched, the piece "agents" is not
    assert asked and asked[0]["LLM agents"] == ["LLM agents", "llm-based agents"]
    # without the search the 4 extracted papers (10 %) are too few for a one-phrase label: the old label
    m2 = _toy_map()
    apply_labels(m2, PaperConcepts(phrases=phrases, batch=1, kinds=KINDS))
    assert set(m2.clusters[0].label.split(", ")) == {"LLM agents", "tool use"} and m2.params["label_cover"] == {}


def test_a_cluster_no_concept_covers_enough_keeps_its_old_label(monkeypatch):
    """A concept named by 5 of 40 papers is no name for the cluster, nor is one every cluster names
    ("diffusion models" in 30 of each cluster's 40): the label stays what it was before."""
    from gapscope.maps import PaperConcepts, apply_labels, build
    from gapscope.maps.phrase_labels import PHRASE_MIN_COVER

    few = int(PHRASE_MIN_COVER * 40) - 1
    spec = {c: {"diffusion models": 30} for c in range(6)}
    spec[0]["gaussian splatting"] = few
    new, old = _toy_map(k=6), _toy_map(k=6)
    phrases = _named(new, spec)
    apply_labels(new, PaperConcepts(phrases=phrases, batch=1, kinds=KINDS))
    with monkeypatch.context() as mp:
        mp.setattr(build, "phrase_label", lambda *a, **kw: None)       # the labels as they were made before
        apply_labels(old, PaperConcepts(phrases=phrases, batch=1, kinds=KINDS))
    assert [c.label for c in new.clusters] == [c.label for c in old.clusters]
    assert new.params["label_cover"] == {}


def test_no_concepts_keep_the_keyword_labels():
    from gapscope.maps import PaperConcepts, apply_labels

    m = _toy_map()
    apply_labels(m, None)
    assert [c.label for c in m.clusters] == ["kw0a, kw0b", "kw1a, kw1b", "kw2a, kw2b"]
    assert m.label_kind == "keywords" and m.params["label_cover"] == {}
    apply_labels(m, PaperConcepts(phrases={}, batch=1))           # a concept set naming none of the papers
    assert [c.label for c in m.clusters] == ["kw0a, kw0b", "kw1a, kw1b", "kw2a, kw2b"]


def test_a_joined_acronym_is_bracketed_and_a_pair_names_two_things():
    from gapscope.maps.phrase_labels import distinct, naming_forms, written

    assert written("3D gaussian splatting 3DGS") == "3D gaussian splatting (3DGS)"
    assert written("vision transformers ViTs") == "vision transformers (ViTs)"
    assert written("LLM agents") == "LLM agents"
    assert not distinct("event cameras", "event streams", {})              # "event" twice
    assert not distinct("vision-language", "VLMs", {"VLMs": ["vision-language models"]})
    assert distinct("remote sensing", "earth observation", {})
    assert naming_forms("parameter-efficient fine-tuning", ["peft", "fine-tuning"]) == [
        "parameter-efficient fine-tuning", "PEFT"]


def test_the_library_hands_the_labels_each_concepts_kind_synonyms_and_the_papers_naming_it(tmp_path):
    """map_concepts gives what a one-phrase label reads: a paper that writes the concept counts, though the
    concept was not extracted from it."""
    import numpy as np

    from gapscope.analyze import map_concepts
    from gapscope.store import Library

    from .maps_fixtures import insert_papers

    rows = [{"title": f"Paper {i}", "abstract": text, "published": "2025-05-01", "arxiv_id": f"2505.0000{i}",
             "categories": "cs.CV"}
            for i, text in enumerate(["We speed up Gaussian splatting for large scenes.",
                                      "A survey of gaussian splatting methods.",
                                      "Speech recognition in noisy rooms."])]
    lib = Library(tmp_path / "lib.sqlite")
    try:
        ids = insert_papers(lib, rows)
        lib.save_concepts([{"kind": "method", "phrase": "gaussian splatting", "synonyms": ["3dgs", "splatting"],
                            "vector": np.ones(8, dtype=np.float32), "papers": [(ids[0], "method", 0.5)]}],
                          {"extractor": "test"}, "2026-01-01T00:00:00+00:00")
        got = map_concepts(lib)
        assert got.kinds == {"gaussian splatting": "method"}
        assert got.synonyms == {"gaussian splatting": ["3dgs", "splatting"]}
        assert got.naming({"gaussian splatting": ["gaussian splatting"]}) == {"gaussian splatting": set(ids[:2])}
    finally:
        lib.close()


def test_for_joins_only_a_technique_and_a_task():
    """"LiDAR for pose estimation" and "MRI for medical image" named a sensor or a modality as the method: a pair
    the judge (``reads_as``, the gap ends' rules) refuses is written "A / B", asked once for every cluster."""
    from gapscope.maps import PaperConcepts, apply_labels

    m = _toy_map()
    phrases = _named(m, {0: {"gaussian splatting": 34, "view synthesis": 25}, 1: {"LiDAR": 24}})
    for p in sorted(m.members(1))[16:]:         # papers of their own: "A / B" names both
        phrases.setdefault(p, []).append("pose estimation")
    kinds = KINDS | {"LiDAR": "method", "pose estimation": "problem"}
    asked = []

    def reads_as(phrases, cancel=None):
        asked.append(list(phrases))
        return {ph: ph != "LiDAR" for ph in phrases}

    apply_labels(m, PaperConcepts(phrases=phrases, batch=1, kinds=kinds, reads_as=reads_as))
    assert m.clusters[0].label == "gaussian splatting for view synthesis"
    assert m.clusters[1].label == "LiDAR / pose estimation"
    assert asked == [["LiDAR", "gaussian splatting", "pose estimation", "view synthesis"]]


def test_the_library_judges_data_and_measures_no_technique_or_task(tmp_path):
    """The judge map_concepts hands the labels reads the concepts as a gap's ends are read: "LiDAR data" is data,
    "FLOPs" a measure, "contrastive learning" a technique and "pose estimation" a task."""
    import numpy as np

    from gapscope.analyze import map_concepts
    from gapscope.store import Library

    from .maps_fixtures import insert_papers

    rows = [{"title": f"Paper {i}", "abstract": "We estimate human pose from LiDAR data using contrastive learning at few FLOPs.",
             "published": "2025-05-01", "arxiv_id": f"2505.0000{i}", "categories": "cs.CV"} for i in range(6)]
    lib = Library(tmp_path / "lib.sqlite")
    try:
        ids = insert_papers(lib, rows)
        lib.save_concepts([{"kind": kind, "phrase": ph, "synonyms": [], "vector": np.ones(8, dtype=np.float32),
                            "papers": [(p, kind, 0.5) for p in ids]}
                           for kind, ph in (("method", "LiDAR data"), ("method", "contrastive learning"),
                                            ("problem", "pose estimation"), ("problem", "FLOPs"))],
                          {"extractor": "test"}, "2026-01-01T00:00:00+00:00")
        got = map_concepts(lib).reads_as(["LiDAR data", "contrastive learning", "pose estimation", "FLOPs"])
        assert got == {"LiDAR data": False, "contrastive learning": True, "pose estimation": True, "FLOPs": False}
    finally:
        lib.close()


def test_two_concentrated_concepts_name_a_cluster_together_where_neither_covers_enough():
    """A robot-learning cluster: "VLA" 14 % and "robotic manipulation" 13 % of its papers, 38 % together, kept its
    keywords; two concepts each covering half the bar name it together. A side topic covering a few papers
    ("LIBERO", 5 %) is no half of the name."""
    from gapscope.maps import PaperConcepts, apply_labels

    m = _toy_map()
    members = sorted(m.members(0))
    phrases = {p: ["VLA"] for p in members[:4]}
    for p in members[4:8]:
        phrases[p] = ["robotic manipulation"]
    for p in sorted(m.members(1))[:4]:
        phrases[p] = ["VLA"]               # few outside: concentrated in cluster 0
    phrases[sorted(m.members(1))[5]] = ["LIBERO"]
    phrases[sorted(m.members(1))[6]] = ["LoRA"]
    kinds = {"VLA": "method", "robotic manipulation": "problem", "LIBERO": "problem", "LoRA": "method"}
    apply_labels(m, PaperConcepts(phrases=phrases, batch=1, kinds=kinds))
    assert m.clusters[0].label == "robotic manipulation / VLA"      # two parts: no "for", though one is a method
    assert m.params["label_cover"]["0"] == 0.2
    assert "/" not in m.clusters[1].label and " for " not in m.clusters[1].label
