"""Map labels name clusters by nameable concepts only (concepts/label_terms.py): constructed clusters whose
most distinctive phrases or keywords are fragments, modifiers, verbs or spellings of one another."""

from __future__ import annotations

import numpy as np
import pytest

from .maps_fixtures import cs_rows, insert_papers  # noqa: F401 (cs_rows is a fixture)
from .test_map_concept_labels import _clusters, _toy_map, mapped_lib  # noqa: F401 (mapped_lib is a fixture)


@pytest.mark.parametrize("phrase,keyword", [
    ("findings underscore", False), ("LLMs increasingly", False), ("newer models", False),
    ("next-generation", False), ("diverse data", False), ("step-level", False), ("end create", False),
    ("implies semantic nativism", False), ("count", True), ("culturally", True), ("selects", True),
    ("aligning", True), ("extracted", True), ("research", True), ("clinical", True), ("benchmark datasets", True),
    ("visual fidelity", False)])
def test_fragments_modifiers_verbs_and_ranked_things_name_no_cluster(phrase, keyword):
    from gapscope.concepts.label_terms import label_refusal

    assert label_refusal(phrase, keyword=keyword) is not None


@pytest.mark.parametrize("phrase,keyword", [
    ("symbol grounding", False), ("gender bias", False), ("KV cache", False), ("MoE", False),
    ("self-harm", False), ("mental health", False), ("language models", False), ("radiology", True),
    ("tutoring", True), ("grading", True),
    ("learners", True), ("Mixture-of-Experts", True), ("fact-checking", True), ("fairness", True), ("tool", True)])
def test_named_things_may_label_a_cluster(phrase, keyword):
    from gapscope.concepts.label_terms import label_refusal

    assert label_refusal(phrase, keyword=keyword) is None


def test_concept_labels_skip_refused_phrases_for_the_next_good_one():
    from gapscope.concepts.label_terms import label_judge
    from gapscope.maps.labels import concept_labels

    spec = [{"findings underscore": 14, "gender bias": 12, "newer models": 11, "racial stereotypes": 9},
            {"attention": 10}, {"other": 10}]
    members, phrases = _clusters(spec)
    assert {"findings underscore", "newer models"} <= set(concept_labels(members, phrases)[0])  # the ranking alone
    got = concept_labels(members, phrases, term_ok=label_judge())[0]
    assert sorted(got) == ["gender bias", "racial stereotypes"], got


def test_keyword_labels_show_named_things_one_spelling_each():
    from gapscope.concepts.label_terms import label_judge
    from gapscope.maps import PaperConcepts, apply_labels

    m = _toy_map()
    m.clusters[2].keywords = ["tutoring", "grading", "grade", "count", "learners", "students"]
    phrases = {p: ["graph neural networks"] for p in range(1, 11)}
    apply_labels(m, PaperConcepts(phrases=phrases, batch=1, term_ok=label_judge()))
    assert m.clusters[2].label == "tutoring, grading, learners"
    assert m.clusters[2].keywords == ["tutoring", "grading", "grade", "count", "learners", "students"]
    apply_labels(m, None)                   # no judge: still one spelling each
    assert m.clusters[2].label == "tutoring, grading, count"


def test_a_cluster_whose_keywords_are_all_refused_keeps_its_best_words():
    from gapscope.maps.labels import label_keywords

    assert label_keywords(["count", "selects"], lambda p, keyword=False: False) == ["count", "selects"]


def test_map_concepts_hands_the_label_judge_to_the_maps(tmp_path, cs_rows, monkeypatch):
    from gapscope import analyze
    from gapscope.analyze import map_concepts
    from gapscope.store import Library

    monkeypatch.setattr(analyze, "_lazy_label_encoder", lambda cancel=None: None)    # the rules alone: no encoder here
    lib = Library(tmp_path / "lib.sqlite")
    try:
        ids = insert_papers(lib, cs_rows[:4])
        rng = np.random.default_rng(0)
        concepts = [{"kind": "method", "phrase": ph, "synonyms": [], "vector": rng.normal(size=8).astype(np.float32),
                     "papers": [(p, "method", 0.5) for p in ids]}
                    for ph in ("findings underscore", "gaussian splatting")]
        lib.save_concepts(concepts, {"extractor": "test"}, "2026-01-01T00:00:00+00:00")
        got = map_concepts(lib)
        assert got.term_ok is not None
        assert not got.term_ok("findings underscore") and got.term_ok("gaussian splatting")
    finally:
        lib.close()


def test_one_word_keywords_skip_the_concreteness_model_phrases_do_not(monkeypatch):
    from gapscope.concepts import concreteness
    from gapscope.concepts.label_terms import LABEL_MIN_LOGIT, label_judge

    class Vague:                        # a model that reads every phrase as vague
        dim = 4

        def phrase_logit(self, phrases, vectors, heads):
            return np.full(len(phrases), LABEL_MIN_LOGIT - 1.0)

    calls = []

    def encode(texts):
        calls.append(list(texts))
        return np.ones((len(texts), 4), dtype=np.float32)

    monkeypatch.setattr(concreteness, "load_model", lambda: Vague())
    ok = label_judge(encode, {"meaningful symbols": np.ones(4), "symbol grounding": np.ones(4)})
    assert ok("syntax", keyword=True)                         # one plain word: the rules alone
    assert not ok("symbol grounding")                         # the model's reading
    assert not ok("syntax trees", keyword=True)
    # the head words of the concepts the rules pass in one batch ("meaningful symbols" they refuse), then
    # the keyword phrase and its head word in another
    assert calls == [["grounding"], ["syntax trees", "trees"]]


class _Concrete:
    """A concreteness model that reads every phrase as concrete (8-wide vectors, as the fixtures' concepts)."""
    dim = 8
    encoder = "all-MiniLM-L6-v2"

    def phrase_logit(self, phrases, vectors, heads):
        return np.zeros(len(phrases))


def test_a_maps_keywords_are_encoded_in_one_batch(monkeypatch):
    from gapscope.concepts import concreteness
    from gapscope.concepts.label_terms import label_judge
    from gapscope.maps import PaperConcepts, apply_labels

    calls = []

    def encode(texts):
        calls.append(sorted(texts))
        return np.ones((len(texts), 8), dtype=np.float32)

    monkeypatch.setattr(concreteness, "load_model", lambda: _Concrete())
    m = _toy_map()
    m.clusters[1].keywords = ["speech recognition", "acoustic models", "WER"]
    m.clusters[2].keywords = ["intelligent tutoring", "rubrics", "peer grading"]
    phrases = {p: ["graph neural networks"] for p in range(1, 11)}
    judge = label_judge(encode, {"graph neural networks": np.ones(8)})
    apply_labels(m, PaperConcepts(phrases=phrases, batch=1, term_ok=judge, prepare_terms=judge.prepare))
    assert [c.label for c in m.clusters[1:]] == ["speech recognition, acoustic models, WER",
                                                  "intelligent tutoring, rubrics, peer grading"]
    # the concepts' head words, then every keyword phrase the model reads and its head word, at once
    assert calls == [["networks"], ["acoustic models", "grading", "intelligent tutoring", "models", "peer grading",
                                    "recognition", "speech recognition", "tutoring"]]


def test_relabelling_loads_the_encoder_once_and_reads_kept_vectors_after(mapped_lib, monkeypatch):
    import gapscope.embed as embed
    from gapscope.analyze import relabel_maps
    from gapscope.concepts import concreteness
    from gapscope.embed.encoder import clear_encoder_cache
    from gapscope.maps import latest_map

    loads, encoded = [], []

    class StandIn:
        def __init__(self, model=None, **kwargs):
            loads.append(model)

        def encode(self, texts, cancel=None):
            encoded.append(list(texts))
            return np.ones((len(texts), 8), dtype=np.float32)

    monkeypatch.setattr(concreteness, "load_model", lambda: _Concrete())
    monkeypatch.setattr(embed, "Encoder", StandIn)
    clear_encoder_cache()
    lib, built, _named, concepts = mapped_lib
    lib.save_concepts(concepts, {"extractor": "test"}, "2026-01-01T00:00:00+00:00")
    try:
        assert relabel_maps(lib) == {"topic": built.id}
        labels = [c.label for c in latest_map(lib, "topic").clusters]
        assert loads == [None] and 1 <= len(encoded) <= 2        # head words, then the keywords: batches
        encoded.clear()
        assert relabel_maps(lib) == {"topic": built.id}         # as the GUI does after each concepts run
        assert loads == [None] and encoded == []                # the vectors kept on disk
        clear_encoder_cache()                                   # as a new process (the next CLI command)
        assert relabel_maps(lib) == {"topic": built.id}
        assert loads == [None] and encoded == []                # no encoder loaded at all
        assert [c.label for c in latest_map(lib, "topic").clusters] == labels
    finally:
        clear_encoder_cache()
