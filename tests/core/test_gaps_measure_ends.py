"""An evaluation measure is no problem end: "Apply knowledge distillation to FLOPs", "Apply 3D gaussians to chamfer
distance", "Apply RL to token consumption" were listed on the 10,653-paper library (concepts/measures.py)."""

from __future__ import annotations

from tests.core.gap_ends_helpers import assert_left_out, concept_corpus, listed_gaps

# each concept's papers: (title and abstract, result sentences), written as the library's abstracts write them
PAPERS = {
    "chamfer distance": [("We reconstruct shapes.", "Our method lowers the chamfer distance by 12%."),
                         ("Results in terms of chamfer distance and F-score.", ""),
                         ("Point cloud completion.", "It reaches a chamfer distance of 0.41."),
                         ("We study chamfer distance as a loss.", "")],
    "token consumption": [("Efficient agents.", "It reduces token consumption by 35% on GSM8K."),
                          ("Cheaper reasoning.", "We cut token consumption by 2x."),
                          ("We study token consumption of agents.", "")],
    "distance estimation": [("Monocular distance estimation for driving.", "We improve distance estimation."),
                            ("Distance estimation from a single camera.", "Distance estimation errors drop."),
                            ("A distance estimation network.", "")],
    "object detection": [("Object detection in fog.", "Our detector improves object detection on COCO."),
                         ("Small object detection.", "We achieve 45.1 mAP."),
                         ("Object detection with transformers.", "")],
    "hallucination": [("We mitigate hallucination in LLMs.", "Hallucination drops on TruthfulQA."),
                      ("Detecting hallucination.", "Our detector reaches 0.81 AUROC."),
                      ("Hallucination in VLMs.", ""), ("Why models hallucinate: hallucination.", "")],
    "energy efficiency": [("Improving the energy efficiency of data centers.", "Energy use falls."),
                          ("Energy efficiency of edge inference.", "We save 20% energy."),
                          ("Scheduling for energy efficiency.", "")],
}


def _read(texts):
    from gapscope.concepts.measures import measure_papers, measures
    from gapscope.concepts.model import Concept

    concepts, mentions, whole, results = [], {}, {}, {}
    for k, (phrase, papers) in enumerate(texts.items(), 1):
        papers = papers * 2           # MEASURE_MIN_MENTIONS: fewer papers say nothing
        ids = list(range(100 * k, 100 * k + len(papers)))
        concepts.append(Concept(k, "problem", phrase, [], None, {p: "problem" for p in ids}))
        mentions[k] = frozenset(ids)
        for pid, (text, result) in zip(ids, papers):
            whole[pid], results[pid] = f"{text} {result}", result
    as_measure = measure_papers(whole, results, {c.id: [c.phrase] for c in concepts}, mentions)
    return {c.phrase for c, o in zip(concepts, measures(concepts, mentions, as_measure)) if o}


def test_a_concept_its_papers_write_as_a_measure_is_no_problem():
    """A number next to it in the results ("by 12%", "of 0.41", "by 2x") or "in terms of <X>" in most of its papers:
    a measure. A task or a problem whose papers score it by another measure ("45.1 mAP", "0.81 AUROC") or that is
    a goal seldom written with a number ("energy efficiency") stays a problem."""
    assert _read(PAPERS) == {"chamfer distance", "token consumption"}


def test_a_well_known_metric_acronym_is_no_problem_read_or_not():
    from gapscope.concepts.measures import measures
    from gapscope.concepts.model import Concept

    phrases = ["FLOPs", "nDCG", "nDCG@10", "BLEU", "mAP", "PSNR/SSIM", "FID", "WER", "map", "SLAM", "machine translation"]
    concepts = [Concept(k + 1, "problem", ph, [], None) for k, ph in enumerate(phrases)]
    out = measures(concepts, {}, None)
    assert [c.phrase for c, o in zip(concepts, out) if o] == ["FLOPs", "nDCG", "nDCG@10", "BLEU", "mAP", "PSNR/SSIM",
                                                             "FID", "WER"]


def test_an_acronym_is_read_as_written():
    """"mAP" with a number is the measure; "a map of 3 rooms" is no sign for it (the case is read)."""
    from gapscope.concepts.measures import measure_papers

    texts = {1: "Semantic maps.", 2: "Detection."}
    results = {1: "We build a map of 3 rooms.", 2: "It reaches a mAP of 51.2."}
    assert measure_papers(texts, results, {"acronym": ["mAP"]}, {"acronym": [1, 2]}) == {"acronym": {2}}


def test_a_measure_ends_no_gap_and_is_named_as_no_related_problem():
    from gapscope.concepts.pair_rules import ConceptMentions
    from gapscope.gaps.candidates import measure_ids

    cs, dates, pv, plain = listed_gaps()
    by_id = cs.by_id()
    p = by_id[plain[0].problem.cluster]
    related = next(r["concept"] for g in plain for r in g.details["predicting_problems"] if r["concept"] != p.phrase)
    r = next(c for c in cs.concepts if c.phrase == related)
    men = {c.id: frozenset(c.papers) for c in cs.concepts}
    reading = ConceptMentions(men, as_measure={p.id: frozenset(p.papers), r.id: frozenset(r.papers)})
    assert measure_ids(cs, reading) == {p.id, r.id}
    assert_left_out(cs, dates, pv, reading, "problem", p, r, "evaluation measure")
    # unread, nothing is refused but a metric's acronym
    assert measure_ids(cs, ConceptMentions(men)) == frozenset()


def test_the_readings_agree_with_the_concept_corpus_helper():
    """The same reading through the shared helper's constructed concepts (one paper a sentence, no results):
    named as a measure in the abstract is enough."""
    from gapscope.concepts.measures import measure_papers

    concepts, by_paper, among = concept_corpus({
        "inference latency": ["We compare in terms of inference latency.", "The inference latency metric.",
                              "Lower inference latency."],
        "machine translation": ["Machine translation for low-resource languages.", "Neural machine translation.",
                                "We evaluate machine translation in terms of BLEU."]}, "problem")
    read = measure_papers(by_paper, {}, {c.id: [c.phrase] for c in concepts}, among)
    assert [len(read[c.id]) for c in concepts] == [2, 0]


def test_a_metric_spelt_out_before_its_acronym_is_no_problem():
    """"signal-to-noise ratio SNR" (the extractor drops the brackets of "signal-to-noise ratio (SNR)") was the
    problem end of "Apply alternating optimization to signal-to-noise ratio SNR" on the 10,653-paper library; a
    problem that only holds the acronym ("low SNR") or a phrase that spells another ("signal-to-noise ratio psnr")
    is not read so."""
    from gapscope.concepts.measures import measures
    from gapscope.concepts.model import Concept

    phrases = ["signal-to-noise ratio SNR", "peak signal-to-noise ratio PSNR", "SNR", "low SNR",
               "whole-slide images WSIs", "signal-to-noise ratio psnr"]
    concepts = [Concept(k + 1, "problem", ph, [], None) for k, ph in enumerate(phrases)]
    out = measures(concepts, {}, None)
    assert [c.phrase for c, o in zip(concepts, out) if o] == phrases[:3]
