"""An acronym and the phrases its papers define it by are one concept, whatever their vectors say.

Merging by meaning (merge.py) joins phrases whose vectors are close and whose head nouns agree. That keeps
"adversarial attacks" from "adversarial networks", and it also keeps apart what a researcher reads as one
name: "CoT" is far from "chain of thought" as a vector, "chain-of-thought" and "chain-of-thought reasoning"
have different heads, and so do "retrieval augmentation" and "retrieval-augmented generation". What joins
them is what the papers write: "chain-of-thought (CoT)" and "chain-of-thought reasoning (CoT)" define one
acronym. So after merging by meaning, each acronym concept whose papers agree on an expansion
(acronyms.judge: ``defined``) takes in the concepts whose name (not a merged variant: "vision-language"
holds "vision-language-action", which is VLA) is a written form of that expansion (``expansion_forms``: the
forms judge grouped as one that differ from it at the end only, so "chain-of-thought" and "chain-of-thought
reasoning" when papers define CoT by both, not "supervised learning" of SSL), the same with the acronym written after or before it
("chain-of-thought CoT", "retrieval-augmented generation RAG"), or the expansion's modifier written as a
noun ("retrieval augmentation" of "retrieval-augmented generation", ``modifier_as_noun``). Two things of one
field that no paper gives as one acronym's expansion stay apart, as before. A phrase two acronyms claim
joins neither. The merged concept is named by its member with the most papers."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Mapping, Optional, Sequence

from .acronyms import (DEFINED, acronym_key, definitions, fold_word, form_key, is_acronym, judge,
                       title_abstract_texts)


def expansion_forms(reading) -> list[str]:
    """The written forms of the dominant expansion of a defined reading: those judge grouped with it that
    start with its first word, so that they differ from it at the end only ("chain-of-thought" and
    "chain-of-thought reasoning"); a form missing a lead word names a broader thing ("supervised learning" of
    SSL, self-supervised learning; "policy optimization" of PPO)."""
    if reading.verdict != DEFINED or not reading.dominant:
        return []
    lead = form_key(reading.dominant)[:1]
    return [f for f in (reading.forms[0] if reading.forms else (reading.dominant,)) if form_key(f)[:1] == lead]


def _words(phrase: str) -> list[str]:
    return [w for w in re.split(r"[\s\-/]+", phrase.lower()) if w]


def modifier_as_noun(phrase: str, expansion: str) -> bool:
    """``phrase`` is the modifier of ``expansion`` written as a noun: its words are the expansion's but the
    last, folded alike, and its last word is a noun where the expansion has a participle ("retrieval
    augmentation" of "retrieval-augmented generation", "instruction tuning" of "instruction-tuned models");
    not a modifier that is a noun already ("knowledge graph" of "knowledge graph embedding": another concept)."""
    pw, ew = _words(phrase), _words(expansion)
    if len(phrase.split()) < 2 or len(pw) != len(ew) - 1:
        return False
    if [fold_word(w) for w in pw] != [fold_word(w) for w in ew[:-1]]:
        return False
    return ew[-2].endswith("ed") and pw[-1] != ew[-2]


def _without_acronym(form: str, key: str) -> str:
    """A form less the words that are the acronym ("chain-of-thought cot" -> "chain-of-thought")."""
    return " ".join(w for w in form.split() if acronym_key(w) != key)


def expansion_targets(concepts: Sequence[dict], texts: Mapping[int, str]) -> dict[int, int]:
    """{index of a concept: index of the acronym concept it is one with} (``concepts``: the extractor's dicts,
    "phrase" as written, "synonyms", "papers" as (paper id, side, score); ``texts``: paper id -> title and
    abstract, where each acronym's definitions are read)."""
    readings: dict[int, tuple[str, set, list[str]]] = {}
    for i, c in enumerate(concepts):
        if not is_acronym(c["phrase"]):
            continue
        pids = sorted({p for p, _, _ in c["papers"]})
        found = {p: d for p in pids if texts.get(p) and (d := definitions(texts[p], c["phrase"].strip()))}
        forms = expansion_forms(judge(c["phrase"].strip(), found, len(pids)))
        if forms:
            readings[i] = (acronym_key(c["phrase"]), {form_key(f) for f in forms}, forms)
    # by a concept's name only: a merged variant may be a longer, narrower name ("vision-language" holds
    # "vision-language-action", which is VLA; "long-term memory" holds "long short-term memory")
    claims: dict[int, set] = defaultdict(set)
    for i, c in enumerate(concepts):
        if is_acronym(c["phrase"]):
            # the same acronym in another number ("LoRAs" of "LoRA", kept apart by their vectors) is one name:
            # it joins the defined one, else the two would claim "low-rank adaptation" against each other
            claims[i] |= {a for a, (key, _, _) in readings.items() if a != i and acronym_key(c["phrase"]) == key}
            continue
        for a, (key, keys, expansions) in readings.items():
            bare = _without_acronym(c["phrase"], key)
            if bare and (form_key(bare) in keys or any(modifier_as_noun(bare, e) for e in expansions)):
                claims[i].add(a)
    size = [len({p for p, _, _ in c["papers"]}) for c in concepts]
    # one acronym's readings (its concepts in either number) are one claim, made by its largest concept
    head = {a: max((b for b in readings if readings[b][0] == readings[a][0]), key=lambda b: (size[b], -b))
            for a in readings}
    out = {}
    for i, a in claims.items():
        heads = {head[x] for x in a}
        if len(heads) == 1 and (h := next(iter(heads))) != i:
            out[i] = h
    return out


def merge_expansions(concepts: list[dict], texts: Mapping[int, str],
                     targets: Optional[Mapping[int, int]] = None) -> tuple[list[dict], dict[int, int]]:
    """(the concepts with each acronym and the concepts of its expansion merged into one, named by the member
    with the most papers; the merges as {index joined: index of the acronym concept} into the given list)."""
    from .fragments import absorb

    targets = expansion_targets(concepts, texts) if targets is None else dict(targets)
    groups: dict[int, list[int]] = defaultdict(list)
    for i, a in targets.items():
        groups[a].append(i)
    size = [len({p for p, _, _ in c["papers"]}) for c in concepts]
    lead_of = {}
    for a, members in groups.items():
        everyone = [a, *members]
        lead = max(everyone, key=lambda k: (size[k], k == a, -k))
        lead_of[lead] = [k for k in everyone if k != lead]
    gone = {k for joined in lead_of.values() for k in joined}
    out = []
    for j, c in enumerate(concepts):
        if j in gone:
            continue
        out.append(absorb(c, [concepts[k] for k in lead_of[j]]) if j in lead_of else c)
    return out, targets


def acronym_texts(lib, concepts: Sequence[dict]) -> dict[int, str]:
    """{paper id: "title. abstract"} of the papers of the acronym concepts, where their definitions are read."""
    return title_abstract_texts(lib, {p for c in concepts if is_acronym(c["phrase"]) for p, _, _ in c["papers"]})
