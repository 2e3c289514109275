"""Which terms may name a map cluster: the judgement the gap ends get (quality.py), made for labels.

A cluster's label is read as the names of its topics, so a term must be a nameable concept: not a fragment
of a sentence ("findings underscore", "LLMs increasingly"), not a modifier without its noun ("culturally",
"next-generation", "step-level"), not a bare property or a setting, not a thing ranked or praised instead of
named ("newer models", "meaningful symbols") and not a phrase the concreteness model (concreteness.py)
reads as plainly vague. Keywords are single words far more often than concepts, so a plain
noun ("radiology", "tutoring") stays a keyword label; the concept side keeps quality.py's single-word rule.
"""

from __future__ import annotations

import re
from typing import Callable, Mapping, Optional

import numpy as np

from ..vocabulary import (CONCEPT_HEAD_NOUNS, CONCEPT_MODIFIER_TAILS, LABEL_CLAUSE_VERBS, LABEL_GENERIC_WORDS,
                          LABEL_VAGUE_LEADS, LABEL_VERBS)
from .quality import _adjective, adverb, _singular, bare_property, not_a_concept

# The concreteness model's phrase logit (no usage features: a keyword has none) below which a label term is
# vague. Low on purpose: the phrase part alone misreads topic names ("prompt engineering" -2.9, "internal
# representations" -2.7, "triage" -2.0 on MiniLM; at -2.4 the 10,653-paper library lost such terms), and the
# rules above catch the fragments it was meant for ("findings underscore" -2.7, "meaningful symbols" -2.8).
LABEL_MIN_LOGIT = -3.0
_SPLIT = re.compile(r"[\s/]+")
_MODIFIER_TAILS = frozenset({"time", "generation", "scale", "grained", "based", "token", "turn", "shot"})


def label_refusal(phrase: str, *, keyword: bool = False) -> Optional[str]:
    """Why ``phrase`` may not be a term of a map label (a short reason), or None. ``keyword``: a c-TF-IDF
    keyword, where one plain noun may name a cluster ("radiology")."""
    words = [w for w in _SPLIT.split(phrase.strip()) if w]
    low = [w.lower() for w in words]
    if not low:
        return "empty"
    reason = not_a_concept(phrase)
    one_word = len(low) == 1 and "-" not in low[0]
    if reason and not (keyword and one_word and reason == "single common word"):
        return reason
    if bare_property(phrase) and not (keyword and one_word):
        return "bare property"                      # a one-word keyword names a topic: "fairness"
    # one word: "research", "knowledge" ("tool" names a topic); more: head nouns alone, "benchmark datasets"
    # ("language models" stays)
    if all(_singular(w) in (LABEL_GENERIC_WORDS if one_word else CONCEPT_HEAD_NOUNS) for w in low):
        return "too general"
    if low[-1] in LABEL_CLAUSE_VERBS or (len(low) >= 2 and low[0] in LABEL_CLAUSE_VERBS):
        return "sentence fragment"                  # "findings underscore", "implies semantic nativism"
    if adverb(low[-1]):
        return "sentence fragment"                  # "LLMs increasingly", "culturally"
    if low[0].split("-")[0] in LABEL_VAGUE_LEADS:
        return "ranked, not named"                  # "newer models", "next-generation", "diverse data"
    tail = low[-1].split("-")
    if len(tail) >= 2 and (tail[-1] in CONCEPT_MODIFIER_TAILS or tail[-1] in _MODIFIER_TAILS):
        return "modifier without its noun"          # "step-level", "test-time", "LLM-driven"
    if one_word and not any(ch.isupper() for ch in words[0]):
        if _adjective(low[0]):
            return "modifier without its noun"      # "extracted", "subsequent", "cautious", "clinical"
        if _verb(low[0]):
            return "verb"                           # "count", "selects", "aligning"
    return None


def _verb(word: str) -> bool:
    """A form of one of LABEL_VERBS: "selects", "aligning", "categorizing", "analyzed"."""
    bases = {word}
    for end in ("s", "es", "ed", "d", "ing"):
        if word.endswith(end) and len(word) > len(end) + 2:
            stem = word[:-len(end)]
            bases |= {stem, stem + "e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else stem}
    return bool(bases & LABEL_VERBS)


def label_judge(encode: Optional[Callable[[list[str]], np.ndarray]] = None,
                vectors: Optional[Mapping[str, np.ndarray]] = None) -> Callable[..., bool]:
    """``ok(phrase, keyword=False)``: whether a phrase may be a map label term: ``label_refusal``, and where the
    concreteness model and ``encode`` (its encoder) are there, its phrase logit at least LABEL_MIN_LOGIT. A
    one-word keyword skips the model: trained on concepts, where one plain word is nearly always vague, it
    reads "syntax" or "governance" so. ``vectors``: the concepts' phrase vectors (lower-cased phrases, as the
    model reads them), so that only head words and keywords are encoded; both are cached."""
    from .concreteness import head_word, load_model

    model = load_model() if encode is not None else None
    known = vectors or {}
    logits: dict[str, float] = {}
    encoded: dict[str, np.ndarray] = {}

    def vector(text: str) -> np.ndarray:
        if not encoded:
            # one batch for the head words of every concept the rules pass: one call per word was 0.2 s
            # each, two minutes for the 10,653-paper library's four maps
            heads = sorted({head_word(p) for p in known if label_refusal(p) is None} | {text})
            encoded.update(zip(heads, np.asarray(encode(heads), dtype=np.float32)))
        if text not in encoded:
            encoded[text] = np.asarray(encode([text]), dtype=np.float32).reshape(-1)
        return encoded[text]

    def vague(phrase: str) -> bool:
        if model is None:
            return False
        if phrase not in logits:
            v = known.get(phrase)
            v = vector(phrase.lower()) if v is None else np.asarray(v, dtype=np.float32).reshape(-1)
            h = vector(head_word(phrase))
            if len(v) != model.dim or len(h) != model.dim:
                return False                    # concepts of another encoder: the rules alone
            logits[phrase] = float(model.phrase_logit([phrase], v[None, :], h[None, :])[0])
        return logits[phrase] < LABEL_MIN_LOGIT

    def ok(phrase: str, keyword: bool = False) -> bool:
        if label_refusal(phrase, keyword=keyword) is not None:
            return False
        return (keyword and len(phrase.split()) == 1) or not vague(phrase)
    return ok
