"""The problem end of a gap is a problem: a technique ("prompt engineering", pair rule 6,
concepts/pair_rules.techniques over concepts/roles.py) or a measure ("answer accuracy", quality.metric) is
none. The technique rule on real abstracts of the arXiv cs file (shared data), its use in the candidates."""

from __future__ import annotations

import gzip
import json
import re
from types import SimpleNamespace

import numpy as np
import pytest

from tests.core.test_gaps_rank import constructed_graph

TECHNIQUES = ("prompt engineering", "knowledge distillation", "federated learning")
PROBLEMS = ("anomaly detection", "catastrophic forgetting", "medical image segmentation")
TASK = "motion generation"
PER_PHRASE = 40


@pytest.fixture(scope="module")
def abstracts(shared_data):
    """{id: title and abstract} and {phrase: ids of the first PER_PHRASE abstracts mentioning it}."""
    phrases = (*TECHNIQUES, *PROBLEMS, TASK)
    pats = {k: re.compile(r"\b" + re.escape(k) + r"s?\b", re.I) for k in phrases}
    found: dict[str, list[int]] = {k: [] for k in phrases}
    texts: dict[int, str] = {}
    with gzip.open(shared_data / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz", "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            r = json.loads(line)
            text = f"{r.get('title', '')} {r.get('abstract', '')}"
            for k, p in pats.items():
                if len(found[k]) < PER_PHRASE and p.search(text):
                    found[k].append(i)
                    texts[i] = text
            if all(len(v) >= PER_PHRASE for v in found.values()):
                break
    assert all(len(v) == PER_PHRASE for v in found.values())
    return texts, found


def test_a_technique_is_used_as_one_and_a_problem_is_worked_on(abstracts):
    from gapscope.concepts.pair_rules import techniques
    from gapscope.concepts.roles import technique_and_task_papers

    texts, found = abstracts
    phrases = [*TECHNIQUES, *PROBLEMS]
    keys = dict(enumerate(phrases))
    tech, task = technique_and_task_papers(texts, {j: [k] for j, k in keys.items()},
                                           {j: found[k] for j, k in keys.items()})
    # "we use prompt engineering", "via knowledge distillation", "federated learning framework"
    assert all(len(tech[j]) >= 8 for j, k in keys.items() if k in TECHNIQUES)
    # "for anomaly detection", "mitigate catastrophic forgetting", "medical image segmentation tasks"
    assert all(len(task[j]) >= 8 and len(tech[j]) <= 2 for j, k in keys.items() if k in PROBLEMS)
    got = techniques([SimpleNamespace(id=j) for j in keys], {j: frozenset(found[k]) for j, k in keys.items()},
                     {j: frozenset(v) for j, v in tech.items()}, {j: frozenset(v) for j, v in task.items()})
    assert [keys[j] for j in np.flatnonzero(got)] == list(TECHNIQUES)
    # counting only papers that do not use it: no technique
    none_used = {j: frozenset(found[k]) - tech[j] for j, k in keys.items()}
    assert not techniques([SimpleNamespace(id=j) for j in keys], {j: frozenset(found[k]) for j, k in keys.items()},
                          {j: frozenset(v) for j, v in tech.items()}, {j: frozenset(v) for j, v in task.items()},
                          papers=set().union(*none_used.values())).any()


def test_methods_for_a_task_do_not_make_the_task_a_technique(abstracts):
    from gapscope.concepts.roles import (TECHNIQUE_AFTER, TECHNIQUE_BEFORE, Contexts, task_head,
                                         technique_and_task_papers)

    texts, found = abstracts
    # "motion generation methods", "motion generation framework": methods for the task
    plain = Contexts(texts, TECHNIQUE_BEFORE, TECHNIQUE_AFTER).papers([TASK], found[TASK])
    tech, _ = technique_and_task_papers(texts, {0: [TASK]}, {0: found[TASK]})
    assert task_head(TASK) and not task_head("prompt engineering") and not task_head("generation")
    assert len(plain) >= 5 and len(tech[0]) < len(plain) and len(tech[0]) <= 2


def test_contexts_on_constructed_sentences():
    from gapscope.concepts.roles import TECHNIQUE_AFTER, TECHNIQUE_BEFORE, Contexts

    texts = {1: "We fine-tune the model using in-context learning.", 2: "In-context learning-based agents.",
             3: "In-context learning remains poorly understood.", 4: "We study why in-context learning emerges.",
             5: "Results based on prompt engineering.", 6: "We use the prompt engineering of [3]."}
    c = Contexts(texts, TECHNIQUE_BEFORE, TECHNIQUE_AFTER)
    assert c.papers(["in-context learning"], texts) == {1, 2}
    assert c.papers(["prompt engineering"], texts) == {5}        # "use the <X>": no context read


def test_a_technique_is_no_problem_end_and_only_earlier_papers_count():
    from gapscope.concepts.pair_rules import ConceptMentions
    from gapscope.gaps.linkpred import candidates, pair_block

    from tests.core.test_gaps_pair_rules import busiest_problem

    before = "2025-10-01"
    cs, dates, pv, base, was, col, target = busiest_problem(before)
    earlier = frozenset(p for p in target.papers if dates[p] < before)
    later = frozenset(p for p in target.papers if dates[p] >= before)
    assert len(earlier) >= 5 and later

    def with_use(used, task=frozenset()):
        return ConceptMentions(base, {}, None, {target.id: frozenset(used)}, {target.id: frozenset(task)})

    got = pair_block(cs, dates, before, min_support=3, paper_vecs=pv, mentions=with_use(earlier))
    others = np.arange(was.shape[1]) != col
    assert got.technique_p[col] and not candidates(got, 10**6)[:, col].any()
    assert candidates(got, 10**6)[:, others].sum() == was[:, others].sum()
    # named as a problem as often as used: still a problem
    both = pair_block(cs, dates, before, min_support=3, paper_vecs=pv, mentions=with_use(earlier, earlier))
    assert not both.technique_p[col] and candidates(both, 10**6)[:, col].sum() == was[:, col].sum()
    # used as a technique only after the date: still a candidate there
    late = pair_block(cs, dates, before, min_support=3, paper_vecs=pv, mentions=with_use(later))
    assert not late.technique_p[col] and candidates(late, 10**6)[:, col].sum() == was[:, col].sum()


@pytest.mark.parametrize("phrase, is_metric", [
    ("answer accuracy", True), ("segmentation accuracy", True), ("dice score", True), ("macro-F1", True),
    ("attack success rate", True), ("word error rate", True), ("mean absolute error", True),
    ("automated metrics", True), ("top-1 accuracy", True),
    ("diagnostic accuracy", False),      # a clinical outcome (test_gaps_rule_fixes)
    ("inference latency", False), ("frame rate", False), ("hallucination rates", False),
    ("compounding errors", False), ("trial-and-error", False), ("factual recall", False), ("accuracy", False),
])
def test_a_measure_with_its_object_is_no_problem(phrase, is_metric):
    from gapscope.concepts.quality import metric

    assert metric(phrase) is is_metric


def test_a_measure_is_no_problem_end_but_may_be_a_method_end():
    from gapscope.gaps.linkpred import candidates, pair_block

    cs, dates, pv = constructed_graph(seed=4)
    blk = pair_block(cs, dates, "2025-12-01", min_support=3, paper_vecs=pv)
    before = candidates(blk, 10**6)
    col = int(np.argmax(before.sum(axis=0)))
    row = int(np.argmax(before.sum(axis=1)))
    cs.concepts[int(blk.p_idx[col])].phrase = "answer accuracy"
    cs.concepts[int(blk.m_idx[row])].phrase = "dice score"       # the measure check reads the problem side
    after = candidates(pair_block(cs, dates, "2025-12-01", min_support=3, paper_vecs=pv), 10**6)
    others = np.arange(before.shape[1]) != col
    assert not after[:, col].any() and after[:, others].sum() == before[:, others].sum()


def test_an_acronym_defined_by_its_papers_is_read_through_its_expansion_too():
    """"CoT" on a 600-paper library: its papers write "via chain-of-thought (CoT)", "using chain-of-thought
    (CoT)", "Chain-of-Thought (CoT) prompting"; the word before "CoT" is "thought", so read by the acronym alone
    it was used as a technique by 1 of its 22 abstracts and passed rule 6 as a problem."""
    from gapscope.concepts.model import Concept
    from gapscope.concepts.pair_rules import reading_forms, techniques
    from gapscope.concepts.roles import technique_and_task_papers

    texts = {1: "Reasoning via chain-of-thought (CoT). Models reason better.",
             2: "We detect errors using chain-of-thought (CoT) with large models.",
             3: "Chain-of-Thought (CoT) prompting improves accuracy of the models.",
             4: "Models leverage chain-of-thought (CoT) traces for arithmetic.",
             5: "A study of CoT faithfulness in the models.", 6: "Longer CoT lengths hurt the models.",
             7: "We measure CoT length.", 8: "Benchmarks of CoT monitors for this task."}
    cot = Concept(id=7, kind="problem", phrase="CoT", synonyms=["cots"], vector=np.zeros(4, np.float32),
                  papers={p: "problem" for p in texts})
    forms = reading_forms([cot], {7: ["CoT", "cots"]}, texts)
    assert forms == {7: ["CoT", "cots", "chain-of-thought"]}
    mentioned = {7: frozenset(texts)}

    def technique(read):
        tech, task = technique_and_task_papers(texts, read, mentioned)
        return techniques([cot], mentioned, {k: frozenset(v) for k, v in tech.items()},
                          {k: frozenset(v) for k, v in task.items()})[0]

    assert technique(forms) and not technique({7: ["CoT", "cots"]})
    # a concept that is no acronym, or one its papers do not define, is read by its own forms
    plain = Concept(id=8, kind="problem", phrase="API", synonyms=[], vector=np.zeros(4, np.float32),
                    papers={p: "problem" for p in texts})
    assert reading_forms([plain], {8: ["API"]}, texts) == {8: ["API"]}


def test_prompting_with_a_phrase_uses_it_as_a_technique():
    from gapscope.concepts.roles import TECHNIQUE_AFTER, TECHNIQUE_BEFORE, Contexts

    texts = {1: "Chain-of-thought prompting helps.", 2: "We study chain-of-thought faithfulness."}
    assert Contexts(texts, TECHNIQUE_BEFORE, TECHNIQUE_AFTER).papers(["chain-of-thought"], texts) == {1}


def test_a_way_to_do_a_task_is_read_as_a_technique_not_as_the_task():
    """"Apply test-time scaling to retrieval-augmented generation" was listed: its head "generation" made it a
    task, so "RAG framework / methods / approaches" (54 abstracts of the 10,653-paper library) were read as
    methods for it, and 39 of its 339 abstracts used it as a technique against 33 naming it as a problem. Its
    "-augmented" modifier says how generation is done (roles.HOW_SUFFIXES): the technique readings count."""
    from gapscope.concepts.pair_rules import techniques
    from gapscope.concepts.roles import task_head, technique_and_task_papers

    assert not task_head("retrieval-augmented generation") and not task_head("diffusion-based generation")
    assert task_head("motion generation")
    rag = "retrieval-augmented generation"
    texts = {1: f"A {rag} framework for law.", 2: f"We propose {rag} methods.", 3: f"Existing {rag} approaches.",
             4: f"A {rag} framework for medicine.", 5: f"Benchmarks for {rag}.", 6: f"On {rag}.",
             7: "A motion generation framework.", 8: "Motion generation methods.", 9: "For motion generation."}
    tech, task = technique_and_task_papers(texts, {0: [rag], 1: ["motion generation"]},
                                           {0: [1, 2, 3, 4, 5, 6], 1: [7, 8, 9]})
    assert tech == {0: {1, 2, 3, 4}, 1: set()} and task == {0: {5}, 1: {9}}
    mentions = {0: frozenset(range(1, 7)), 1: frozenset({7, 8, 9})}
    got = techniques([SimpleNamespace(id=0, phrase=rag), SimpleNamespace(id=1, phrase="motion generation")], mentions,
                     {k: frozenset(v) for k, v in tech.items()}, {k: frozenset(v) for k, v in task.items()})
    assert list(got) == [True, False]


@pytest.mark.parametrize("phrase, technique", [
    ("CoT prompting", True), ("chain-of-thought prompting", True), ("zero-shot prompting", True),
    ("distillation strategies", True), ("training paradigms", True), ("prompting", False), ("prompt injection", False),
    ("multi-prompting", False), ("catastrophic forgetting", False)])
def test_a_phrase_headed_by_a_way_of_doing_things_is_a_technique(phrase, technique):
    """"Apply knowledge graph to CoT prompting": abstracts write "CoT prompting" alone (1 of its 39 abstracts
    "using CoT prompting"), so the contexts never told; its head "prompting" does (pair_rules.technique_phrase)."""
    from gapscope.concepts.pair_rules import technique_phrase, techniques

    assert technique_phrase(phrase) is technique
    got = techniques([SimpleNamespace(id=0, phrase=phrase)], {0: frozenset({1, 2})}, {}, {})
    assert bool(got[0]) is technique
