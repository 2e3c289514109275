"""Which terms may name a map cluster: the judgement the gap ends get (quality.py), made for labels.

A cluster's label is read as the names of its topics, so a term must be a nameable concept: not a fragment
of a sentence ("findings underscore", "LLMs increasingly"), not a modifier without its noun ("culturally",
"next-generation", "step-level"), not a bare property or a setting, not a thing ranked or praised instead of
named ("newer models", "diverse data") and not a phrase the concreteness model (concreteness.py) reads as
plainly vague ("meaningful symbols"). Keywords are single words far more often than concepts, so a plain
noun ("radiology", "tutoring") stays a keyword label; the concept side keeps quality.py's single-word rule.
"""

from __future__ import annotations

import re
from typing import Callable, Optional

import numpy as np

from ..vocabulary import (CONCEPT_MODIFIER_TAILS, LABEL_CLAUSE_VERBS, LABEL_GENERIC_WORDS, LABEL_VAGUE_LEADS,
                          LABEL_VERBS)
from .quality import _adjective, _adverb, _singular, bare_property, not_a_concept

# The concreteness model's phrase logit (no usage features: a keyword has none) below which a label term is
# vague. Low on purpose: the phrase model alone misreads some topic names ("triage" -2.0, "fact-checking"
# -2.3 on MiniLM) and the rules above do most of the work; "meaningful symbols" -2.8, "findings underscore" -2.7.
LABEL_MIN_LOGIT = -2.4
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
    if bare_property(phrase):
        return "bare property"
    if low[-1] in LABEL_CLAUSE_VERBS or (len(low) >= 2 and low[0] in LABEL_CLAUSE_VERBS):
        return "sentence fragment"                  # "findings underscore", "implies semantic nativism"
    if _adverb(low[-1]):
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
        if _singular(low[0]) in LABEL_GENERIC_WORDS:
            return "too general"                    # "research", "knowledge", "conclusion"
    return None


def _verb(word: str) -> bool:
    """A form of one of LABEL_VERBS: "selects", "aligning", "categorizing", "analyzed"."""
    bases = {word}
    for end in ("s", "es", "ed", "d", "ing"):
        if word.endswith(end) and len(word) > len(end) + 2:
            stem = word[:-len(end)]
            bases |= {stem, stem + "e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else stem}
    return bool(bases & LABEL_VERBS)


def label_judge(encode: Optional[Callable[[list[str]], np.ndarray]] = None) -> Callable[..., bool]:
    """``ok(phrase, keyword=False)``: whether a phrase may be a map label term (``label_refusal`` and, where
    the concreteness model and ``encode`` (its encoder, lower-cased phrases) are there, its phrase logit at
    least LABEL_MIN_LOGIT). Logits are cached: a map asks about a few hundred terms."""
    from .concreteness import head_word, load_model

    model = load_model() if encode is not None else None
    logits: dict[str, float] = {}

    def vague(phrase: str) -> bool:
        if model is None:
            return False
        if phrase not in logits:
            v = np.asarray(encode([phrase.lower(), head_word(phrase)]), dtype=np.float32)
            if v.ndim != 2 or v.shape[1] != model.dim:
                return False
            logits[phrase] = float(model.phrase_logit([phrase], v[:1], v[1:])[0])
        return logits[phrase] < LABEL_MIN_LOGIT

    def ok(phrase: str, keyword: bool = False) -> bool:
        return label_refusal(phrase, keyword=keyword) is None and not vague(phrase)
    return ok

