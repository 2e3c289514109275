"""One concept listed under two names: an acronym end of one gap ("LoRA", defined as "low-rank adaptation")
and its spelled-out form as an end of another. The extractor keeps the two apart (their phrase vectors are
far apart), so each gap counts only the papers that use its own name ("55 papers use LoRA", "39 use
low-rank adaptation"); the reader is told, the ranking is left as it is.

Within one listing, the concepts that are one idea under other names (an acronym and its expansion, the
acronym inside a longer phrase: "CoT prompting", "chain-of-thought prompting", "CoT") are one group
(``one_concept_groups``): a gap counts and joins its ends' papers under every name of the group."""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional


def _ends(details: Mapping[str, Any]) -> list[str]:
    return [str(details[k]) for k in ("method_concept", "problem_concept") if details.get(k)]


def other_names(gaps: Iterable[tuple[Optional[int], Mapping[str, Any]]]) -> dict[int, list[str]]:
    """{gap id: notes} for the listed gaps ((id, details) pairs) one of whose ends another lists under its
    other name: "“low-rank adaptation” is also listed as “LoRA” (gap #328): each counts only the papers
    that use its own name"."""
    gaps = [(gid, d or {}) for gid, d in gaps if gid is not None]
    named: dict[str, list[tuple[int, str]]] = {}        # a name, lower-cased -> (gap id, the name as listed)
    for gid, d in gaps:
        for end in _ends(d):
            named.setdefault(end.lower(), []).append((gid, end))
    notes: dict[int, list[str]] = {}

    def note(gid: int, name: str, other: str, other_gid: int) -> None:
        text = (f"“{name}” is also listed as “{other}” (gap #{other_gid}): each counts only the papers that "
                "use its own name")
        if other_gid != gid and text not in notes.get(gid, []):
            notes.setdefault(gid, []).append(text)

    for gid, d in gaps:
        for acronym, expansion in (d.get("expansions") or {}).items():
            if not expansion or acronym not in _ends(d):
                continue
            for other_gid, spelled in named.get(str(expansion).lower(), []):
                note(gid, acronym, spelled, other_gid)
                note(other_gid, spelled, acronym, gid)
    return notes


# what a phrase may add after an acronym and still name the acronym's concept ("CoT prompting", "CoT
# reasoning": chain-of-thought; "BERT model", "GRPO training"): the way it is used or the thing it is, no
# new problem. Only where the two are of the same kind ("LLM reasoning", a problem, is no "LLM", a method).
ACRONYM_TAILS = frozenset({"prompting", "reasoning", "model", "models", "training", "method", "methods",
                           "approach", "approaches", "framework", "frameworks", "technique", "techniques",
                           "paradigm", "strategy", "strategies"})


def acronym_compounds(concepts, readings) -> list[tuple[int, int]]:
    """(concept id, concept id) pairs the extractor keeps apart that are one concept written with a defined
    acronym inside a longer phrase (``readings``: {concept id: AcronymReading}, concepts/acronyms.py):
    "CoT prompting" is "chain-of-thought prompting" and "chain-of-thought CoT prompting" (the acronym spelled
    out, or written with its expansion), and, with one of ``ACRONYM_TAILS`` after it and of the same kind,
    the acronym's own concept ("CoT"). concepts/acronyms.same_concepts pairs only a whole-phrase acronym with
    its expansion; a gap counting "CoT prompting" by its own phrase alone missed the papers writing
    "chain-of-thought" and called a pair the library covers a gap."""
    from ..concepts.acronyms import DEFINED, form_key, is_acronym

    by_form: dict[tuple, list] = {}
    for c in concepts:
        for f in {form_key(x) for x in [c.phrase, *c.synonyms]}:
            if f:
                by_form.setdefault(f, []).append(c)
    defined = {}
    for c in concepts:
        r = readings.get(c.id)
        if r is not None and r.verdict == DEFINED and r.dominant and is_acronym(c.phrase):
            defined.setdefault(form_key(c.phrase), (c, r.dominant))
    out: list[tuple[int, int]] = []
    for c in concepts:
        words = c.phrase.split()
        if len(words) < 2:
            continue
        for k, w in enumerate(words):
            hit = defined.get(form_key(w))
            if hit is None:
                continue
            acronym, expansion = hit
            before, after = words[:k], words[k + 1:]
            for middle in (expansion, f"{expansion} {w}", f"{w} {expansion}"):
                out += [(c.id, x.id) for x in by_form.get(form_key(" ".join([*before, middle, *after])), [])
                        if x.id != c.id]
            if k == 0 and len(words) == 2 and words[1].lower() in ACRONYM_TAILS and acronym.kind == c.kind:
                out.append((c.id, acronym.id))
    return out


def one_concept_groups(concepts, readings) -> dict[int, int]:
    """{concept id: the id of the concept it is one with}: concepts/acronyms.same_concepts (an acronym and its
    expansion) joined with ``acronym_compounds`` (an acronym inside a longer phrase). Each group maps to its
    largest concept (an acronym on a tie); a concept in no group is absent."""
    from ..concepts.acronyms import is_acronym, same_concepts

    parent: dict[int, int] = {}

    def root(k: int) -> int:
        while parent.setdefault(k, k) != k:
            k = parent[k]
        return k

    for cid, head in same_concepts(concepts, readings).items():
        parent[root(cid)] = root(head)
    for a, b in acronym_compounds(concepts, readings):
        if root(a) != root(b):
            parent[root(a)] = root(b)
    by_id = {c.id: c for c in concepts}
    groups: dict[int, list] = {}
    for k in parent:
        groups.setdefault(root(k), []).append(by_id[k])
    out: dict[int, int] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        head = max(group, key=lambda x: (x.n_papers, is_acronym(x.phrase), -x.id))
        for x in group:
            out[x.id] = head.id
    return out
