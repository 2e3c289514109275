"""The related methods and problems a gap's statement names are concepts a reader can place: a bare word
("detecting", "diffusion") is never named, however close it is."""

from __future__ import annotations

import numpy as np


def _concept(cid, kind, phrase, vec, papers):
    from gapscope.concepts.model import Concept

    v = np.asarray(vec, dtype=np.float32)
    return Concept(id=cid, kind=kind, phrase=phrase, synonyms=[], vector=v / np.linalg.norm(v),
                   papers={p: kind for p in papers}, scores={p: 1.0 for p in papers})


def test_a_bare_word_is_no_related_concept_in_the_statement():
    from gapscope.gaps.candidates import statement
    from gapscope.gaps.concept_evidence import EvidenceGatherer, nameable

    method = _concept(1, "method", "YOLO", [1, 0, 0], [1, 2, 3])
    problem = _concept(2, "problem", "OOD detection", [0, 1, 0], [10, 11, 12])
    # both problems are as close to "OOD detection" and both have met YOLO; only the nameable one may speak
    bare = _concept(3, "problem", "detecting", [0, 1, 0.01], [1, 20])
    named = _concept(4, "problem", "anomaly detection", [0, 1, 0.02], [2, 21])
    assert not nameable(bare) and nameable(named) and nameable(method)
    ev = EvidenceGatherer([method, problem, bare, named], evidence_n=3, paper_vecs=None).gather(method, problem, 0)
    assert [c.phrase for c, _ in ev.near_problems] == ["anomaly detection"]
    s = statement(method, problem, 0, ev.near_methods, ev.near_problems)
    assert "“anomaly detection”" in s and "detecting”" not in s
    assert 2 in ev.bridge and 1 not in ev.bridge     # the bridge paper comes from the named neighbour only


def test_a_named_model_or_a_setting_is_no_related_concept_in_the_statement():
    """The end rules hold for the statement's related concepts: "OpenVLA" is no related problem, as it is
    no problem end, and "batch sizes" (a setting) neither; a real problem as close is named instead."""
    from gapscope.gaps.candidates import statement
    from gapscope.gaps.concept_evidence import EvidenceGatherer, nameable

    method = _concept(1, "method", "flow matching", [1, 0, 0], [1, 2, 3])
    problem = _concept(2, "problem", "novel view synthesis", [0, 1, 0], [10, 11, 12])
    model = _concept(3, "problem", "OpenVLA", [0, 1, 0.01], [1, 20])
    knob = _concept(4, "problem", "batch sizes", [0, 1, 0.015], [2, 22])
    real = _concept(5, "problem", "3D reconstruction", [0, 1, 0.02], [3, 21])
    assert nameable(model) and nameable(knob)       # the bare-word rule alone lets them through
    ev = EvidenceGatherer([method, problem, model, knob, real], evidence_n=3, paper_vecs=None).gather(method, problem, 0)
    assert [c.phrase for c, _ in ev.near_problems] == ["3D reconstruction"]
    s = statement(method, problem, 0, ev.near_methods, ev.near_problems)
    assert "OpenVLA" not in s and "batch sizes" not in s and "“3D reconstruction”" in s
    # a method neighbour that is a setting is no related method either
    setting = _concept(6, "method", "learning rate", [1, 0, 0.01], [10, 30])
    tool = _concept(7, "method", "rectified flow", [1, 0, 0.02], [11, 31])
    ev = EvidenceGatherer([method, problem, setting, tool], evidence_n=3, paper_vecs=None).gather(method, problem, 0)
    assert [c.phrase for c, _ in ev.near_methods] == ["rectified flow"]


def _defined(phrase, expansion):
    from gapscope.concepts.acronyms import DEFINED, AcronymReading

    return AcronymReading(phrase, 5, 3, ((expansion, 3),), DEFINED, ((1, 2, 3),))


def _nlp_and_its_expansion():
    """RAG x NLP: "natural language processing" is NLP's expansion, close to it, and met RAG in paper 1."""
    from gapscope.concepts.acronyms import same_concepts

    method = _concept(1, "method", "retrieval-augmented generation", [1, 0, 0], [1, 2, 3])
    problem = _concept(2, "problem", "NLP", [0, 1, 0], [10, 11, 12])
    expansion = _concept(3, "problem", "natural language processing", [0, 1, 0.05], [1, 13])
    related = _concept(4, "problem", "machine translation", [0, 1, 0.3], [2, 14])
    concepts = [method, problem, expansion, related]
    same_as = same_concepts(concepts, {problem.id: _defined("NLP", "natural language processing")})
    assert same_as == {2: 2, 3: 2}
    return concepts, same_as


def test_an_acronyms_expansion_is_no_related_problem_and_its_papers_combine_the_pair():
    """A gap "Apply RAG to NLP" must not say RAG "has been applied to the related problem natural language
    processing": that is NLP itself, and the paper that did it already combines the pair."""
    from gapscope.gaps.candidates import statement
    from gapscope.gaps.concept_evidence import EvidenceGatherer

    concepts, same_as = _nlp_and_its_expansion()
    method, problem = concepts[0], concepts[1]
    ev = EvidenceGatherer(concepts, evidence_n=3, paper_vecs=None, same_as=same_as).gather(method, problem, 0)
    assert [c.phrase for c, _ in ev.near_problems] == ["machine translation"]
    assert ev.both == [1] and ev.roles()[1] == "both"
    s = statement(method, problem, len(ev.both), ev.near_methods, ev.near_problems)
    assert "natural language processing" not in s and "yet only one abstract combines them so far" in s, s
    # without the alias, the expansion is simply the nearest related problem
    plain = EvidenceGatherer(concepts, evidence_n=3, paper_vecs=None).gather(method, problem, 0)
    assert [c.phrase for c, _ in plain.near_problems][0] == "natural language processing"


def test_a_pair_joined_under_the_other_name_is_no_gap():
    """More than ``rare_max`` papers name the method with the problem's expansion: the pair is joined."""
    from types import SimpleNamespace

    from gapscope.gaps.candidates import _same_concepts

    concepts, _ = _nlp_and_its_expansion()
    concepts[2].papers.update({2: "problem", 3: "problem"})      # RAG's papers 1-3 all name the expansion
    cs = SimpleNamespace(concepts=concepts)
    blk = SimpleNamespace(m_idx=np.array([0]), p_idx=np.array([1, 3]))
    readings = {2: _defined("NLP", "natural language processing")}
    score = np.array([[0.9, 0.8]])
    _same_concepts(cs, blk, score, readings, rare_max=1)
    assert score[0, 0] == -np.inf and score[0, 1] == 0.8      # machine translation met RAG in one paper only
    concepts[2].papers = {1: "problem", 13: "problem"}             # one paper: still a candidate
    score = np.array([[0.9, 0.8]])
    _same_concepts(cs, blk, score, readings, rare_max=1)
    assert score[0, 0] == 0.9


def test_a_related_method_is_near_by_its_papers_not_only_by_a_shared_word():
    """On the 10,653-paper library "knowledge graph" was offered as the method related to "knowledge distillation":
    the phrases share "knowledge", the papers are about other things. With abstract vectors a related method must
    be near by its papers too: "feature distillation", whose papers are about what knowledge distillation's are, is
    named; "knowledge graph", nearer by phrase, is not. Without abstract vectors the phrase rule stands."""
    from gapscope.gaps.candidates import statement
    from gapscope.gaps.concept_evidence import EvidenceGatherer

    kd = _concept(1, "method", "knowledge distillation", [1, 0, 0], [1, 2, 3])
    problem = _concept(2, "problem", "image classification", [0, 1, 0], [10, 11, 12])
    graph = _concept(3, "method", "knowledge graph", [1, 0.05, 0], [10, 40])        # met the problem in paper 10
    feature = _concept(4, "method", "feature distillation", [1, 0.3, 0], [11, 41])  # met it in paper 11
    # methods far by phrase whose papers are as close to distillation's as feature distillation's: the share of
    # methods near by their papers is taken from all of them
    fillers = [_concept(10 + k, "method", f"pruning variant {k}", [0, 0, 1], [50 + k]) for k in range(6)]
    concepts = [kd, problem, graph, feature, *fillers]
    ids = [1, 2, 3, 10, 11, 12, 40, 41, *range(50, 56)]
    near, far = np.array([1, 0, 0], np.float32), np.array([0, 1, 0], np.float32)
    vecs = np.stack([far if q in (10, 40) else near for q in ids])
    ev = EvidenceGatherer(concepts, 3, (np.array(ids), vecs)).gather(kd, problem, 0)
    assert [c.phrase for c, _ in ev.near_methods] == ["feature distillation"], ev.near_methods
    s = statement(kd, problem, 0, ev.near_methods, ev.near_problems)
    assert "knowledge graph" not in s and "“feature distillation”" in s
    plain = EvidenceGatherer(concepts, 3, None).gather(kd, problem, 0)
    assert {c.phrase for c, _ in plain.near_methods} == {"knowledge graph", "feature distillation"}


def test_a_method_sharing_a_word_must_be_among_the_very_closest_by_its_papers():
    """"curriculum learning" shares "learning" with "contrastive learning" and its papers are close (within the 5%
    nearest of 200 methods) but not among the very closest (1%): it is no related method; a phrase sharing no word
    as close by its papers would be, and "contrastive loss", sharing a word and among the very closest, is."""
    from gapscope.gaps.concept_evidence import EvidenceGatherer

    cl = _concept(1, "method", "contrastive learning", [1, 0, 0], [1])
    problem = _concept(2, "problem", "catastrophic forgetting", [0, 1, 0], [10, 11, 12])
    curriculum = _concept(3, "method", "curriculum learning", [1, 0.05, 0], [10, 20])
    loss = _concept(4, "method", "contrastive loss", [1, 0.3, 0], [11, 21])
    fillers = [_concept(100 + k, "method", f"pruning variant {k}", [0, 0, 1], [1000 + k]) for k in range(200)]
    # closeness by papers: contrastive loss's as close as can be, 7 fillers next, curriculum learning's after them
    # (8th of 200: within the 5% = 10 nearest, not the 1% = 5 nearest), the other fillers far
    ids = [1, 10, 11, 12, 20, 21, *range(1000, 1200)]

    def vec(angle):
        return np.array([np.cos(angle), np.sin(angle), 0], np.float32)
    rows = {1: vec(0), 10: vec(0), 11: vec(0), 12: vec(1.5), 21: vec(0), 20: vec(0.30)}
    rows.update({1000 + k: vec(0.1 + 0.02 * k) if k < 7 else vec(1.5) for k in range(200)})
    gather = EvidenceGatherer([cl, problem, curriculum, loss, *fillers], 3,
                              (np.array(ids), np.stack([rows[q] for q in ids])))
    assert [c.phrase for c, _ in gather.gather(cl, problem, 0).near_methods] == ["contrastive loss"]
    curriculum.phrase = "supervised pretraining"         # no word shared: the 5% suffice
    assert {c.phrase for c, _ in gather.gather(cl, problem, 0).near_methods} == {"contrastive loss",
                                                                                "supervised pretraining"}
