"""Whether a hyphen at a line's end belongs to the word or only breaks it there.

pdfium marks a line-end hyphen it takes for hyphenation ("classi-" + "fication"), and a BMC abstract
sets its line-end hyphens as non-breaking ones; either way the hyphen may be the word's own: "EF-1A",
"protein-protein", "automatically-detected". The document itself decides first: a word it prints
elsewhere inside a line, either joined ("AutoScholarQuery", "SciBERT", "assay") or hyphenated
("mid-length"), is taken as printed there (:class:`Spellings`). Else the hyphen is kept when

- the part after the break starts with a capital or a digit, or has a capital in it ("EF-1A",
  "PaSa-GPT-4o", "pre-mRNA"), or the part before ends in a digit ("Kir6.2-S118L", "5-fold");
- the part after repeats the part before ("protein-protein", "cell-cell");
- the joined word is no word at all while both parts are common words (word frequencies of the
  ``wordfreq`` package, in English): "automaticallydetected", "parameterefficient". A word cut in
  syllables has a part that is no word ("classi", "fication"), or joins into a word ("crossover",
  "assay", "baselines"), and loses its hyphen as before.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

_WORD_BEFORE = re.compile(r"[^\W_]+$")
_WORD_AFTER = re.compile(r"[^\W_]+")
_COMPOUND = re.compile(r"[^\W_]+(?:[-\u2010\u2011][^\W_]+)*")     # a word, or words joined by hyphens
_HYPHENS = re.compile(r"[-\u2010\u2011]")
COMMON = 3.0       # Zipf frequency from which a part counts as a common word (3: once per million words)


class Spellings:
    """The words a document prints inside its lines, and the pairs it joins with a hyphen there, in
    lower case: how it spells a word that a line end cuts elsewhere."""

    def __init__(self, texts) -> None:
        self.words: set[str] = set()
        self.pairs: set[tuple[str, str]] = set()
        for t in texts:
            for token in _COMPOUND.findall(t.lower()):
                parts = _HYPHENS.split(token)
                self.words.update(parts)
                self.pairs.update(zip(parts, parts[1:]))


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en", wordlist="large")    # "large": words down to once per 100 million


def keeps_hyphen(before: str, after: str, spelled: Optional[Spellings] = None) -> bool:
    """Whether the hyphen that ends ``before`` (the text up to it, without it) is the word's own when
    the line breaks there and ``after`` (the next line) follows; ``spelled``: the document's spellings."""
    b, a = _WORD_BEFORE.search(before), _WORD_AFTER.match(after)
    if not b or not a:
        return False
    b, a = b.group(), a.group()
    if spelled is not None:
        hyphenated, joined = (b.lower(), a.lower()) in spelled.pairs, (b + a).lower() in spelled.words
        if hyphenated != joined:
            return hyphenated
    if a[0].isdigit() or any(c.isupper() for c in a) or b[-1].isdigit():
        return True
    if a.lower() == b.lower():
        return True
    if not (b.isalpha() and a.isalpha()):
        return False
    zb, za = _zipf(b.lower()), _zipf(a.lower())
    return min(zb, za) >= COMMON and _zipf((b + a).lower()) == 0.0
