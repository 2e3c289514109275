"""The protocol read from how CS abstracts state their evaluation: a metric with the benchmarks it is measured
on ("mIoU on Cityscapes", "BLEU on WMT"). The sentences are real problem-side sentences of the CS library's
gaps (or of their kind); the protocol is named only when a fair share of the papers agree, never invented."""

from __future__ import annotations

from gapscope.experiments.draft import draft_spec_from_gap
from gapscope.experiments.draft_protocol import benchmarks_named, read_protocol
from gapscope.experiments.spec import spec_from_text

from tests.core.test_experiments_compare_draft import _gap, _paper_with_sentences, _problem_gap


def test_benchmarks_are_the_names_next_to_on_benchmark_or_dataset():
    """Capitalised names and acronyms after "on"/"across", before "benchmark(s)"/"dataset(s)", or listed
    after them; never a word after "based on", a metric, or a language model used."""
    said = {
        "Experiments on CORe50, TiROD, and PASCAL VOC benchmarks with three standard baselines (Fine-tuning,EWC, "
        "iCaRL) demonstrate that AHC enables practical continual detection": ["CORe50", "TiROD", "PASCAL VOC"],
        "As a result, our method surpasses state-of-the-art approaches in surface reconstruction and novel view "
        "synthesis on the DTU and MobileBrick datasets.": ["DTU", "MobileBrick"],
        "It is worth noting that our method achieves state-of-the-art performance on three widely used benchmarks "
        "(e.g., ACDC, Dark Zurich, and Nighttime Driving) and shows generalization ability":
            ["ACDC", "Dark Zurich", "Nighttime Driving"],
        "We evaluate this framework on the BioASQ and PubMedQA benchmarks, specifically analyzing the impact of "
        "dynamic in-context learning": ["BioASQ", "PubMedQA"],
        "A CLIP-B/16 model trained on only 1 million Role-SynthCLIP pairs achieves a Recall@1 of 64.1% on the MS "
        "COCO validation set": ["MS COCO"],
        "We report EM/F1 on SQuAD/HotpotQA.": ["SQuAD", "HotpotQA"],
        "Our extensive evaluation on pathological datasets including NuInsSeg, PanNuke and GlaS, reveals that":
            ["NuInsSeg", "PanNuke", "GlaS"],
        "We conduct extensive experiments on real-world scene datasets, including in-domain RealEstate-10K and "
        "out-of-domain KITTI-v2, showing that our approach": ["RealEstate-10K", "KITTI-v2"],
        "The model is based on LLaMA and relies on GPT-4 annotations.": [],
        "Empirical evaluations on the MATH500, GSM8K, and OlympiadBench-TO datasets achieve substantial relative "
        "improvement with an increase of up to 16% using LLaMA-3.1-8B": ["MATH500", "GSM8K", "OlympiadBench-TO"],
    }
    for sentence, names in said.items():
        assert benchmarks_named(sentence) == names, sentence


def _seg_papers(library):
    return [_paper_with_sentences(library, "Night segmentation",
                                  ["We adapt a daytime model to night scenes."],
                                  ["Our method reaches 55.2 mIoU on Cityscapes and 48.1 mIoU on ACDC."]),
            _paper_with_sentences(library, "Weather-robust segmentation",
                                  ["Experiments on the Cityscapes and ACDC datasets."],
                                  ["It improves mIoU by 2.3 points over prior adaptation methods."]),
            _paper_with_sentences(library, "Real-time segmentation",
                                  ["We evaluate on Cityscapes."],
                                  ["Our network achieves 76.4% mIoU at 80 FPS."]),
            _paper_with_sentences(library, "A survey of robustness", ["We review methods."], ["It is useful."])]


def test_draft_names_the_protocol_the_problem_papers_share(library):
    """Three of four problem-side papers give mIoU on Cityscapes: the draft says "evaluate on Cityscapes by
    mIoU, as 3 of 4 problem papers do", with each benchmark's count, instead of "cannot tell"."""
    pids = _seg_papers(library)
    text = draft_spec_from_gap(_problem_gap(pids, label="semantic segmentation"), lib=library)
    reason = spec_from_text(text)["eval"]["placeholder"]
    assert "cannot tell" not in text
    assert "evaluate on Cityscapes (3 papers), ACDC (2 papers) by mIoU, as 3 of 4 problem papers do" in text
    assert "mIoU" in reason and "Cityscapes" in reason          # the runner has no mIoU: still refused, said why


def test_a_protocol_the_runner_can_score_is_no_evaluation_placeholder(library):
    """"accuracy on CIFAR-100" shared by 2 of 3 papers: the runner measures accuracy, so [eval] names the
    protocol in a comment and only the data (the benchmark's CSV) remains to fill in."""
    pids = [_paper_with_sentences(library, "Long-tail A", ["We evaluate on CIFAR-100 and ImageNet-LT."],
                                  ["Top-1 accuracy improves by 2.1% on CIFAR-100."]),
            _paper_with_sentences(library, "Long-tail B", [], ["Our method reaches 48.3% accuracy on CIFAR-100."]),
            _paper_with_sentences(library, "Survey", ["We review methods."], ["It is useful."])]
    text = draft_spec_from_gap(_problem_gap(pids, label="long-tailed recognition"), lib=library)
    spec = spec_from_text(text)
    assert "evaluate on CIFAR-100 (2 papers) by accuracy, as 2 of 3 problem papers do" in text.split("[eval]")[1]
    assert spec["eval"]["placeholder"] == "" and spec["data"]["placeholder"]


def test_no_protocol_is_invented_when_the_papers_do_not_agree(library):
    """Real sentences of gap 110 (semantic segmentation): each paper names its own benchmarks, so no protocol
    is named; the placeholder lists what each uses instead of "cannot tell"."""
    pids = [_paper_with_sentences(library, "MUSES", [], [
                "Our method achieves state-of-the-art panoptic and semantic segmentation performance on the "
                "challenging MUSES and DELIVER datasets."]),
            _paper_with_sentences(library, "Night", [], [
                "It is worth noting that our method achieves state-of-the-art performance on three widely used "
                "benchmarks (e.g., ACDC, Dark Zurich, and Nighttime Driving) and shows generalization ability in "
                "synthetic-to-real semantic segmentation."]),
            _paper_with_sentences(library, "Modalities", [], [
                "Evaluated on five diverse datasets with different complementary modalities, our model surpasses "
                "specialized multi-modal methods and achieves state-of-the-art performance with a mIoU of 65.03%."])]
    proto = read_protocol([{"paper": p, "sentences": s} for p, s in zip(pids, [
        ["on the challenging MUSES and DELIVER datasets."], ["benchmarks (e.g., ACDC, Dark Zurich)"], []])])
    assert proto.benchmarks == {"MUSES": [pids[0]], "DELIVER": [pids[0]], "ACDC": [pids[1]],
                                "Dark Zurich": [pids[1]]}
    text = draft_spec_from_gap(_problem_gap(pids, label="semantic segmentation"), lib=library)
    reason = spec_from_text(text)["eval"]["placeholder"]
    assert "evaluate on" not in reason and "cannot tell" not in reason
    assert "do not share a benchmark" in reason and f"MUSES 1 ([{pids[0]}])" in reason


def test_run_name_does_not_go_stale_when_the_data_set_is_edited():
    """A gap-105 draft was named "gap105-mlp-csv"; switched to "digits", its runs kept "csv" in their name.
    The name now says the gap and the method only, so no edit of [data] or [model] makes it wrong."""
    gap = dict(_gap("contrastive learning", [], "catastrophic forgetting", []), id=105)
    text = draft_spec_from_gap(gap)
    spec = spec_from_text(text)
    assert spec["data"]["dataset"] == "csv"
    assert spec.name == "gap105-contrastive-learning"
    edited = spec_from_text(text.replace('dataset = "csv"', 'dataset = "digits"'))
    assert "csv" not in edited.name and "mlp" not in edited.name


def test_models_architectures_and_hardware_are_no_benchmarks_and_camel_case_names_are():
    """Two papers naming GPT-4 must not make "evaluate on GPT-4" a protocol."""
    from gapscope.experiments.draft_protocol import benchmarks_named

    assert benchmarks_named("Experiments on GPT-4 and Llama-3 show 12% higher accuracy.") == []
    assert benchmarks_named("Results on Qwen2.5-7B and Transformer-based models on NVIDIA A100 GPUs.") == []
    assert benchmarks_named("It reaches 61.2 NDS on the nuScenes and KITTI datasets.") == ["nuScenes", "KITTI"]
    assert benchmarks_named("We report pass@1 on miniF2F and accuracy on iNaturalist.") == ["miniF2F", "iNaturalist"]
