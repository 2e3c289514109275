"""A closest work that may combine a gap's pair in other words.

The extractor keeps near-synonyms apart as concepts ("long sequences", "long-context"), and a paper is
counted under the one it names: "Short Data, Long Context: Distilling Positional Knowledge in Transformers"
names knowledge distillation and works on "long-context", so the gap "knowledge distillation" x "long
sequences" counted it as combining nothing, and the closest-work check, whose cosine to the "long
sequences" side (0.51) is under what naming one end asks of the other (0.60), read it as no more than near;
its statement said "none of them combines the two" beside it. Here a listed closest work (the library's)
that names one end, and that the extractor named a concept of the other end's kind in that is close to the
other end in name and papers (a word of its name in common, no word of any paper such as "sequence"; their
mean abstract vectors at ``SAME_AREA_MIN`` or closer), is found, for the statement to name it: it may
combine the two in other words. Papers alone are not enough: a paper's concepts in one area are many, and on
the 10,653-paper library 5 of the 8 gaps with such a work had one with nothing of the other end's name
("latent space" for "flow matching", "visual fidelity" for "image synthesis"); with a word in common, the
3 left are "long-context", "domain generalization" for "domain shift" and "diffusion transformer" for
"pre-trained diffusion". Not counted as combining (the concepts are apart for the ranker too), not
calibrated as the check is: a pointer for the reader to the evidence listed."""

from __future__ import annotations

import re
from typing import Callable, Mapping, Optional, Sequence

import numpy as np

from ..concepts.word_forms import generic_word, singular
from ..vocabulary import CONCEPT_HEAD_NOUNS, CONCEPT_MODEL_HEADS, CONCEPT_TASK_HEADS

SAME_AREA_MIN = 0.9     # cosine of two concepts' mean abstract vectors: "long-context" x "long sequences" 0.92
# words two names of one area share without being one thing: a task or model head ("semantic segmentation",
# "instance segmentation"), a word of any method ("contrastive learning", "self-supervised learning")
_UNLIKE = CONCEPT_HEAD_NOUNS | CONCEPT_MODEL_HEADS | CONCEPT_TASK_HEADS | frozenset({"learning", "training"})


def in_other_words(closest_work: Sequence[dict], m, p, members: tuple[set, set],
                   concepts_of: Mapping[int, Sequence], content: Callable[[object], np.ndarray]) -> Optional[dict]:
    """The most similar of ``closest_work`` (gaps/closest.py entries) that is not about both already, is the
    library's, names one end (``members``: the papers counted for m and for p) and not the other, and has a
    concept (``concepts_of``: {paper: the concepts the extractor named in it}) of the other end's kind whose
    ``content`` vector is within SAME_AREA_MIN of the other end's: {"id", "title", "named" (the end it names),
    "concept" (the close one), "other" (the end it may be in other words), "closeness"}; None when none is."""
    for x in sorted(closest_work or (), key=lambda w: -float(w.get("similarity") or 0.0)):
        if x.get("source") != "library" or x.get("did_both") or x.get("names_both") or x.get("id") is None:
            continue
        q = int(x["id"])
        for end, other, named, other_named in ((m, p, members[0], members[1]), (p, m, members[1], members[0])):
            if q not in named or q in other_named:
                continue
            target = content(other)
            close = [(float(content(c) @ target), c) for c in concepts_of.get(q, ())
                     if c.kind == other.kind and c.id != other.id and _name_words(c) & _name_words(other)]
            best = max(close, key=lambda t: t[0], default=None)
            if best is not None and best[0] >= SAME_AREA_MIN:
                return {"id": q, "title": x.get("title"), "named": end.phrase, "concept": best[1].phrase,
                        "other": other.phrase, "closeness": round(best[0], 3)}
    return None


def _name_words(c) -> set[str]:
    """The words of a concept's name that may say two names are alike: singular, lower case; no word of any
    paper ("sequence", "selection"), head of many ("segmentation", "model", "learning"), modifier ("pre-trained",
    "supervised") nor short one ("of", "3D", "LLM")."""
    words = (singular(w) for w in re.findall(r"[a-z]+", c.phrase.lower()))
    return {w for w in words if len(w) > 3 and not w.endswith("ed") and w not in _UNLIKE and not generic_word(w)}


def other_words_clause(found: Optional[dict]) -> str:
    """", though “T” names X with “Y”, close to Z in name and papers: it may combine the two in other words";
    "" without one."""
    if not found:
        return ""
    return (f", though \u201c{found['title']}\u201d names {found['named']} with \u201c{found['concept']}\u201d, close to "
            f"{found['other']} in name and papers: it may combine the two in other words")
