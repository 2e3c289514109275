"""Which of a concept's merged variants a search for it may use.

The extractor reads n-grams with the stop words and the punctuation out, so some variants it merged into a
concept are pieces of two phrases run together, never written as a name: "selection data" ("selection of
training data", "feature selection. Data ..."), "reasoning visual" ("... reasoning. Visual ..."), "graph kg" (the
end of "knowledge graph (KG)"), "signal-to-noise ratio psnr" (from "peak signal-to-noise ratio (PSNR)"). The
search a gap counts a concept's papers by (concepts/members.py) reads each variant as a phrase, so such a piece
finds papers about something else: "signal-to-noise ratio SNR" gathered image papers (PSNR) into a wireless gap.
``cut_variant`` tells them; ``search_variants`` keeps the others, a plural ("knowledge graphs"), a spelling
("knowledge-graph") or the acronym ("kgs"). The concept list itself is not changed: this is how it is searched."""

from __future__ import annotations

import re
from typing import Sequence

from .quality import singular


def _words(text: str) -> list[str]:
    return [singular(w) for w in re.split(r"[\s\-/]+", text.lower()) if w]


def _acronym_word(word: str, acronym: str) -> bool:
    return bool(acronym) and word in (acronym, acronym + "s")


def _own_acronym(phrase: str) -> tuple[list[str], str, bool]:
    """(the words of ``phrase`` without the acronym it ends in, that acronym lower case and singular, True) when its
    last word is the acronym the others spell ("signal-to-noise ratio SNR"), else (its words, its initials: "kg"
    for "knowledge graph", False)."""
    from .acronyms import is_capitals, spells_out

    parts = phrase.split()
    if len(parts) >= 2 and is_capitals(parts[-1]) and spells_out(" ".join(parts[:-1]), parts[-1]):
        last = parts[-1].lower()
        return _words(" ".join(parts[:-1])), last[:-1] if last.endswith("s") else last, True
    initials = "".join(w[0] for w in re.split(r"[\s\-]+", phrase.lower()) if w)
    return _words(phrase), initials if len(initials) >= 2 and len(parts) >= 2 else "", False


def _compounds_turned(phrase: str, variant: str) -> bool:
    """``variant`` is ``phrase`` word by word, some of its hyphenated compounds read the other way round."""
    ours, theirs = phrase.lower().split(), variant.lower().split()
    return len(ours) == len(theirs) and all(
        (a := _words(x)) == (b := _words(y)) or (len(a) > 1 and "-" in x and "-" in y and a == b[::-1])
        for x, y in zip(ours, theirs))


def cut_variant(phrase: str, variant: str) -> bool:
    """A variant made of pieces of two phrases: the concept's words in another order ("selection data" for "data
    selection"), some of its words with its acronym ("graph kg" for "knowledge graph"), or, for a phrase that ends
    in its own acronym, its words with another word in place of that acronym ("signal-to-noise ratio psnr" for
    "signal-to-noise ratio SNR")."""
    words, acronym, ends_in_it = _own_acronym(phrase)
    v = _words(variant)
    if not v or not words:
        return False
    if sorted(v) == sorted(words) and v != words:
        # a compound read either way round is one name ("teacher-student", "student-teacher"), alone or inside a
        # longer one whose words stay in their order ("image-text pairs", "text-image pairs")
        return not _compounds_turned(phrase, variant)
    rest = [w for w in v if not _acronym_word(w, acronym)]
    if acronym and len(rest) < len(v):
        return bool(rest) and set(rest) < set(words)
    return ends_in_it and len(v) == len(words) + 1 and v[:-1] == words and v[-1] not in words


def search_variants(phrase: str, synonyms: Sequence[str]) -> list[str]:
    """``synonyms`` less the pieces ``cut_variant`` tells, in their order."""
    return [s for s in synonyms if not cut_variant(phrase, s)]
