"""Labels that say what each facet's clusters hold: a method cluster by the techniques its method sentences
use ("LoRA", "knowledge distillation"), a shortcoming cluster by what its shortcoming sentences say falls
short ("occlusions in pose estimation", "high computational cost in long videos").

A method or shortcoming map clusters sentences, and the concepts most distinctive for their papers name the
papers' area: on the 10,653-paper library the method map's largest cluster read "medical image" and the
shortcoming map's "CoT", "KV cache", "long videos" (phrase_labels.py ranks every concept of the papers alike).
Here a method cluster is named by a method concept its members' method sentences write, and a shortcoming
cluster by a complaint its members' shortcoming sentences state (complaints.py), then its area.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from typing import Callable, Mapping, Optional, Sequence

from ..jobs import check
from .complaints import BARE_COMPLAINTS, complaint_stop_words, complaint_terms
from .labels import PaperConcepts, _plural_off, redundant
from .phrase_labels import PhraseLabel

# A complaint names a shortcoming cluster where this many of its members state it (and COMPLAINT_MIN_COVER of
# them): the complaints of one cluster are many and each is stated by few (on the 10,653-paper library
# "occlusions" by 9 of the 201 members of a pose-estimation cluster, "quadratic computational complexity" by 4
# of 214 of a KV-cache one), so the bar is low, and the two bars below keep one-offs and words out.
COMPLAINT_MIN_PAPERS = 4
COMPLAINT_MIN_COVER = 0.015
# Share of the papers stating the complaint that are in the cluster: "data", "cost" alone, complained of all
# over the library, name no cluster
COMPLAINT_MIN_CONCENTRATION = 0.15
# Share of the members whose shortcoming text writes the phrase that state it as what falls short: "reasoning"
# is written by a reasoning cluster's sentences as their subject far more often than as their complaint
COMPLAINT_MIN_STATED = 0.3
# A longer form of the complaint ("high computational cost" of "computational cost") is shown where this
# share of the members stating the short one state it so
COMPLAINT_GROW_SHARE = 0.5
_CHECK_EVERY = 500
# Share of a method cluster's members whose method sentences (or concepts) name a technique for it to name the
# cluster: the method sentences name a technique far less often than the abstracts name the area (on the
# 10,653-paper library "GRPO" 17 % of an RL cluster, "feature fusion" 8 % and "video diffusion" 6 % of theirs,
# against 15-90 % for a topic's concept), so the bar is a third of phrase_labels.PHRASE_MIN_COVER
TECHNIQUE_MIN_COVER = 0.05


def _said(members: Mapping[int, Sequence[int]], texts: Mapping[int, str], cancel=None) -> dict[int, set]:
    stop = complaint_stop_words()
    out: dict[int, set] = {}
    for n, p in enumerate(int(p) for ps in members.values() for p in ps):
        if n % _CHECK_EVERY == _CHECK_EVERY - 1:
            check(cancel)
        out[p] = set(complaint_terms(texts.get(p) or "", stop))
    return out


def _writes(term: str, papers: Sequence[int], texts: Mapping[int, str]) -> int:
    rx = re.compile(r"(?<![\w-])" + re.escape(term) + r"(?![\w-])", re.I)
    return sum(1 for p in papers if rx.search(texts.get(p) or ""))


def _grown(term: str, stated: Counter) -> str:
    """The longest phrase ending in ``term`` that COMPLAINT_GROW_SHARE of the members stating ``term`` state."""
    longer = [t for t, k in stated.items() if t.endswith(" " + term) and k >= COMPLAINT_GROW_SHARE * stated[term]]
    return max(longer + [term], key=lambda t: (len(t.split()), stated[t], t))


def cluster_complaint(members: Sequence[int], said: Mapping[int, set], total: Counter, texts: Mapping[int, str],
                      term_ok: Optional[Callable[..., bool]] = None) -> Optional[tuple[str, float]]:
    """The complaint that names a cluster of ``members`` and the share of them stating it, or None: of the
    complaints ``said`` by COMPLAINT_MIN_PAPERS and COMPLAINT_MIN_COVER of the members, with
    COMPLAINT_MIN_CONCENTRATION of their papers (``total``: papers stating each) among them and stated by
    COMPLAINT_MIN_STATED of the members that write it, the one with the largest cover times concentration."""
    n = len(members)
    stated = Counter(t for p in members for t in said.get(int(p), ()))
    scored = sorted(((-(k / n) * (k / total[t]), t) for t, k in stated.items()
                     if k >= max(COMPLAINT_MIN_PAPERS, COMPLAINT_MIN_COVER * n)
                     and k / total[t] >= COMPLAINT_MIN_CONCENTRATION), key=lambda s: (s[0], s[1]))
    for _, t in scored:
        if stated[t] < COMPLAINT_MIN_STATED * max(_writes(t, members, texts), 1):
            continue
        t = _grown(t, stated)
        if " " not in t and t not in BARE_COMPLAINTS:     # "coherence", "sensitivity": of what, how?
            continue
        if term_ok is not None and not term_ok(t, keyword=" " not in t):
            continue
        return t, stated[t] / n
    return None


def shortcoming_labels(members: Mapping[int, Sequence[int]], texts: Mapping[int, str], areas: Mapping[int, str],
                       term_ok: Optional[Callable[..., bool]] = None, cancel=None) -> dict[int, PhraseLabel]:
    """{cluster: its label} for the clusters of a shortcoming map one complaint names (:func:`cluster_complaint`;
    ``texts``: each paper's shortcoming text), written "complaint in area" where the cluster has an area (``areas``:
    its lead concept) that the complaint does not already say."""
    said = _said(members, texts, cancel)
    total = Counter(t for s in said.values() for t in s)
    out = {}
    for c, mem in members.items():
        check(cancel)
        got = cluster_complaint([int(p) for p in mem], said, total, texts, term_ok)
        if got is None:
            continue
        term, cover = got
        area = areas.get(c)
        label = term if not area or redundant(term, area) or area.lower() in term else f"{term} in {area}"
        out[c] = PhraseLabel(label, [term] + ([area] if area else []), cover)
    return out


def _key(phrase: str) -> str:
    return " ".join(_plural_off(w) for w in re.findall(r"[a-z0-9]+", phrase.lower()))


def papers_writing(forms_of: Mapping[str, Sequence[str]], texts: Mapping[int, str], cancel=None) -> dict[str, set]:
    """{phrase: papers whose text (``texts``) writes one of its forms (``forms_of``)}, words compared in lower
    case with a plural s off: a Naming (phrase_labels.py) over a facet's sentences instead of the abstracts."""
    forms = {ph: {_key(f) for f in fs} - {""} for ph, fs in forms_of.items()}
    wanted = {k for ks in forms.values() for k in ks}
    sizes = sorted({len(k.split()) for k in wanted})
    found: dict[str, set] = {}
    for n, (p, text) in enumerate(texts.items()):
        if n % _CHECK_EVERY == _CHECK_EVERY - 1:
            check(cancel)
        words = _key(text or "").split()
        for size in sizes:
            for i in range(len(words) - size + 1):
                k = " ".join(words[i:i + size])
                if k in wanted:
                    found.setdefault(k, set()).add(int(p))
    return {ph: set().union(*(found.get(k, set()) for k in ks)) for ph, ks in forms.items()}


def technique_candidates(rankings: Sequence[Mapping[int, Sequence[str]]], concepts: PaperConcepts,
                         cancel=None) -> list[dict]:
    """Each of ``rankings`` (a method map's method concepts per cluster) without the concepts that do not read as
    a technique (``concepts.reads_as``, as a gap's ends are judged: "LiDAR" is a sensor, "camera poses" data),
    asked once for all; as they are without the judge."""
    if concepts.reads_as is None:
        return [dict(r) for r in rankings]
    reads = concepts.reads_as(sorted({ph for r in rankings for phs in r.values() for ph in phs}), cancel=cancel)
    return [{c: [ph for ph in phs if reads.get(ph, True)] for c, phs in r.items()} for r in rankings]


def techniques_only(concepts: PaperConcepts, texts: Mapping[int, str]) -> PaperConcepts:
    """``concepts`` as a method map's labels read them: each paper's method concepts only, and a paper names one
    where its method sentences (``texts``) write it, not its abstract (which names the area: "medical image")."""
    phrases = {p: kept for p, phs in concepts.phrases.items()
               if (kept := [ph for ph in phs if concepts.kinds.get(ph) == "method"])}
    return dataclasses.replace(concepts, phrases=phrases,
                               naming=lambda forms_of, cancel=None: papers_writing(forms_of, texts, cancel))
