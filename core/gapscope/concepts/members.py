"""The papers a concept holds as a reader counts them.

The extractor names a concept in a paper only when it is among the few key phrases KeyBERT picks from the
paper's method or problem sentences (extract.py): a paper with "KV cache" in its title, or only in a
background sentence, or under a longer name that is a concept of its own ("KV cache compression"), is no
member, and on the 10,653-paper library "KV cache" had 43 papers where `gapscope search '"KV cache"'` finds
62. That choice is the concept graph the ranker learns from (a paper links the concepts it is about, not
every phrase it writes); what a gap says a concept counts is what a reader can find: the papers the
extractor named it in and those whose title or abstract names it, its phrase or one of its merged variants
as a phrase (the FTS index's stems: "KV-cache", "KV caches", "KV caching"), under either name of an acronym
and its expansion. ``search_query`` is the search that finds those papers."""

from __future__ import annotations

from typing import Iterable, Mapping, Optional, Sequence

N_FORMS = 10      # the merged variants read, as the joined-in-text rule and the reference check read them


def concept_forms(c, n: int = N_FORMS) -> list[str]:
    """The concept's phrase and its first ``n`` merged variants."""
    return [c.phrase, *c.synonyms[:n]]


def search_query(concepts: Iterable) -> Optional[str]:
    """What to type into `gapscope search` (or the app's search box) to find the papers naming one of
    ``concepts`` (a concept and its other names) in their title or abstract."""
    from ..store.mentions import phrase_query

    return phrase_query([f for c in concepts for f in concept_forms(c)])


def named_in_text(lib, concepts: Sequence, cancel=None) -> dict[int, frozenset]:
    """{concept id: the papers whose title or abstract names it as a phrase} (Library.papers_naming)."""
    found = lib.papers_naming({c.id: concept_forms(c) for c in concepts}, cancel=cancel)
    return {k: frozenset(v) for k, v in found.items()}


def members(concepts: Iterable, named: Optional[Mapping[int, Iterable[int]]] = None) -> set[int]:
    """The papers of ``concepts`` (a concept and its other names): those the extractor named one in, and
    those ``named`` ({concept id: papers naming it in their text}) holds for one."""
    out: set[int] = set()
    for c in concepts:
        out |= {int(q) for q in c.papers}
        out |= {int(q) for q in (named or {}).get(c.id, ())}
    return out
