"""Merging phrases by meaning: leader clustering over the phrases' embeddings, most frequent first, so that
"diffusion models", "diffusion model" and "denoising diffusion models" become one concept named by its most
frequent form, while a long chain of small steps never joins two unrelated phrases (single linkage would).

Meaning is not enough for names with a number: "YOLOv5", "YOLOv8" and "YOLOv9" are as close as vectors get
and are three models to a researcher ("SAM2" and "SAM3", "Qwen2" and "Qwen2.5", "2D" and "3D" too). Two
phrases join only when they carry the same version numbers (``numbers``); a phrase and the same phrase
with a leading number ("Gaussian splatting", "3D Gaussian splatting") may. Spellings of one name join
whatever their vectors say: "YOLOv8", "YOLO-v8" and "yolo v8" (``spelling``).

Nor is meaning enough for two phrases naming different things of one field: "adversarial networks" is as
close to "adversarial attacks" as a plural is, and "short term memory" to "LSTM". Two phrases of two words or
more join only when their head nouns agree (``same_head``), and an acronym ("LSTM", "LLMs") only with itself,
a phrase holding it ("LSTM networks") or an expansion that spells it ("long short-term memory";
``acronym_joins``). What these rules keep apart and a researcher reads as one name ("CoT", "chain-of-thought",
"chain-of-thought reasoning") is joined afterwards by what the papers write: an acronym and the phrases they
define it by (expansions.py).

Nor do opposites join, however close their vectors: "high-resource languages" is no form of "low-resource
languages", nor "unsupervised learning" of "supervised learning". A phrase stays out of a group when a word it
brings is the opposite of a word some member of the group has (antonyms.py), so a neutral leader ("resource
languages") does not gather both ends either."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Mapping, Optional

import numpy as np

from .acronyms import acronym_key, fold_word, is_acronym, spells_out
from .antonyms import opposed_to_any, parts
from .tokens import lower_words
from ..vocabulary import CONCEPT_HEAD_NOUNS

MERGE_SIM = 0.87   # cosine of MiniLM phrase vectors; 0.85 still joined "encoder-decoder" into "encoder"
# two different head words still name one thing when the words themselves mean alike: MiniLM reads
# "detection" / "detectors" at 0.75, "networks" / "nets" 0.61, "images" / "imaging" 0.62, against "attacks" /
# "networks" 0.37 and "generation" / "synthesis" 0.30 (whose phrases stay apart at 0.82 anyway)
HEAD_SIM = 0.55
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)*[a-z]*")


def numbers(phrase: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the version numbers of a phrase: those inside a word, with the letters they carry: "yolov8",
    "yolo-v8" (8), "gpt-4o" (4o), "llama-3-8b" (3, 8b); the numbers that lead a word: "3d", "4-bit" (3, 4)),
    each sorted."""
    versions, leading = [], []
    for w in lower_words(phrase):
        for k, part in enumerate(w.split("-")):
            for m in _NUMBER.finditer(part):
                if k == 0 and m.start() == 0:
                    leading.append(m.group(0).rstrip("abcdefghijklmnopqrstuvwxyz"))
                else:
                    versions.append(m.group(0))
    return tuple(sorted(versions)), tuple(sorted(leading))


def same_numbers(a: tuple, b: tuple) -> bool:
    """Whether two phrases' ``numbers`` let them be one concept: the same versions, and the same leading
    numbers or none on one side."""
    return a[0] == b[0] and (a[1] == b[1] or not a[1] or not b[1])


def spelling(phrase: str) -> str:
    """A phrase without case, spaces and hyphens: "YOLO-v8", "yolo v8" and "YOLOv8" are one spelling."""
    return re.sub(r"[\s\-]+", "", phrase.lower())


def head_word(phrase: str) -> str:
    """The head noun of a lower-case phrase: its last word, the last part of a hyphenated one ("instruction
    fine-tuning": "tuning"), not a last word that is the acronym of the words before it ("large language
    models llms": "models")."""
    ws = phrase.lower().split()
    if len(ws) > 2 and _abbreviates(ws[-1], ws[:-1]):
        ws = ws[:-1]
    return ws[-1].split("-")[-1] if ws else ""


def _abbreviates(word: str, before: list[str]) -> bool:
    """Whether ``word`` is the acronym of the words ``before`` it: it starts with their first initial (or a
    digit: "3dgs") and holds their initials in order ("llms", "dit", "3dgs" of "gaussian splatting")."""
    initials = [w[0] for w in re.split(r"[\s\-]+", " ".join(before)) if w]
    if not initials or not word or not (word[0] == initials[0] or word[0].isdigit()):
        return False
    rest = iter(word)
    return all(ch in rest for ch in initials[1:])


def _words(phrase: str) -> list[str]:
    return [fold_word(w) for w in re.split(r"[\s\-]+", phrase.lower()) if w]


@lru_cache(maxsize=1)
def _name_heads() -> frozenset:
    return frozenset(fold_word(w) for w in CONCEPT_HEAD_NOUNS)


def same_head(a: str, b: str, head_vecs: Optional[Mapping[str, np.ndarray]] = None) -> bool:
    """Whether two phrases may name one thing by their head nouns: always when either is one word (a name or
    an acronym, judged by ``acronym_joins``), else when their heads are one word once plurals and endings are
    folded ("diffusion models" / "denoising diffusion model", "language models" / "language modeling") or,
    with ``head_vecs`` ({head word: L2-normalised vector}), words of one meaning ("detection" / "detectors",
    "networks" / "nets": cosine >= HEAD_SIM), or when they are the same words in another order or one is the
    other with a head noun such as "models" (CONCEPT_HEAD_NOUNS); not "adversarial attacks" / "adversarial
    networks"."""
    if len(a.split()) < 2 or len(b.split()) < 2:
        return True
    ha, hb = head_word(a), head_word(b)
    if fold_word(ha) == fold_word(hb):
        return True
    # the same words in another order ("reasoning visual", an n-gram of "... reasoning. Visual ..."), or one
    # phrase and the same with a head noun any name may end in ("flow matching models", "flow matching")
    wa, wb = _words(a), _words(b)
    if set(wa) == set(wb):
        return True
    short, long = (set(wa), set(wb)) if len(set(wa)) < len(set(wb)) else (set(wb), set(wa))
    if short < long and long - short <= _name_heads():
        return True
    va, vb = (head_vecs or {}).get(ha), (head_vecs or {}).get(hb)
    return va is not None and vb is not None and float(va @ vb) >= HEAD_SIM


def acronym_joins(a: str, b: str) -> bool:
    """Whether two phrases, written as the library writes them ("LSTM", not "lstm"), may be one concept when
    either is an acronym: the same acronym ("LLM" / "LLMs"), a phrase holding it ("LSTM networks"), or an
    expansion that spells it ("long short-term memory", not "short term memory")."""
    for acr, other in ((a, b), (b, a)):
        if not is_acronym(acr):
            continue
        key = acronym_key(acr)
        if any(acronym_key(w) == key for w in re.split(r"[\s\-]+", other) if w):
            continue
        if not spells_out(other.strip(), acr.strip()):
            return False
    return True


def may_join(a: str, b: str, written: Optional[Mapping[str, str]] = None,
             head_vecs: Optional[Mapping[str, np.ndarray]] = None) -> bool:
    """Whether phrase ``a`` may join the group led by ``b`` (lower case, as the extractor's n-grams are;
    ``written``: {lower-cased token: its usual written form}, which tells an acronym; ``head_vecs``: see
    ``same_head``)."""
    if not same_head(a, b, head_vecs):
        return False
    if not written:
        return True
    form = lambda p: " ".join(written.get(t, t) for t in p.split())
    return acronym_joins(form(a), form(b))


def merge_phrases(phrases: list[str], vecs: np.ndarray, counts: list[int], *, sim: float = MERGE_SIM,
                  block: int = 2048, written: Optional[Mapping[str, str]] = None,
                  head_vecs: Optional[Mapping[str, np.ndarray]] = None) -> np.ndarray:
    """Leader of each phrase (an index into ``phrases``): phrases in descending ``counts`` order join the
    leader of an earlier phrase of the same spelling, else the most similar leader within cosine ``sim``
    with the same numbers (``same_numbers``) and no word opposed to a member's (``antonyms.opposed_to_any``)
    that it may join (``may_join``: head nouns that agree, an acronym with its own expansion), else lead a
    group of their own. ``vecs`` L2-normalised."""
    n = len(phrases)
    order = sorted(range(n), key=lambda i: (-counts[i], phrases[i]))
    leader = np.full(n, -1, dtype=np.int64)
    leaders: list[int] = []
    lv = np.zeros((0, vecs.shape[1]), dtype=np.float32)
    pending: list[int] = []          # new leaders not yet stacked into lv (stacking each time is quadratic)
    nums = [numbers(p) for p in phrases]
    # a group's numbers: its leader's, and the first leading number a member brings ("gaussian splatting"
    # takes "3d gaussian splatting", and then not "2d gaussian splatting")
    group_nums: dict[int, tuple] = {}
    spelt: dict[str, int] = {}
    # a group's members by the words they hold ("low resource languages" keeps out "high resource languages")
    holders: dict[int, dict[str, list]] = {}
    words = [parts(p) for p in phrases]

    def enter(i: int, j: int) -> None:
        for w in words[i]:
            holders.setdefault(j, {}).setdefault(w, []).append(words[i])

    def fits(i: int, j: int) -> bool:
        return (same_numbers(group_nums[j], nums[i]) and not opposed_to_any(words[i], holders.get(j, {}))
                and may_join(phrases[i], phrases[j], written, head_vecs))

    for i in order:
        v = vecs[i]
        best, best_s = spelt.get(spelling(phrases[i]), -1), sim
        if best >= 0:
            leader[i] = leader[best]
            enter(i, int(leader[best]))
            continue
        spelt[spelling(phrases[i])] = i
        if len(lv):
            s = lv @ v
            for j in np.flatnonzero(s >= best_s)[np.argsort(-s[s >= best_s], kind="stable")]:
                if fits(i, leaders[j]):
                    best, best_s = leaders[j], float(s[j])
                    break
        for j in pending:
            s = float(vecs[j] @ v)
            if s >= best_s and fits(i, j):
                best, best_s = j, s
        if best < 0:
            leader[i] = i
            group_nums[i] = nums[i]
            enter(i, i)
            pending.append(i)
            if len(pending) >= 64:
                leaders += pending
                lv = np.vstack([lv, vecs[pending]])
                pending = []
        else:
            leader[i] = best
            enter(i, best)
            if nums[i][1] and not group_nums[best][1]:
                group_nums[best] = (group_nums[best][0], nums[i][1])
    return leader
