"""Whether a paper takes a stated shortcoming on: its title or its own objective or method sentences address it.

Restating a shortcoming is no taking it on. A later paper that writes "existing benchmarks predominantly focus on
high-resource languages" in its background states the complaint again; counting it as addressing the complaint
made "high-resource languages" look taken on by 11 later papers where 10 only restated it. So a paper takes a
problem concept on only when its title or a sentence saying what it sets out to do or does (role objective or
method, the user's corrections winning) names it as something it works on:

- the mention is not only denied or favoured (gaps/concept_statement.py): "unlike benchmarks focused on English,
  we ..." works on no English; favouring words in the paper's own voice say where its own work goes ("we focus
  on X", "a tokenizer tailored to X"): that is working on X;
- the sentence is not a complaint about others' work placed in that role: one the classifier flags as a
  shortcoming of prior work or an open problem, with no word of the paper's own voice ("we", "our", "this paper",
  "here", "propose"), restates the shortcoming ("existing methods fail to handle X").

A paper that states the shortcoming itself also takes it on when the work sentence right after that statement
answers it by reference ("... suffer from catastrophic forgetting. To address this, we propose ..."): the abstract
says its work is the response to that complaint. Continual-learning papers of the 10,653-paper library state
catastrophic forgetting and then describe their method without naming forgetting again; a paper stating it in
passing before proposing something else ("LLMs suffer from catastrophic forgetting and hallucination. We study
tabular reasoning ...") does not answer it.

A paper that states the shortcoming itself has named it in full already; its work sentences then address it by
the phrase's head alone ("we mitigate forgetting" after "... suffer from catastrophic forgetting"), unless that
head ends many concepts of the library (more than HEAD_SHARED_MAX: "languages", "environments", "cost"), where
the head alone may be anything ("we build a benchmark for Thai and other languages").
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Mapping, Optional, Union

from ..concepts.acronyms import fold_word
from .concept_statement import denied_spans, favoured_spans

WORK_ROLES = ("objective", "method")     # the sentence roles saying what a paper sets out to do and does
RESTATING = ("prior", "open")            # shortcoming types that are others' (or nobody's) failing
_OWN_VOICE = re.compile(r"\b(?:we|our|us|ours|this\s+(?:paper|work|study|article|letter)|here(?:in)?|"
                        r"propos(?:e|es|ed|ing)|introduc(?:e|es|ed|ing)|present(?:s|ed|ing)?)\b", re.I)

HEAD_SHARED_MAX = 10     # concepts of the library ending in the same word, at most, for the head alone to count

Sentence = Union[str, Mapping]


def head_word(phrase: str) -> Optional[str]:
    """The last word of a phrase of two or more words, plural and ending folded; None for one word."""
    words = phrase.lower().replace("-", " ").split()
    return fold_word(words[-1]) if len(words) >= 2 and len(words[-1]) >= 4 else None


def head_pattern(phrase: str, heads: Mapping[str, int]) -> Optional[re.Pattern]:
    """What finds the head of ``phrase`` in a sentence (any word folding to it), or None when it has none or
    ``heads`` ({folded head: how many concepts end in it}) says it ends more than HEAD_SHARED_MAX."""
    h = head_word(phrase)
    if h is None or heads.get(h, 0) > HEAD_SHARED_MAX:
        return None
    return re.compile(r"(?<!\w)(" + re.escape(h) + r"\w*)(?!\w)", re.I)


def concept_heads(phrases) -> Counter:
    """{folded head: how many of ``phrases`` end in it}."""
    return Counter(h for h in map(head_word, phrases) if h)


def addresses(sentence: Sentence, pattern: re.Pattern) -> bool:
    """Whether ``sentence`` (a work sentence: its text, or a dict with ``text`` and the ``shortcoming`` type the
    classifier or the user gave it) addresses the concept ``pattern`` matches (see the module's docstring)."""
    text = sentence if isinstance(sentence, str) else (sentence.get("text") or "")
    mentions = [m.start() for m in pattern.finditer(text)]
    if not mentions:
        return False
    spans = denied_spans(text) + [s for s in favoured_spans(text) if not _own_focus(text, s[0])]
    if all(any(a <= at < b for a, b in spans) for at in mentions):
        return False
    flagged = not isinstance(sentence, str) and (sentence.get("shortcoming") or "none") in RESTATING
    return not (flagged and not _OWN_VOICE.search(text))


# words of others' work between the paper's own voice and the favouring words: "we observe that existing methods
# focus on X" says where others' work went
_OTHERS = re.compile(r"\b(?:existing|prior|previous|current|conventional|traditional|other|others|they|their|"
                     r"(?:most|many)\s+(?:methods|approaches|works|studies|models|benchmarks|datasets|systems))\b", re.I)
_CLAUSE_CUT = re.compile(r"[;:.!?,]")


def _own_focus(text: str, start: int) -> bool:
    """Whether the favouring words at ``start`` ("focus on", "tailored to") say where the paper's own work goes
    ("we focus on X", "this paper focuses on X", "we present a tokenizer tailored to X"): its own voice earlier in
    their clause, with no word of others' work after it. Only others' favoured X is no X worked on."""
    clause = text[:start]
    clause = clause[max((m.end() for m in _CLAUSE_CUT.finditer(clause)), default=0):]
    own = list(_OWN_VOICE.finditer(clause))
    return bool(own) and not _OTHERS.search(clause, own[-1].end())


# a work sentence that answers the complaint just before it: "To address this", "To tackle these limitations",
# "To this end", "In response", "Motivated by this", "we propose X to overcome these challenges"
_ANSWERS = re.compile(
    r"(?:^\s*(?:to\s+this\s+end|in\s+response|motivated\s+by\s+(?:this|these|such)|to\s+(?:\w+\s+){0,2}?"
    r"(?:this|these|such|the\s+above|both|those)\b)|\b(?:address\w*|tackl\w*|overcom\w*|mitigat\w*|alleviat\w*|"
    r"solv\w*|resolv\w*|bridg\w*|fill\w*|remed\w*|circumvent\w*)\s+(?:this|these|such|the\s+above|both|those)\b)",
    re.I)


def answers(sentence: Mapping, pattern: re.Pattern) -> bool:
    """Whether a work sentence answers, by reference, a statement of the concept ``pattern`` matches made just
    before it (``sentence["after"]``: the shortcoming sentences right before it, takes_on.work_sentences)."""
    from .concept_statement import states_concept

    before = sentence.get("after") or ""
    return bool(before) and bool(_ANSWERS.search(sentence.get("text") or "")) and states_concept(before, pattern)


def work_sentences(lib):
    """paper ids -> {paper: its title and its objective and method sentences, each {"text", "shortcoming"}}: what
    a paper says it is about, sets out to do and does (the user's role and shortcoming corrections win); each paper
    read once. The title counts: 8 of the 18 later papers taking "low-resource languages" on in the 10,653-paper
    library name it only there ("Multimodal In-context Learning for ASR of Low-resource Languages")."""
    seen: dict[int, list] = {}

    def read(pids):
        new = [int(p) for p in pids if int(p) not in seen]
        titles = lib.title_abstracts_of(new) if new else {}
        for pid in new:
            title = (titles.get(pid) or ("", ""))[0] or ""
            said, before = [], []
            for x in lib.effective_sentences(pid):
                if x["role"] in WORK_ROLES:
                    # the statements just before it, which "To address this" refers to
                    said.append({"text": x["text"], "shortcoming": x["shortcoming"], "after": " ".join(before[-2:])})
                    before = []
                else:
                    before.append(x["text"])
            seen[pid] = [{"text": title, "shortcoming": "none"}] + said
        return {int(p): seen[int(p)] for p in pids}

    return read
