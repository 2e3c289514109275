"""An acronym and the phrases its papers define it by become one concept, on constructed phrases: "CoT",
"chain-of-thought" and "chain-of-thought reasoning"; "RAG", "retrieval-augmented generation" and "retrieval
augmentation"; "XAI" and "explainable AI" (the X of eXplainable); "BiLSTM" and "bidirectional LSTM" (Bi +
LSTM). Two things of one field that no paper defines as one acronym stay apart."""

from __future__ import annotations

import numpy as np


def _c(phrase, papers, synonyms=(), side="method"):
    return {"kind": side, "phrase": phrase, "synonyms": list(synonyms), "vector": np.zeros(4, np.float32),
            "papers": [(p, side, 0.5) for p in papers]}


TEXTS = {
    1: "Reasoning. We prompt with chain-of-thought (CoT) and compare CoT with direct answers.",
    2: "Long CoT. Chain-of-thought reasoning (CoT) makes models slow; we shorten CoT traces.",
    3: "Faithful CoT. Is chain-of-thought (CoT) faithful? We test CoT on math.",
    4: "Retrieval. Retrieval-augmented generation (RAG) grounds answers; RAG needs a retriever.",
    5: "RAG for law. We study retrieval-augmented generation (RAG) on legal questions with RAG.",
    6: "Explanations. Explainable artificial intelligence (XAI) tools explain models; XAI is needed.",
    7: "XAI for medicine. We apply explainable AI (XAI) to scans and ask clinicians about XAI.",
    8: "Tagging. A bidirectional LSTM (BiLSTM) tags words; the BiLSTM beats a CRF.",
    9: "Speech. We train a bidirectional LSTM (BiLSTM) on audio; BiLSTM layers help.",
    10: "Graphs. Knowledge graph embedding (KGE) maps entities; KGE scores triples.",
    11: "Links. We learn knowledge graph embedding (KGE) models; KGE ranks links.",
    12: "Memory. Long short-term memory (LSTM) keeps state; an LSTM reads text.",
    13: "Sequences. A long short-term memory (LSTM) network; the LSTM forgets.",
}


def test_an_acronym_may_write_a_sounded_letter_or_an_inner_acronym():
    from gapscope.concepts.acronyms import initials_spell, spells_out

    assert initials_spell("explainable AI", "XAI") and initials_spell("explainable artificial intelligence", "XAI")
    assert initials_spell("bidirectional LSTM", "BiLSTM") and initials_spell("chain of thought", "CoT")
    assert spells_out("explainable AI", "XAI") and spells_out("bidirectional LSTM", "BiLSTM")
    assert initials_spell("quantized LoRA", "QLoRA") and initials_spell("cross-validation", "cv")
    # every word gives its letters and every capital is given: no pieces, no other name
    assert not initials_spell("short term memory", "LSTM") and not initials_spell("context learning", "ICL")
    assert not initials_spell("explainable", "XAI") and not initials_spell("bidirectional attention", "BiLSTM")
    assert not initials_spell("expert AI models", "XAI")


def test_the_definitions_of_xai_and_bilstm_are_read():
    from gapscope.concepts.acronyms import definitions

    assert {d.lower() for d in definitions(TEXTS[6], "XAI")} == {"explainable artificial intelligence"}
    assert {d.lower() for d in definitions(TEXTS[7], "XAI")} == {"explainable ai"}
    assert "bidirectional LSTM" in definitions(TEXTS[8], "BiLSTM")


def _groups(concepts, texts=TEXTS):
    from gapscope.concepts.expansions import merge_expansions

    out, _ = merge_expansions(concepts, texts)
    return {c["phrase"]: set(c["synonyms"]) for c in out}


def test_an_acronym_its_expansions_and_the_expansion_with_the_acronym_are_one_concept():
    groups = _groups([
        _c("CoT", [1, 2, 3]), _c("chain-of-thought", [1, 3, 20, 21], ["chain thought"]),
        _c("chain-of-thought reasoning", [2, 22]), _c("chain-of-thought CoT", [1, 3]),
        _c("multimodal chain-of-thought", [23, 24, 25]),
        _c("RAG", [4, 5, 30]), _c("retrieval-augmented generation", [4, 5, 31, 32, 33]),
        _c("retrieval augmentation", [34, 35, 36]), _c("retrieval-augmented generation RAG", [4, 5]),
        _c("XAI", [6, 7]), _c("explainable AI", [7, 40, 41]), _c("explainable artificial intelligence", [6, 42]),
        _c("explainability", [43, 44, 45]),
        _c("BiLSTM", [8, 9]), _c("bidirectional LSTM", [8, 9, 50]), _c("bidirectional attention", [51, 52, 53]),
    ])
    assert groups["chain-of-thought"] >= {"cot", "chain-of-thought reasoning", "chain-of-thought cot", "chain thought"}
    assert groups["retrieval-augmented generation"] >= {"rag", "retrieval augmentation",
                                                        "retrieval-augmented generation rag"}
    assert groups["explainable AI"] >= {"xai", "explainable artificial intelligence"}
    assert groups["bidirectional LSTM"] >= {"bilstm"}
    # a longer name that holds the expansion, another word of the field: their own concepts
    assert {"multimodal chain-of-thought", "explainability", "bidirectional attention"} <= set(groups)
    assert len(groups) == 7


def test_what_the_head_noun_rule_keeps_apart_stays_apart():
    """"knowledge graph" is the modifier of "knowledge graph embedding" (KGE) but a thing of its own, and
    "short term memory" no expansion of LSTM; no acronym joins "adversarial attacks" and "adversarial networks"."""
    groups = _groups([
        _c("KGE", [10, 11]), _c("knowledge graph embedding", [10, 11, 60]), _c("knowledge graph", [61, 62, 63]),
        _c("LSTM", [12, 13]), _c("short term memory", [64, 65, 66]), _c("long short-term memory", [12, 13, 67]),
        _c("adversarial attacks", [68, 69, 70]), _c("adversarial networks", [71, 72, 73]),
    ])
    assert groups["knowledge graph embedding"] == {"kge"} and groups["knowledge graph"] == set()
    assert groups["long short-term memory"] == {"lstm"} and groups["short term memory"] == set()
    assert groups["adversarial attacks"] == groups["adversarial networks"] == set()


def test_a_broader_name_or_a_concept_holding_a_narrower_variant_stays_apart():
    """The 10,653-paper library: "supervised learning" is grouped with SSL's self-supervised learning as an
    expansion missing its lead word, and the concept "vision-language" holds "vision-language-action" (VLA) as
    a merged variant: neither is the acronym."""
    texts = {1: "Self-supervised learning (SSL) helps. SSL is cheap.",
             2: "We study self-supervised learning (SSL) and supervised learning (SSL) baselines with SSL.",
             3: "Vision-language-action (VLA) models act. VLA policies move robots.",
             4: "A vision-language-action (VLA) model; VLA models."}
    groups = _groups([_c("SSL", [1, 2]), _c("self-supervised learning", [1, 2, 5]), _c("supervised learning", [6, 7, 8]),
                      _c("VLA", [3, 4]), _c("vision-language", [9, 10, 11], ["vision-language-action"])], texts)
    assert groups["self-supervised learning"] == {"ssl"} and groups["supervised learning"] == set()
    assert groups["VLA"] == set() and groups["vision-language"] == {"vision-language-action"}
    # judge groups an expansion less its lead word with it: no form of the acronym
    from gapscope.concepts.acronyms import DEFINED, AcronymReading
    from gapscope.concepts.expansions import expansion_forms

    ssl = AcronymReading("SSL", 9, 6, (("self-supervised learning", 6),), DEFINED, ((1, 2, 3, 4, 5, 6),),
                         forms=(("self-supervised learning", "supervised learning", "self-supervised"),))
    assert expansion_forms(ssl) == ["self-supervised learning", "self-supervised"]


def test_a_phrase_two_acronyms_claim_joins_neither():
    from gapscope.concepts.expansions import expansion_targets, modifier_as_noun

    texts = {1: "Retrieval-augmented generation (RAG) helps. RAG is used.",
             2: "We use retrieval-augmented generation (RAG) for RAG tasks.",
             3: "Retrieval-augmented reasoning (RAR) helps. RAR is used.",
             4: "A retrieval-augmented reasoning (RAR) agent and a RAR baseline."}
    concepts = [_c("RAG", [1, 2]), _c("RAR", [3, 4]), _c("retrieval augmentation", [5, 6, 7])]
    assert expansion_targets(concepts, texts) == {}
    assert expansion_targets(concepts[::2], texts) == {1: 0}
    assert modifier_as_noun("retrieval augmentation", "retrieval-augmented language model") is False
    assert modifier_as_noun("retrieval augmentation", "retrieval-augmented generation")
    assert modifier_as_noun("instruction tuning", "instruction-tuned models")
    assert not modifier_as_noun("knowledge graph", "knowledge graph embedding")


def test_an_acronym_in_either_number_is_one_claim():
    """The 10,653-paper library kept "LoRA" (47 papers), "LoRAs" (4), "low-rank adaptation" (33) and "low-rank
    adaptation LoRA" (11) apart: both acronyms claimed the expansion, and a phrase two acronyms claim joins
    neither. "LoRAs" is "LoRA" in the plural: one claim, and one concept."""
    texts = {1: "Low-rank adaptation (LoRA) tunes few weights. LoRA is cheap.",
             2: "We use low-rank adaptation (LoRA); LoRA ranks matter.",
             3: "Many low-rank adaptations (LoRAs) are merged; LoRAs compose.",
             4: "Mixing low-rank adapters (LoRAs). LoRAs again."}
    groups = _groups([_c("LoRA", [1, 2, 5, 6]), _c("LoRAs", [3, 4]), _c("low-rank adaptation", [1, 2, 7]),
                      _c("low-rank adaptation LoRA", [1, 2])], texts)
    assert groups == {"LoRA": {"low-rank adaptation", "low-rank adaptation lora", "loras"}}


PPO_TEXTS = {
    20: "Diffusion control. We optimize a policy using Proximal Policy Optimization (PPO) under task rewards.",
    21: "Routing. A deep reinforcement learning approach based on proximal policy optimization (PPO); PPO wins.",
    22: "Offline RL. We study policy optimization from logged data.",
    23: "Trust regions. Policy optimization with trust regions is stable.",
    24: "Policy gradients. Policy optimization for robots.",
}


def test_a_definition_missing_the_lead_word_does_not_name_the_acronym():
    """The letter match reads "Policy Optimization (PPO)" (the second P inside "oPtimization") beside
    "Proximal Policy Optimization (PPO)"; both are given by the same papers, and the shorter one, a
    broader idea, must neither name PPO nor be absorbed by it (seen on the 10,653-paper library)."""
    from gapscope.concepts.acronyms import definitions, judge

    found = {p: definitions(PPO_TEXTS[p], "PPO") for p in (20, 21)}
    assert judge("PPO", found, 2).dominant == "proximal policy optimization"
    groups = _groups([_c("PPO", [20, 21]), _c("policy optimization", [22, 23, 24])], PPO_TEXTS)
    assert groups == {"PPO": set(), "policy optimization": set()}
