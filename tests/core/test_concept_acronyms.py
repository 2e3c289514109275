"""What an acronym concept stands for (concepts/acronyms.py): the expansions real arXiv abstracts define,
a name several papers give to different methods judged ambiguous, and the gap listing: an ambiguous
acronym is no gap end (a notice names it), a defined one is named with its expansion."""

from __future__ import annotations

import gzip
import json
import logging
import re
from dataclasses import replace
from functools import lru_cache

import numpy as np
import pytest

ACRONYMS = ("RAG", "LoRA", "MLLMs", "VAR", "SAGE")


@lru_cache(maxsize=1)
def _naming(path: str, per: int = 12) -> dict[str, tuple[tuple[int, str], ...]]:
    """{acronym: the first ``per`` (line, title. abstract) of the cs file that name it}."""
    found: dict[str, list] = {a: [] for a in ACRONYMS}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            rec = json.loads(line)
            text = f"{rec['title']}. {rec.get('abstract') or ''}"
            for a, rows in found.items():
                if len(rows) < per and re.search(rf"(?<![\w-]){a}(?![\w-])", text):
                    rows.append((i, text))
            if all(len(r) >= per for r in found.values()):
                break
    return {a: tuple(r) for a, r in found.items()}


@pytest.fixture(scope="module")
def naming(shared_data):
    return _naming(str(shared_data / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz"))


def _concept(cid, phrase, pids, kind="method"):
    from gapscope.concepts.model import Concept

    return Concept(id=cid, kind=kind, phrase=phrase, synonyms=[], vector=np.zeros(4, np.float32),
                   papers={int(p): kind for p in pids})


@pytest.mark.parametrize("acr, expansion", [("RAG", "retrieval-augmented generation"), ("LoRA", "low-rank adaptation"),
                                            ("MLLMs", "multimodal large language models"),
                                            ("VAR", "visual autoregressive")])
def test_real_abstracts_give_the_usual_acronyms_their_expansion(naming, acr, expansion):
    """The first papers of the cs file naming each acronym: most define it, all the same way (VAR: the
    visual-autoregressive readings, with and without "modeling", are one; "video anomaly reasoning" is
    another, outvoted)."""
    from gapscope.concepts.acronyms import DEFINED, read_acronyms

    rows = naming[acr]
    texts = {i: t for i, t in rows}
    r = read_acronyms([_concept(1, acr, texts)], texts)[1]
    assert r.verdict == DEFINED, r
    assert r.dominant.startswith(expansion), r
    assert r.defining >= 5 and r.expansions[0][1] >= 0.8 * r.defining, r


def test_real_sage_papers_name_different_methods_and_are_ambiguous(naming):
    from gapscope.concepts.acronyms import AMBIGUOUS, read_acronyms

    texts = {i: t for i, t in naming["SAGE"]}
    r = read_acronyms([_concept(1, "SAGE", texts)], texts)[1]
    assert r.verdict == AMBIGUOUS and r.ambiguous
    assert len(r.expansions) >= 4 and all(n == 1 for _, n in r.expansions), r
    assert "strategy-adaptive generation engine" in dict(r.expansions)


@pytest.mark.parametrize("text, acr, want", [
    # Schwartz-Hearst splits words at hyphens and takes the shortest run: made whole again
    ("We study Multi-modal Large Language Models (MLLMs) on charts.", "MLLMs", "Multi-modal Large Language Models"),
    ("Progress on the Abstraction and Reasoning Corpus (ARC) is slow.", "ARC", "Abstraction and Reasoning Corpus"),
    ("Methods based on retrieval-augmented generation~(RAG) help.", "RAG", "retrieval-augmented generation"),
    # a paper naming its own method: "ACR (long form)", "ACR: Long Form ..." (a title), "ACR, a long form"
    ("We propose SAGE (SAE AGentic Explainer), an agent.", "SAGE", "SAE AGentic Explainer"),
    ("SAGE: A Self-Evolving Agentic Graph-Memory Engine for Memory. We build it.", "SAGE",
     "Self-Evolving Agentic Graph-Memory Engine"),
    ("In this paper, we propose SAGE, a scale-aware gradual evolution framework for CKGE.", "SAGE",
     "scale-aware gradual evolution"),
])
def test_definitions_read_both_directions_and_whole_words(text, acr, want):
    from gapscope.concepts.acronyms import definitions

    assert want in definitions(text, acr)


@pytest.mark.parametrize("text, acr", [
    ("SAGE, a novel RL framework, outperforms baselines.", "SAGE"),      # the words do not spell it
    ("We compare LoRA, DoRA and PiSSA on eight tasks.", "LoRA"),         # a list is no appositive
    ("Results improve, leading to consistent improvements (LMs) in all runs.", "LMs"),  # letters, not words
])
def test_a_match_by_letters_alone_is_no_definition(text, acr):
    from gapscope.concepts.acronyms import definitions

    assert definitions(text, acr) == []


@pytest.mark.parametrize("a, b, same", [
    ("visual autoregressive", "visual autoregressive modeling", True),
    ("Visual Auto-Regressive", "visual autoregressive model", True),
    ("hyperspectral image", "hyperspectral imaging", True),
    ("low-rank adaptation", "low-rank adapters", True),
    ("generative AI", "generative artificial intelligence", True),
    ("multi-modal large language models", "multimodal large language model", True),
    ("large reasoning models", "large reconstruction models", False),
    ("strategy-adaptive generation engine", "structure-aware generative video transitions", False),
    ("reconfigurable intelligent surface", "referring image segmentation", False),
    ("task-oriented dialogue", "target-oriented dialogue", False),     # a head noun counts inside a name
])
def test_near_identical_expansions_are_one(a, b, same):
    from gapscope.concepts.acronyms import same_expansion

    assert same_expansion(a, b) is same and same_expansion(b, a) is same


def test_verdicts_follow_the_defining_papers():
    from gapscope.concepts.acronyms import AMBIGUOUS, DEFINED, MAJORITY, UNDEFINED, judge

    ras = "retrieval-augmented generation"
    assert judge("RAG", {1: [ras], 2: [ras], 3: ["Retrieval Augmented Generation"], 4: ["random access graph"]},
                 10).verdict == DEFINED                               # 3 of 4 >= MAJORITY
    assert MAJORITY > 0.5
    two = judge("TLS", {1: ["terrestrial laser scanning"], 2: ["timeline summarization"]}, 6)
    assert two.verdict == AMBIGUOUS and len(two.expansions) == 2
    # a single defining paper among many: no reading of the library's use, no expansion shown
    assert judge("RGB", {1: ["retrieval-augmented generation benchmark"]}, 54).verdict == UNDEFINED
    assert judge("COCO", {}, 31).verdict == UNDEFINED and judge("COCO", {}, 31).dominant is None
    # groups form round the most common expansions: a short one cannot chain two others into one
    ssl = judge("SSL", {1: ["self-supervised learning"], 2: ["self-supervised learning"], 3: ["supervised learning"],
                        4: ["semi-supervised learning"], 5: ["semi-supervised learning"]}, 5)
    assert dict(ssl.expansions) == {"self-supervised learning": 3, "semi-supervised learning": 2}
    assert ssl.verdict == AMBIGUOUS


@pytest.mark.parametrize("phrase, acronym", [("RAG", True), ("LLMs", True), ("LoRA", True), ("NeRF", True),
                                             ("Transformer", False), ("DeepSeek", False), ("KV cache", False),
                                             ("GPT-4o", False), ("attention", False)])
def test_which_phrases_are_acronyms(phrase, acronym):
    from gapscope.concepts.acronyms import is_acronym

    assert is_acronym(phrase) is acronym


@pytest.mark.parametrize("word, capitals, plural, two_capitals", [
    ("RL", True, False, True), ("LLMs", True, True, True), ("LoRA", False, False, True),
    ("NeRF", False, False, True), ("MCQs", True, True, True), ("Transformer", False, False, False),
    ("GPT4", False, False, True), ("learning", False, False, False)])
def test_the_written_forms_of_a_name_in_capitals(word, capitals, plural, two_capitals):
    # three tests, each for its reader: the cut-expansion rule, the named-set rule, the concreteness form
    from gapscope.concepts.acronyms import has_two_capitals, is_capitals, is_plural_capitals

    assert (is_capitals(word), is_plural_capitals(word), has_two_capitals(word)) == (capitals, plural, two_capitals)


def test_reading_leaves_the_root_logger_alone(naming):
    """abbreviations calls logging.basicConfig(level=INFO) when imported: that must not reach our logs."""
    import sys

    sys.modules.pop("abbreviations.schwartz_hearst", None)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    from gapscope.concepts.acronyms import definitions

    definitions(naming["RAG"][0][1], "RAG")
    assert root.handlers == handlers and root.level == level


# --- the gap listing -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def spread(tmp_path_factory, shared_data):
    from gapscope.concepts.model import from_rows

    from .test_gaps_concepts import spread_library

    lib, ids, rows, data = spread_library(tmp_path_factory.mktemp("acronyms") / "lib.sqlite", shared_data)
    cs = from_rows(lib.load_concepts(), lib.latest_concept_batch())
    yield cs, {p: r["published"] for p, r in zip(ids, rows)}
    lib.close()


def _as_sage(cs, dates, defines):
    """The concept set with the method of the best gap renamed "SAGE", and the acronym readings of texts
    where its papers define SAGE as ``defines`` gives (a list of long forms, one per paper in turn)."""
    from gapscope.concepts.acronyms import read_acronyms
    from gapscope.concepts.model import ConceptSet
    from gapscope.gaps.candidates import concept_gaps

    best = concept_gaps(cs, dates, top=5)[0]
    mid = best.method.cluster
    concepts = [replace(c, phrase="SAGE") if c.id == mid else c for c in cs.concepts]
    sage = next(c for c in concepts if c.id == mid)
    texts = {p: f"We propose {defines[k % len(defines)]} (SAGE) for this task. SAGE works."
             for k, p in enumerate(sorted(sage.papers))}
    return ConceptSet(concepts, cs.batch, cs.fingerprint), mid, read_acronyms(concepts, texts)


def test_a_defined_acronym_is_named_with_its_expansion_in_the_gap(spread):
    from gapscope.gaps.candidates import concept_gaps

    cs, dates = spread
    cs2, mid, acr = _as_sage(cs, dates, ["Strategy-Adaptive Generation Engine"])
    notices: list[str] = []
    gaps = concept_gaps(cs2, dates, top=5, acronyms=acr, notices=notices)
    g = next(g for g in gaps if g.method.cluster == mid)
    assert g.statement.startswith("Apply \u201cSAGE (strategy-adaptive generation engine)\u201d to ")
    assert g.statement.count("strategy-adaptive generation engine") == 1       # once, at the first mention
    assert g.details["expansions"] == {"SAGE": "strategy-adaptive generation engine"}
    assert g.details["acronyms"]["SAGE"]["verdict"] == "defined"
    assert not any("acronym" in n for n in notices)


def test_an_ambiguous_acronym_is_no_gap_end_and_a_notice_names_it(spread):
    from gapscope.gaps.candidates import concept_gaps

    cs, dates = spread
    cs2, mid, acr = _as_sage(cs, dates, ["Strategy-Adaptive Generation Engine", "Scale-Aware Gradual Evolution"])
    assert acr[mid].ambiguous
    notices: list[str] = []
    gaps = concept_gaps(cs2, dates, top=5, acronyms=acr, notices=notices)
    assert gaps and not any(mid in (g.method.cluster, g.problem.cluster) for g in gaps)
    note = [n for n in notices if "acronym" in n]
    assert len(note) == 1 and "SAGE (2 expansions in" in note[0] and "not listed" in note[0]


def test_an_acronym_only_its_coiners_write_is_no_gap_end_nor_a_related_concept(spread):
    """"DIVE" on the 10,653-paper library: the names of two papers' systems and three papers that "dive into"
    a topic made one concept; a gap may not name it."""
    from gapscope.concepts.acronyms import read_acronyms
    from gapscope.concepts.model import ConceptSet
    from gapscope.gaps.candidates import concept_gaps

    cs, dates = spread
    best = concept_gaps(cs, dates, top=5)[0]
    mid = best.method.cluster
    concepts = [replace(c, phrase="DIVE") if c.id == mid else c for c in cs.concepts]
    dive = next(c for c in concepts if c.id == mid)
    papers = sorted(dive.papers)
    texts = {p: (f"DIVE: a system of paper {p}. We propose DIVE for this task." if k < 2
                 else f"Paper {p}. We take a deep dive into this task.") for k, p in enumerate(papers)}
    acr = read_acronyms(concepts, texts)
    assert acr[mid].system_name and acr[mid].users == 0
    notices: list[str] = []
    gaps = concept_gaps(ConceptSet(concepts, cs.batch, cs.fingerprint), dates, top=5, acronyms=acr, notices=notices)
    assert gaps and not any(mid in (g.method.cluster, g.problem.cluster) for g in gaps)
    assert not any("\u201cDIVE\u201d" in g.statement for g in gaps)
    note = [n for n in notices if "coined" in n]
    assert len(note) == 1 and "DIVE (" in note[0] and "not listed" in note[0]


def test_an_ambiguous_acronym_is_named_as_no_related_concept(spread):
    """"ASR" on a 600-paper library: attack success rate in some papers, automatic speech recognition in others;
    it names no one concept, so no statement offers it as the related method either."""
    from gapscope.concepts.acronyms import read_acronyms
    from gapscope.concepts.model import ConceptSet
    from gapscope.gaps.candidates import concept_gaps

    cs, dates = spread
    named = re.search("related methods? \u201c([^\u201d]+)\u201d",
                      " ".join(g.statement for g in concept_gaps(cs, dates, top=20))).group(1)
    mid = next(c.id for c in cs.concepts if c.phrase == named and c.kind == "method")
    concepts = [replace(c, phrase="ASR") if c.id == mid else c for c in cs.concepts]
    papers = sorted(next(c for c in concepts if c.id == mid).papers)
    texts = {p: (f"Paper {p}. Our attack raises the attack success rate (ASR) on this task." if k % 2
                 else f"Paper {p}. Automatic speech recognition (ASR) systems for this task.")
             for k, p in enumerate(papers)}
    acr = read_acronyms(concepts, texts)
    assert acr[mid].ambiguous
    gaps = concept_gaps(ConceptSet(concepts, cs.batch, cs.fingerprint), dates, top=20, acronyms=acr)
    assert gaps and not any("\u201cASR\u201d" in g.statement for g in gaps)


def test_gaps_show_and_json_carry_the_expansion(spread):
    from gapscope.concepts.acronyms import reading_line

    cs, dates = spread
    cs2, mid, acr = _as_sage(cs, dates, ["Strategy-Adaptive Generation Engine"] * 3 + ["Self-Aware Guard Engine"])
    d = acr[mid].to_dict()
    assert d["dominant"] == "strategy-adaptive generation engine" and d["verdict"] == "defined"
    line = reading_line(d)
    assert line.startswith("SAGE: strategy-adaptive generation engine (") and "1 other reading" in line
    json.dumps(d)


def test_gaps_show_prints_what_an_acronym_end_stands_for(library):
    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.concepts.acronyms import judge
    from gapscope.gaps.model import ClusterRef, Gap
    from gapscope.gaps.store import save_gaps

    var = judge("VAR", {1: ["Visual AutoRegressive modeling"], 2: ["visual autoregressive"],
                        3: ["Video Anomaly Reasoning"]}, 9)
    g = Gap(type="method_x_problem", score=0.5, statement="Apply \u201cflow matching\u201d to \u201cVAR (visual "
            "autoregressive modeling)\u201d: ...", method=ClusterRef("method_concept", 1, 1, "flow matching", []),
            problem=ClusterRef("problem_concept", 1, 2, "VAR", []), evidence=[], roles={},
            details={"level": "concept", "expansions": {"VAR": var.dominant}, "acronyms": {"VAR": var.to_dict()}})
    save_gaps(library, [g])
    gid = json.loads(CliRunner().invoke(main, ["--library", str(library.path), "gaps", "list", "--json"]).output)[0]["id"]
    r = CliRunner().invoke(main, ["--library", str(library.path), "gaps", "show", str(gid)])
    assert r.exit_code == 0, r.output
    assert "acronym VAR: visual autoregressive (2 of the 3 papers that define it, 1 other reading)" in r.output
    shown = json.loads(CliRunner().invoke(main, ["--library", str(library.path), "gaps", "list", "--json"]).output)[0]
    assert shown["details"]["expansions"] == {"VAR": "visual autoregressive"}


ASR_TEXTS = {
    1: "Whisper for ASR. Automatic speech recognition (ASR) in noisy rooms.",
    2: "Streaming ASR. We study automatic speech recognition (ASR) on phones.",
    3: "ASR for dialects. Automatic speech recognition (ASR) of Swiss German.",
    4: "Jailbreaks. Our attack reaches a high attack success rate (ASR) on aligned chat models.",
    5: "Jailbreaks again. The attack lifts the ASR by 20 points against guarded chat models.",
    6: "Noisy transcripts. ASR errors hurt speech recognition of accented speakers.",
    # found through the merged variant "automatic speech", near "automatic part-of-speech" to the search
    7: "Tajik tagging. The first benchmark of automatic part-of-speech (POS) tagging for Tajik.",
    8: "Call centres. Transcripts from automatic speech recognition feed the summariser.",
}


def test_a_paper_counts_for_an_acronym_only_in_the_sense_its_library_gives_it():
    """"ASR" was counted by text match in attack papers (attack success rate) as automatic speech
    recognition: a paper defining it otherwise, or writing it undefined with none of the expansion's words
    while other papers define it otherwise, is off sense."""
    from gapscope.concepts.acronyms import DEFINED, in_sense, off_sense, read_acronyms

    asr = _concept(7, "ASR", [1, 2, 3, 4, 5, 6], kind="problem")
    reading = read_acronyms([asr], ASR_TEXTS)[7]
    assert reading.verdict == DEFINED and reading.dominant == "automatic speech recognition"
    assert [in_sense(ASR_TEXTS[p], reading) for p in range(1, 9)] == [True, True, True, False, False, True, False, True]
    assert off_sense({7: reading}, {7: [1, 2, 3, 4, 5, 6]}, lambda ids: {p: ASR_TEXTS[p] for p in ids}) == {7: frozenset({4, 5})}
    # with no paper defining it otherwise, a paper writing it undefined keeps the library's sense
    agreed = read_acronyms([_concept(8, "ASR", [1, 2, 3, 5])], ASR_TEXTS)[8]
    assert in_sense(ASR_TEXTS[5], agreed)


def test_a_library_search_of_an_acronym_counts_its_sense_only(library):
    from gapscope.concepts.acronyms import read_acronyms
    from gapscope.concepts.members import mentioning
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper

    ingest_papers(library, [Paper(title=t, abstract=a, source="t", source_key=str(i))
                            for i, (t, a) in enumerate(x.split(". ", 1) for x in ASR_TEXTS.values())],
                  kind="import", source="t", target="test")
    ids = {t: pid for pid, t, _ in library.paper_title_abstracts()}
    texts = {pid: f"{t}. {a}" for pid, t, a in library.paper_title_abstracts()}
    asr = _concept(7, "ASR", sorted(ids.values()), kind="problem")
    asr.synonyms = ["automatic speech"]           # a piece of the expansion the extractor merged into it
    reading = read_acronyms([asr], texts)[7]
    assert mentioning(library, asr) == frozenset(ids.values())       # "automatic part-of-speech" too
    assert mentioning(library, asr, {7: reading}) == frozenset(ids.values()) - {
        ids["Jailbreaks"], ids["Jailbreaks again"], ids["Tajik tagging"]}


def test_reading_an_acronym_s_sense_stems_each_word_once(monkeypatch):
    # in_sense reads every abstract naming an acronym (the reference corpus: tens of thousands for "LLM"); the
    # stemmer is the slow part, and an abstract's words are few and much repeated
    from gapscope.concepts import acronyms
    from gapscope.concepts.acronyms import DEFINED, AcronymReading, in_sense

    real, stemmed = acronyms._stemmer(), []

    class Counting:
        def stemWord(self, word):
            stemmed.append(word)
            return real.stemWord(word)

    monkeypatch.setattr(acronyms, "_stemmer", lambda: Counting())
    reading = AcronymReading("ASR", 10, 8, (("automatic speech recognition", 7), ("attack success rate", 1)), DEFINED)
    in_sense("Automatic speech recognition (ASR) of children.", reading)    # the expansion's words, once
    stemmed.clear()
    text = "ASR quality varies across accents. " * 20 + "We improve ASR for accented speech."
    assert in_sense(text, reading) == in_sense(text, reading)
    assert len(stemmed) <= len(set(re.findall(r"\w+", text.lower())))
