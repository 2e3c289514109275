"""What a listed gap names: an acronym and every spelling of its expansion are one concept for the per-concept
cap ("LoRA", "low-rank adaptation", "LoRAs"); a problem end is a problem, not a technique, a model or a part of
one ("Mixture-of-Experts MoE", "attention heads"); and the related methods and problems a gap names pass the
checks its ends pass (no vague "knowledge database", no sensor "LiDAR", "camera LiDAR"). Listing only: the backtest's
candidates are untouched."""

from __future__ import annotations

import numpy as np

from tests.core.gap_ends_helpers import assert_left_out, concept_corpus, listed_gaps


def _defined(phrase, expansion):
    from gapscope.concepts.acronyms import DEFINED, AcronymReading

    return AcronymReading(phrase, 5, 3, ((expansion, 3),), DEFINED, ((1, 2, 3),))


def _concept(cid, kind, phrase, n, synonyms=()):
    from gapscope.concepts.model import Concept

    return Concept(cid, kind, phrase, list(synonyms), np.eye(4, dtype=np.float32)[cid % 4],
                   {100 * cid + k: kind for k in range(n)})


def test_an_acronym_its_expansion_and_their_plurals_are_one_concept():
    """The library's "LoRA" (low-rank adaptation, 55 papers), "low-rank adaptation" (39), "low-rank adapter" (4),
    "LoRAs" (low-rank adapters, 4) and "low-rank adaptation LoRA" (18): two acronym readings reach one folded
    form, and all five are one concept, so that the idea leads at most two gaps under any of its names."""
    from gapscope.concepts.acronyms import same_concepts
    from gapscope.gaps.concept_evidence import EvidenceGatherer, PairEvidence
    from gapscope.gaps.dedup import dedupe

    lora, lra = _concept(1, "method", "LoRA", 55), _concept(2, "method", "low-rank adaptation", 39)
    adapter, loras = _concept(3, "method", "low-rank adapter", 4), _concept(4, "problem", "LoRAs", 4)
    problems = [_concept(k, "problem", ph, 20) for k, ph in
                ((5, "test-time adaptation"), (6, "text-to-image generation"), (7, "Mixture-of-Experts MoE"))]
    both = _concept(8, "problem", "low-rank adaptation LoRA", 18)     # the expansion written with the acronym
    concepts = [lora, lra, adapter, loras, *problems, both]
    same = same_concepts(concepts, {1: _defined("LoRA", "low-rank adaptation"),
                                    4: _defined("LoRAs", "low-rank adapters")})
    assert same == {1: 1, 2: 1, 3: 1, 4: 1, 8: 1}      # the largest, the acronym
    gather = EvidenceGatherer(concepts, 3, None, same)
    cands = [gather.candidate((m.id, p.id), 1.0 - 0.1 * k,
                              PairEvidence(m, p, [], [], [], [1000 + 10 * k], [2000 + 10 * k], [], None), same)
             for k, (m, p) in enumerate(((lora, problems[0]), (lra, problems[1]), (lora, problems[2])))]
    kept, _dropped = dedupe(cands, 10, per_concept=2)
    assert [c.key for c in kept] == [(1, 5), (2, 6)]


# abstracts as the 10,653-paper CS library writes these problem concepts (its phrases, shortened sentences)
TEXTS = {
    "Mixture-of-Experts MoE": ["Mixture-of-Experts MoE models scale capacity.", "We replace dense layers with MoE layers.",
                               "MoE architectures route tokens to experts.", "Sparse MoE model training is unstable.",
                               "Using MoE, we grow capacity cheaply.", "MoE inference is memory bound.",
                               "Experts in MoE specialise.", "An MoE backbone for vision."],
    "attention heads": ["We prune redundant attention heads.", "Individual attention heads specialise.",
                        "Attention heads in late layers carry the answer.", "Heads: a study of attention heads.",
                        "Some attention heads track syntax.", "Attention heads responsible for copying.",
                        "We probe attention heads of LLMs.", "Attention heads importance scores."],
    "catastrophic forgetting": ["To mitigate catastrophic forgetting, we replay.", "We address catastrophic forgetting.",
                                "Continual learners suffer from catastrophic forgetting.",
                                "Catastrophic forgetting remains a challenge.", "Reducing catastrophic forgetting.",
                                "A method for catastrophic forgetting.", "Catastrophic forgetting in LLMs.",
                                "Catastrophic forgetting is studied."],
    "Text-to-SQL": ["We study Text-to-SQL.", "For Text-to-SQL, schema linking matters.",
                    "The Text-to-SQL task maps questions to queries.", "Text-to-SQL models hallucinate columns.",
                    "Improving Text-to-SQL with feedback.", "Text-to-SQL benchmarks.", "LLMs for Text-to-SQL.",
                    "Text-to-SQL is hard."],
    "video diffusion": ["Pre-trained video diffusion models generate clips.", "We fine-tune a video diffusion model.",
                        "Video diffusion backbones are heavy.", "Video diffusion quality varies.",
                        "Video diffusion priors help.", "A video diffusion architecture.", "Video diffusion is costly.",
                        "Video diffusion samples."],
    "inpainting": ["Inpainting models hallucinate.", "Inpainting networks blur edges.", "An inpainting module.",
                   "Inpainting fills masked regions.", "Inpainting of large holes.", "Video inpainting is hard.",
                   "Inpainting quality.", "Inpainting benchmarks."],
    "pose estimation": ["Pose estimation models fail on occlusion.", "Pose estimation networks are heavy.",
                        "A pose estimation framework for sports.", "For pose estimation, we lift 2D keypoints.",
                        "Pose estimation under occlusion.", "Human pose estimation benchmarks.",
                        "Pose estimation in the wild.", "Pose estimation accuracy."],
}
REFUSED = ("Mixture-of-Experts MoE", "attention heads", "video diffusion")
SYNONYMS = {"Mixture-of-Experts MoE": ["MoE", "Mixture-of-Experts"]}     # its merged variants


def _reading():
    from gapscope.concepts.roles import part_papers, technique_and_task_papers

    concepts, texts, among = concept_corpus(TEXTS, "problem", SYNONYMS)
    forms = {c.id: [c.phrase, *c.synonyms] for c in concepts}
    _tech, task = technique_and_task_papers(texts, forms, among)
    part = part_papers(texts, forms, among)
    return concepts, {k: frozenset(v) for k, v in among.items()}, part, task


def test_a_technique_a_model_or_a_part_of_one_is_no_problem():
    from gapscope.concepts.pair_rules import not_problems

    concepts, mentions, part, task = _reading()
    out = not_problems(concepts, mentions, part, task)
    assert {c.phrase for c, o in zip(concepts, out) if o} == set(REFUSED)
    # "MoE models / layers / architectures / model / backbone", "using MoE"; a task's or a process's "<X> models /
    # networks / module" are not
    assert len(part[1]) == 6 and len(part[5]) == 4 and len(part[6]) == 0 and len(part[7]) == 0 and len(task[7]) == 1
    assert len(task[3]) >= 4 and len(task[4]) >= 3


# tasks the library's abstracts also use as a technique or name with "<X> system / method / network" (their
# phrases, shortened sentences): "optical flow" (merged with "optical flow estimation"), "SLAM" (simultaneous
# localization and mapping), "gesture recognition"; and a model part, "convolutional layers"
TASKS = {
    "optical flow": ["Video inpainting algorithms utilize optical flow.", "We leverage dense optical flow to align.",
                     "Optical flow based warping of frames.", "An event-based optical flow network.",
                     "Incorporating optical flow as a constraint.", "Optical flow estimation from events.",
                     "We jointly estimate optical flow and uncertainty.", "Unsupervised optical flow estimation."],
    "SLAM": ["We present GS-SLAM, a simultaneous localization and mapping (SLAM) system.",
             "Simultaneous localization and mapping (SLAM) methods fail in dynamic scenes.",
             "The first SLAM method based on 4D gaussians.", "Our SLAM system runs in real time.",
             "Using SLAM, the robot maps rooms.", "Visual SLAM with stereo cameras.",
             "Attacking LiDAR-based SLAM with point injection.", "SLAM pipelines drift."],
    "gesture recognition": ["Egocentric gesture recognition based on event cameras.",
                            "Devices rely on gesture recognition to estimate intake.",
                            "Hand gesture recognition using surface EMG.", "Action and gesture recognition are related.",
                            "Micro gesture recognition from skeletons.", "Gesture recognition under domain shift.",
                            "WiFi gesture recognition.", "Limitations of current gesture recognition."],
    "convolutional layers": ["Convolutional layers extract local features.", "We stack convolutional layers.",
                             "Replacing convolutional layers with attention.", "Deeper convolutional layers overfit.",
                             "Convolutional layers and pooling.", "The first convolutional layers see edges.",
                             "Pruning convolutional layers.", "Convolutional layers are cheap."],
}
TASK_SYNONYMS = {"optical flow": ["optical flow estimation", "dense optical flow"]}


def test_a_task_also_used_as_a_technique_is_a_problem():
    """A task is written as a technique or a system too ("using optical flow", "SLAM system", "gesture recognition
    based on ...") and stays a problem end: named as a task by its phrase ("gesture recognition") or its
    acronym's expansion ("SLAM": simultaneous localization and mapping), or written as a task's object ("optical
    flow estimation", "estimate optical flow") when its merged variants name that task; the techniques and model
    parts ("Mixture-of-Experts MoE", "attention heads", "convolutional layers") are still refused."""
    from gapscope.concepts.model import Concept
    from gapscope.concepts.pair_rules import not_problems, task_readings
    from gapscope.concepts.roles import Contexts, part_papers, technique_and_task_papers

    texts, among, concepts = {}, {}, []
    for k, (phrase, sents) in enumerate({**TEXTS, **TASKS}.items()):
        ids = [100 * (k + 1) + i for i in range(len(sents))]
        texts.update(zip(ids, sents))
        among[k + 1] = set(ids)
        concepts.append(Concept(k + 1, "problem", phrase, {**SYNONYMS, **TASK_SYNONYMS}.get(phrase, []), None,
                                {p: "problem" for p in ids}))
    forms = {c.id: [c.phrase, *c.synonyms] for c in concepts}
    index = Contexts(texts, (), ())
    _tech, task = technique_and_task_papers(index, forms, among)
    part = part_papers(index, forms, among)
    mentions = {k: frozenset(v) for k, v in among.items()}
    by_phrase = {c.phrase: c.id for c in concepts}
    # read as before, each task is a technique or a model: its abstracts write it so far more than as a problem
    before = not_problems(concepts, mentions, part, task)
    assert {"optical flow", "SLAM", "gesture recognition"} <= {c.phrase for c, o in zip(concepts, before) if o}
    named, objects = task_readings(concepts, forms, index, among, texts)
    assert {by_phrase["SLAM"], by_phrase["gesture recognition"], by_phrase["pose estimation"]} <= named
    assert by_phrase["Mixture-of-Experts MoE"] not in named and by_phrase["convolutional layers"] not in named
    # "optical flow estimation" twice, "estimate optical flow" once
    assert set(objects) == {by_phrase["optical flow"]} and len(objects[by_phrase["optical flow"]]) == 3
    out = not_problems(concepts, mentions, part, task, named, objects)
    assert {c.phrase for c, o in zip(concepts, out) if o} == {*REFUSED, "convolutional layers"}


def test_a_non_problem_ends_no_gap_and_is_named_as_no_related_problem():
    from gapscope.concepts.pair_rules import ConceptMentions
    from gapscope.gaps.candidates import not_problem_ids

    cs, dates, pv, plain = listed_gaps()
    by_id = cs.by_id()
    p = by_id[plain[0].problem.cluster]
    related = next(r["concept"] for g in plain for r in g.details["predicting_problems"]
                   if r["concept"] != p.phrase)
    r = next(c for c in cs.concepts if c.phrase == related)
    men = {c.id: frozenset(c.papers) for c in cs.concepts}
    reading = ConceptMentions(men, as_task={p.id: frozenset(), r.id: frozenset()},
                              as_part={p.id: frozenset(p.papers), r.id: frozenset(r.papers)})
    assert not_problem_ids(cs, reading) == {p.id, r.id}
    assert_left_out(cs, dates, pv, reading, "problem", p, r, "technique or a model part")
    # a method concept written so stays a method
    m = by_id[plain[0].method.cluster]
    assert not_problem_ids(cs, ConceptMentions(men, as_task={m.id: frozenset()},
                                               as_part={m.id: frozenset(m.papers)})) == frozenset()


def _named(g) -> set:
    """The related concepts a gap names: in its statement's "related ..." and its shared neighbours."""
    d = g.details
    return ({x["concept"] for x in d["predicting_methods"] + d["predicting_problems"]}
            | set((d.get("plausibility") or {}).get("shared_neighbours") or ()))


def test_a_sensor_is_named_as_no_related_problem():
    """"LiDAR" (the library's abstracts: "LiDAR point clouds", "from LiDAR", "LiDAR sensors") is data, no
    problem: named as no related problem nor shared neighbour, whether or not it is a candidate end."""
    from gapscope.concepts.pair_rules import ConceptMentions
    from gapscope.gaps.candidates import concept_gaps

    cs, dates, pv, plain = listed_gaps(plausible_min=0.0)
    named = [x for g in plain for x in sorted(_named(g))
             if x not in {g.details["method_concept"], g.details["problem_concept"]}]
    r, pair = [c for c in cs.concepts if c.phrase in named and c.kind == "problem"][:2]
    r.phrase, pair.phrase = "LiDAR", "camera LiDAR"
    men = {c.id: frozenset(c.papers) for c in cs.concepts}
    # "LiDAR" written as an input; "camera LiDAR" seldom so ("camera-LiDAR fusion"), but both its words are sensors
    reading = ConceptMentions(men, as_task={r.id: frozenset(), pair.id: frozenset()},
                              as_input={r.id: frozenset(r.papers), pair.id: frozenset()})
    again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, mentions=reading)
    assert again
    for sensor in ("LiDAR", "camera LiDAR"):
        assert all(sensor not in _named(g) and f"\u201c{sensor}\u201d" not in g.statement for g in again)


def test_sensors_named_together_are_an_input():
    from gapscope.concepts.model import Concept
    from gapscope.concepts.pair_rules import input_compounds

    phrases = ["camera LiDAR", "sensor data", "LiDAR camera", "camera-LiDAR fusion", "depth estimation",
               "video generation", "LiDAR point clouds"]
    out = input_compounds([Concept(k, "problem", ph, [], None) for k, ph in enumerate(phrases)], ["LiDAR"])
    assert [ph for ph, o in zip(phrases, out) if o] == ["camera LiDAR", "sensor data", "LiDAR camera"]


def test_a_vague_related_concept_is_named_no_more(monkeypatch):
    """The concreteness check (its test model here calls a phrase headed by "database", "parameters" or
    "languages" vague) reads the related concepts a gap would name, not only the candidate ends: "knowledge
    database", "gaussian parameters", "additional languages" are named no more; concrete ones ("graph
    reasoning") still are."""
    import gapscope.concepts.concreteness as conc
    import gapscope.embed as embed
    from gapscope.gaps.candidates import concept_gaps

    cs, dates, pv, plain = listed_gaps(plausible_min=0.0)
    ends = {x for g in plain for x in (g.details["method_concept"], g.details["problem_concept"])}
    named = sorted({x for g in plain for x in _named(g)} - ends)
    assert len(named) >= 2
    by_phrase = {c.phrase: c for c in cs.concepts}
    vague = dict(zip(named, ("knowledge database", "gaussian parameters", "additional languages")))
    for old, new in vague.items():
        by_phrase[old].phrase = new
    kept = next((x for x in named if x not in vague), None)
    if kept is not None:
        by_phrase[kept].phrase = "graph reasoning"
    dim = len(cs.concepts[0].vector)
    n_usage = len(conc.USAGE) + 1
    model = conc.ConcretenessModel({        # the phrase logit: the head word's vector, nothing else
        "encoder": "test-encoder", "threshold": 0.5,
        "phrase": {"weights": [0.0] * (dim + 5) + [1.0] + [0.0] * (dim - 1), "bias": 0.0},
        "usage": {"mean": [0.0] * n_usage, "scale": [1.0] * n_usage, "weights": [0.0] * (n_usage - 1) + [10.0],
                  "bias": 0.0}})
    monkeypatch.setattr(conc, "load_model", lambda: model)

    class HeadWords:
        def __init__(self, *_a, **_k):
            pass

        def encode(self, words, cancel=None):
            return np.array([[-1.0 if w in ("database", "parameters", "languages") else 1.0] + [0.0] * (dim - 1)
                             for w in words], np.float32)
    monkeypatch.setattr(embed, "Encoder", HeadWords)
    cs.encoder = "test-encoder"
    men = {c.id: frozenset(c.papers) for c in cs.concepts}
    again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, mentions=men)
    assert again
    said = {x for g in again for x in _named(g)} | {x for g in again for x in (g.details["method_concept"],
                                                                              g.details["problem_concept"])}
    assert not said & set(vague.values()), said
    assert all(f"\u201c{v}\u201d" not in g.statement for g in again for v in vague.values())
    # a concrete related concept is still named
    assert {x for g in again for x in _named(g)} - set(vague.values())


def test_a_method_phrase_headed_by_data_is_data():
    """The library's method concepts "tabular data", "preference data", "video frames", "reward signals" are data
    by their phrase, "gaussian parameters" (named as the related method of "gaussian primitives" x "video
    diffusion") a model's values; "dual-stream",
    "image-to-video", "contrastive learning", "KV cache" stay."""
    from gapscope.concepts.model import Concept, ConceptSet
    from gapscope.concepts.pair_rules import data_phrases
    from gapscope.gaps.candidates import not_method_ids

    phrases = ["tabular data", "preference data", "video frames", "reward signals", "gaussian parameters",
               "dual-stream", "image-to-video", "contrastive learning", "KV cache", "data"]
    concepts = [Concept(k + 1, "method", ph, [], None) for k, ph in enumerate(phrases)]
    out = data_phrases(concepts)
    assert [ph for ph, o in zip(phrases, out) if o] == phrases[:5]
    assert not_method_ids(ConceptSet(concepts), None) == {1, 2, 3, 4, 5}


def test_data_a_device_or_people_seldom_named_as_a_problem_is_no_problem():
    """The library's problem ends "social media posts" (none of its 18 abstracts names it as a problem),
    "edge devices" (2 of 51), "synthetic data" and "end users" are data, hardware and people; "hyperspectral
    image" (17 of its 47 abstracts: "for hyperspectral image classification") and "continual learning" stay."""
    from gapscope.concepts.model import Concept
    from gapscope.concepts.pair_rules import not_problems

    counts = {"social media posts": (18, 0), "edge devices": (51, 2), "synthetic data": (100, 2),
              "end users": (22, 1), "hyperspectral image": (47, 17), "continual learning": (40, 1),
              "cross-device": (30, 0)}      # a hyphenated modifier, no device
    concepts = [Concept(k + 1, "problem", ph, [], None) for k, ph in enumerate(counts)]
    mentions = {c.id: frozenset(range(1000 * c.id, 1000 * c.id + counts[c.phrase][0])) for c in concepts}
    task = {c.id: frozenset(sorted(mentions[c.id])[:counts[c.phrase][1]]) for c in concepts}
    part = {c.id: frozenset() for c in concepts}
    out = not_problems(concepts, mentions, part, task)
    assert [c.phrase for c, o in zip(concepts, out) if o] == ["social media posts", "edge devices", "synthetic data",
                                                             "end users"]


def test_an_interface_named_alone_is_no_problem():
    """The sample library listed "Apply RAG to API" (15 abstracts, written "for API calls" as a task would be):
    an interface or a piece of software named alone is what a method calls, no problem, read or not; a phrase
    naming a problem with it ("API misuse detection", "GUI grounding", "brain-computer interface") stays."""
    from gapscope.concepts.model import Concept
    from gapscope.concepts.pair_rules import not_problems

    phrases = ["API", "APIs", "GUI", "toolkit", "API misuse detection", "GUI grounding", "brain-computer interface",
               "code generation"]
    concepts = [Concept(k + 1, "problem", ph, [], None) for k, ph in enumerate(phrases)]
    mentions = {c.id: frozenset(range(1000 * c.id, 1000 * c.id + 15)) for c in concepts}
    task = {c.id: frozenset(sorted(mentions[c.id])[:8]) for c in concepts}       # "for API calls", "API tasks"
    part = {c.id: frozenset() for c in concepts}
    del part[2], task[2]                                                         # "APIs" unread: refused all the same
    out = not_problems(concepts, mentions, part, task)
    assert [c.phrase for c, o in zip(concepts, out) if o] == ["API", "APIs", "GUI", "toolkit"]


def test_a_model_part_or_people_seldom_proposed_is_no_method():
    """The library's method ends "convolutional layers" (2 of its 12 papers name it in their aims), "transformer
    decoder" and "native speakers" (none of 12) are a model part and people; a part papers propose ("memory
    module", in the aims of half its papers), "sparse autoencoders" and "dual-encoder" (a modifier) stay."""
    from gapscope.concepts.model import Concept, ConceptSet
    from gapscope.concepts.pair_rules import ConceptMentions, part_phrases
    from gapscope.gaps.candidates import not_method_ids

    aims = {"convolutional layers": 2, "transformer decoder": 2, "native speakers": 0, "memory module": 6,
            "sparse autoencoders": 0, "dual-encoder": 0}
    concepts = [Concept(k + 1, "method", ph, [], None, {100 * (k + 1) + i: "method" for i in range(12)})
                for k, ph in enumerate(aims)]
    in_aim = {c.id: frozenset(sorted(c.papers)[:aims[c.phrase]]) for c in concepts}
    out = part_phrases(concepts, in_aim)
    assert [c.phrase for c, o in zip(concepts, out) if o] == ["convolutional layers", "transformer decoder",
                                                             "native speakers"]
    men = ConceptMentions({c.id: frozenset(c.papers) for c in concepts}, in_aim=in_aim)
    assert not_method_ids(ConceptSet(concepts), men) == {1, 2, 3}


def test_an_end_under_its_other_name_is_no_shared_neighbour():
    """"BEV representations" x "LiDAR point clouds" named "bird eye view" (the method under its other name) as a
    shared neighbour, and another gap both "SFT" and "supervised fine-tuning SFT": an end's alias is no
    neighbour, and an acronym and its expansion are named once."""
    from gapscope.gaps.candidates import concept_gaps

    cs, dates, pv, plain = listed_gaps(plausible_min=0.0)
    g = next(g for g in plain if len(g.details["plausibility"]["shared_neighbours"]) == 3)
    by_phrase = {c.phrase: c for c in cs.concepts}
    m = by_phrase[g.details["method_concept"]]
    n1, n2, n3 = (by_phrase[x] for x in g.details["plausibility"]["shared_neighbours"])
    m.phrase, n1.phrase = "BEV", "bird eye view"
    n2.phrase, n3.phrase = "SFT", "supervised fine-tuning SFT"
    readings = {m.id: _defined("BEV", "bird eye view"), n2.id: _defined("SFT", "supervised fine-tuning")}
    again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, acronyms=readings)
    for h in again:
        near = h.details["plausibility"]["shared_neighbours"]
        if h.details["method_concept"] == "BEV":
            assert "bird eye view" not in near
        assert not {"SFT", "supervised fine-tuning SFT"} <= set(near), near
    assert any(h.details["method_concept"] == "BEV" for h in again)


def test_a_concept_without_papers_or_mentions_breaks_no_listing(monkeypatch):
    """A concept whose papers were all deleted since the extraction (no papers, no mentions) is read by the
    checks of the concepts a gap may name: it is judged, not divided by."""
    import gapscope.concepts.concreteness as conc
    from gapscope.concepts.model import ConceptSet
    from gapscope.gaps.candidates import unnamed_concepts

    n_usage = len(conc.USAGE) + 1
    model = conc.ConcretenessModel({
        "encoder": "test-encoder", "threshold": 0.5,
        "phrase": {"weights": [0.0] * 13, "bias": 0.0},
        "usage": {"mean": [0.0] * n_usage, "scale": [1.0] * n_usage, "weights": [0.0] * n_usage, "bias": 0.0}})
    monkeypatch.setattr(conc, "load_model", lambda: model)
    alone = _concept(1, "method", "graph reasoning", 0)
    cs = ConceptSet([alone, _concept(2, "problem", "entity linking", 6)])

    class Block:
        spread = None

    out = unnamed_concepts(cs, Block(), {}, None, set(), 0.5)
    assert isinstance(out, frozenset)


def test_a_data_set_is_named_as_no_related_problem():
    """"MVTec" (14 of its 18 abstracts: "on MVTec", "MVTec AD dataset") was named as the related problem of "Apply
    SAM to WSI" on the 10,653-paper library: a data set is no problem, related or not."""
    from gapscope.concepts.pair_rules import ConceptMentions
    from gapscope.gaps.candidates import concept_gaps

    cs, dates, pv, plain = listed_gaps(plausible_min=0.0)
    named = [x for g in plain for x in sorted(_named(g))
             if x not in {g.details["method_concept"], g.details["problem_concept"]}]
    r = next(c for c in cs.concepts if c.phrase in named and c.kind == "problem")
    r.phrase = "MVTec"
    men = {c.id: frozenset(c.papers) for c in cs.concepts}
    reading = ConceptMentions(men, as_data={r.id: frozenset(r.papers)})
    again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, mentions=reading)
    assert again and all("MVTec" not in _named(g) and "\u201cMVTec\u201d" not in g.statement for g in again)


# problem ends of the 10,653-paper library that are data: "Apply skip connections to hyperspectral image", "Apply
# SAM to WSI"; their abstracts write "for <X> classification", which the problem reading counted as "for <X>"
DATA_TEXTS = {
    "hyperspectral image": ["A network for hyperspectral image classification.", "Mamba for hyperspectral image "
                            "super resolution.", "Attention for hyperspectral image (HSI) denoising.",
                            "Hyperspectral image data are large.", "We unmix hyperspectral images.",
                            "A framework for hyperspectral image fusion.", "Hyperspectral images of crops.",
                            "Band selection in hyperspectral images.", "Hyperspectral image compression."],
    "WSI": ["A model for WSI classification.", "A framework for WSI analysis.", "Clustering for WSI retrieval.",
            "Gigapixel WSIs are slow.", "Tiles from each WSI.", "We encode WSI patches.", "WSI-level labels.",
            "Multiple instance learning over WSIs."],
    "earth observation": ["Foundation models for earth observation.", "We address earth observation at scale.",
                          "Earth observation images.", "Satellites for earth observation.",
                          "Earth observation data.", "A benchmark for earth observation.", "Earth observation tasks.",
                          "Earth observation with LLMs."],
    "object detection": ["Transformers for object detection.", "We address object detection.",
                         "Object detection in fog.", "Object detection data.", "Object detection is hard.",
                         "Small object detection.", "Object detection benchmarks.", "Object detection models."],
}


def test_data_named_for_its_task_is_no_problem():
    from types import SimpleNamespace

    from gapscope.concepts.acronyms import DEFINED
    from gapscope.concepts.pair_rules import data_named, data_problems
    from gapscope.concepts.roles import own_task_papers

    concepts, texts, among = concept_corpus(DATA_TEXTS, "problem")
    by = {c.phrase: c for c in concepts}
    # what the papers defining "WSI" agree it stands for
    named = data_named(concepts, {by["WSI"].id: SimpleNamespace(verdict=DEFINED, dominant="whole-slide images")})
    assert named == {by["hyperspectral image"].id, by["WSI"].id, by["earth observation"].id}
    own = own_task_papers(texts, {k: [c.phrase for c in concepts if c.id == k] for k in named}, among)
    out = data_problems(concepts, {k: frozenset(v) for k, v in among.items()}, named,
                        {k: frozenset(v) for k, v in own.items()})
    # "for earth observation", "address earth observation": a field its papers work on, it stays
    assert [c.phrase for c, o in zip(concepts, out) if o] == ["hyperspectral image", "WSI"]


def test_data_ends_no_gap_as_the_problem():
    from gapscope.concepts.pair_rules import ConceptMentions
    from gapscope.gaps.candidates import not_problem_ids

    cs, dates, pv, plain = listed_gaps()
    p = cs.by_id()[plain[0].problem.cluster]
    men = {c.id: frozenset(c.papers) for c in cs.concepts}
    reading = ConceptMentions(men, as_task={p.id: frozenset(p.papers)}, as_part={})
    assert not_problem_ids(cs, reading) == frozenset()
    reading.data_named, reading.as_own_task = frozenset({p.id}), {p.id: frozenset()}
    assert not_problem_ids(cs, reading) == {p.id}


def test_data_named_for_its_difficulty_stays_a_problem():
    """ "imbalanced data", "noisy images", "out-of-distribution data": the difficulty of the data is the problem a
    method addresses ("Apply focal loss to imbalanced data"), though its abstracts write it "on/with/from <X>", no
    task context (the 10,653-paper library's data_problems refused these five, 0 to 1 own-task papers of 21-51)."""
    from gapscope.concepts.pair_rules import data_problems

    phrases = ["imbalanced data", "noisy images", "out-of-distribution data", "unseen data", "noisy data",
               "synthetic data"]
    concepts = [_concept(i, "problem", p, 30) for i, p in enumerate(phrases)]
    mentions = {c.id: frozenset(range(30)) for c in concepts}
    out = data_problems(concepts, mentions, [c.id for c in concepts], {c.id: frozenset() for c in concepts})
    assert [c.phrase for c, o in zip(concepts, out) if o] == ["synthetic data"]
