"""The concreteness check (concepts/concreteness.py): the shipped model, its held-out figure on the labelled
library concepts (usage read from a real library's text), and the listing leaving a vague end out with a
notice."""

from __future__ import annotations

import numpy as np

from tests.core.test_gaps_rank import constructed_graph


def test_shipped_model_reads_minilm_phrase_vectors():
    from gapscope.concepts.concreteness import USAGE, load_model

    m = load_model()
    assert m is not None and m.encoder == "all-MiniLM-L6-v2" and m.dim == 384 and 0.0 < m.threshold < 1.0
    assert m.config["usage"]["features"] == [*USAGE, "phrase_logit"]


def test_usage_features_of_a_concept():
    """A concept written in many abstracts but picked in few, whose papers are unlike each other, reads as
    such; one picked in all its mentions, with close papers and used as a technique, the other way."""
    from gapscope.concepts.concreteness import usage_features
    from gapscope.concepts.model import Concept
    from gapscope.concepts.pair_rules import ConceptMentions

    rng = np.random.default_rng(0)
    close = rng.normal(size=8)
    vecs = np.vstack([close + 0.1 * rng.normal(size=(10, 8)), rng.normal(size=(10, 8))]).astype(np.float32)
    ids = np.arange(1, 21)
    specific = Concept(1, "method", "KV cache", [], np.ones(8, np.float32), {int(p): "method" for p in ids[:10]})
    vague = Concept(2, "problem", "GPU memory", [], np.ones(8, np.float32), {int(p): "problem" for p in ids[10:]})
    men = ConceptMentions({1: frozenset(range(1, 11)), 2: frozenset(range(1, 101))},
                          as_technique={1: frozenset(range(1, 6)), 2: frozenset()}, as_task={1: frozenset(), 2: frozenset()})
    u = usage_features([specific, vague], men, {1: 0.3, 2: 0.9}, (ids, vecs))
    col = dict(zip(("log_papers", "log_mentions", "mentions_per_paper", "cohesion", "spread", "technique_share",
                    "task_share", "is_problem"), u.T))
    assert col["mentions_per_paper"].tolist() == [1.0, 10.0]
    assert col["cohesion"][0] > 0.8 > 0.3 > col["cohesion"][1]
    assert col["technique_share"].tolist() == [0.5, 0.0] and col["is_problem"].tolist() == [0.0, 1.0]
    assert col["spread"].tolist() == [np.float32(0.3), np.float32(0.9)]


def test_another_encoder_turns_the_check_off_with_a_notice():
    from gapscope.concepts.concreteness import concreteness

    cs, _dates, _pv = constructed_graph()
    usage = np.zeros((len(cs.concepts), 8), np.float32)
    notices = []
    assert concreteness(cs.concepts, "all-mpnet-base-v2", usage, notices) is None
    assert notices and "all-mpnet-base-v2" in notices[0]
    assert concreteness(cs.concepts, "", usage, notices) is None and len(notices) == 1   # unknown: silently off


def test_a_vague_end_is_not_listed_and_a_notice_says_so(monkeypatch):
    import gapscope.concepts.concreteness as conc
    import gapscope.embed as embed
    from gapscope.gaps.candidates import concept_gaps

    cs, dates, pv = constructed_graph()
    listed = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0)
    first = next(c for c in cs.concepts if c.phrase == listed[0].details["problem_concept"])
    first.phrase = "XYZ thing"        # written as an acronym: the test model below calls that vague
    dim = len(first.vector)
    n_usage = len(conc.USAGE) + 1
    model = conc.ConcretenessModel({
        "encoder": "test-encoder", "threshold": 0.5,
        "phrase": {"weights": [0.0] * dim + [-10.0, 0, 0, 0, 0] + [0.0] * dim, "bias": 5.0},
        "usage": {"mean": [0.0] * n_usage, "scale": [1.0] * n_usage, "weights": [0.0] * (n_usage - 1) + [1.0],
                  "bias": 0.0}})
    monkeypatch.setattr(conc, "load_model", lambda: model)

    class HeadWords:                   # the head words' vectors without loading an encoder
        def __init__(self, *_a, **_k):
            pass

        def encode(self, words, cancel=None):
            return np.ones((len(words), dim), np.float32)
    monkeypatch.setattr(embed, "Encoder", HeadWords)
    cs.encoder = "test-encoder"
    notices = []
    again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, notices=notices)
    assert again and all(g.details["problem_concept"] != "XYZ thing" for g in again)
    assert any("not concrete" in n and "XYZ thing" in n for n in notices), notices
    cs.encoder = ""                    # no encoder recorded: the check is off and the concept comes back
    assert concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv,
                        plausible_min=0.0)[0].details["problem_concept"] == "XYZ thing"


def test_a_compound_modifier_or_a_hardware_budget_ends_no_listed_gap():
    """"AI-driven", "training-free": how a thing is, not the thing; "GPU memory": what a method spends
    (gaps.candidates.listable)."""
    from gapscope.concepts.model import Concept
    from gapscope.gaps.candidates import listable

    def concept(phrase):
        return Concept(1, "problem", phrase, [], np.ones(4, np.float32), {p: "problem" for p in range(12)})

    for phrase, ok in (("AI-driven", False), ("training-free", False), ("model-agnostic", False),
                       ("data-driven control", True), ("LLM-as-a-Judge", True), ("real-time rendering", True),
                       ("catastrophic forgetting", True), ("GPU memory", False), ("GPU hours", False),
                       ("GPU kernels", True), ("memory footprint", True)):
        assert listable(concept(phrase), 10_000, 0.02) is ok, phrase
