"""The library's own field as a gap end: "NLP" in a library of cs.CL papers is the whole library, not a
problem a method can be applied to ("Apply BERT to NLP") nor a method to apply.

The generic rule (quality.topic_spread) misses it on a library of one field: there "NLP" is not spread
over the library's topics as chance spreads papers but gathers in the few that write about the field as
a whole (surveys, "NLP tasks", applications), so its spread stays under the threshold. The field is read
from the papers' arXiv primary categories instead: a category that holds at least ``FIELD_MIN_SHARE`` of
the library's papers is one of its fields, and a concept whose phrase or a merged variant is that
category's name ("natural language processing", "NLP", "computational linguistics"), alone or before a
word that only points at it ("NLP tasks", "computer vision applications"), ends no gap. A library without
arXiv categories (BibTeX, Scholar) has no field read this way and loses nothing. A short name ("CV", "ML")
counts only in the field's sense: a concept whose papers define it otherwise ("CV": cross-validation), or
whose other forms spell it otherwise, stays."""

from __future__ import annotations

import re
from typing import Iterable, Mapping, Sequence

FIELD_MIN_SHARE = 0.25   # a quarter of the papers: the 74,566-paper cs file has cs.CV (47%) and cs.CL (28%)

# what each arXiv category's field is called in abstracts: its name, its usual names and their acronyms
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "cs.CL": ("natural language processing", "NLP", "computational linguistics", "computation and language"),
    "cs.CV": ("computer vision", "CV", "computer vision and pattern recognition"),
    "cs.LG": ("machine learning", "ML"),
    "stat.ML": ("machine learning", "ML"),
    "cs.AI": ("artificial intelligence", "AI"),
    "cs.RO": ("robotics",),
    "cs.IR": ("information retrieval", "IR"),
    "cs.SD": ("audio processing", "sound processing"),
    "eess.AS": ("speech processing", "audio processing"),
    "eess.IV": ("image processing", "image and video processing"),
    "cs.GR": ("computer graphics", "graphics"),
    "cs.HC": ("human-computer interaction", "HCI"),
    "cs.CR": ("computer security", "cryptography and security"),
    "cs.SE": ("software engineering", "SE"),
    "cs.IT": ("information theory",),
    "cs.GT": ("game theory", "computer science and game theory"),
    "cs.NE": ("neural and evolutionary computing", "evolutionary computation"),
}
# words after a field's name that add nothing to it: "NLP tasks" is NLP
_POINTERS = frozenset("task tasks application applications research field domain domains area problem problems "
                      "community".split())
_SPACE = re.compile(r"[\s\-]+")


def library_fields(category_counts: Mapping[str, int], n_papers: int) -> list[str]:
    """The arXiv categories that are the library's fields: those holding ``FIELD_MIN_SHARE`` of its
    ``n_papers`` papers as their primary category, most papers first."""
    if n_papers <= 0:
        return []
    return [c for c, n in sorted(category_counts.items(), key=lambda kv: -kv[1]) if n >= FIELD_MIN_SHARE * n_papers]


def _norm(phrase: str) -> str:
    return _SPACE.sub(" ", phrase.strip()).lower()


def field_names(fields: Iterable[str]) -> frozenset:
    """The normalised names of the given categories' fields."""
    return frozenset(_norm(name) for f in fields for name in FIELD_NAMES.get(f, ()))


def _named(form: str) -> str:
    """A form normalised, less the words after it that only point at it ("NLP tasks": "nlp")."""
    words = _norm(form).split()
    while words and words[-1] in _POINTERS and len(words) > 1:
        words = words[:-1]
    return " ".join(words)


def names_field(forms: Sequence[str], names: frozenset, senses: Sequence[str] = ()) -> bool:
    """A concept (its phrase and merged variants, ``forms``) that names one of the fields (``names``,
    field_names): a form that is a field's name, or one followed by a word that only points at it. A one-word
    name ("CV", "ML") is an acronym of several things, and names the field only in the field's sense:
    ``senses`` are what the concept means by its acronyms (the expansion its papers agree on, acronyms.judge,
    and its forms that are no acronym); when some spell the acronym and none is the field's name, the acronym
    names that ("CV": cross-validation in a library of cs.CV papers) and the concept stays."""
    from .acronyms import spells_out

    for form in forms:
        name = _named(form)
        if name not in names:
            continue
        if " " not in name:
            spelt = [s for s in senses if s and _named(s) != name and spells_out(s, form.split()[0])]
            if spelt and not any(_named(s) in names for s in spelt):
                continue
        return True
    return False
