"""Each facet's clusters named by what they hold (maps/kind_labels.py, maps/complaints.py): a method cluster by a
technique, not its papers' area; a shortcoming cluster by what its sentences say falls short, then its area; and a
cluster still labelled by a list of words by its best phrase of several words."""

from __future__ import annotations


def _toy_map(facet: str, k: int = 3, n: int = 40, keywords=None):
    from gapscope.maps.model import Cluster, Map

    keywords = keywords or {}
    clusters = [Cluster(id=c, label="", keywords=keywords.get(c, [f"kw{c}a", f"kw{c}b"]), representative="", size=n,
                        stability=1.0, sizes_by_year={}) for c in range(k)]
    assignments = {c * n + i + 1: c for c in range(k) for i in range(n)}
    return Map(facet=facet, params={"k": k}, scope={}, clusters=clusters, assignments=assignments, coords={})


def _first(m, c: int, n: int, start: int = 0) -> list[int]:
    return sorted(m.members(c))[start:start + n]


def test_complaint_terms_are_what_a_shortcoming_sentence_says_falls_short():
    from gapscope.maps.complaints import complaint_terms

    got = complaint_terms("However, LVLMs still suffer from object hallucination and a high computational cost.")
    assert {"object hallucination", "high computational cost"} <= set(got)
    assert "LVLMs" not in got and "lvlms" not in got                     # the subject is no complaint
    got = complaint_terms("Existing methods fail to generalize to unseen domains due to the lack of labelled data.")
    assert {"failing to generalize to unseen domains", "failing to generalize", "labelled data"} <= set(got)
    # a word of degree says how big, not what: "critical bottleneck" is the bottleneck
    assert "critical memory bottleneck" not in complaint_terms("This is a critical memory bottleneck.")
    assert "memory bottleneck" in complaint_terms("This is a critical memory bottleneck.")


def test_a_shortcoming_cluster_is_named_by_its_complaint_then_its_area():
    """Before, every paper of cluster 0 naming "KV cache" made the label "KV cache": the area the sentences are
    about. What 12 of its 40 sentences say falls short names it, the area after it; a complaint all clusters
    state ("limited data") names none, and a cluster with no complaint keeps its area."""
    from gapscope.maps import PaperConcepts, apply_labels

    m = _toy_map("shortcoming", k=8)
    texts = {p: "Models are slow." for p in m.assignments}
    phrases = {}
    for c, area in ((0, "KV cache"), (1, "pose estimation"), (2, "medical image")):
        for p in _first(m, c, 36):
            phrases[p] = [area]
    for p in _first(m, 0, 12):
        texts[p] = "Long contexts suffer from a high memory cost of the KV cache."
    for c in range(8):
        for p in _first(m, c, 6, start=20):
            texts[p] = "Such methods are limited by limited data."
    for p in _first(m, 1, 10):
        texts[p] = "Current methods struggle with occlusions in crowded scenes."
    kinds = {"KV cache": "method", "pose estimation": "problem", "medical image": "problem"}
    apply_labels(m, PaperConcepts(phrases=phrases, batch=1, kinds=kinds), texts=texts)
    assert m.clusters[0].label == "high memory cost in KV cache"
    assert m.clusters[1].label == "occlusions in pose estimation"
    assert m.clusters[2].label == "medical image"
    # without the sentences (a map from before, a caller that has none) the area names it, as before
    m2 = _toy_map("shortcoming", k=8)
    apply_labels(m2, PaperConcepts(phrases=phrases, batch=1, kinds=kinds))
    assert m2.clusters[0].label == "KV cache"


def test_a_method_cluster_is_named_by_a_technique_its_method_sentences_write():
    """Before, "medical image", named by every paper of the cluster, named it; its method sentences write
    "U-Net" in 10 of 40 (extracted from 3), which a technique's bar takes. A method concept that does not read as
    a technique ("LiDAR", a sensor) names no cluster."""
    from gapscope.maps import PaperConcepts, apply_labels

    m = _toy_map("method")
    texts = {p: "We train it end to end." for p in m.assignments}
    phrases = {}
    for p in _first(m, 0, 40):
        phrases[p] = ["medical image"]
    for p in _first(m, 0, 3):
        phrases[p].append("U-Net")
    for p in _first(m, 0, 10):
        texts[p] = "We build a U-Net with skip connections."
    for p in _first(m, 1, 30):
        phrases[p] = ["LiDAR"]
        texts[p] = "We fuse LiDAR scans with images."
    kinds = {"medical image": "problem", "U-Net": "method", "LiDAR": "method"}
    reads = lambda phs, cancel=None: {ph: ph != "LiDAR" for ph in phs}      # noqa: E731
    apply_labels(m, PaperConcepts(phrases=phrases, batch=1, kinds=kinds, reads_as=reads), texts=texts)
    assert m.clusters[0].label == "U-Net"
    assert m.clusters[1].label != "LiDAR"
    m2 = _toy_map("method")
    apply_labels(m2, PaperConcepts(phrases=phrases, batch=1, kinds=kinds, reads_as=reads))
    assert m2.clusters[0].label == "medical image"


def test_a_cluster_still_labelled_by_a_list_is_named_by_its_best_phrase_of_several_words():
    """"code generation, programming, syntax" reads as words: "code generation", which 12 of its 40 papers name
    (8 outside it), names it; a hyphenated word alone ("vision-language") is no name, and a cluster whose
    phrases are named by too few of its papers keeps its list."""
    from gapscope.maps import PaperConcepts, apply_labels

    m = _toy_map("topic", keywords={0: ["code generation", "programming", "syntax"],
                                    1: ["vision-language", "cropping", "encoders"],
                                    2: ["program repair", "bugs", "patches"]})
    members0, members1 = _first(m, 0, 40), _first(m, 1, 40)

    def naming(forms_of, cancel=None):
        return {ph: (set(members0[:12]) | set(members1[:8]) if ph == "code generation"
                     else set(members1[:30]) if ph == "vision-language"
                     else set(_first(m, 2, 2)) if ph == "program repair" else set()) for ph in forms_of}

    apply_labels(m, PaperConcepts(phrases={members0[0]: ["unrelated"]}, batch=1, naming=naming))
    assert m.clusters[0].label == "code generation"
    assert m.clusters[1].label == "vision-language, cropping, encoders"
    assert m.clusters[2].label == "program repair, bugs, patches"


def test_a_method_map_with_no_method_concepts_still_records_the_batch_it_was_labelled_from():
    """Concepts of the problem kind only leave a method map's labels nothing to read: the map still records the
    concept batch it was labelled from, or `gapscope concepts` and the app call its labels stale forever and
    `gapscope map relabel` never clears it (analyze.maps_label_stale compares this batch)."""
    from gapscope.maps import PaperConcepts, apply_labels

    m = _toy_map("method")
    texts = {p: "We train it end to end." for p in m.assignments}
    phrases = {p: ["medical image"] for p in _first(m, 0, 40)}
    apply_labels(m, PaperConcepts(phrases=phrases, batch=7, kinds={"medical image": "problem"}), texts=texts)
    assert m.params["label_concept_batch"] == 7
