"""A cluster's label as one phrase a researcher would say ("gaussian splatting for view synthesis", "machine
translation / low-resource languages"), made from the concepts distinctive for the cluster.

A list of three keywords or concept phrases ("cropping, pre-trained vision-language, vision encoders") reads as
words, not as a topic: 47 of the 73 topic clusters of the 10,653-paper cs library were so labelled. Here a
concept ranked for the cluster (:func:`labels.concept_labels`) names it when its papers concentrate in the
cluster and it covers a good share of the cluster's papers. A paper covers a concept when the concept was
extracted from it or its title or abstract names it (KeyBERT keeps a paper's top five phrases, so the
extracted papers alone cover 3-10 % of a cluster whose papers nearly all write the phrase). A second concept
that passes the same bars joins it: a technique and a task as "technique for task", any other two as "A / B".
Where no concept passes them alone, two that each pass half the cover bar and together the whole name it as
"A / B"; else the caller keeps its old label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Optional, Sequence

from .labels import _acronym_of, _norm_tokens, redundant

# Share of a cluster's papers that must name the concept (extracted from it, or written in its title or
# abstract) for the concept to be its label: "a concept covering 3 of 400 papers is no label". On the
# 10,653-paper library the concepts that name their clusters well cover 20-90 % ("anomaly detection" 90 %,
# "autonomous driving" 71 %, "machine translation" 26 %); below 15 % the best concept of a cluster was
# often one of several sub-topics ("image retrieval" 14 % of a retrieval cluster that is as much OCR).
PHRASE_MIN_COVER = 0.15
# Share of the papers naming the concept that must be in the cluster: a concept all the library names
# ("VLMs" 17 %, "diffusion models" 17 %, "NLP" 13 % of their papers in the cluster they would have named on the
# 10,653-paper library) is what many clusters use, not what this one is about; the concepts that name their
# clusters well have 25-90 % there ("LLM agents" 29 %, "3D reconstruction" 38 %, "LiDAR" 73 %).
PHRASE_MIN_CONCENTRATION = 0.25
# Ranked concepts of a cluster looked at for its label (the tooltip keeps labels.CONCEPT_KEEP)
PHRASE_CANDIDATES = 15


@dataclass
class PhraseLabel:
    label: str
    phrases: list[str]          # the concepts named, best first
    cover: float                # share of the cluster's papers that name the first


# naming(forms_of, cancel=None) -> {phrase: ids of the papers whose title or abstract names one of its forms}
Naming = Callable[..., Mapping[str, set]]


def naming_forms(phrase: str, synonyms: Sequence[str]) -> list[str]:
    """The forms a text may write ``phrase`` in: the phrase, its synonyms that hold all its words
    ("llm-based agents" for "LLM agents") and those that are its acronym or its spelling ("peft",
    "vision-language models" for "VLMs"). A piece of it ("splatting", "reinforcement") is no form: a paper
    writing it may be about something else."""
    whole = _norm_tokens(phrase)
    out = [phrase]
    for s in synonyms:
        short = s.upper() if " " not in s and "-" not in s else s        # synonyms are kept in lower case
        if _norm_tokens(s) >= whole or _acronym_of(short, phrase) or _acronym_of(phrase, s):
            out.append(short if short != s and _acronym_of(short, phrase) else s)
    return list(dict.fromkeys(out))


def papers_naming(candidates: Sequence[str], assigned: Mapping[str, set], forms: Mapping[str, Sequence[str]],
                  naming: Optional[Naming], cancel=None) -> dict[str, set]:
    """{phrase: papers that name it}: those it was extracted from, and where ``naming`` is given those whose
    title or abstract writes one of its ``naming_forms``."""
    out = {ph: set(assigned.get(ph, ())) for ph in candidates}
    if naming is not None and candidates:
        found = naming({ph: naming_forms(ph, forms.get(ph, ())) for ph in candidates}, cancel=cancel)
        for ph, ids in found.items():
            out[ph] |= set(ids)
    return out


def written(phrase: str) -> str:
    """A concept phrase as a label writes it: an acronym the extractor joined to its long form goes in
    brackets ("3D gaussian splatting 3DGS" -> "3D gaussian splatting (3DGS)")."""
    words = phrase.split()
    if len(words) >= 3 and _acronym_of(words[-1], " ".join(words[:-1])):
        return f"{' '.join(words[:-1])} ({words[-1]})"
    return phrase


def joined(lead: str, second: str, kinds: Mapping[str, str], reads: Optional[Mapping[str, bool]] = None) -> str:
    """Two concepts as one phrase: a technique for a task ("CNN for object detection", :func:`method_for_problem`),
    else "A / B"."""
    if method_for_problem(lead, second, kinds, reads):
        method, problem = (lead, second) if kinds.get(lead) == "method" else (second, lead)
        return f"{written(method)} for {written(problem)}"
    return f"{written(lead)} / {written(second)}"


def eligible(ranked: Sequence[str], members: Sequence[int], named: Mapping[str, set],
             min_cover: float = PHRASE_MIN_COVER,
             min_concentration: float = PHRASE_MIN_CONCENTRATION) -> list[tuple[str, float]]:
    """The ``ranked`` concepts that may name a cluster of ``members``, best first, each with its cover: those
    that ``min_cover`` of the members name with ``min_concentration`` of their papers among them, ordered by
    cover (share of the members naming it) times concentration (share of the papers naming it that are
    members)."""
    n = len(members)
    mem = {int(p) for p in members}
    scored = []
    for rank, ph in enumerate(ranked if n else ()):
        papers = named.get(ph) or set()
        inside = len(papers & mem)
        if papers and inside / n >= min_cover and inside / len(papers) >= min_concentration:
            scored.append((-(inside / n) * (inside / len(papers)), rank, ph, inside / n))
    return [(ph, cover) for _, _, ph, cover in sorted(scored)]


def phrase_label(ranked: Sequence[str], members: Sequence[int], named: Mapping[str, set],
                 kinds: Mapping[str, str], synonyms: Optional[Mapping[str, Sequence[str]]] = None,
                 min_cover: float = PHRASE_MIN_COVER,
                 min_concentration: float = PHRASE_MIN_CONCENTRATION,
                 reads: Optional[Mapping[str, bool]] = None) -> Optional[PhraseLabel]:
    """The label of a cluster of ``members`` from its ``ranked`` concepts (best first) and the papers that
    name each (``named``), or None when none is :func:`eligible`. The first eligible leads; the next that names
    something else (no spelling, acronym or word of the first, :func:`distinct`) joins it, as "X for Y" where
    one is a technique and the other a task (``reads``: whether a concept reads as its kind says, see
    :func:`method_for_problem`), else as "A / B" where it brings papers of its own."""
    scored = eligible(ranked, members, named, min_cover, min_concentration)
    mem = {int(p) for p in members}
    if not scored:
        return joint_label(ranked, members, named, synonyms, min_cover, min_concentration)
    lead, cover = scored[0]
    second = next((ph for ph, _ in scored[1:] if distinct(lead, ph, synonyms or {})
                   and (method_for_problem(lead, ph, kinds, reads) or _adds(named[ph] & mem, named[lead]))), None)
    if second is None:
        return PhraseLabel(written(lead), [lead], cover)
    return PhraseLabel(joined(lead, second, kinds, reads), [lead, second], cover)


# Share of PHRASE_MIN_COVER each of two concepts that name a cluster together must cover alone: two sub-topics
# of one field ("VLA" 14 % and "robotic manipulation" 13 % of a robot-learning cluster, 38 % together; "dialogue
# systems" 12 % and "conversational agents" 10 %) name it where neither covers 15 %; a concept named by a few
# papers of the cluster is one of its many side topics, no half of its name.
JOINT_MIN_PART = 0.5


def joint_label(ranked: Sequence[str], members: Sequence[int], named: Mapping[str, set],
                synonyms: Optional[Mapping[str, Sequence[str]]] = None, min_cover: float = PHRASE_MIN_COVER,
                min_concentration: float = PHRASE_MIN_CONCENTRATION) -> Optional[PhraseLabel]:
    """Two concepts that name the cluster together where neither does alone: each concentrated in it
    (``min_concentration``) and covering JOINT_MIN_PART of ``min_cover``, the two together covering ``min_cover``
    (the pair covering most), written "A / B"; None when no two do. ``cover`` is the pair's."""
    mem = {int(p) for p in members}
    parts = [(ph, cover) for ph, cover in eligible(ranked, members, named, min_cover * JOINT_MIN_PART,
                                                    min_concentration)]
    best = None
    for i, (a, _) in enumerate(parts):
        for b, _ in parts[i + 1:]:
            together = len((named[a] | named[b]) & mem) / len(mem)
            if together >= min_cover and distinct(a, b, synonyms or {}) and (best is None or together > best[0]):
                best = (together, a, b)
    if best is None:
        return None
    together, a, b = best          # two parts of the cluster, not one applied to the other: never "X for Y"
    return PhraseLabel(f"{written(a)} / {written(b)}", [a, b], together)


# "A / B" says the cluster holds papers on A and papers on B: B must bring papers of its own, not come with
# A nearly always ("anomaly detection / MVTec": MVTec is where anomaly detection is measured)
PAIR_MAX_OVERLAP = 0.8


def _adds(second: set, lead: set) -> bool:
    return bool(second) and len(second & lead) / len(second) < PAIR_MAX_OVERLAP


def method_for_problem(a: str, b: str, kinds: Mapping[str, str], reads: Optional[Mapping[str, bool]] = None) -> bool:
    """A method and a problem, read together as "method for problem", where both read as their kind says
    (``reads``, the caller's judgement as a gap's ends are judged: "LiDAR" is a sensor, "satellite imagery" data,
    the problem "RLVR" a technique; a phrase it does not list passes)."""
    reads = reads or {}
    return {kinds.get(a), kinds.get(b)} == {"method", "problem"} and reads.get(a, True) and reads.get(b, True)


def distinct(a: str, b: str, synonyms: Mapping[str, Sequence[str]]) -> bool:
    """Whether two concepts name two things in one label: no word in common ("event cameras / event streams"
    says "event" twice), neither a spelling or acronym of the other or of one of its forms ("vision-language"
    and "VLMs", written "vision-language models")."""
    if _norm_tokens(a) & _norm_tokens(b):
        return False
    return not any(redundant(x, y) for x in naming_forms(a, synonyms.get(a, ()))
                   for y in naming_forms(b, synonyms.get(b, ())))


# A list label's terms ("code generation, programming, syntax") read as words, not a topic: the best phrase of
# several words among them and the cluster's other keywords and concepts names it instead where this share of
# its members name it with this share of the papers naming it among them (a lower bar than a concept's alone:
# the phrase has been judged a name already, and on the 10,653-paper library a list's best phrase covered 10-30 %)
LIST_PHRASE_MIN_COVER = 0.10
LIST_PHRASE_MIN_CONCENTRATION = 0.15


def several_words(term: str) -> bool:
    """Words apart: a hyphenated word alone is a modifier more often than a name ("vision-language", "multi-agent")."""
    return " " in term.strip()


def best_phrase(terms: Sequence[str], members: Sequence[int], named: Mapping[str, set],
                min_cover: float = LIST_PHRASE_MIN_COVER,
                min_concentration: float = LIST_PHRASE_MIN_CONCENTRATION) -> Optional[PhraseLabel]:
    """The phrase of several words among ``terms`` (a list label's, then the cluster's other keywords and
    concepts) that names a cluster of ``members`` best (:func:`eligible` with the lower bars above), or None."""
    got = eligible([t for t in dict.fromkeys(terms) if several_words(t)], members, named, min_cover, min_concentration)
    if not got:
        return None
    phrase, cover = got[0]
    return PhraseLabel(written(phrase), [phrase], cover)
