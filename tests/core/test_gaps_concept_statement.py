"""Whether a shortcoming sentence states a concept (gaps/concept_statement.py): sentences of the 10,653-paper
library (arXiv ids given), each with the concept it names."""

from __future__ import annotations

import re

import pytest

# (arXiv id, concept, sentence): the concept named only to be denied or asked about
NOT_STATED = [
    ("2511.17282", "cultural knowledge", "Analyses of two representative models indicate that the issue stems not "
     "from missing cultural knowledge but from insufficient activation of culture-related representations."),
    ("2606.07422", "cultural knowledge", "Existing evaluations face two key limitations: many rely on parallel "
     "template-based questions that may not reflect how cultural knowledge naturally appears, and raw accuracy "
     "conflates general language proficiency with language-conditioned knowledge access."),
    ("2606.07422", "cultural knowledge", "Large language models are increasingly used to answer culturally grounded "
     "questions across languages, yet it remains unclear whether local cultural knowledge is better accessed "
     "through English or the local language."),
    ("2606.07422", "cultural knowledge", "Our results suggest that weaker local-language performance does not "
     "necessarily imply weaker cultural knowledge; rather, local cultural knowledge may be more accessible through "
     "the local language but hidden by limited language proficiency."),
    ("2606.27826", "social knowledge", "Cue-condition experiments indicate that this gap stems not from a lack of "
     "general social knowledge, but from challenges in activating and grounding relevant norms in context."),
    ("2602.23711", "generation fidelity", "These results suggest that the failure stems not from insufficient "
     "generation fidelity, but from a breakdown in cross-modal semantic alignment."),
    ("2605.27375", "adversarial inputs", "Existing defense methods are insufficient to address this risk, as ICRH "
     "arises not from adversarial inputs but from the model's own over-optimization."),
    ("2605.26396", "generative capability", "Our experiments show that current LMMs often fall short, not due to "
     "lack of generative capability, but because they do not sustain grounded exploration."),
    ("2603.14805", "model capability", "The bottleneck to effective agentic software development is not model "
     "capability but knowledge architecture."),
    ("2507.16572", "vision component", "This misalignment suggests that the primary limitation of MLLMs in "
     "intuitive physics tasks is not the vision component but the ineffective integration of visual and "
     "linguistic information."),
    ("2512.14474", "reasoning limitations", "Our results suggest that many LLM planning failures stem from "
     "representational deficiencies rather than reasoning limitations, highlighting explicit modeling as a key "
     "component for robust and interpretable AI agents."),
]

# the concept stated as what falls short, including "not only X but also Y" (X is a cause too) and a bare
# "rather than X" (X is what is missing)
STATED = [
    ("2605.22137", "cultural knowledge", "While prompting LLMs in English typically yields the highest general "
     "performance, it often induces a Western-centric bias, hindering the model's ability to accurately reflect "
     "diverse cultural knowledge."),
    ("2504.05154", "cultural knowledge", "Existing language models (LMs) often exhibit a Western-centric bias and "
     "struggle to represent diverse cultural knowledge."),
    ("2505.15075", "cultural knowledge", "However, achieving consistent performance across languages, especially "
     "when integrating cultural knowledge, remains a significant challenge."),
    ("2505.17767", "model capabilities", "This position paper argues that the limited real-world adoption of LLM "
     "agents stems not only from gaps in model capabilities, but also from a fundamental tradeoff between the value "
     "an agent can provide and the costs incurred during real-world use."),
    ("2601.19222", "data availability", "However, a high-quality, unified vision-language benchmark for "
     "quantitatively evaluating MLLMs across PCB inspection tasks remains absent, stemming not only from limited data "
     "availability but also from fragmented datasets and inconsistent standardization."),
    ("2603.06220", "feature granularity", "However, they suffer not only from feature granularity misalignment but "
     "also from costly computation."),
    ("2601.10129", "grounded perception", "In this work, we identify a critical Perception Gap in distillation: "
     "student models frequently mimic a teacher's textual output while attending to fundamentally divergent visual "
     "regions, effectively relying on language priors rather than grounded perception."),
    ("2606.09181", "causal evidence", "However, these systems often rely on spurious statistical correlations rather "
     "than answer-relevant causal evidence, resulting in unfaithful and brittle reasoning, especially in complex "
     "real-world scenarios."),
    ("2508.13721", "causal reasoning", "Large language model (LLM) agents-especially smaller, open-source models-often "
     "produce causally invalid or incoherent actions in collaborative tasks due to their reliance on surface-level "
     "correlations rather than grounded causal reasoning."),
]


# (arXiv id, concept, sentence): the library's complaint is the focus on the concept ("high-resource languages"),
# what is left out is the shortcoming; each of these made "high-resource languages" read as a problem to attack
FAVOURED = [
    ("2603.20042", "high-resource languages", "However, existing benchmarks predominantly focus on high-resource "
     "languages, leaving the ASR behavior of SpeechLMs in low-resource languages insufficiently understood."),
    ("2605.26954", "high-resource languages", "Safety evaluation of Large Language Models (LLMs) has largely focused "
     "on high-resource languages, leaving low-resource languages critically underserved."),
    ("2606.01464", "high-resource languages", "Despite expanding their multilingual coverage, the advanced reasoning "
     "capabilities of LLMs remain largely confined to a few high-resource languages like English."),
    ("2605.24635", "high-resource languages", "While medical LLMs excel in high-resource languages, their performance "
     "degrades sharply in Hindi, particularly on Indian systems of medicine."),
    ("2606.09535", "high-resource languages", "Multilingual ASR models such as Whisper perform well on high-resource "
     "languages but exhibit substantially higher Word Error Rates (WER) for Dravidian languages compared to "
     "Indo-Aryan ones."),
    ("2606.08451", "high-resource languages", "Collectively, our results demonstrate that prevailing alignment "
     "methodologies generalize poorly beyond high-resource languages, underscoring the urgent need for equitable "
     "multilingual safety techniques."),
]

# the same sentences' left-out side, and a focus the sentence says is missing ("rarely focus on X"): stated
LEFT_OUT = [
    ("2603.20042", "low-resource languages", FAVOURED[0][2]),
    ("2605.26954", "low-resource languages", FAVOURED[1][2]),
    ("2606.04987", "complex reasoning tasks", "Multi-party dialogue is a critical setting for studying collaborative "
     "reasoning and decision-making, yet existing datasets rarely focus on structured, in-depth complex reasoning "
     "tasks."),
]


def _rx(phrase: str) -> re.Pattern:
    return re.compile(r"(?<!\w)(" + re.escape(phrase) + r")(?!\w)", re.I)


@pytest.mark.parametrize("arxiv,concept,text", NOT_STATED + FAVOURED,
                         ids=[f"{a}:{c}" for a, c, _ in NOT_STATED + FAVOURED])
def test_a_denied_asked_about_or_favoured_concept_is_not_stated(arxiv, concept, text):
    from gapscope.gaps.concept_statement import states_concept

    assert not states_concept(text, _rx(concept))


@pytest.mark.parametrize("arxiv,concept,text", STATED + LEFT_OUT, ids=[f"{a}:{c}" for a, c, _ in STATED + LEFT_OUT])
def test_a_concept_stated_as_what_falls_short_is_stated(arxiv, concept, text):
    from gapscope.gaps.concept_statement import states_concept

    assert states_concept(text, _rx(concept))


def test_a_sentence_not_naming_the_concept_does_not_state_it():
    from gapscope.gaps.concept_statement import states_concept

    assert not states_concept(STATED[0][2], _rx("catastrophic forgetting"))
