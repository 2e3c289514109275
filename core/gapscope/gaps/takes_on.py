"""Whether a paper takes a stated shortcoming on: one of its own objective or method sentences addresses it.

Restating a shortcoming is no taking it on. A later paper that writes "existing benchmarks predominantly focus on
high-resource languages" in its background states the complaint again; counting it as addressing the complaint
made "high-resource languages" look taken on by 11 later papers where 10 only restated it. So a paper takes a
problem concept on only when a sentence saying what it sets out to do or does (role objective or method, the
user's corrections winning) names it as something it works on:

- the mention is not only denied or favoured (gaps/concept_statement.py): "unlike benchmarks focused on English,
  we ..." works on no English;
- the sentence is not a complaint about others' work placed in that role: one the classifier flags as a
  shortcoming of prior work or an open problem, with no word of the paper's own voice ("we", "our", "this paper",
  "here", "propose"), restates the shortcoming ("existing methods fail to handle X").
"""

from __future__ import annotations

import re
from typing import Mapping, Union

from .concept_statement import denied_spans, favoured_spans

WORK_ROLES = ("objective", "method")     # the sentence roles saying what a paper sets out to do and does
RESTATING = ("prior", "open")            # shortcoming types that are others' (or nobody's) failing
_OWN_VOICE = re.compile(r"\b(?:we|our|us|ours|this\s+(?:paper|work|study|article|letter)|here(?:in)?|"
                        r"propos(?:e|es|ed|ing)|introduc(?:e|es|ed|ing)|present(?:s|ed|ing)?)\b", re.I)

Sentence = Union[str, Mapping]


def addresses(sentence: Sentence, pattern: re.Pattern) -> bool:
    """Whether ``sentence`` (a work sentence: its text, or a dict with ``text`` and the ``shortcoming`` type the
    classifier or the user gave it) addresses the concept ``pattern`` matches (see the module's docstring)."""
    text = sentence if isinstance(sentence, str) else (sentence.get("text") or "")
    mentions = [m.start() for m in pattern.finditer(text)]
    if not mentions:
        return False
    spans = denied_spans(text) + favoured_spans(text)
    if all(any(a <= at < b for a, b in spans) for at in mentions):
        return False
    flagged = not isinstance(sentence, str) and (sentence.get("shortcoming") or "none") in RESTATING
    return not (flagged and not _OWN_VOICE.search(text))


def work_sentences(lib):
    """paper ids -> {paper: its objective and method sentences, each {"text", "shortcoming"}}: what a paper says it
    sets out to do and does (the user's role and shortcoming corrections win); each paper read once."""
    seen: dict[int, list] = {}

    def read(pids):
        for pid in (int(p) for p in pids):
            if pid not in seen:
                seen[pid] = [{"text": x["text"], "shortcoming": x["shortcoming"]}
                             for x in lib.effective_sentences(pid) if x["role"] in WORK_ROLES]
        return {int(p): seen[int(p)] for p in pids}

    return read
