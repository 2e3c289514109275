"""Which gaps a facet correction touches: the gaps a corrected paper feeds, not every gap of the library.

A gap is found from the facet labels of every paper, but a correction changes one paper's, and a gap found
from concepts reads that paper only where the paper is one of its evidence papers (it is listed, quoted, or
its sentences say a concept is stated) or names one of its concepts (it is among the concept's papers, or its
title or abstract names the concept: the counts, the stating sentences and the papers taking a shortcoming on
all come from those papers). The granularity is the paper, not the sentence: the concept extractor reads a
paper's sentences together (KeyBERT over the side of the abstract they make up), so relabelling one sentence
can change which of all the paper's concepts it is given when the concepts are extracted again.

What this leaves out, on purpose: the figures a gap is compared against, read over all the papers (the
typical stated problem's rate, the ranker's features): one sentence moves them by one paper's worth, and
`gaps find` reads them anew. Gaps between map clusters (a library without concepts) read every member's labels
through the maps; any correction marks them, as do papers classified again or added.

A title or abstract edit (or its undo or redo) marks the gaps that read the edited paper the same way, the paper's
text before the edit counting as its own: a title edit changes no facet label, yet the gap's counts, mentions
and quoted titles read titles.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Mapping, Optional

CONCEPT_FACETS = ("method_concept", "problem_concept")
_RUN = re.compile(r'"([^"]+)"')      # a quoted run of words in a recorded search (store/mentions.phrase_query)


def correction_stamps(lib) -> dict[str, str]:
    """What a gap records of the facet corrections it was found with ({paper id as text: stamp})."""
    return {str(p): s for p, s in lib.facet_correction_stamps().items()}


def _fingerprint(fp: str) -> dict[str, str]:
    return dict(part.partition("=")[::2] for part in fp.split(";"))


def corrected_papers(lib, made: Mapping) -> Optional[set[int]]:
    """The papers whose facet corrections changed (made, changed, removed or put back) since ``made`` (a gap's
    ``made_with``) was recorded, when nothing else of the library changed; None when more did (papers added
    or removed, sentences classified again) or which papers cannot be told (a record without the
    corrections' stamps, and a correction from before it removed since)."""
    then = made.get("library")
    now = lib.library_fingerprint()
    if not then or then == now:
        return set()
    if not made.get("papers") or made["papers"] != lib.papers_fingerprint():
        return None
    was, now_ = _fingerprint(then), _fingerprint(now)
    if any(was.get(k) != now_.get(k) for k in ("facets", "classified")):
        return None
    stamps = made.get("corrections")
    if stamps is not None:
        current = lib.facet_correction_stamps()
        return {p for p in {int(k) for k in stamps} | set(current) if stamps.get(str(p)) != current.get(p)}
    # recorded before the stamps: the corrections made after its last one, if none of its own went since
    after, before = lib.facet_corrections_since(was.get("corrected", ""))
    return after if str(before) == was.get("corrections") else None


def _own_papers(gap) -> set[int]:
    """The papers a gap lists, quotes or reads stated sentences of."""
    d = gap.details or {}
    out = {int(p) for p in gap.evidence or ()} | {int(p) for p in (gap.roles or {})}
    for key in ("quotes", "shortcoming_sentences"):
        for s in d.get(key) or ():
            if isinstance(s, Mapping) and s.get("paper_id") is not None:
                out.add(int(s["paper_id"]))
    return out


def papers_feeding(lib, gap, papers: set[int], earlier: Optional[Mapping[int, str]] = None) -> set[int]:
    """Of ``papers``, those ``gap`` reads (see the module's docstring); ``earlier``: {paper: text it held before
    (edited titles and abstracts)}, which counts as its own (a title that named a concept until an edit)."""
    from .shortcoming_concepts import mention_pattern

    d = gap.details or {}
    refs = [r for r in (gap.method, gap.problem) if r is not None]
    ids = [r.cluster for r in refs if r.facet in CONCEPT_FACETS]
    phrases = [d["region_concept"]] if d.get("region_concept") else []
    batch = (d.get("made_with") or {}).get("concept_batch")
    if batch is None or not (ids or phrases):
        return set(papers)             # gaps between map clusters: every member's labels feed them
    fed = papers & _own_papers(gap)
    rest = sorted(papers - fed)
    if not rest:
        return fed
    concepts = lib.concept_names(batch, ids=ids, phrases=phrases)
    mine = {c["id"] for c in concepts}
    members = lib.concepts_of_papers(batch, rest)
    patterns = [mention_pattern(SimpleNamespace(phrase=c["phrase"], synonyms=c["synonyms"])) for c in concepts]
    patterns += other_name_patterns(d)
    texts = {p.id: f"{p.title or ''} {p.abstract or ''} {(earlier or {}).get(p.id, '')}" for p in lib.get_papers(rest)}
    for pid in rest:
        if members.get(pid, set()) & mine or any(rx.search(texts.get(pid, "")) for rx in patterns):
            fed.add(pid)
    return fed


def other_name_patterns(details: Mapping) -> list[re.Pattern]:
    """What finds the names a concept gap counts its ends' papers under besides their own phrases (an acronym's
    expansion, "chain-of-thought prompting" for "CoT prompting": gaps/aliases.one_concept_groups), read from the
    searches it records for them (``method_search`` / ``problem_search``: each name's words as a quoted run)."""
    out = []
    for key in ("method_search", "problem_search"):
        for run in _RUN.findall(str(details.get(key) or "")):
            words = run.split()
            if words:   # the index joins words across hyphens and stems the last: "KV caches" for "KV-cache"
                out.append(re.compile(r"\b" + r"\W+".join(re.escape(w) for w in words) + r"\w*", re.I))
    return out


def edit_stamps(lib) -> dict[str, str]:
    """What a gap records of the title and abstract edits it was found with ({paper id as text: stamp})."""
    return {str(p): s for p, s in lib.paper_edit_stamps().items()}


def edited_papers(lib, made: Mapping) -> dict[int, str]:
    """{paper: the titles and abstracts its edits replaced or set} of the papers edited (or an edit undone) since
    ``made`` was recorded. A title edit changes no facet label or paper count, so the library's fingerprint
    does not tell it; the gap's counts, mentions and quoted titles read titles all the same. A record from
    before the edits' stamps cannot tell which: none."""
    stamps = made.get("edits")
    if stamps is None:
        return {}
    current = lib.paper_edit_stamps()
    changed = {p for p in {int(k) for k in stamps} | set(current) if stamps.get(str(p)) != current.get(p)}
    return lib.paper_edit_texts(changed) if changed else {}


def edit_reason(papers: set[int]) -> str:
    """What a gap says when title or abstract edits on ``papers`` (those it reads) may change it."""
    return (f"title or abstract edited since on {_papers_text(papers)}, which it reads (an evidence paper, or one "
            "naming its concepts)")


def _papers_text(papers: set[int]) -> str:
    ids = sorted(papers)
    shown = ", ".join(str(p) for p in ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    return f"paper{'s' if len(ids) > 1 else ''} {shown}"


def correction_reason(papers: set[int]) -> str:
    """What a gap says when facet corrections on ``papers`` (those it reads) may change it."""
    return (f"facet labels corrected since on {_papers_text(papers)}, which it reads (an evidence paper, or one "
            "naming its concepts)")
