"""The rules that keep established practice, bare properties and one-inside-the-other pairs out of the
gaps (concepts/quality.bare_property, concepts/pair_rules.py), each on constructed cases, and their use in
the candidates that both `gaps find` and the backtest rank."""

from __future__ import annotations

import numpy as np
import pytest

from tests.core.test_gaps_rank import constructed_graph


@pytest.mark.parametrize("phrase, bare", [
    ("visual fidelity", True), ("semantic consistency", True), ("failure modes", True),
    ("faster inference", True), ("improved performance", True), ("temporal consistency", True),
    ("reasoning capabilities", False), ("adversarial robustness", False), ("compositional generalization", False), ("inference latency", False), ("image quality", False),
    ("object detection", False), ("KV cache", False), ("low-resource languages", False),
    ("text-to-image generation", False), ("retrieval quality", False), ("efficient fine-tuning", False),
    # a setting of training or inference, chosen rather than addressed
    ("batch sizes", True), ("context length", True), ("parameter count", True), ("denoising steps", True),
    ("number of views", True), ("learning rate", True), ("sampling rates", True),
    ("frame rate", False), ("hallucination rates", False), ("depth estimation", False), ("step reasoning", False),
    ("number theory", False),
])
def test_bare_property_on_constructed_phrases(phrase, bare):
    from gapscope.concepts.quality import bare_property

    assert bare_property(phrase) is bare


@pytest.mark.parametrize("phrase, reason", [
    ("cross-modal", "modifier without its noun"), ("spatial-spectral", "modifier without its noun"),
    ("high-level semantic", "modifier without its noun"), ("directly predicts", "sentence fragment"),
    ("generating high-fidelity", "modifier without its noun"), ("low-resource languages", None),
    ("fine-tuning", None), ("supervised fine-tuning", None), ("early exit", None), ("actor-critic", None),
    ("physically-based rendering", None),
    ("mean average precision", "evaluation measure"), ("lookup table", None), ("anomaly detection", None),
    ("multi-view", None), ("vision-language", None), ("ImageNet-1K", None), ("self-supervised learning", None),
])
def test_modifiers_adverb_fragments_and_measures_are_no_concepts(phrase, reason):
    from gapscope.concepts.quality import not_a_concept

    assert not_a_concept(phrase) == reason


@pytest.mark.parametrize("phrase, is_class", [
    ("CNN", True), ("VLMs", True), ("state-of-the-art MLLMs", True), ("diffusion models", True),
    ("LLM agents", True), ("convolutional neural networks", True), ("deep learning architectures", True),
    ("event cameras", False),
    ("catastrophic forgetting", False), ("ISAC", False), ("LLM-as-a-Judge", False), ("model compression", False),
])
def test_a_model_class_is_no_problem(phrase, is_class):
    from gapscope.concepts.quality import model_class

    assert model_class(phrase) is is_class


@pytest.mark.parametrize("phrase, release", [
    ("DeepSeek-V3", True), ("GPT-4o", True), ("GPT-4o mini", True), ("Qwen2.5-VL", True), ("Llama-3-8B", True),
    ("YOLOv8", True), ("SAM2", True), ("ResNet-50", True), ("DINOv2", True),
    # the family or technique a release comes from, a name with a digit inside, a number format, a chip
    ("YOLO", False), ("SAM", False), ("U-Net", False), ("diffusion transformer", False), ("LoRA", False),
    ("Mask2Former", False), ("Word2Vec", False), ("FP8", False), ("FP8 training", False), ("H100", False),
    ("3D Gaussian splatting", False), ("3DGS", False), ("text-to-3D", False),
    ("T2I", False), ("I2V", False), ("T2I models", False),
])
def test_a_named_release_of_a_model_is_no_method_end(phrase, release):
    """#18 of the 10,653-paper top 20 was "Apply DeepSeek-V3 to low-resource languages": an evaluation of one
    checkpoint, not a method gap."""
    from gapscope.concepts.quality import refused_end, release_name

    assert release_name(phrase) is release
    if release:
        assert refused_end(phrase, "method")
    else:
        assert not refused_end(phrase, "method") or phrase in ("H100",)      # a chip is refused as no concept


def _add(library, rows):
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper

    ingest_papers(library, [Paper(title=t, abstract=a, source="t", source_key=str(i)) for i, (t, a) in enumerate(rows)],
                  kind="import", source="t", target="test")
    return {t: pid for pid, t, _ in library.paper_title_abstracts()}


def test_papers_mentioning_finds_variants_and_near_words(library):
    from gapscope.store.mentions import mention_query

    ids = _add(library, [
        ("Paging the key-value caches", "We cut the latency of LLM inference by compressing KV caches."),
        ("Inference latency budgets", "A study of inference latency on phones."),
        ("Latency", "Network latency is measured on routers; much later and elsewhere, inference over graphs."),
        ("Vision transformers", "Plain vision transformer backbones."),
    ])
    found = library.papers_mentioning({"lat": ["inference latency"], "kv": ["KV cache", "key-value caches"],
                                       "vit": ["vision transformers"], "none": ["-"]})
    assert found["lat"] == {ids["Paging the key-value caches"], ids["Inference latency budgets"]}
    assert found["kv"] == {ids["Paging the key-value caches"]}
    assert found["vit"] == {ids["Vision transformers"]}       # the stem matches the singular
    assert found["none"] == set() and mention_query(["-"]) is None


def test_co_mentions_count_only_the_papers_given():
    from gapscope.concepts.pair_rules import co_mentions, joined_in_text

    mentions = {1: frozenset({10, 11, 12}), 2: frozenset({11, 12, 13}), 3: frozenset({10})}
    co = co_mentions(mentions, [1, 3], [2], None)
    assert co.tolist() == [[2.0], [0.0]] and joined_in_text(co).tolist() == [[True], [False]]
    assert co_mentions(mentions, [1, 3], [2], {10, 11}).tolist() == [[1.0], [0.0]]


def test_contained_needs_a_small_concept_inside_a_much_broader_ones_area():
    from gapscope.concepts.pair_rules import contained

    sizes = np.array([100, 100, 100, 100, 100, 100])
    broad = [30, 30, 30, 0, 0, 0]            # over-represented in topics 0-2
    small_inside = [3, 2, 1, 0, 0, 0]         # all its papers in topics 0-2
    small_outside = [2, 0, 0, 2, 2, 0]        # most elsewhere
    peer = [10, 10, 10, 0, 0, 0]              # inside, but not a broader concept's part: a peer
    m = np.array([small_inside, small_outside, peer])
    got = contained(m, np.array([broad]), sizes)
    assert got[:, 0].tolist() == [True, False, False]
    # the rule is symmetric in the two sides
    assert contained(np.array([broad]), m, sizes)[0].tolist() == [True, False, False]


def _ranks(blk, i, j):
    return {int(x): r for r, x in enumerate(blk.m_idx)}[i], {int(x): r for r, x in enumerate(blk.p_idx)}[j]


def test_a_pair_joined_in_text_before_the_date_is_no_candidate_after_it_is():
    from gapscope.gaps.linkpred import candidates, pair_block

    cs, dates, pv = constructed_graph(seed=3)
    before = "2025-10-01"
    blk = pair_block(cs, dates, before, min_support=3, paper_vecs=pv)
    cand = candidates(blk, 0)
    r, c = np.argwhere(cand)[0]
    mi, pj = int(blk.m_idx[r]), int(blk.p_idx[c])
    earlier = sorted(p for p, d in dates.items() if d < before)[:2]
    later = sorted(p for p, d in dates.items() if d >= before)[:5]
    mentions = {x.id: frozenset(x.papers) for x in cs.concepts}

    def with_both(papers):
        mm = dict(mentions)
        mm[cs.concepts[mi].id] = mentions[cs.concepts[mi].id] | set(papers)
        mm[cs.concepts[pj].id] = mentions[cs.concepts[pj].id] | set(papers)
        return mm

    joined = pair_block(cs, dates, before, min_support=3, paper_vecs=pv, mentions=with_both(earlier))
    assert joined.text_both[_ranks(joined, mi, pj)] >= 2 and not candidates(joined, 0)[_ranks(joined, mi, pj)]
    # abstracts after the date are not read: the pair is still a candidate
    late = pair_block(cs, dates, before, min_support=3, paper_vecs=pv, mentions=with_both(later))
    assert candidates(late, 0)[_ranks(late, mi, pj)]
    # one abstract is allowed (as one paper naming both is in `gaps find`)
    one = pair_block(cs, dates, before, min_support=3, paper_vecs=pv, mentions=with_both(earlier[:1]))
    assert candidates(one, 0)[_ranks(one, mi, pj)]


@pytest.mark.parametrize("phrase", ["visual fidelity", "batch sizes"])
def test_a_bare_property_concept_is_no_candidate(phrase):
    from gapscope.gaps.linkpred import candidates, pair_block

    cs, dates, pv = constructed_graph(seed=4)
    blk = pair_block(cs, dates, "2025-12-01", min_support=3, paper_vecs=pv)
    before = candidates(blk, 10**6)
    col = int(np.argmax(before.sum(axis=0)))
    assert before[:, col].any()
    cs.concepts[int(blk.p_idx[col])].phrase = phrase
    after = candidates(pair_block(cs, dates, "2025-12-01", min_support=3, paper_vecs=pv), 10**6)
    others = np.arange(before.shape[1]) != col
    assert not after[:, col].any() and after[:, others].sum() == before[:, others].sum()


def test_papers_naming_as_data_reads_the_words_around_a_name(library):
    from gapscope.store.mentions import data_context_query

    ids = _add(library, [
        ("Linear probes", "We report top-1 accuracy on ImageNet-1K and transfer results."),
        ("A new split", "The ImageNet-1K validation set has label noise; we relabel it."),
        ("Such as", "Experiments on datasets such as ImageNet-1K show gains."),
        ("Mentions only", "ImageNet-1K pretraining made features general."),
        ("Other name", "We focus on Text-to-SQL for enterprise databases."),
    ])
    found = library.papers_naming_as_data({"in1k": ["ImageNet-1K"], "sql": ["Text-to-SQL"], "none": ["-"]})
    assert found["in1k"] == {ids["Linear probes"], ids["A new split"], ids["Such as"]}
    assert found["sql"] == {ids["Other name"]}          # "on <X>" alone: the share decides, not one paper
    assert found["none"] == set() and data_context_query(["-"]) is None


@pytest.mark.parametrize("phrase, mentions, as_data, is_data", [
    ("ImageNet-1K", 10, 5, True),        # half of its mentions read "on X" / "X dataset"
    ("COCO", 10, 4, True),
    ("Text-to-SQL", 10, 2, False),       # a task named as a name: "evaluated on", but rarely
    ("image classification", 10, 8, False),   # not a name: a task, whatever its context
    ("FooBench", 4, 4, False),           # too few mentions to judge
])
def test_a_data_set_is_a_name_mostly_mentioned_as_data(phrase, mentions, as_data, is_data):
    from types import SimpleNamespace

    from gapscope.concepts.pair_rules import data_sets

    c = SimpleNamespace(id=7, phrase=phrase)
    men = {7: frozenset(range(mentions))}
    dat = {7: frozenset(range(as_data))}
    assert data_sets([c], men, dat).tolist() == [is_data]
    # only the papers given count: without the ones that name it as data, it is no data set
    assert not data_sets([c], men, dat, set(range(as_data, mentions))).any()


def busiest_problem(before: str, seed: int = 5):
    """The constructed graph before ``before`` with plain mentions, and its problem concept in most candidates:
    (cs, dates, paper vectors, mentions, candidates, its column, the concept)."""
    from gapscope.concepts.pair_rules import ConceptMentions
    from gapscope.gaps.linkpred import candidates, pair_block

    cs, dates, pv = constructed_graph(seed=seed)
    base = ConceptMentions({x.id: frozenset(x.papers) for x in cs.concepts}, {})
    blk = pair_block(cs, dates, before, min_support=3, paper_vecs=pv, mentions=base)
    was = candidates(blk, 10**6)
    col = int(np.argmax(was.sum(axis=0)))
    return cs, dates, pv, base, was, col, cs.concepts[int(blk.p_idx[col])]


def test_a_data_set_is_neither_end_of_a_candidate_and_only_earlier_papers_count():
    from gapscope.concepts.pair_rules import ConceptMentions
    from gapscope.gaps.linkpred import candidates, pair_block

    before = "2025-12-01"
    cs, dates, pv, base, was, col, target = busiest_problem(before)
    target.phrase = "FooBench-1K"
    earlier = frozenset(p for p in target.papers if dates[p] < before)
    later = frozenset(p for p in target.papers if dates[p] >= before)
    assert len(earlier) >= 5
    as_data = ConceptMentions(base, {target.id: earlier})
    got = pair_block(cs, dates, before, min_support=3, paper_vecs=pv, mentions=as_data)
    others = np.arange(was.shape[1]) != col
    assert got.data_p[col] and not candidates(got, 10**6)[:, col].any()
    assert candidates(got, 10**6)[:, others].sum() == was[:, others].sum()
    # named as data only after the date: still a candidate there
    late = pair_block(cs, dates, before, min_support=3, paper_vecs=pv, mentions=ConceptMentions(base, {target.id: later}))
    assert not late.data_p[col] and candidates(late, 10**6)[:, col].sum() == was[:, col].sum()


@pytest.mark.parametrize("phrase, is_data", [
    ("QA benchmarks", True), ("medical imaging datasets", True), ("test set", True), ("web corpus", True),
    ("benchmarking", False), ("data augmentation", False), ("dataset distillation", False),
])
def test_a_phrase_headed_by_dataset_or_benchmark_is_data(phrase, is_data):
    from types import SimpleNamespace

    from gapscope.concepts.pair_rules import data_head, data_sets

    assert data_head(phrase) is is_data
    # by its shape alone: no mention needs to read as data
    assert data_sets([SimpleNamespace(id=1, phrase=phrase)], {}, {}).tolist() == [is_data]


def test_a_building_block_is_spread_over_areas_and_rarely_in_a_papers_aim():
    from types import SimpleNamespace

    from gapscope.concepts.pair_rules import components

    papers = set(range(20))
    block = SimpleNamespace(id=1, papers=dict.fromkeys(papers, "method"))
    method = SimpleNamespace(id=2, papers=dict.fromkeys(papers, "method"))
    narrow = SimpleNamespace(id=3, papers=dict.fromkeys(papers, "method"))
    small = SimpleNamespace(id=4, papers=dict.fromkeys(range(10), "method"))
    in_aim = {1: frozenset(range(2)), 2: frozenset(range(8)), 3: frozenset(), 4: frozenset()}
    spread = np.array([0.8, 0.8, 0.3, 0.8])
    got = components([block, method, narrow, small], spread, in_aim)
    # named in 10% of its papers' aims and spread: a part; 40%: what papers propose; one area: a method
    # of that area; 10 papers: too few to judge
    assert got.tolist() == [True, False, False, False]
    # only the papers given count: among papers 0-4 the block is named in 2 of 5 aims
    assert not components([block], spread[:1], in_aim, set(range(5))).any()


def test_a_building_block_is_no_method_end_of_a_candidate():
    from gapscope.concepts.pair_rules import ConceptMentions
    from gapscope.gaps.linkpred import candidates, pair_block

    cs, dates, pv = constructed_graph(seed=6)
    before = "2025-12-01"
    named = {x.id: frozenset(x.papers) for x in cs.concepts}
    everywhere = ConceptMentions(named, {}, named)          # every method named in all its papers' aims
    blk = pair_block(cs, dates, before, min_support=3, paper_vecs=pv, mentions=everywhere)
    was = candidates(blk, 10**6)
    assert not blk.component_m.any()
    nowhere = ConceptMentions(named, {}, {})
    got = pair_block(cs, dates, before, min_support=3, paper_vecs=pv, mentions=nowhere)
    n_before = np.array([sum(1 for p in cs.concepts[i].papers if dates[p] < before) for i in got.m_idx])
    expect = (n_before >= 15) & (np.nan_to_num(got.spread[got.m_idx]) >= 0.6)
    assert expect.any() and not expect.all()
    assert got.component_m.tolist() == expect.tolist()
    now = candidates(got, 10**6)
    assert not now[expect].any() and (now[~expect] == was[~expect]).all()


@pytest.mark.parametrize("phrase", ["A3C", "TD3", "BM25", "S4", "S4D", "ID3", "C4.5"])
def test_an_algorithm_whose_name_carries_a_digit_is_no_release(phrase):
    # "Apply TD3 to ..." or "BM25" as a retrieval baseline is a method, not one checkpoint of a model
    from gapscope.concepts.quality import refused_end, release_name

    assert not release_name(phrase) and not refused_end(phrase, "method")
