"""Opposites are two concepts however close their vectors: "low-resource languages" held "high-resource
languages" (its search and counts took in its own opposite), while forms of one name still join."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.mark.parametrize("a,b", [
    ("low-resource languages", "high-resource languages"), ("low resource languages", "high resource languages"),
    ("small language models", "large language models"), ("short-term memory", "long-term memory"),
    ("single-agent systems", "multi-agent systems"), ("supervised learning", "unsupervised learning"),
    ("online learning", "offline learning"), ("white-box attacks", "black-box attacks"),
    ("zero-shot learning", "few-shot learning"), ("open-source LLMs", "closed-source LLMs"),
    ("static graphs", "dynamic graphs"), ("sparse attention", "dense attention"),
    ("shallow networks", "deep networks"), ("explicit feedback", "implicit feedback"),
    ("positive samples", "negative samples"), ("linear models", "nonlinear models"),
    ("linear models", "non-linear models"), ("centralized training", "decentralized training"),
    ("synchronous updates", "asynchronous updates"), ("monolingual models", "multilingual models"),
    ("in-distribution data", "out-of-distribution data"), ("pre-training", "post-training"),
    ("labeled data", "unlabeled data"), ("symmetric matrices", "asymmetric matrices"),
    ("upsampling", "downsampling"), ("stable training", "unstable training"),
])
def test_phrases_that_differ_by_opposite_modifiers_are_opposed(a, b):
    from gapscope.concepts.antonyms import opposed

    assert opposed(a, b) and opposed(b, a)


@pytest.mark.parametrize("a,b", [
    ("low-resource language", "low-resource languages"), ("low resource languages", "low-resource languages"),
    ("LLMs", "large language models"), ("large language models", "language models"),
    ("diffusion models", "denoising diffusion models"), ("image generation", "age generation"),
    ("detection", "tection"), ("self-supervised learning", "supervised learning"),
])
def test_forms_of_one_name_or_unrelated_words_are_not_opposed(a, b):
    from gapscope.concepts.antonyms import opposed

    assert not opposed(a, b)


def _near(base: np.ndarray, rng) -> np.ndarray:
    v = base + 0.02 * rng.standard_normal(base.shape)
    return v / np.linalg.norm(v)


def test_opposites_with_close_vectors_stay_apart_and_forms_of_one_name_join():
    from gapscope.concepts.merge import merge_phrases

    rng = np.random.default_rng(2)
    lang, llm, sup = (rng.standard_normal(32) for _ in range(3))
    rows = [("low-resource languages", lang, 60), ("low-resource language", lang, 30),
            ("high-resource languages", lang, 20), ("low resource languages", lang, 8),
            ("large language models", llm, 90), ("llms", llm, 80), ("small language models", llm, 15),
            ("supervised learning", sup, 40), ("unsupervised learning", sup, 25)]
    phrases = [p for p, _, _ in rows]
    vecs = np.stack([_near(v, rng) for _, v, _ in rows]).astype(np.float32)
    assert (vecs[:4] @ vecs[:4].T).min() > 0.95 and float(vecs[7] @ vecs[8]) > 0.95
    written = {"llms": "LLMs"}
    lead = merge_phrases(phrases, vecs, [n for _, _, n in rows], written=written)
    group = {p: phrases[lead[i]] for i, p in enumerate(phrases)}
    assert group["low-resource language"] == group["low resource languages"] == "low-resource languages"
    assert group["high-resource languages"] == "high-resource languages"
    assert group["llms"] == "large language models" != group["small language models"]
    assert group["unsupervised learning"] == "unsupervised learning"


def test_a_neutral_leader_does_not_gather_both_opposites():
    """Leader clustering compares a phrase with its group's leader: "resource languages" would take in
    "low-resource languages" and then "high-resource languages" unless a group's members are read too."""
    from gapscope.concepts.merge import merge_phrases

    rng = np.random.default_rng(3)
    base = rng.standard_normal(32)
    rows = [("resource languages", base, 50), ("low-resource languages", base, 30),
            ("high-resource languages", base, 20), ("low-resource language", base, 5)]
    phrases = [p for p, _, _ in rows]
    vecs = np.stack([_near(v, rng) for _, v, _ in rows]).astype(np.float32)
    lead = merge_phrases(phrases, vecs, [n for _, _, n in rows])
    group = {p: phrases[lead[i]] for i, p in enumerate(phrases)}
    assert group["low-resource languages"] == group["low-resource language"] == "resource languages"
    assert group["high-resource languages"] == "high-resource languages"


def test_a_member_holding_both_opposites_does_not_let_the_other_end_in():
    """"open-source LLMs" took in the n-gram "open closed-source llms" and through it "closed-source llms"
    when only the group's words were read: each member is read on its own."""
    from gapscope.concepts.merge import merge_phrases

    rng = np.random.default_rng(4)
    base = rng.standard_normal(32)
    rows = [("open-source llms", base, 50), ("open closed-source llms", base, 10), ("closed-source llms", base, 8),
            ("open source llms", base, 5)]
    phrases = [p for p, _, _ in rows]
    vecs = np.stack([_near(v, rng) for _, v, _ in rows]).astype(np.float32)
    lead = merge_phrases(phrases, vecs, [n for _, _, n in rows])
    group = {p: phrases[lead[i]] for i, p in enumerate(phrases)}
    assert group["open source llms"] == group["open closed-source llms"] == "open-source llms"
    assert group["closed-source llms"] == "closed-source llms"
