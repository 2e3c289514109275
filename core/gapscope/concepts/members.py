"""The papers a concept holds as a reader counts them.

The extractor names a concept in a paper only when it is among the few key phrases KeyBERT picks from the
paper's method or problem sentences (extract.py): a paper with "KV cache" in its title, or only in a
background sentence, or under a longer name that is a concept of its own ("KV cache compression"), is no
member, and on the 10,653-paper library "KV cache" had 43 papers where `gapscope search '"KV cache"'` finds
62. That choice is the concept graph the ranker learns from (a paper links the concepts it is about, not
every phrase it writes); what a gap says a concept counts is what a reader can find: the papers the
extractor named it in and those whose title or abstract names it, its phrase or one of its merged variants
as a phrase (the FTS index's stems: "KV-cache", "KV caches", "KV caching"), under either name of an acronym
and its expansion. ``search_query`` is the search that finds those papers, save that a name with capitals
("CLIP", "AIME") counts only the papers writing it so, where the search, which ignores case and reads stems,
also finds "video clips" and "aims" (``written_in_capitals``)."""

from __future__ import annotations

import re
from typing import Iterable, Mapping, Optional, Sequence

N_FORMS = 10      # the merged variants read, as the joined-in-text rule and the reference check read them


def concept_forms(c, n: int = N_FORMS) -> list[str]:
    """The concept's phrase and its first ``n`` merged variants that are no pieces of two phrases run together
    ("selection data" for "data selection": concepts/variants.py)."""
    from .variants import search_variants

    return [c.phrase, *search_variants(c.phrase, c.synonyms)[:n]]


def search_query(concepts: Iterable) -> Optional[str]:
    """What to type into `gapscope search` (or the app's search box) to find the papers naming one of
    ``concepts`` (a concept and its other names) in their title or abstract."""
    from ..store.mentions import phrase_query

    return phrase_query([f for c in concepts for f in concept_forms(c)])


def search_command(query: str, count) -> str:
    """The `gapscope search` command line that lists the papers of ``query``: with a ``--limit`` of the
    end's count when that is over the command's 20, or it would list 20 of 62."""
    n = count if isinstance(count, int) else 0
    return "gapscope search " + (f"--limit {n} " if n > 20 else "") + f"'{query}'"


def search_phrases(query: Optional[str]) -> list[str]:
    """The phrases a concept's search (``search_query``) counts, as written there: what a report says a
    count stands for in place of the command."""
    return re.findall(r'"([^"]+)"', query or "")


def written_in_capitals(query: Optional[str]) -> list[str]:
    """The names of a concept's search (``search_query``) that count only where a paper writes them with
    their capitals (store.mentions.written_names): the search lists more papers for them."""
    from ..store.mentions import written_names

    runs = [tuple(r.split()) for r in search_phrases(query)]
    return list(dict.fromkeys(written_names(runs).values()))


def named_in_text(lib, concepts: Sequence, cancel=None) -> dict[int, frozenset]:
    """{concept id: the papers whose title or abstract names it as a phrase} (Library.papers_naming)."""
    found = lib.papers_naming({c.id: concept_forms(c) for c in concepts}, cancel=cancel)
    return {k: frozenset(v) for k, v in found.items()}


def paper_texts(lib, ids: Sequence[int]) -> dict[int, str]:
    """{paper id: "title. abstract"} of ``ids`` in ``lib`` (the text an acronym's definitions are read from)."""
    return {pid: f"{t or ''}. {a or ''}" for pid, (t, a) in lib.title_abstracts_of(list(ids)).items()}


def mentioning(lib, concept, senses: Optional[Mapping[int, object]] = None, *, progress=None, cancel=None,
               where: str = "") -> frozenset:
    """Ids of ``lib``'s papers whose title or abstract mentions the concept (its phrase or one of its first
    ``N_FORMS`` merged variants), less, for an acronym whose papers agree on what it stands for (``senses``:
    {concept id: AcronymReading}), those that use it in another sense ("ASR" as attack success rate where
    the library's papers mean automatic speech recognition; concepts/acronyms.in_sense, which reads every
    abstract naming it: ``progress``, ``cancel`` and ``where`` as for acronyms.off_sense)."""
    from .acronyms import off_sense

    ids = set(lib.papers_mentioning({0: concept_forms(concept)}, cancel=cancel).get(0, set()))
    reading = (senses or {}).get(concept.id)
    if reading is not None and ids:
        ids -= off_sense({concept.id: reading}, {concept.id: ids}, lambda q: paper_texts(lib, q),
                         progress=progress, cancel=cancel, where=where).get(concept.id, set())
    return frozenset(ids)


def members(concepts: Iterable, named: Optional[Mapping[int, Iterable[int]]] = None) -> set[int]:
    """The papers of ``concepts`` (a concept and its other names): those the extractor named one in, and
    those ``named`` ({concept id: papers naming it in their text}) holds for one."""
    out: set[int] = set()
    for c in concepts:
        out |= {int(q) for q in c.papers}
        out |= {int(q) for q in (named or {}).get(c.id, ())}
    return out
