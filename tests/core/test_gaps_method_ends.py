"""A gap applies a method: a method concept its abstracts write as data, a space or an output ("from point
clouds", "in the latent space", "estimate camera poses") far more than as a technique ends no listed gap and is
named as no related method; methods written as techniques ("LoRA", "contrastive learning", "KV cache") stay.
A compound modifier ("LLM-driven") is named as no related concept either."""

from __future__ import annotations

import numpy as np

from tests.core.gap_ends_helpers import assert_left_out, concept_corpus, listed_gaps

# abstracts as the 10,653-paper CS library writes these concepts (its phrases, shortened sentences)
TEXTS = {
    "point clouds": ["We segment objects from point clouds.", "Raw point cloud data is noisy.",
                     "Input point clouds are sparse.", "We use point clouds for mapping.", "A study of point clouds.",
                     "Point clouds matter for robots.", "Given point clouds, we detect cars.",
                     "Point cloud scans from LiDAR."],
    "latent space": ["Editing in the latent space.", "We map images into the latent space.",
                     "Diffusion within the latent space.", "The latent space of GANs.", "A latent space study.",
                     "We optimise in latent space.", "The latent space is smooth.", "Latent space geometry."],
    "camera poses": ["We estimate camera poses.", "Camera pose estimation from video.",
                     "Given camera poses, we render.", "Without camera poses, the fields fail.",
                     "Accurate camera poses help.", "Camera poses are noisy.", "Camera poses of scenes.",
                     "Known camera poses."],
    "LoRA": ["We fine-tune with LoRA.", "LoRA-based adapters.", "Using LoRA, we adapt.", "We apply LoRA to ViTs.",
             "LoRA reduces memory.", "LoRA merges cleanly.", "In LoRA, ranks matter.", "LoRA for agents."],
    "contrastive learning": ["Pretraining via contrastive learning.", "A contrastive learning framework.",
                             "Using contrastive learning we align.", "In contrastive learning, negatives matter.",
                             "Contrastive learning helps retrieval.", "We adopt contrastive learning.",
                             "Contrastive learning at scale.", "Contrastive learning, revisited."],
    "KV cache": ["KV cache compression.", "We store keys in the KV cache.", "Leveraging KV cache reuse.",
                 "A KV cache-based scheduler.", "KV cache eviction.", "The KV cache grows.", "KV cache budgets.",
                 "KV cache quantization."],
}
REFUSED = ("point clouds", "latent space", "camera poses")


def _reading():
    from gapscope.concepts.roles import thing_papers

    concepts, texts, among = concept_corpus(TEXTS, "method")
    used, thing = thing_papers(texts, {c.id: [c.phrase] for c in concepts}, among)
    return concepts, {k: frozenset(v) for k, v in among.items()}, used, thing


def test_data_a_space_or_an_output_is_no_method():
    from gapscope.concepts.pair_rules import not_methods

    concepts, mentions, used, thing = _reading()
    out = not_methods(concepts, mentions, used, thing)
    assert {c.phrase for c, o in zip(concepts, out) if o} == set(REFUSED)
    # "from", "data", "input", "given", "scans"; "in the", "into the", "within the", "in"; "estimate",
    # "estimation", "given", "without", "known"
    assert [len(thing[c.id]) for c in concepts[:3]] == [5, 4, 5]
    assert len(used[4]) == 4 and len(used[5]) == 4     # LoRA, contrastive learning: techniques


def test_too_few_mentions_say_nothing():
    from gapscope.concepts.pair_rules import THING_MIN_MENTIONS, not_methods

    concepts, mentions, used, thing = _reading()
    few = {k: frozenset(sorted(v)[: THING_MIN_MENTIONS - 1]) for k, v in mentions.items()}
    short = {k: v & few[k] for k, v in thing.items()}
    assert not not_methods(concepts, few, {k: v & few[k] for k, v in used.items()}, short).any()


def test_a_thing_ends_no_gap_and_is_named_as_no_related_method():
    from gapscope.concepts.pair_rules import ConceptMentions
    from gapscope.gaps.candidates import not_method_ids

    cs, dates, pv, plain = listed_gaps()
    by_id = cs.by_id()
    m = by_id[plain[0].method.cluster]
    men = {c.id: frozenset(c.papers) for c in cs.concepts}
    # and a method a gap names as the related one ("CXR" once)
    related = next(r["concept"] for g in plain for r in g.details["predicting_methods"])
    r = next(c for c in cs.concepts if c.phrase == related)
    reading = ConceptMentions(men, as_task={}, as_used={m.id: frozenset(), r.id: frozenset()},
                              as_thing={m.id: frozenset(m.papers), r.id: frozenset(r.papers)})
    assert not_method_ids(cs, reading) == {m.id, r.id}
    assert_left_out(cs, dates, pv, reading, "method", m, r, "write as data, a space or an output")
    # a problem concept written so stays a problem ("point cloud segmentation" is one)
    p = by_id[plain[0].problem.cluster]
    as_p = ConceptMentions(men, as_task={}, as_used={p.id: frozenset()}, as_thing={p.id: frozenset(p.papers)})
    assert not_method_ids(cs, as_p) == frozenset()


def test_a_modifier_is_named_as_no_related_concept():
    from gapscope.concepts.model import Concept
    from gapscope.gaps.candidates import modifier
    from gapscope.gaps.concept_evidence import EvidenceGatherer

    assert modifier("LLM-driven") and modifier("training-free") and not modifier("Text-to-SQL")
    ids = {1: "LLM-driven", 2: "token consumption", 3: "reward hacking"}
    concepts = [Concept(k, "problem", ph, [], np.array([1.0, 0.0]), {k: "problem"}) for k, ph in ids.items()]
    g = EvidenceGatherer(concepts, 3, None, unnamed=frozenset({1}))
    assert [c.phrase for c in g.problems] == ["token consumption", "reward hacking"]


def test_a_shortcoming_gap_quotes_no_method_sentence(tmp_path):
    """A sentence saying what the paper does ("we apply an overlapping sliding-window chunking strategy"), which
    the classifier also flagged as prior work's shortcoming, is quoted neither after the statement nor as its
    example; the paper's shortcoming sentence is."""
    from gapscope.gaps.find import quote_shortcomings, shortcoming_reader
    from gapscope.gaps.model import Gap
    from gapscope.gaps.quotes import quotable
    from gapscope.store import Library

    lib = Library(tmp_path / "review.gapscope")
    try:
        with lib.transaction() as conn:
            pid = conn.execute("INSERT INTO papers (title, norm_title, added_at) VALUES ('Chunking', 'chunking', "
                               "'2026')").lastrowid
        how = ("Since responses frequently exceed the 512-token limit of standard Transformer encoders, we apply an "
               "overlapping sliding-window chunking strategy.")
        short = "Standard Transformer encoders cannot read long responses."
        lib.write_facet_sentences(pid, [(0, 0, 10, how, "method", 0.8, "prior", 0.97),
                                        (1, 11, 20, short, "background", 0.9, "prior", 0.9)], "test", "h", "2026")
        example = f" (e.g. \u201c{how}\u201d)"
        gap = Gap("unaddressed_shortcoming", 0.5, f"4 papers state the shortcoming \u201cx\u201d{example}, yet none.",
                  None, None, [pid], roles={pid: "shortcoming"},
                  details={"example": {"text": how, "in_statement": example}})
        # a map's representative, cut at 60 characters, of a paper the gap does not quote
        cut = how[:59].rstrip() + "\u2026"
        other = Gap("unaddressed_shortcoming", 0.4, f"5 papers state \u201cy\u201d (e.g. \u201c{cut}\u201d), yet none.",
                    None, None, [], roles={},
                    details={"example": {"text": cut, "in_statement": f" (e.g. \u201c{cut}\u201d)", "paper_id": pid}})
        quote_shortcomings(lib, [gap, other])
        assert [q["text"] for q in gap.details["quotes"]] == [short]
        assert how not in gap.statement and "(e.g." not in gap.statement and short in gap.statement, gap.statement
        # its example gone, and it says it quotes none (it names no stating paper)
        assert other.statement.startswith("5 papers state \u201cy\u201d, yet none. No shortcoming sentence quoted"), \
            other.statement
        # a method x problem gap's reader gives both, labelled; the method one is never quoted
        read = shortcoming_reader(lib)([pid])[pid]
        assert [(q["text"], q["role"]) for q in read] == [(how, "method"), (short, "background")]
        assert [q["text"] for q in quotable(read)] == [short]
    finally:
        lib.close()


def test_a_sensor_written_as_an_input_is_no_method():
    """"Apply LiDAR to UAV" was listed: the 10,653-paper library writes LiDAR as an input ("from LiDAR",
    "LiDAR data / scans / sensors") in 38 of its 104 abstracts and as a problem in 12, the share that refuses an
    input modality as a problem end (pair_rules.inputs); as a method end it is data too. LoRA stays."""
    from gapscope.concepts.pair_rules import ConceptMentions
    from gapscope.concepts.roles import input_papers, technique_and_task_papers
    from gapscope.concepts.model import ConceptSet
    from gapscope.gaps.candidates import not_method_ids

    lidar = ["Point clouds from LiDAR.", "LiDAR data is sparse.", "Raw LiDAR scans.", "LiDAR sensors on cars.",
             "Given LiDAR, we map roads.", "We fuse camera and LiDAR.", "LiDAR helps detection.", "LiDAR is costly."]
    concepts, texts, among = concept_corpus({"LiDAR": lidar, "LoRA": TEXTS["LoRA"]}, "method")
    forms = {c.id: [c.phrase] for c in concepts}
    as_input = {k: frozenset(v) for k, v in input_papers(texts, forms, among).items()}
    _, as_task = technique_and_task_papers(texts, forms, among)
    assert len(as_input[1]) == 5 and len(as_input[2]) == 0
    reading = ConceptMentions({k: frozenset(v) for k, v in among.items()}, as_task={k: frozenset(v) for k, v in
                              as_task.items()}, as_input=as_input)
    assert not_method_ids(ConceptSet(concepts), reading) == {1}
    # not read: nothing refused for it
    assert not_method_ids(ConceptSet(concepts), ConceptMentions({k: frozenset(v) for k, v in among.items()})) == set()


# a task named in method sentences became a method concept: "Apply report generation to visual reasoning" was
# listed on the 10,653-paper library; its abstracts name it as a task, seldom use it as a technique
TASK_TEXTS = {
    "report generation": ["A benchmark for report generation.", "Radiology report generation task.",
                          "We address report generation from chest X-rays.", "Report generation remains hard.",
                          "Towards faithful report generation.", "Report generation for CT scans.",
                          "Report generation of clinical findings.", "Report generation models hallucinate.",
                          "Interleaved report generation agents.", "Grounded report generation."],
    "flow matching": ["We train with flow matching.", "A flow matching-based generator.",
                      "Using flow matching, we sample fast.", "Flow matching for speech.", "Flow matching models.",
                      "Via flow matching we align.", "Flow matching is simple.", "Flow matching at scale."],
    "question generation": ["Question generation with LLMs.", "Question generation pipelines.",
                            "Question generation for tutoring.", "Automatic question generation.",
                            "We study question generation.", "Question generation improves retrieval."],
}


def test_a_task_its_abstracts_name_as_one_is_no_method():
    from gapscope.concepts.pair_rules import tasks_as_methods
    from gapscope.concepts.roles import technique_and_task_papers

    concepts, texts, among = concept_corpus(TASK_TEXTS, "method")
    tech, task = technique_and_task_papers(texts, {c.id: [c.phrase] for c in concepts}, among)
    mentions = {k: frozenset(v) for k, v in among.items()}
    out = tasks_as_methods(concepts, mentions, tech, task)
    # "flow matching" is used as a technique; "question generation" named as a task no more than used: both stay
    assert [c.phrase for c, o in zip(concepts, out) if o] == ["report generation"]


def test_a_task_ends_no_gap_as_the_method(monkeypatch):
    """A method concept whose phrase names a task and whose abstracts name it as one is left out of the listing
    (the constructed graph's phrases name no task: the phrase test is stood in for)."""
    from gapscope.concepts import roles
    from gapscope.concepts.pair_rules import ConceptMentions
    from gapscope.gaps.candidates import not_method_ids

    cs, dates, pv, plain = listed_gaps()
    m = cs.by_id()[plain[0].method.cluster]
    men = {c.id: frozenset(c.papers) for c in cs.concepts}
    reading = ConceptMentions(men, as_technique={m.id: frozenset()}, as_task={m.id: frozenset(m.papers)})
    assert not_method_ids(cs, reading) == frozenset()
    monkeypatch.setattr(roles, "task_name", lambda phrase: phrase == m.phrase)
    assert not_method_ids(cs, reading) == {m.id}
