"""A concept that is a piece of a longer name joins the concept of that name (concepts/fragments.py), on real
abstracts of the arXiv cs file that spell out Group Relative Policy Optimization (GRPO): the 10,653-paper
library listed "relative policy optimization" x "in-context learning" as a gap, next to a concept "GRPO"."""

from __future__ import annotations

import gzip
import json
import re

import pytest

N_ABSTRACTS = 200


@pytest.fixture(scope="module")
def policy_abstracts(shared_data):
    """The first N_ABSTRACTS titles + abstracts of the cs file that mention policy optimization or GRPO."""
    pat = re.compile(r"policy optimization|\bGRPO\b", re.I)
    texts = []
    with gzip.open(shared_data / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            text = f"{r.get('title', '')}. {r.get('abstract', '')}"
            if pat.search(text):
                texts.append(text)
                if len(texts) >= N_ABSTRACTS:
                    break
    assert sum("group relative policy optimization" in t.lower() for t in texts) >= 50
    return texts


def _concept(phrase, texts, streams, n_papers=None):
    """A concept as the extractor stores it, named in the papers whose text holds the phrase."""
    from gapscope.concepts.fragments import token_streams

    toks = token_streams([phrase])[0]
    hits = [i for i, s in enumerate(streams) if any(s[j:j + len(toks)] == toks for j in range(len(s)))]
    hits = hits if n_papers is None else list(range(n_papers))
    return {"phrase": phrase, "synonyms": [], "kind": "method", "papers": [(i, "method", 0.5) for i in hits]}


def test_pieces_of_group_relative_policy_optimization_join_grpo_and_other_concepts_stay(policy_abstracts):
    from gapscope.concepts.fragments import merge_fragments, token_streams

    streams = token_streams(policy_abstracts)
    phrases = ["GRPO", "relative policy optimization", "group relative policy", "policy optimization",
               "proximal policy optimization", "PPO", "reinforcement learning", "DPO"]
    concepts = [_concept(p, policy_abstracts, streams) for p in phrases]
    assert all(len(c["papers"]) >= 10 for c in concepts)

    out, merged = merge_fragments(concepts, policy_abstracts)

    assert {phrases[i]: (phrases[j], q) for i, (j, q) in merged.items()} == {
        "relative policy optimization": ("GRPO", "group relative policy optimization"),
        "group relative policy": ("GRPO", "group relative policy optimization")}
    by_phrase = {c["phrase"]: c for c in out}
    # "policy optimization" is split between "group relative ...", "proximal ..." and others: no fragment
    assert set(by_phrase) == set(phrases) - {"relative policy optimization", "group relative policy"}
    grpo = by_phrase["GRPO"]
    assert {"relative policy optimization", "group relative policy"} <= set(grpo["synonyms"])
    before = {p for c in concepts[:3] for p, _, _ in c["papers"]}
    assert {p for p, _, _ in grpo["papers"]} == before > {p for p, _, _ in concepts[0]["papers"]}
    assert by_phrase["policy optimization"] == concepts[3]


def test_an_acronym_the_texts_do_not_use_takes_no_fragment(policy_abstracts):
    """"RPO" spells the initials of "relative policy optimization", but these abstracts do not write it:
    another thing of that name, however big, does not take the fragment."""
    from gapscope.concepts.fragments import merge_fragments, token_streams

    streams = token_streams(policy_abstracts)
    concepts = [_concept("relative policy optimization", policy_abstracts, streams),
                _concept("RPO", policy_abstracts, streams, n_papers=N_ABSTRACTS)]
    out, merged = merge_fragments(concepts, policy_abstracts)
    assert merged == {} and out == concepts


def test_two_fragments_that_point_at_each_other_join_the_bigger_and_none_is_lost():
    from gapscope.concepts.fragments import _root

    size = [5, 9, 2]
    targets = {0: (1, "a b c"), 1: (0, "a b c"), 2: (0, "a b c d")}
    assert _root(0, targets, size) == 1 and _root(1, targets, size) == 1 and _root(2, targets, size) == 1
    assert _root(1, {0: (1, "x y")}, size) == 1


def _abstracts_without_the_acronym():
    """Constructed texts that write "Group Relative Policy Optimization" whole, never "GRPO"."""
    tails = ["improves reasoning", "trains math solvers", "aligns agents", "tunes the policy", "helps coding"]
    return [f"We apply Group Relative Policy Optimization to a task. It {t}." for t in tails] + [
        "Proximal policy optimization is a baseline.", "Tree search helps planning."]


def test_a_piece_of_a_name_no_concept_holds_is_named_whole():
    """The sample library's gap named the related method "relative policy optimization": its texts never
    wrote "GRPO", so no concept took the piece, and the 3-word n-grams had cut "group" off."""
    from gapscope.concepts.fragments import name_whole

    texts = _abstracts_without_the_acronym()
    grpo_papers = [(i, "method", 0.5) for i in range(5)]
    concepts = [{"phrase": "relative policy optimization", "synonyms": [], "kind": "method", "papers": grpo_papers},
                {"phrase": "group relative policy", "synonyms": [], "kind": "method", "papers": grpo_papers[:4]},
                {"phrase": "tree search", "synonyms": [], "kind": "method", "papers": [(6, "method", 0.5)]}]
    out, names = name_whole(concepts, texts)
    assert names == {0: "group relative policy optimization", 1: "group relative policy optimization"}
    assert [c["phrase"] for c in out] == ["group relative policy optimization", "tree search"]
    assert {"relative policy optimization", "group relative policy"} <= set(out[0]["synonyms"])


def test_an_acronym_is_not_renamed_to_its_expansion():
    from gapscope.concepts.fragments import name_whole

    texts = [f"Group Relative Policy Optimization (GRPO) {t}." for t in ("works", "helps", "trains", "aligns")]
    concepts = [{"phrase": "GRPO", "synonyms": [], "kind": "method", "papers": [(i, "method", 0.5) for i in range(4)]}]
    out, names = name_whole(concepts, texts)
    assert names == {} and out == concepts
