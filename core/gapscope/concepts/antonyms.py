"""Opposite modifiers: "low-resource languages" and "high-resource languages" are two concepts.

Phrase vectors put opposites next to each other (the two share every word but one, and MiniLM reads "low"
and "high" as words of one kind), so merging by meaning (merge.py) joined them and the concept's search and
counts took in its own opposite. Two phrases are opposed when one brings a word the other lacks that is the
opposite of a word the other brings and it lacks: the same slot of the name holds two opposites ("small" /
"large language models"), not an acronym against its expansion ("LLMs" / "large language models") nor two
forms of one name ("low-resource language" / "low-resource languages").

A word's opposite is read three ways, on words with their plural and ending folded (acronyms.fold_word) and
hyphens as spaces:
1. a curated list of opposite modifiers (``OPPOSITES``; no lexical resource is installed offline: NLTK's
   WordNet needs a corpus download);
2. a negating prefix (``NEGATORS``): "unsupervised" / "supervised", "nonlinear" / "non-linear" / "linear",
   "asynchronous", "decentralized" ("implicit" / "explicit" are in the list);
3. two prefixes of one kind on one stem (``PREFIX_OPPOSITES``): "multilingual" / "monolingual",
   "pre-training" / "post-training", "upsampling" / "downsampling", "intra-class" / "inter-class"."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import AbstractSet, Mapping, Sequence

from .acronyms import fold_word

# Each row: mutually exclusive modifiers, one side per set; two words on different sides of a row are opposed.
# Inflections that the stemmer keeps apart ("lower", "lowest") are listed with their word.
OPPOSITES: tuple[tuple[frozenset, ...], ...] = tuple(
    tuple(frozenset(side.split()) for side in row.split("|")) for row in (
        "low lower lowest | high higher highest",
        "small smaller smallest tiny little | large larger largest big bigger huge",
        "short shorter | long longer",
        "single one mono uni | dual two double bi pairwise | multi multiple many poly | few | zero",
        "open | closed close",
        "static | dynamic",
        "sparse | dense",
        "shallow | deep",
        "explicit | implicit",
        "positive | negative",
        "online | offline",
        "white | black | gray grey",
        "supervised | unsupervised | self | semi | weakly weak",
        "synchronous | asynchronous",
        "centralized centralised | decentralized decentralised distributed federated",
        "linear | nonlinear",
        "local | global",
        "fine | coarse",
        "hard | soft",
        "discrete | continuous",
        "homogeneous | heterogeneous",
        "symmetric | asymmetric",
        "internal | external",
        "intrinsic | extrinsic",
        "early | late",
        "fast | slow",
        "strong | weak",
        "manual | automatic automated",
        "real | synthetic",
        "clean | noisy",
        "benign | malicious adversarial",
        "public | private",
        "lightweight | heavyweight",
        "narrow | wide",
        "top | bottom",
        "forward | backward",
        "input | output",
        "source | target",
        "indoor | outdoor",
        "in | out",
        "upper | lower",
        "minimum min | maximum max",
        "increasing | decreasing",
        "lossless | lossy",
    ))

# a word with one of these in front is the other's negation: "unlabeled" / "labeled", "non-iid" / "iid"
NEGATORS = ("non", "un", "anti", "in", "im", "ir", "il", "dis", "de", "a")
NEGATED_STEM_MIN = 4     # shorter stems make chance pairs of unrelated words ("a" + "ge")
# a stem with one prefix of a row against the same stem with another: "monolingual" / "multilingual"
PREFIX_OPPOSITES = (("mono", "uni", "single"), ("bi", "dual"), ("multi", "poly", "cross")), \
                   (("pre",), ("post",)), (("intra",), ("inter",)), (("over",), ("under",)), \
                   (("up",), ("down",)), (("en",), ("de",)), (("hyper",), ("hypo",)), (("in",), ("out",))

# a hyphenated negator is the word's prefix: "non-linear" is "nonlinear"
_JOINED = ("non", "un", "anti")
_LINKS = frozenset({"of", "the", "and", "to"})


def parts(phrase: str) -> frozenset:
    """The folded words of a phrase, hyphens as spaces, a hyphenated negator joined to its word, little words
    out ("out-of-distribution": "out", "distribut")."""
    raw = [w for w in re.split(r"[\s\-/]+", phrase.lower()) if w and w not in _LINKS]
    out, k = [], 0
    while k < len(raw):
        if raw[k] in _JOINED and k + 1 < len(raw):
            out.append(raw[k] + raw[k + 1])
            k += 2
        else:
            out.append(raw[k])
            k += 1
    return frozenset(fold_word(w) for w in out)


@lru_cache(maxsize=1)
def _rows() -> tuple[dict[str, int], ...]:
    """Per row of OPPOSITES: {folded word: its side}."""
    return tuple({fold_word(w): s for s, side in enumerate(row) for w in side} for row in OPPOSITES)


@lru_cache(maxsize=1 << 16)
def opposites(word: str) -> frozenset:
    """The folded words opposed to a folded word (see the module's three ways)."""
    out = set()
    for row in _rows():
        if word in row:
            out |= {w for w, s in row.items() if s != row[word]}
    for neg in NEGATORS:
        out.add(fold_word(neg + word))
        if word.startswith(neg) and len(word) - len(neg) >= NEGATED_STEM_MIN:
            out.add(word[len(neg):])
    for row in PREFIX_OPPOSITES:
        for s, side in enumerate(row):
            if word in side:            # the prefix written apart: "pre-training" / "post-training"
                out |= {other for t, others in enumerate(row) if t != s for other in others}
            for pre in side:
                stem = word[len(pre):]
                if word.startswith(pre) and len(stem) >= NEGATED_STEM_MIN:
                    out |= {other + stem for t, others in enumerate(row) if t != s for other in others}
    out.discard(word)
    return frozenset(out)


def opposed_parts(a: AbstractSet[str], b: AbstractSet[str]) -> bool:
    """Whether a word only ``a`` has is the opposite of a word only ``b`` has (sets of ``parts``; ``b`` may be
    the words of a whole group, so it is not copied)."""
    return any(o in b and o not in a for w in a if w not in b for o in opposites(w))


def opposed_to_any(a: AbstractSet[str], holders: Mapping[str, Sequence[AbstractSet[str]]]) -> bool:
    """Whether ``a`` (``parts``) is opposed to one of a group's phrases, given as ``holders``: {word: the
    ``parts`` of the group's phrases that hold it}. Pair by pair, so that a phrase holding both ends ("open
    closed-source LLMs") does not let one end in after the other."""
    return any(w not in b for w in a for o in opposites(w) if o not in a for b in holders.get(o, ()))


def opposed(a: str, b: str) -> bool:
    """Whether two phrases name opposites: "low-resource languages" / "high-resource languages", "supervised
    learning" / "unsupervised learning"; not "LLMs" / "large language models"."""
    return opposed_parts(parts(a), parts(b))
