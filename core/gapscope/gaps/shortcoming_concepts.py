"""Unaddressed shortcomings at the concept level: one problem concept ("catastrophic forgetting", "domain
shift") that many papers name in the sentences where they state a shortcoming, and few later papers take on.

A shortcoming map cluster is too broad to research ("subsequent, steps, reasoning": 124 of 600 papers, its
quotes about three different things); a concept is one thing, and every quote the gap shows names it.

- stating papers: those with a quotable shortcoming sentence (gaps/quotes.py) that states the concept: names
  it (its phrase or a merged variant, as a whole word), denies none of its mentions ("stems not from missing
  cultural knowledge") and does not only ask about it ("may not reflect how cultural knowledge appears"):
  gaps/concept_statement.py;
- a concept many papers name but rarely as what falls short is the subject of the complaint ("GPT",
  "diffusion models"), not the shortcoming: it needs STATED_SHARE_MIN of the papers naming it to state it;
- later papers (listed after the stating papers' median date) take it on when they propose a method (have
  method sentences, not only their own limitations) and their title or one of their own objective or method
  sentences addresses it (gaps/takes_on.py). Stating it is no taking it on: a later paper that only restates the
  shortcoming in its background ("existing benchmarks focus on high-resource languages") leaves it as
  unaddressed as before, where it used to count as taking it on (10 of the 11 "taking on" high-resource
  languages on the 10,653-paper library). The in-aim reading of the concept mentions holds method
  concepts only: read through it, no later paper named a problem concept, and "adverse weather" was "taken
  on" by 3 papers where a search finds method papers on it after that date. A stating paper
  that takes it on is listed as addressing it, never as stating it, and is not quoted as stating it: the
  gap's stating evidence is what is left unaddressed;
- a complaint every area makes ("computational cost", "practical deployment") is no shortcoming to research, and
  later papers tackle it in their own words, which a count by the phrase misses: a concept whose papers spread
  over the library's areas as chance and share no subject ends no gap (gaps/generic_complaints.py).
"""

from __future__ import annotations

import math
import re
from typing import Callable, Mapping, Optional, Sequence

import numpy as np

from ..concepts.members import concept_forms
from ..concepts.model import Concept, ConceptSet
from ..concepts.quality import adverb
from .concept_evidence import nameable
from .concept_statement import states_concept
from .generic_complaints import PaperSubjects
from .model import Gap, ClusterRef
from .quotes import pick_quotes, quotable, label_of
from .span import MIN_LATER_PAPERS, require_shortcoming_span
from .takes_on import addresses, answers, concept_heads, head_pattern

STATED_SHARE_MIN = 0.3     # of the papers naming it, the share stating it as a shortcoming (GPT: 0.08)
MIN_STATING_SHARE = 0.001  # a concept needs this share of the shortcoming papers stating it (5 at least)
MIN_STATING = 5
TAKES_ON = "address it in their title or their own objective or method sentences and propose a method"
TAKES_ON_IN_AIM = "name it in their title or aim and propose a method"     # without works_on
MIN_WORKED_BEFORE = 2     # papers up to the median date that work on it (title, objective or method): a problem
FEW_BELOW = 0.75           # "few later papers take it on": under 3/4 of the typical rate (0.43 against 0.44 is not few)
SAME_GAP_OVERLAP = 0.5     # a concept whose stating papers are this much those of a better one repeats it

# a phrase holding one of these, or an adverb, is a piece of the sentence stating the shortcoming ("rely heavily",
# "lack explicit", "despite significant progress", "research focuses"), not the thing that falls short
_SENTENCE_PIECE = re.compile(
    r"\b(rel(y|ies|ying|ied)|lack\w*|perform(s|ed|ing)?|rais(e|es|ed|ing)|limit(s|ed|ing)?|struggl\w*|"
    r"fail\w*|suffer\w*|remain\w*|requir\w*|hinder\w*|despite|focus(es|ed|ing)?|existing|research|progress)\b",
    re.I)
# a degree word before a complaint noun ("primary bottleneck", "major challenges") says how big the complaint
# is, not what falls short
_DEGREE_COMPLAINT = re.compile(r"^(primary|major|main|key|critical|fundamental|significant|remarkable|central)\s+"
                               r"(bottleneck|challenge|issue|problem|obstacle|concern|drawback|success|limitation)s?$",
                               re.I)
# a model family ("MLLMs", "LVLMs", "DNNs") is what a complaint is about, not the complaint
_MODEL_FAMILY = re.compile(r"^[A-Z][A-Za-z]*[A-Z]s$")


def shortcoming_concept(c: Concept) -> bool:
    """Whether a problem concept can name a shortcoming: a concept the gap may name (concept_evidence.nameable),
    not a piece of the stating sentence, not a model family."""
    return (c.kind == "problem" and nameable(c) and not _SENTENCE_PIECE.search(c.phrase)
            and not any(adverb(w) for w in c.phrase.lower().split()) and not _MODEL_FAMILY.match(c.phrase)
            and not _DEGREE_COMPLAINT.match(c.phrase.strip()))


def mention_pattern(c) -> re.Pattern:
    """What finds a mention of concept ``c`` (its phrase and first merged variants, as whole words)."""
    forms = [f for f in concept_forms(c) if len(f) >= 3]
    # a form with capitals past its first letter (an acronym, "LoRA") counts only written so
    exact = [re.escape(f) for f in forms if f[1:] != f[1:].lower()]
    loose = [re.escape(f) for f in forms if f[1:] == f[1:].lower()]
    parts = ([f"(?-i:{'|'.join(exact)})"] if exact else []) + loose
    return re.compile(r"(?<!\w)(" + "|".join(parts) + r")(?!\w)", re.I)


def stating_sentences(c: Concept, quotable_of: Mapping[int, list], among=None) -> dict[int, list]:
    """{paper: its quotable shortcoming sentences stating ``c`` (concept_statement.states_concept)}, of
    ``quotable_of`` ({paper: its quotable sentences}), only the papers ``among`` when given."""
    rx = mention_pattern(c)
    out = {}
    for pid in (quotable_of if among is None else (p for p in among if p in quotable_of)):
        hit = [s for s in quotable_of[pid] if states_concept(s["text"], rx)]
        if hit:
            out[int(pid)] = hit
    return out


def unaddressed_concepts(cs: ConceptSet, sentences: Mapping[int, list], dates: Mapping[int, Optional[str]],
                         method_papers: set, *, own_only: Optional[set] = None,
                         mentions: Optional[Mapping[int, frozenset]] = None,
                         in_aim: Optional[Mapping[int, frozenset]] = None,
                         works_on: Optional[Callable[[Sequence[int]], Mapping[int, str]]] = None,
                         refused: frozenset = frozenset(), paper_vecs: Optional[tuple] = None,
                         top: int = 30, evidence_n: int = 5, per_gap: int = 3,
                         notices: Optional[list] = None, cancel: Optional[Callable[[], None]] = None) -> list[Gap]:
    """The problem concepts stated as a shortcoming by many papers and taken on by few later ones, against the
    typical such concept. ``sentences``: {paper: its shortcoming sentences} (find.shortcoming_reader);
    ``method_papers``: the papers with method sentences; ``mentions``: {concept: papers naming it in title or
    abstract}; ``works_on``: paper ids -> their title, objective and method sentences
    (takes_on.work_sentences), read for the papers naming a concept: those addressing it there take it on (a
    paper stating it also by its head word or by answering its statement: working_on), and a concept fewer than
    MIN_WORKED_BEFORE papers up to the median date work on is a complaint, no gap; without it ``in_aim``:
    {concept: papers naming it in the title or an objective sentence} (None: the mentions count);
    ``refused``: concept ids no gap may name (the library's own field); ``paper_vecs``: (paper ids, abstract
    vectors), which set a generic complaint apart (gaps/generic_complaints.py; None: none is). Raises
    SpanTooShort when the papers span too little time."""
    require_shortcoming_span({int(p): dates.get(int(p)) for p in [*sentences, *method_papers]})
    own_only = own_only or set()
    min_stating = max(MIN_STATING, round(MIN_STATING_SHARE * len(sentences)))
    all_dates = np.array(sorted(d for d in dates.values() if d))
    quotable_of = {int(p): q for p, ss in sentences.items() if (q := quotable(ss))}
    stats = []
    heads = concept_heads(x.phrase for x in cs.concepts)
    never: list[tuple[str, int]] = []     # stated problems no earlier paper works on: (phrase, stating papers)
    subjects: list = []     # PaperSubjects, made at the first stated concept (seconds of k-means)
    vague: list[tuple[str, int]] = []     # generic complaints: (phrase, stating papers)
    for c in cs.concepts:
        if cancel is not None:
            cancel()
        if c.id in refused or not shortcoming_concept(c):
            continue
        named = set(c.papers) | set((mentions or {}).get(c.id, ()))
        # with the mentions read, a paper stating it in its abstract is among those naming it: only those are
        # read (seconds, not minutes, over 5,000 concepts and 10,000 papers; a statement only in a full text
        # is missed)
        if mentions is not None and len(named & quotable_of.keys()) < min_stating:
            continue
        st = stating_sentences(c, quotable_of, among=named if mentions is not None else None)
        if len(st) < min_stating:
            continue
        share = len(st) / len(named | set(st))
        if share < STATED_SHARE_MIN:
            continue
        if paper_vecs is not None and len(paper_vecs[0]) and not subjects:
            subjects.append(PaperSubjects(paper_vecs))
        if subjects and subjects[0].generic(named | set(st)) is not None:
            vague.append((c.phrase, len(st)))
            continue
        ds = sorted(d for d in (dates.get(p) or "" for p in st) if d)
        if not ds:
            continue
        since = ds[len(ds) // 2]
        n_later = int(len(all_dates) - np.searchsorted(all_dates, since, side="right"))
        if n_later < MIN_LATER_PAPERS:
            continue
        # those naming it read for what they work on (works_on), else those naming it in their aim (in_aim)
        pool = named if works_on is not None or in_aim is None else set(in_aim.get(c.id, ()))
        later = {p for p in pool | set(st) if (dates.get(p) or "") > since and p in method_papers
                 and p not in own_only}
        # stating it again is no taking it on: only what a paper sets out to do and does counts
        if works_on is None:
            takes_on = later & pool
        else:
            # a later stating paper named it in full already: its work sentences may take it on by the head alone
            takes_on = working_on(c, later - set(st), works_on) | working_on(c, later & set(st), works_on, heads)
        if works_on is not None:
            # a complaint no paper names as what it works on ("major bottleneck") is taken on only by its later
            # stating papers, whatever is done about it: no problem that can look unaddressed
            earlier = {p for p in pool | set(st) if (dates.get(p) or "") <= since and p in method_papers
                       and p not in own_only}
            if len(working_on(c, earlier, works_on)) < MIN_WORKED_BEFORE:
                never.append((c.phrase, len(st)))
                continue
        stats.append((c, st, share, since, n_later, takes_on, len(takes_on) / len(st)))
    if never and notices is not None:
        never.sort(key=lambda t: -t[1])
        one = len(never) == 1
        # only papers proposing a method count (a survey naming it in its title does not work on it)
        notices.append(f"{len(never)} stated problem{'' if one else 's'} that fewer than {MIN_WORKED_BEFORE} papers "
                       "proposing a method up to the stating papers' median date address in their title, objective or "
                       f"method sentences {'is a complaint' if one else 'are complaints'}, not "
                       f"{'a problem' if one else 'problems'} a paper takes on by name, and ended no gap: "
                       + ", ".join(f"\u201c{ph}\u201d ({n} stating)" for ph, n in never[:5]))
    if vague and notices is not None:
        vague.sort(key=lambda t: -t[1])
        notices.append(f"{len(vague)} stated problem{'' if len(vague) == 1 else 's'} whose papers spread over the "
                       "library's areas as much as random papers and share no subject "
                       f"{'is a generic complaint' if len(vague) == 1 else 'are generic complaints'}, no shortcoming "
                       "to take on, and ended no gap: "
                       + ", ".join(f"\u201c{ph}\u201d ({n} stating)" for ph, n in vague[:5]))
    if len(stats) < 3:      # 'against the typical one' means nothing with one or two
        if notices is not None:
            # the complaints set apart were stated as often: "only 2 are stated" would deny them
            left_out = ("the complaint above is not" if len(never) == 1
                        else f"the {len(never):,} complaints above are not")
            apart = f" and worked on by name before ({left_out})" if never else ""
            notices.append(f"no 'unaddressed shortcoming' gaps: only {len(stats)} problem concepts are stated as a "
                           f"shortcoming by {min_stating} or more papers{apart} (3 needed to compare them)")
        return []
    typical = float(np.median([s[-1] for s in stats]))
    if typical <= 0:
        if notices is not None:
            notices.append(f"no 'unaddressed shortcoming' gaps: no later paper takes on most of the {len(stats)} "
                           "shortcomings, so none stands out as less addressed than the others")
        return []
    ranked = sorted(((math.log1p(len(st)) * math.exp(-rate / typical), c, st, share, since, n_later, takes_on, rate)
                     for c, st, share, since, n_later, takes_on, rate in stats if rate < FEW_BELOW * typical),
                    key=lambda t: (-t[0], t[1].id))
    near = sorted((s for s in stats if FEW_BELOW * typical <= s[-1] < typical), key=lambda s: -len(s[1]))
    if near and notices is not None:
        notices.append(f"{len(near)} stated problem{'s' if len(near) != 1 else ''} taken on less often than the "
                       f"typical one ({typical:.2f} per stating paper) but not under {FEW_BELOW:.0%} of it ended no "
                       "gap: " + ", ".join(f"\u201c{s[0].phrase}\u201d ({s[-1]:.2f})" for s in near[:5]))
    out: list[Gap] = []
    kept: list[set] = []
    for raw, c, st, share, since, n_later, takes_on, rate in ranked:
        if any(len(set(st) & k) > SAME_GAP_OVERLAP * len(st) for k in kept):
            continue    # "prohibitive computational costs" after "computational cost": the same papers
        kept.append(set(st))
        out.append(_gap(c, cs.batch, raw, st, share, since, n_later, takes_on, rate, typical, evidence_n, per_gap,
                        TAKES_ON if works_on is not None else TAKES_ON_IN_AIM))
        if len(out) == top:
            break
    return out


def working_on(c: Concept, papers: set, works_on: Callable[[Sequence[int]], Mapping[int, Sequence]],
               heads: Optional[Mapping[str, int]] = None) -> set:
    """Those of ``papers`` whose title, objective or method sentences (``works_on``; a text alone is one sentence)
    address ``c`` (takes_on.addresses). With ``heads`` (for papers stating ``c``; {folded head: how many concepts
    end in it}, takes_on.concept_heads), also those addressing its head word (takes_on.head_pattern) or answering
    their statement of it (takes_on.answers)."""
    rx = mention_pattern(c)
    head = head_pattern(c.phrase, heads) if heads is not None else None
    rxs = [rx] + ([head] if head is not None else [])
    out = set()
    for p, said in works_on(sorted(papers)).items():
        ss = [said] if isinstance(said, str) else list(said or ())
        if any(addresses(s, x) for s in ss for x in rxs) or (
                heads is not None and any(not isinstance(s, str) and answers(s, rx) for s in ss)):
            out.add(int(p))
    return out


def _gap(c: Concept, batch, raw: float, st: dict, share: float, since: str, n_later: int, takes_on: set,
         rate: float, typical: float, evidence_n: int, per_gap: int, means: str = TAKES_ON_IN_AIM) -> Gap:
    """``means``: what taking it on was counted as, said in the statement and kept in the details."""
    # a stating paper that takes it on addresses it: listed so, never quoted or listed as stating it
    left = {p: ss for p, ss in st.items() if p not in takes_on}
    # the stating papers whose sentence reads surest first; one quote per paper before a paper's second
    quotes = pick_quotes([{"paper_id": p, **s} for p, ss in left.items() for s in ss[:1]], max(per_gap, evidence_n))
    stating = list(dict.fromkeys([q["paper_id"] for q in quotes] + sorted(left)))[:evidence_n]
    roles = {p: "shortcoming" for p in stating}
    for p in sorted(takes_on, key=lambda p: (p not in st, p))[:3]:
        roles[p] = "addresses"
    a = len(takes_on)
    both = len(takes_on & set(st))
    does = (f"none of the {n_later:,} papers listed after {since} takes it on" if a == 0 else
            f"only {a:,} of the {n_later:,} papers listed after {since} take{'s' if a == 1 else ''} it on")
    who = ("it is" if a == 1 else "both are" if both == a == 2 else "all are" if both == a else
           f"{both} {'is' if both == 1 else 'are'}")
    among = f"; {who} among the {len(st):,} stating it" if both else ""
    statement = (f"{len(st):,} papers state \u201c{c.phrase}\u201d as a shortcoming, yet {does} ({means}"
                 f"{among}): {rate:.2f} per stating paper, against "
                 f"{typical:.2f} for the typical stated problem.")
    if quotes:
        statement += " Stated as: " + " / ".join(f"\u201c{q['text']}\u201d ({label_of(q)}"
                                                 + (f", {q['section']} p. {q['page']}" if q.get("section") else "")
                                                 + ")" for q in quotes[:per_gap])
    ref = ClusterRef(facet="problem_concept", map_id=batch, cluster=c.id, label=c.phrase, keywords=c.synonyms[:5])
    return Gap(type="unaddressed_shortcoming", score=raw, statement=statement, method=None, problem=ref,
               evidence=list(roles), roles=roles,
               details={"level": "concept", "problem_concept": c.phrase, "stated_by": len(st),
                        # of the papers naming it, the share that state it as a shortcoming
                        "stated_share": round(share, 3), "later_method_papers": n_later,
                        "close_later_methods": a, "stating_later_methods": len(takes_on & set(st)),
                        "rate": round(rate, 4), "typical_rate": round(typical, 4), "since": since,
                        "raw_score": round(raw, 4), "quotes": quotes[:per_gap], "example": None,
                        "takes_on_means": means})
