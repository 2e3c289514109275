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
from typing import Callable, Mapping, Optional, Sequence

import numpy as np

from ..vocabulary import (CONCEPT_HEAD_NOUNS, CONCEPT_MODIFIER_TAILS, LABEL_CLAUSE_VERBS, LABEL_GENERIC_WORDS,
                          LABEL_VAGUE_LEADS, LABEL_VERBS)
from .quality import adjective, adverb, bare_property, not_a_concept, singular

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
    if all(singular(w) in (LABEL_GENERIC_WORDS if one_word else CONCEPT_HEAD_NOUNS) for w in low):
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
        if adjective(low[0]):
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
                vectors: Optional[Mapping[str, np.ndarray]] = None) -> "LabelJudge":
    """``ok(phrase, keyword=False)``: whether a phrase may be a map label term: ``label_refusal``, and where the
    concreteness model and ``encode`` (its encoder) are there, its phrase logit at least LABEL_MIN_LOGIT. A
    one-word keyword skips the model: trained on concepts, where one plain word is nearly always vague, it
    reads "syntax" or "governance" so. ``vectors``: the concepts' phrase vectors (lower-cased phrases, as the
    model reads them), so that only head words and keywords are encoded; both are cached.
    ``ok.prepare(phrases, keyword)`` encodes in one batch what judging those phrases will read."""
    from .concreteness import load_model

    return LabelJudge(load_model() if encode is not None else None, encode, vectors or {})


class LabelJudge:
    """The judge :func:`label_judge` makes. Encoding costs far more per call than per text (one phrase
    alone took 0.2-1 s on a CPU, as long as a batch of 50), so texts are encoded in batches: the head words
    of every concept the rules pass at the first need, and the keywords a map is about to judge
    (:meth:`prepare`)."""

    def __init__(self, model, encode: Optional[Callable[[list[str]], np.ndarray]],
                 known: Mapping[str, np.ndarray]) -> None:
        self.model = model
        self.encode = encode
        self.known = known
        self.logits: dict[str, float] = {}
        self.encoded: dict[str, np.ndarray] = {}

    def __call__(self, phrase: str, keyword: bool = False) -> bool:
        if label_refusal(phrase, keyword=keyword) is not None:
            return False
        return (keyword and len(phrase.split()) == 1) or not self._vague(phrase)

    def prepare(self, phrases: Sequence[str], keyword: bool = False) -> None:
        """Encode at once the texts the model will read to judge ``phrases`` (those the rules pass)."""
        if self.model is None:
            return
        self._encode(t for p in phrases if p not in self.logits and label_refusal(p, keyword=keyword) is None
                     and not (keyword and len(p.split()) == 1) for t in self._texts(p))

    def _texts(self, phrase: str) -> list[str]:
        """What the model reads for ``phrase``: its vector (unless a concept's) and its head word's."""
        from .concreteness import head_word

        return ([] if phrase in self.known else [phrase.lower()]) + [head_word(phrase)]

    def _encode(self, texts) -> None:
        from .concreteness import head_word

        wanted = set(texts)
        if not self.encoded and wanted:
            # the first batch also holds the head words of every concept the rules pass: one call per word
            # was two minutes for the 10,653-paper library's four maps
            wanted |= {head_word(p) for p in self.known if label_refusal(p) is None}
        missing = sorted(wanted - self.encoded.keys())
        if missing:
            self.encoded.update(zip(missing, np.asarray(self.encode(missing), dtype=np.float32)))

    def _vague(self, phrase: str) -> bool:
        from .concreteness import head_word

        if self.model is None:
            return False
        if phrase not in self.logits:
            self._encode(self._texts(phrase))
            v = self.known.get(phrase)
            v = self.encoded[phrase.lower()] if v is None else np.asarray(v, dtype=np.float32).reshape(-1)
            h = self.encoded[head_word(phrase)]
            if len(v) != self.model.dim or len(h) != self.model.dim:
                return False                    # concepts of another encoder: the rules alone
            self.logits[phrase] = float(self.model.phrase_logit([phrase], v[None, :], h[None, :])[0])
        return self.logits[phrase] < LABEL_MIN_LOGIT
