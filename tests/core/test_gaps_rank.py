"""The learned gap ranker and the concept-quality rules: the ranker trained for a date reads nothing dated
on or after it; phrases that are not concepts, generic concepts and one-thing pairs are recognised on
constructed cases (and kept apart from real concepts)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest


def _unit(v):
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v)


def constructed_graph(seed=0, n_concepts=24, n_papers=900, start="2025-01-01", days=360):
    """Method and problem concepts in four topic groups; each paper names a method and a problem of one
    group (mostly), the popular ones more often, over ``days`` days."""
    from gapscope.concepts.model import Concept, ConceptSet

    rng = np.random.default_rng(seed)
    dim = 16
    centres = [_unit(rng.normal(size=dim)) for _ in range(4)]
    concepts = []
    for i in range(2 * n_concepts):
        g = i % 4
        concepts.append(Concept(id=i + 1, kind="method" if i < n_concepts else "problem", phrase=f"Concept{i} thing",
                                synonyms=[], vector=_unit(centres[g] + 0.6 * rng.normal(size=dim))))
    weight = rng.pareto(1.5, size=len(concepts)) + 0.2
    dates, vecs = {}, []
    d0 = date.fromisoformat(start)
    for p in range(1, n_papers + 1):
        g = int(rng.integers(4))
        dates[p] = (d0 + timedelta(days=int(rng.integers(days)))).isoformat()
        vecs.append(_unit(centres[g] + 0.5 * rng.normal(size=dim)))
        for kind_lo in (0, n_concepts):
            pool = [i for i in range(kind_lo, kind_lo + n_concepts) if i % 4 == g or rng.random() < 0.08]
            w = weight[pool] / weight[pool].sum()
            for i in rng.choice(pool, size=int(rng.integers(1, 3)), replace=False, p=w):
                concepts[i].papers[p] = concepts[i].kind
                concepts[i].scores[p] = 1.0
    ids = np.array(sorted(dates), dtype=np.int64)
    return ConceptSet(concepts, batch=1), dates, (ids, np.stack(vecs).astype(np.float32))


def _without_after(cs, dates, pv, cutoff):
    """The same library with every paper dated on or after ``cutoff`` removed."""
    from gapscope.concepts.model import Concept, ConceptSet

    keep = {p for p, d in dates.items() if d < cutoff}
    cs2 = ConceptSet([Concept(c.id, c.kind, c.phrase, c.synonyms, c.vector,
                              {p: s for p, s in c.papers.items() if p in keep},
                              {p: s for p, s in c.scores.items() if p in keep}) for c in cs.concepts], cs.batch)
    rows = np.array([int(p) in keep for p in pv[0]])
    return cs2, {p: d for p, d in dates.items() if p in keep}, (pv[0][rows], pv[1][rows])


def test_learned_ranker_reads_nothing_on_or_after_the_date():
    from gapscope.gaps.linkpred import candidates, pair_block, train_ranker

    cs, dates, pv = constructed_graph()
    before = "2025-09-01"
    # the papers after the date link pairs that are unlinked before it: a ranker that read them (as
    # training labels or features) would learn, and score, differently
    cs_cut, dates_cut, pv_cut = _without_after(cs, dates, pv, before)
    assert len(dates_cut) < len(dates) - 100
    r_full, info = train_ranker(cs, dates, before, horizon_days=90, min_support=3, paper_vecs=pv, quality=False)
    r_cut, _ = train_ranker(cs_cut, dates_cut, before, horizon_days=90, min_support=3, paper_vecs=pv_cut, quality=False)
    assert "fallback" not in info and info["train_positive"] >= 5, info
    assert info["train_window"] == "2025-06-03 .. 2025-09-01"
    blk = pair_block(cs, dates, before, min_support=3, paper_vecs=pv)
    blk_cut = pair_block(cs_cut, dates_cut, before, min_support=3, paper_vecs=pv_cut)
    assert np.array_equal(blk.m_idx, blk_cut.m_idx) and np.allclose(blk.X, blk_cut.X, atol=1e-5)
    cand = candidates(blk, 0, quality=False)
    np.testing.assert_allclose(r_full.score(blk.X[cand]), r_cut.score(blk_cut.X[cand]), rtol=1e-5, atol=1e-7)

    # the check above can fail: training on the links formed after the date (the leak it guards
    # against) gives another ranker
    r_leak, _ = train_ranker(cs, dates, "2026-01-01", horizon_days=90 + 122, min_support=3, paper_vecs=pv, quality=False)
    assert not np.allclose(r_leak.score(blk.X[cand]), r_full.score(blk.X[cand]), rtol=1e-3)


def test_ranker_falls_back_and_says_so_without_enough_history():
    from gapscope.gaps.linkpred import Ranker

    r = Ranker().fit(np.zeros((50, 3), np.float32), np.array([True] * 2 + [False] * 48))
    assert not r.models and "fallback" in r.info and "fewer than 5" in r.info["fallback"]


@pytest.mark.parametrize("model", ["lr", "gbm", "lr+gbm"])
def test_each_ranker_model_learns_a_link_signal(model):
    # a pair links when its first feature is high: every model must rank the linked pairs above the rest
    from gapscope.gaps.linkpred import Ranker, roc_auc

    rng = np.random.default_rng(0)
    X = rng.normal(size=(4000, 4)).astype(np.float32)
    y = X[:, 0] + 0.3 * rng.normal(size=4000) > 1.5
    r = Ranker(model=model).fit(X[:3000], y[:3000])
    assert r.info["model"] == model and "fallback" not in r.info
    assert roc_auc(r.score(X[3000:]), y[3000:]) > 0.9


def test_an_unknown_ranker_model_is_refused():
    from gapscope.gaps.linkpred import Ranker

    with pytest.raises(ValueError, match="unknown ranker model 'svm'"):
        Ranker(model="svm")


@pytest.mark.parametrize("phrase, reason", [
    ("dataset containing", "sentence fragment"), ("data consisting", "sentence fragment"),
    ("f1 score", "evaluation measure"), ("ground truth", "evaluation measure"), ("PSNR", "evaluation measure"),
    ("accuracy f1-score", "evaluation measure"), ("encoder", "single common word"), ("robustness", "single common word"),
    ("point clouds", None), ("LoRA", None), ("medical image segmentation", None), ("Gaussian splatting", None),
    ("word error rate", None), ("inference cost", None),
    ("learning RL", "sentence fragment"), ("processing NLP", "sentence fragment"),
    ("reinforcement learning RL", None), ("vision-language models VLMs", None), ("multimodal LLMs", None),
    ("medical LLMs", None), ("visual features", None), ("feature fusion", None), ("answering QA", "sentence fragment"),
])
def test_not_a_concept_on_constructed_phrases(phrase, reason):
    from gapscope.concepts.quality import not_a_concept

    assert not_a_concept(phrase) == reason


def test_generic_concepts_spread_over_the_areas_like_chance():
    from gapscope.concepts.quality import GENERIC_MIN_PAPERS, generic, topic_spread

    rng = np.random.default_rng(0)
    areas = 12
    share = rng.integers(50, 150, size=areas).astype(float)
    q = share / share.sum()
    rows = np.stack([
        rng.multinomial(80, q),                          # drawn like random papers: generic ("robustness")
        np.bincount(rng.integers(areas, size=80), minlength=areas),   # even over the areas: generic
        np.bincount(rng.choice([2, 5], size=80), minlength=areas),    # two areas: a concept ("point clouds")
        np.bincount(np.full(40, 7), minlength=areas),                  # one area
        np.bincount(np.arange(6) % areas, minlength=areas),            # 6 papers in 6 areas: too few to judge
    ]).astype(float)
    s = topic_spread(rows, share)
    assert s[0] > 0.9 and s[1] > 0.9 and s[2] < 0.5 and s[3] < 0.05
    assert generic(s, rows.sum(axis=1)).tolist() == [True, True, False, False, False]
    assert rows[4].sum() < GENERIC_MIN_PAPERS and s[4] > 0.9      # spread as chance, yet not judged


def _concept(i, phrase, synonyms=(), vec=None):
    from gapscope.concepts.model import Concept

    return Concept(id=i, kind="method", phrase=phrase, synonyms=list(synonyms),
                   vector=vec if vec is not None else np.zeros(4, np.float32))


@pytest.mark.parametrize("a, b, reason", [
    (["diffusion transformer"], ["diffusion models"], "one contains the other"),
    (["LLM"], ["LLM agents"], "one contains the other"),
    (["reasoning traces"], ["reasoning benchmarks"], "one contains the other"),
    (["QA"], ["question answering"], "acronym"),
    (["VLMs"], ["vision-language models"], "acronym"),
    (["vision-language models"], ["visual reasoning"], None),
    (["LLM-as-a-Judge"], ["point clouds"], None),
    (["Gaussian splatting"], ["autonomous driving"], None),
])
def test_same_thing_pairs_on_constructed_concepts(a, b, reason):
    from gapscope.concepts.quality import same_thing, same_thing_matrix

    assert same_thing(a, b) == reason
    m = same_thing_matrix([_concept(1, a[0], a[1:])], [_concept(2, b[0], b[1:])])
    assert bool(m[0, 0]) == (reason is not None)


def test_same_thing_by_synonyms_and_phrase_vectors():
    from gapscope.concepts.quality import SAME_THING_SIM, same_thing, same_thing_matrix

    # a synonym of one within the other
    assert same_thing(["text-to-image", "diffusion model"], ["latent diffusion"]) == "one contains the other"
    u = _unit([1, 0, 0, 0])
    close = _unit([1, 0.3, 0, 0])
    far = _unit([0, 1, 0, 0])
    assert float(u @ close) >= SAME_THING_SIM > float(u @ far)
    assert same_thing(["multimodal models"], ["MLLMs"], u, close) == "similar phrases"
    assert same_thing(["multimodal models"], ["MLLMs"], u, far) is None
    rows = [_concept(1, "multimodal models", vec=u), _concept(2, "point clouds", vec=far)]
    cols = [_concept(3, "MLLMs", vec=close), _concept(4, "point cloud segmentation", vec=_unit([0, 0, 1, 0]))]
    m = same_thing_matrix(rows, cols, np.stack([c.vector for c in rows]), np.stack([c.vector for c in cols]))
    assert m.tolist() == [[True, False], [False, True]]


def test_quality_filter_removes_pairs_from_the_candidates():
    from gapscope.gaps.linkpred import candidates, pair_block

    cs, dates, pv = constructed_graph(seed=1)
    cs.concepts[0].phrase = "dataset containing"               # method, not a concept
    cs.concepts[30].phrase = "f1 score"                        # problem, a measure
    cs.concepts[1].phrase, cs.concepts[31].phrase = "diffusion transformer", "diffusion models"
    blk = pair_block(cs, dates, "2025-12-01", min_support=3, paper_vecs=pv)
    mpos = {int(i): r for r, i in enumerate(blk.m_idx)}
    ppos = {int(j): c for c, j in enumerate(blk.p_idx)}
    plain, kept = candidates(blk, 10**6, quality=False), candidates(blk, 10**6)
    assert plain[mpos[0]].all() and not kept[mpos[0]].any()
    assert plain[:, ppos[30]].all() and not kept[:, ppos[30]].any()
    assert plain[mpos[1], ppos[31]] and not kept[mpos[1], ppos[31]] and blk.same[mpos[1], ppos[31]]
    assert kept.sum() > 0.5 * plain.sum()


def test_text_mentions_match_forms_as_the_extractor_tokenises():
    from gapscope.concepts.quality import text_mentions

    cs = [_concept(1, "point clouds", ["point cloud"]), _concept(2, "Gaussian splatting"), _concept(3, "LoRA")]
    texts = {10: "We segment point clouds of the scene.", 11: "A point cloud and 3D Gaussian splatting.",
             12: "Pointclouds are not matched; neither is Gaussian-splatting.", 13: "Fine-tuning with LoRA adapters."}
    assert text_mentions(cs, texts) == {1: {10, 11}, 2: {11}, 3: {13}}


def test_a_pair_that_abstracts_mention_together_is_not_listed():
    from gapscope.gaps.candidates import TEXT_BOTH_MAX, concept_gaps

    cs, dates, pv = constructed_graph(seed=2)
    listed = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv)
    assert listed
    # every abstract names every phrase: each pair is combined in text, whatever the extractor named
    every = " ".join(c.phrase for c in cs.concepts)
    assert concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, texts={p: every for p in dates}) == []
    # a few abstracts mentioning the top pair, within the allowance, keep it and say how many
    g = listed[0]
    m, p = g.details["method_concept"], g.details["problem_concept"]
    few = {q: (f"{m} and {p}." if i < TEXT_BOTH_MAX else "nothing") for i, q in enumerate(sorted(dates))}
    again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, texts=few)
    assert again[0].details["method_concept"] == m and again[0].details["abstracts_mentioning_both"] == TEXT_BOTH_MAX


@pytest.mark.parametrize("phrase, named_model", [
    ("Qwen3-8B", True), ("qwen2 VL", True), ("GPT-4o", True), ("Llama 3 8B", True), ("LLaVA-1.5", True),
    ("ImageNet-1K", False), ("COCO", False), ("BERT", False), ("low-resource languages", False),
    ("ConvNeXt", True), ("ResNet-50", True), ("U-Net", True), ("SegFormer", True), ("EfficientNet-B0", True),
    ("ShapeNet", False), ("ScanNet", False), ("Internet of Things", False), ("information", False),
    # a name ending in a model class: a vision-language-action model, a GAN; not an acronym such as "LoRA"
    ("OpenVLA", True), ("CycleGAN", True), ("LoRA", False), ("LiDAR", False), ("NeRF", False), ("fMRI", False),
])
def test_a_named_model_is_not_a_problem(phrase, named_model):
    from gapscope.concepts.quality import model_name

    assert model_name(phrase) is named_model
