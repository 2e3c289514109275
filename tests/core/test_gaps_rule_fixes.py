"""Concept and pair rules on real abstracts (the arXiv cs file of the shared data): the mistakes the
10,653-paper library showed ("MCQs", "cross-dataset", "NVIDIA Jetson" taken as data sets, "KITTI" missed,
"CAD models" taken as a model class, "diagnostic accuracy" as a bare property)."""

from __future__ import annotations

import gzip
import json
import re
from types import SimpleNamespace

import pytest

PATTERNS = {"KITTI": r"\bKITTI\b", "MCQs": r"\bMCQs\b", "NVIDIA jetson": r"\bNVIDIA Jetson\b",
            "cross-dataset": r"\bcross-dataset\b", "CAD models": r"\bCAD models\b",
            "diagnostic accuracy": r"\bdiagnostic accuracy\b"}
PER_PHRASE = 30


@pytest.fixture(scope="module")
def real_abstracts(shared_data):
    """The first PER_PHRASE abstracts of the cs file mentioning each phrase: {phrase: [(title, abstract)]}."""
    found = {k: [] for k in PATTERNS}
    pats = {k: re.compile(v) for k, v in PATTERNS.items()}
    with gzip.open(shared_data / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            text = f"{r.get('title', '')} {r.get('abstract', '')}"
            for k, p in pats.items():
                if len(found[k]) < PER_PHRASE and p.search(text):
                    found[k].append((r["title"], r["abstract"]))
            if all(len(v) >= PER_PHRASE for v in found.values()):
                break
    return found


@pytest.fixture
def real_library(library, real_abstracts):
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper

    rows = {(t, a) for v in real_abstracts.values() for t, a in v}
    ingest_papers(library, [Paper(title=t, abstract=a, source="t", source_key=str(i)) for i, (t, a) in enumerate(sorted(rows))],
                  kind="import", source="t", target="test")
    return library


def _is_data_set(lib, phrase):
    from gapscope.concepts.pair_rules import data_sets

    c = SimpleNamespace(id=1, phrase=phrase)
    mentions = {1: frozenset(lib.papers_mentioning({1: [phrase]})[1])}
    as_data = {1: frozenset(lib.papers_naming_as_data({1: [phrase]})[1])}
    assert len(mentions[1]) >= PER_PHRASE        # the real abstracts mention it
    return bool(data_sets([c], mentions, as_data)[0]), len(as_data[1]) / len(mentions[1])


def test_kitti_is_a_data_set_counting_lists_of_data_sets(real_library):
    from gapscope.store.mentions import data_context_query

    # "experiments on the KITTI and nuScenes datasets": KITTI is named as data first in a list
    assert 'NEAR("kitti and" "dataset", 2)' in data_context_query(["KITTI"])
    is_data, share = _is_data_set(real_library, "KITTI")
    assert is_data, share
    hits = real_library.papers_naming_as_data({1: ["KITTI"]})[1]
    texts = {pid: a for pid, _t, a in real_library.paper_title_abstracts()}
    assert any(re.search(r"KITTI and \w+ (datasets|benchmarks)", texts[p]) for p in hits)


def test_mcqs_are_items_not_a_data_set(real_library):
    # "1,042 multiple-choice questions (MCQs)", "evaluated on MCQs": a kind of question, no named set
    from gapscope.concepts.pair_rules import data_sets

    is_data, _share = _is_data_set(real_library, "MCQs")
    assert not is_data
    # whatever share of its mentions read "on MCQs" (over a third in the 10,653-paper library at 2025-11-01)
    men = frozenset(real_library.papers_mentioning({1: ["MCQs"]})[1])
    assert not data_sets([SimpleNamespace(id=1, phrase="MCQs")], {1: men}, {1: men})[0]
    assert data_sets([SimpleNamespace(id=1, phrase="COCO")], {1: men}, {1: men})[0]


def test_cross_dataset_is_a_modifier_not_a_data_set(real_library):
    from gapscope.concepts.pair_rules import data_head

    # "cross-dataset generalization", "in a cross-dataset fashion"
    assert not data_head("cross-dataset") and not data_head("multi-benchmark")
    assert data_head("medical imaging datasets") and data_head("QA benchmarks")
    is_data, _share = _is_data_set(real_library, "cross-dataset")
    assert not is_data


def test_nvidia_jetson_is_hardware_neither_a_data_set_nor_a_concept(real_library):
    from gapscope.concepts.quality import not_a_concept

    # "25.48 FPS on an NVIDIA Jetson AGX Orin": a device a method runs on
    from gapscope.concepts.pair_rules import data_sets

    is_data, _share = _is_data_set(real_library, "NVIDIA Jetson")
    assert not is_data
    # whatever share of its mentions read "on NVIDIA Jetson" (over a third in the library at 2026-01-01)
    men = frozenset(real_library.papers_mentioning({1: ["NVIDIA Jetson"]})[1])
    assert not data_sets([SimpleNamespace(id=1, phrase="NVIDIA jetson")], {1: men}, {1: men})[0]
    for phrase in ("NVIDIA jetson", "GPUs", "VRAM", "edge GPUs"):
        assert not_a_concept(phrase) == "hardware"
    for phrase in ("GPU memory", "edge deployment", "KITTI"):
        assert not_a_concept(phrase) is None


def test_cad_models_are_geometry_not_a_model_class(real_abstracts):
    from gapscope.concepts.quality import model_class

    # "novel objects represented by CAD models", "parametric CAD models": shapes, not learnt models
    assert any("parametric CAD models" in a for _t, a in real_abstracts["CAD models"])
    assert not model_class("CAD models") and not model_class("3D models")
    assert model_class("diffusion models") and model_class("vision-language models")


def test_diagnostic_accuracy_is_a_clinical_outcome_not_a_bare_property(real_abstracts):
    from gapscope.concepts.quality import bare_property

    # "enhance diagnostic accuracy and workflow efficiency": the accuracy of a diagnosis
    assert len(real_abstracts["diagnostic accuracy"]) == PER_PHRASE
    assert not bare_property("diagnostic accuracy")
    assert bare_property("visual fidelity") and bare_property("overall accuracy")


def test_rates_are_measures_claims_are_fragments_and_lms_a_model_class():
    """What a fresh extraction of the 10,653-paper library listed as problems: "success rate", "win rate"
    (how results are scored), "LLMs excel" (the subject and verb of a claim), "LMs" (a model class)."""
    from gapscope.concepts.quality import model_class, not_a_concept

    assert not_a_concept("success rate") == not_a_concept("win rate") == "evaluation measure"
    assert not_a_concept("LLMs excel") == not_a_concept("existing methods struggle") == "sentence fragment"
    assert model_class("LMs") and model_class("multimodal LLMs")
    for kept in ("human performance", "reinforcement learning", "attack success rate", "medical image segmentation"):
        assert not_a_concept(kept) is None, kept
    assert not model_class("film") and not model_class("FMs")
