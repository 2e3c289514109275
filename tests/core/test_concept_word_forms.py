"""A one-word candidate is kept by its noun-like ending only when it is no verb, no participle and no generic
word (concepts/word_forms.py): the 10,653-paper library listed "enhance" (153 papers), "benchmarking" (318),
"annotations", "robustness", "evidence", "questions" and "user" as concepts."""

from __future__ import annotations

import pytest

# one-word concepts of the 10,653-paper library that name a technique or a problem
REAL = ("transformers transformer distillation segmentation pruning quantization diffusion augmentation fine-tuning "
        "pretraining prompting embeddings encoder decoding sampling fusion captioning denoising calibration "
        "regularization rendering hallucination hallucinations summarization tokenization inpainting super-resolution "
        "compression attention editing planning navigation tracking localization forecasting interpretability "
        "fairness personalization normalization convolution autoencoder disentanglement memorization overfitting "
        "reranking grounding classification reconstruction translation probing masking streaming filtering").split()


@pytest.mark.parametrize("word", ["enhance", "enhances", "recover", "advances", "balance", "apply"])
def test_a_verb_is_no_one_word_concept(word):
    from gapscope.concepts.extract import keep_phrase

    assert not keep_phrase(word)


@pytest.mark.parametrize("word", ["evaluating", "generating", "mitigating", "optimizing", "predicting", "requiring",
                                  "identifying", "applying", "enhancing", "varying", "relying", "emerging"])
def test_a_participle_is_no_one_word_concept(word):
    from gapscope.concepts.extract import keep_phrase

    assert not keep_phrase(word)


@pytest.mark.parametrize("word", ["benchmarking", "annotations", "robustness", "evidence", "questions", "user", "users"])
def test_a_generic_word_alone_is_no_concept_but_with_a_modifier_it_stays(word):
    from gapscope.concepts.extract import keep_phrase

    assert not keep_phrase(word)
    assert keep_phrase(f"adversarial {word}")


def test_real_one_word_concepts_stay():
    from gapscope.concepts.extract import keep_phrase

    assert len(REAL) >= 30
    assert [w for w in REAL if not keep_phrase(w)] == []
    assert keep_phrase("lora", frozenset({"lora", "rlhf"})) and keep_phrase("rlhf", frozenset({"lora", "rlhf"}))
