"""Concept-level method x problem gaps: every (method concept, problem concept) pair that no paper (or only
one) names together, ranked by the link-prediction ranker (linkpred.py), deduplicated (dedup.py), each
written as a sentence a proposal could use, with its evidence by role: papers on the method side, on the
problem side, the neighbouring concepts' papers that predict the link, the few papers that already did
both, and the shortcoming sentences that name the problem."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Optional, Sequence

import numpy as np

from ..concepts.acronyms import readable_phrase
from ..concepts.model import Concept, ConceptSet
from ..concepts.quality import specific
from ..jobs import check, report
from ..vocabulary import CONCEPT_HARDWARE_HEADS, CONCEPT_MODIFIER_TAILS, CONCEPT_RESOURCE_NOUNS
from .closest import meaning_only, work_key
from .concept_evidence import ROLE_ORDER, EstablishedCheck, EvidenceGatherer, PairEvidence, main_topic, shortcoming_quotes
from .dedup import Candidate, dedupe
from .linkpred import FEATURES, Ranker, candidates, pair_block, train_ranker
from .model import ClusterRef, Gap
from .other_words import in_other_words, other_words_clause
from .span import MIN_BACKTEST_BEFORE_DAYS, corpus_span, plural
from .world_check import tried_in_world_note

if TYPE_CHECKING:
    from ..concepts.acronyms import AcronymReading

from ..concepts.pair_rules import PLAUSIBLE_MIN, TRAIN_PLAUSIBLE_MIN, TEXT_JOINED_MIN

TEXT_BOTH_MAX = TEXT_JOINED_MIN - 1   # abstracts mentioning both concepts' phrases that a gap may still have


def _ref(c: Concept, batch) -> ClusterRef:
    return ClusterRef(facet=f"{c.kind}_concept", map_id=batch, cluster=c.id, label=c.phrase, keywords=c.synonyms[:5])


def _q(s: str) -> str:
    return f"\u201c{s}\u201d"


def statement(m: Concept, p: Concept, both: int, nb_methods: list[tuple[Concept, int]],
              nb_problems: list[tuple[Concept, int]], expansions: Optional[Mapping[str, str]] = None,
              example: Optional[str] = None, in_library: Optional[int] = None,
              counts: Optional[tuple[int, int]] = None, example_apart: bool = False,
              by_meaning: int = 0, meaning_example: Optional[str] = None,
              other_words: Optional[dict] = None) -> str:
    """``both``: the abstracts that combine the two already (combined_by), ``example`` the title of one;
    ``in_library``: how many of them are the library's (None: not known), the rest being the reference
    corpus's. ``expansions``: {acronym phrase: what it stands for} (concepts/acronyms.py), named once, at the
    first mention: Apply “VAR (visual autoregressive modeling)” to ... ``counts``: the papers that name each
    end (concepts/members.py; default: those the extractor named it in), what a search of the library finds.
    ``example_apart``: the example names the two only in different sentences (or a keyword list), which the
    statement says: it mentions both, it need not combine them. ``by_meaning``: the works the closest-work check
    reads as about both that name not both (closest.meaning_only; ``meaning_example`` the title of one): the
    statement counts them too, apart, for a headline must never deny work the gap's own closest-work list
    calls "about both". ``other_words``: a listed closest work that may combine the two in other words
    (other_words.in_other_words), named where the statement would otherwise say none combines them."""
    if both == 0 and by_meaning:
        done = "yet none of them names the two together"
    else:
        done = "yet none of them combines the two" if both == 0 else (
            "yet only one abstract combines them so far" if both == 1 else f"yet only {both} abstracts combine them so far")
    # after "N papers in the library use X", N abstracts read as the library's: say where they are when
    # some are the reference corpus's (a reader who searches the library finds only its own)
    outside = both - in_library if in_library is not None else 0
    where = ("" if outside <= 0 else "in the reference corpus" if outside == 1 == both
             else "all in the reference corpus" if outside == both
             else f"{in_library} in the library, {outside} in the reference corpus")
    if both and (example or where):
        eg = f"e.g. {_q(example)}" + (", which names them in no one sentence" if example_apart else "") if example else ""
        done += " (" + "; ".join(x for x in (where, eg) if x) + ")"
    done += meaning_clause(both, by_meaning, meaning_example)
    if both == 0 and not by_meaning:
        done += other_words_clause(other_words)
    exp = expansions or {}

    def first(c: Concept) -> str:
        return _q(f"{c.phrase} ({exp[c.phrase]})" if exp.get(c.phrase) else readable_phrase(c.phrase))

    n_m, n_p = counts if counts is not None else (m.n_papers, p.n_papers)
    s = (f"Apply {first(m)} to {first(p)}: {n_m} papers in the library mention {readable_phrase(m.phrase)} and "
         f"{n_p} mention {readable_phrase(p.phrase)}, {done}")
    if nb_methods:
        names = " and ".join(_q(c.phrase) for c, _ in nb_methods[:2])
        k = sum(n for _, n in nb_methods[:2])
        s += f", while the related method{'s' if len(nb_methods[:2]) > 1 else ''} {names} {'have' if len(nb_methods[:2]) > 1 else 'has'} been applied to it ({k} paper{'s' if k != 1 else ''})"
    elif nb_problems:
        names = " and ".join(_q(c.phrase) for c, _ in nb_problems[:2])
        k = sum(n for _, n in nb_problems[:2])
        s += f", while {m.phrase} has been applied to the related problem{'s' if len(nb_problems[:2]) > 1 else ''} {names} ({k} paper{'s' if k != 1 else ''})"
    return s + "."


def meaning_clause(named: int, by_meaning: int, example: Optional[str] = None) -> str:
    """What the statement adds for the works about both concepts by meaning only (the closest-work check's
    "about both" that name not both): ", though 2 abstracts close to the pair are about both by meaning
    (e.g. “...”)"; "" when there are none."""
    if not by_meaning:
        return ""
    more = " more" if named else ""
    n = f"1{more} abstract" if by_meaning == 1 else f"{by_meaning}{more} abstracts"
    verb = "is" if by_meaning == 1 else "are"
    eg = f" (e.g. {_q(example)})" if example else ""
    return f", though {n} close to the pair {verb} about both by meaning{eg}"


def meaning_example(cw: Optional[dict], combined_papers: Sequence[int]) -> Optional[str]:
    """The title of the nearest work the closest-work check read as about both that names not both and the
    statement's count of works naming both (``combined_papers``: its library ids) leaves out."""
    own = {int(q) for q in combined_papers}
    for x in (cw or {}).get("closest_work") or ():
        if x.get("did_both") and not x.get("names_both") and x.get("title") \
                and not (x.get("source") == "library" and int(x["id"]) in own):
            return str(x["title"])
    return None


def combined_by(ev: PairEvidence, cw: Optional[dict], mentions: Optional[Mapping[int, frozenset]],
                titles: Optional[Callable[[Sequence[int]], Mapping[int, str]]] = None,
                members: Optional[tuple[set, set]] = None, ref: Optional[dict] = None) -> dict:
    """The works that already combine the pair, each once, whichever check saw them, each naming both
    concepts: the library's papers the extractor named both in, those ``members`` (the papers naming each
    end, concepts/members.py) share, or without ``members`` those whose title or abstract mentions both (the
    FTS index; at most one, or the pair would be no candidate), and the other sources' abstracts that name
    both (the reference corpus's, ``ref``, gaps/reference.py; those the closest-work check found naming both,
    gaps/closest.py; with ``members``, a library paper among them only where the members name both or
    one sentence of the reference abstract names the two as phrases).
    An abstract the closest-work check finds about both by meaning alone (a human-object interaction paper
    "about" human-AI collaboration) is no evidence that it combined them: it stays closest existing work.
    A paper another source holds that the library holds too is the library's. A gap's statement must not
    say "none of them combines the two" next to such evidence. {"count", "papers" (library ids),
    "example" (a title, one the closest-work check found first), "example_apart" (the example is a reference
    abstract that names the two in no one sentence, gaps/reference.named_together)}."""
    m, p = ev.method, ev.problem
    here = set(int(q) for q in ev.both)
    # with ``members``, a library paper combines the two only where it names both as a search finds them:
    # the mention index also matches a concept's words near each other in any order ("MRI-to-CT synthesis
    # and sparse-view CT" for "view synthesis"), which names nothing a reader can find
    both_named = members[0] & members[1] if members is not None else None
    if both_named is not None:
        here |= both_named
    elif mentions:
        here |= set(mentions.get(m.id, ())) & set(mentions.get(p.id, ()))
    elsewhere: set[str] = set()
    example, apart = None, False
    others = list((cw or {}).get("named_both") or ()) + [{"source": "reference", **x} for x in (ref or {}).get("papers") or ()]
    for x in others:
        own = x["id"] if x.get("source") == "library" else x.get("library_id")
        # a reference abstract one sentence of which names the two as phrases (reference.named_together) names
        # them in the library's copy too, which the library's members may not hold (not yet analysed)
        phrased = x.get("source") == "reference" and x.get("together") is True
        if (own is not None and both_named is not None and int(own) not in both_named and int(own) not in here
                and not phrased):
            continue            # the library's copy names the two in no phrase a search finds
        if own is not None:
            here.add(int(own))
        else:
            elsewhere.add(work_key(x, str(x.get("source")), x.get("id")))
        if example is None and x.get("title"):
            example, apart = x["title"], x.get("together") is False
    papers = sorted(here)
    if example is None and papers and titles is not None:
        example = titles(papers[:1]).get(papers[0])
    # the reference lists a few of the abstracts that name both (reference.EXAMPLES); below the count that
    # makes a pair established there may be more (up to 19 against 500,000 abstracts): each combines it too
    unlisted = max(0, int((ref or {}).get("co_mentions") or 0) - len((ref or {}).get("papers") or ()))
    return {"count": len(papers) + len(elsewhere) + unlisted, "papers": papers, "example": example,
            "example_apart": apart}


def listable(c: Concept, n_library: int, max_share: float) -> bool:
    """A concept a proposal can name: a phrase of two or more words or a named thing (an acronym such as
    "LoRA"), not so common that it is a field rather than a concept ("attention" in 3% of the papers), and
    no compound modifier ("AI-driven", "training-free": how a thing is, not the thing) nor a hardware budget
    ("GPU memory"); the backtest keeps them, as it keeps every vague phrase, for they link like any other."""
    return (specific(c.phrase) and not modifier(c.phrase) and not resource(c.phrase)
            and c.n_papers <= max(30, max_share * n_library))


def _common_only(c: Concept, n_library: int, max_share: float) -> bool:
    """Listable but for how common it is ("reinforcement learning" in a small library): still a name."""
    return listable(Concept(c.id, c.kind, c.phrase, c.synonyms, c.vector), n_library, max_share)


def modifier(phrase: str) -> bool:
    """A compound modifier ("AI-driven", "LLM-driven", "training-free"): how a thing is, not the thing."""
    compound = phrase.split()[-1].lower().split("-") if phrase.strip() else []
    return len(compound) >= 2 and compound[-1] in CONCEPT_MODIFIER_TAILS


def resource(phrase: str) -> bool:
    """What a method spends on its hardware ("GPU memory", "TPU hours"): a budget, not a method or a problem."""
    words = phrase.lower().split()
    return len(words) == 2 and words[0] in CONCEPT_HARDWARE_HEADS and words[1] in CONCEPT_RESOURCE_NOUNS


def set_aside_vague(cs: ConceptSet, blk, cand: np.ndarray, ok_m: np.ndarray, ok_p: np.ndarray,
                    mentions: Mapping[int, frozenset], paper_vecs: Optional[tuple],
                    notices: Optional[list], cancel=None) -> set[int]:
    """Ids of the concepts that may not end a listed gap because they are not concrete
    (concepts/concreteness.py: "accuracy degrading", "preprocessing pipeline"), among those with a candidate
    pair; a notice counts them. Only the listing reads it: the backtest scores link prediction, where a vague
    phrase links like any other."""
    from ..concepts.concreteness import concreteness, load_model, usage_features

    idx = np.concatenate([blk.m_idx[cand.any(axis=1) & ok_m], blk.p_idx[cand.any(axis=0) & ok_p]])
    ends = [cs.concepts[i] for i in idx]
    model = load_model()
    if not ends or model is None:
        return set()
    spread = {cs.concepts[i].id: float(blk.spread[i]) for i in idx}
    prob = concreteness(ends, cs.encoder, usage_features(ends, mentions, spread, paper_vecs), notices, cancel=cancel)
    if prob is None:
        return set()
    vague = sorted((c for c, q in zip(ends, prob) if q < model.threshold), key=lambda c: -c.n_papers)
    if vague and notices is not None:
        notices.append(f"{len(vague)} of {len(ends)} candidate concepts are not concrete enough to name in a gap and "
                       f"were not listed (e.g. {', '.join(_q(c.phrase) for c in vague[:5])})")
    return {c.id for c in vague}


def concept_gaps(cs: ConceptSet, dates: Mapping[int, Optional[str]], *, top: int = 50, rare_max: int = 1,
                 min_support: int = 5, per_concept: int = 2, evidence_n: int = 3, max_share: float = 0.02,
                 shortcomings: Optional[Callable[[Sequence[int]], Mapping[int, list]]] = None,
                 topic_of: Optional[Mapping[int, tuple[int, str]]] = None,
                 notices: Optional[list] = None, seed: int = 0, paper_vecs: Optional[tuple] = None,
                 texts: Optional[Mapping[int, str]] = None,
                 mentions: Optional[Mapping[int, frozenset]] = None, reference=None,
                 plausible_min: float = PLAUSIBLE_MIN, progress=None, cancel=None, closest=None,
                 acronyms: Optional[Mapping[int, "AcronymReading"]] = None, world=None,
                 titles: Optional[Callable[[Sequence[int]], Mapping[int, str]]] = None,
                 named: Optional[Callable[[Sequence[Concept]], Mapping[int, frozenset]]] = None,
                 held: Optional[Callable[[Sequence[str]], Mapping[str, int]]] = None,
                 fields: Sequence[str] = ()) -> list[Gap]:
    """``mentions`` ({concept id: papers whose text mentions it}, concepts/pair_rules.concept_mentions) or
    ``texts`` (paper id -> title and abstract, matched by quality.text_mentions): a pair that more than
    ``TEXT_BOTH_MAX`` abstracts mention together is no gap, even when the extractor named them together in
    none (the same rule as the backtest's candidates). ``reference`` (a gaps.reference.ReferenceCorpus):
    a pair that enough of its abstracts mention together is established practice, no gap; the ranking is
    walked down until ``top`` gaps are kept, and each kept gap carries the reference papers that did both.
    ``plausible_min``: a pair whose ends are further apart than that (concepts/pair_rules.py, rule 5) is
    no gap, in the ranker's training slice as here; each gap carries its plausibility and the concepts
    its two ends share as neighbours. ``closest`` (a gaps.closest.ClosestWork): the paraphrase-aware check
    after the phrase check; a pair enough abstracts close to it are about is established, no gap, and each
    kept gap carries its closest existing work. ``acronyms`` ({concept id: its reading},
    concepts/acronyms.py; read from ``texts`` when not given): an acronym the papers naming it define in
    different ways is no gap end (a notice names them); a gap names the others' expansion. ``world`` (a
    gaps.world_check.OpenAlexCheck): asked last, for the pairs the other checks keep; a pair enough works in
    OpenAlex mention together is established, no gap, and each kept gap carries the few that did.
    ``titles`` (paper ids -> their titles): names an example of the abstracts that combine a pair already
    when the closest-work check named none (combined_by). ``named`` (concepts -> {id: the papers whose
    title or abstract names it}, concepts/members.named_in_text): what a gap counts for each end, with the
    papers the extractor named it in (without it: ``mentions``). ``held`` (arXiv ids -> {arXiv id: the
    library's paper id}): a reference paper the library holds is counted and listed as the library's.
    ``fields`` (arXiv categories, concepts/fields.library_fields): a concept naming one is the library's own
    field ("NLP" in a library of cs.CL papers) and ends no gap."""
    if not cs.concepts:
        return []
    acronyms, mentions = _readings(cs, texts, acronyms, mentions)
    check(cancel)            # each step below takes a while on a large library: Ctrl-C / Cancel stops between
    # them, and each says itself: on 10,000 papers the steps before the "already done" checks are a minute
    def listing(n: int, what: str) -> None:
        report(progress, n, 6, f"listing the gaps: {what}")

    listing(0, "training the ranker on the library's past")
    first, last, days = corpus_span(dates.values())
    before = (date.fromisoformat(last[:10]) + timedelta(days=1)).isoformat() if last else "9999"
    ranker, info = _ranker_for(cs, dates, before, (first, last, days), rare_max=rare_max, min_support=min_support,
                               seed=seed, paper_vecs=paper_vecs, mentions=mentions, notices=notices, cancel=cancel)
    check(cancel)
    listing(1, "the features of every concept pair")
    blk = pair_block(cs, dates, before, min_support=min_support, paper_vecs=paper_vecs, seed=seed, mentions=mentions,
                     plausible_min=plausible_min, cancel=cancel)
    # not generic, not a measure, a fragment or a bare property, two things (concepts/quality.py), not joined
    # in text, neither inside the other's area, no data set, no building block, above the plausibility
    # floor (concepts/pair_rules.py), as the backtest scores
    cand = candidates(blk, rare_max)
    if not cand.any():
        return []
    check(cancel)
    # a measure (concepts/measures.py) is no problem either: no end, no related problem
    things, non_problems = not_method_ids(cs, mentions), not_problem_ids(cs, mentions) | measure_ids(cs, mentions)
    field = own_field_ids(cs, fields, acronyms)
    refused: set[int] = set()
    listing(2, "scoring the candidate pairs")
    score = _listing_scores(cs, blk, cand, ranker, max_share, mentions, paper_vecs, acronyms, notices, things,
                            refused, non_problems, cancel=cancel, field=(field, fields))
    check(cancel)
    listing(3, "concepts that are one idea")
    same_as = _same_concepts(cs, blk, score, acronyms, rare_max, cancel=cancel, mentions=mentions, notices=notices)
    check(cancel)
    flat = np.argsort(-score, axis=None)[: max(top * 30, 600)]
    flat = flat[np.isfinite(score.ravel()[flat])]
    # a concept the checks refuse as an end is named as no related method or problem either, nor as a shared
    # neighbour, whether or not it had a candidate pair: data, a space or an output ("CXR"), a sensor
    # ("LiDAR"), a model part ("attention heads"), a modifier ("LLM-driven"), a vague phrase ("knowledge
    # database", "gaussian parameters")
    listing(4, "concepts no gap may name")
    unnamed = unnamed_concepts(cs, blk, mentions, paper_vecs, things | non_problems | field | refused, max_share)
    check(cancel)
    listing(5, "the evidence of the best pairs")
    gather = EvidenceGatherer(cs.concepts, evidence_n, paper_vecs, same_as, unnamed=unnamed)
    pool, pairs = [], {}
    for f in flat:
        check(cancel)
        i, j = np.unravel_index(int(f), score.shape)
        ev = pairs[(i, j)] = gather.gather(cs.concepts[blk.m_idx[i]], cs.concepts[blk.p_idx[j]],
                                           int(blk.text_both[i, j]) if blk.text_both is not None else None)
        pool.append(gather.candidate((i, j), float(score[i, j]), ev, same_as))
    established = EstablishedCheck(reference, closest, pairs, top, progress, cancel, world=world)
    kept, dropped = dedupe(pool, top, per_concept=per_concept, accept=established if established.active else None)
    if notices is not None:
        notices.extend(established.notices(len(kept), len(pool)))
    # a shared neighbour worth naming: a concept of 5+ papers that may be named (not "RGB", "reconstruction")
    from ..concepts.quality import not_a_concept

    not_neighbours = [k for k, c in enumerate(cs.concepts)
                      if c.n_papers < 5 or not_a_concept(c.phrase) or c.id in unnamed] if kept else []
    ends = {x.id: x for c in kept for end in (pairs[c.key].method, pairs[c.key].problem) for x in gather.names_of(end)}
    text = named(list(ends.values())) if named is not None and ends else mentions
    # the concepts the extractor named in each paper, and their papers' mean vectors: a closest work that may
    # combine a pair in other words (other_words.py)
    content = getattr(getattr(closest, "cv", None), "content", None)
    reader = (_concepts_of(cs), content) if content is not None and kept else None
    gaps = [_concept_gap(c, pairs[c.key], blk, cs, info, established, acronyms, shortcomings, topic_of, not_neighbours,
                         sum(1 for d in dropped if d["duplicate_of"] == c.key), mentions, titles, same_as,
                         Members(gather, text), held, reader)
            for c in kept]
    return sorted(gaps, key=lambda g: -g.score)     # listing order: pairs some abstracts combine already lower


def _readings(cs: ConceptSet, texts, acronyms, mentions) -> tuple[Mapping[int, "AcronymReading"], Optional[Mapping]]:
    """The acronym readings and concept mentions, read from ``texts`` when not given."""
    if acronyms is None and texts is not None:
        from ..concepts.acronyms import read_acronyms

        acronyms = read_acronyms(cs.concepts, texts)
    if mentions is None and texts is not None:
        from ..concepts.quality import text_mentions

        found = text_mentions(cs.concepts, texts)
        mentions = {c.id: frozenset(found.get(c.id, set()) | set(c.papers)) for c in cs.concepts}
    return acronyms or {}, mentions


def _ranker_for(cs: ConceptSet, dates, before: str, span: tuple, *, rare_max: int, min_support: int, seed: int,
                paper_vecs, mentions, notices: Optional[list], cancel=None) -> tuple[Ranker, dict]:
    """The ranker trained on the library's last slice, or the fixed blend (with a notice) when the papers
    span too short a time to train on an earlier slice."""
    first, last, days = span
    if days >= MIN_BACKTEST_BEFORE_DAYS:
        ranker, info = train_ranker(cs, dates, before, horizon_days=max(30, min(90, days // 3)), rare_max=rare_max,
                                    min_support=min_support, seed=seed, paper_vecs=paper_vecs, mentions=mentions,
                                    plausible_min=TRAIN_PLAUSIBLE_MIN, cancel=cancel)
        if info.get("fallback") and notices is not None:
            notices.append("gaps ranked by a simple score of how the concepts are connected, not one learnt from "
                           "this library: " + info["fallback"])
        return ranker, info
    if notices is not None:
        notices.append(f"gaps ranked by a simple score of how the concepts are connected, not one learnt from this "
                       f"library: its papers span {plural(days, 'day')} ({first} .. {last}), and learning which "
                       f"pairs meet later needs {MIN_BACKTEST_BEFORE_DAYS} days")
    return Ranker(seed), {"fallback": "no trained ranker"}


def _listing_scores(cs: ConceptSet, blk, cand: np.ndarray, ranker: Ranker, max_share: float, mentions, paper_vecs,
                    acronyms, notices: Optional[list], things: frozenset = frozenset(),
                    refused: Optional[set] = None, non_problems: frozenset = frozenset(), cancel=None,
                    field: tuple[frozenset, Sequence[str]] = (frozenset(), ())) -> np.ndarray:
    """The ranker's score of each candidate pair, -inf for the pairs a gap may not name: an end that is no
    listable or concrete concept, a method end that is no method (``things``, not_method_ids), a problem end
    that is no problem (``non_problems``, not_problem_ids), an end that names the library's own field
    (``field``: own_field_ids and the categories), or an ambiguous acronym (each with its notice).
    ``refused`` gets the ids of the concepts refused for what they are (not for being common): no statement
    names them as a related concept."""
    n_library = len({p for c in cs.concepts for p in c.papers})
    ok_m = np.array([listable(cs.concepts[i], n_library, max_share) for i in blk.m_idx], dtype=bool)
    ok_m &= ~_refused_ends(cs, blk.m_idx, cand.any(axis=1), ok_m, things, notices, _NOT_METHOD_SAYS)
    ok_p = np.array([listable(cs.concepts[j], n_library, max_share) for j in blk.p_idx], dtype=bool)
    ok_p &= ~_input_modalities(cs, blk, cand, ok_p, mentions, notices)
    ok_p &= ~_refused_ends(cs, blk.p_idx, cand.any(axis=0), ok_p, measure_ids(cs, mentions), notices, _MEASURE_SAYS)
    ok_p &= ~_refused_ends(cs, blk.p_idx, cand.any(axis=0), ok_p, non_problems, notices, _NOT_PROBLEM_SAYS)
    ok_m, ok_p = _own_field_ends(cs, blk, cand, ok_m, ok_p, field, notices)
    vague = set_aside_vague(cs, blk, cand, ok_m, ok_p, mentions or {}, paper_vecs, notices, cancel=cancel)
    if refused is not None:
        refused |= vague | {cs.concepts[k].id for k, ok in [*zip(blk.m_idx, ok_m), *zip(blk.p_idx, ok_p)]
                            if not ok and not _common_only(cs.concepts[k], n_library, max_share)}
    ok_m &= np.array([cs.concepts[i].id not in vague for i in blk.m_idx], dtype=bool)
    ok_p &= np.array([cs.concepts[j].id not in vague for j in blk.p_idx], dtype=bool)
    score = np.full(blk.both.shape, -np.inf, dtype=np.float64)
    score[cand] = ranker.score(blk.X[cand])
    score[~(ok_m[:, None] & ok_p[None, :])] = -np.inf
    _drop_unnamed_acronyms(score, blk, cs, acronyms, notices, refused)
    return score


def unmark_uncounted(cw: dict, combined_papers: Sequence[int]) -> None:
    """The closest-work list marks "names both" only where the statement counts the work as combining the pair
    (``combined_papers``: its library ids). A library work the check saw naming both (the mention index: words
    near each other) that combined_by does not count, yet about both by meaning, joins ``done_unnamed``: the
    statement and the closest line count it as about both by meaning, as the list then marks it, never deny it."""
    counted = {int(q) for q in combined_papers}
    unnamed = cw.setdefault("done_unnamed", [])
    for x in cw.get("closest_work") or ():
        if x.get("names_both") and x.get("source") == "library" and int(x["id"]) not in counted:
            x["names_both"] = False
            if x.get("did_both") and not any(u.get("source") == "library" and int(u["id"]) == int(x["id"])
                                             for u in unnamed):
                unnamed.append({"source": "library", "id": int(x["id"])})


def _concepts_of(cs: ConceptSet) -> dict[int, list[Concept]]:
    """{paper: the concepts the extractor named in it}."""
    out: dict[int, list[Concept]] = {}
    for c in cs.concepts:
        for q in c.papers:
            out.setdefault(int(q), []).append(c)
    return out


class Members:
    """The papers a gap counts for each end (concepts/members.py): the extractor's, and those whose title or
    abstract names the concept (``text``: {concept id: papers}), under its other names too (an acronym and its
    expansion, ``gather.names_of``)."""

    def __init__(self, gather: EvidenceGatherer, text: Optional[Mapping[int, Iterable[int]]]):
        self.gather, self.text = gather, text or {}

    def __call__(self, c: Concept) -> set[int]:
        from ..concepts.members import members

        return members(self.gather.names_of(c), self.text)

    def search(self, c: Concept) -> Optional[str]:
        """The search that finds the papers naming ``c`` in their title or abstract."""
        from ..concepts.members import search_query

        return search_query(self.gather.names_of(c))


def _in_library(ref: Optional[dict], held: Optional[Callable[[Sequence[str]], Mapping[str, int]]]) -> None:
    """Marks the reference papers of a gap (``ref["papers"]``) the library holds too with their
    ``library_id``: they are the library's papers, counted and listed as such."""
    papers = (ref or {}).get("papers") or []
    ids = [str(x["arxiv_id"]) for x in papers if x.get("arxiv_id")]
    own = held(ids) if held is not None and ids else {}
    for x in papers:
        if x.get("arxiv_id") and str(x["arxiv_id"]) in own:
            x["library_id"] = int(own[str(x["arxiv_id"])])


def _concept_gap(cand: Candidate, ev: PairEvidence, blk, cs: ConceptSet, info: dict, established: EstablishedCheck,
                 acronyms, shortcomings, topic_of, not_neighbours: Sequence[int], duplicates_dropped: int,
                 mentions: Optional[Mapping[int, frozenset]] = None,
                 titles: Optional[Callable[[Sequence[int]], Mapping[int, str]]] = None,
                 same_as: Optional[Mapping[int, int]] = None, members: Optional[Members] = None,
                 held: Optional[Callable[[Sequence[str]], Mapping[str, int]]] = None,
                 reader: Optional[tuple] = None) -> Gap:
    """One kept pair as a gap: its statement, its evidence by role and the figures behind its rank.
    ``reader``: ({paper: its concepts}, concept -> content vector) for other_words.in_other_words."""
    i, j = cand.key
    m, p = ev.method, ev.problem
    ref, cw = established.reference_of.get((i, j)), established.closest_of.get((i, j))
    world = established.world_of.get((i, j))
    _in_library(ref, held)
    ends = (members(m), members(p)) if members is not None else None
    combined = combined_by(ev, cw, mentions, titles, ends, ref)
    if cw is not None and ends is not None:
        unmark_uncounted(cw, combined["papers"])
    # the library's papers that combine the pair already are its "did both" evidence, whatever found them
    roles = {q: "both" for q in combined["papers"]}
    for q, r in ev.roles().items():
        roles.setdefault(q, r)
    short, no_quote = shortcoming_quotes(m, p, shortcomings)
    for s in short:
        roles.setdefault(s["paper_id"], "shortcoming")
    topic = main_topic(m, p, topic_of)
    counts = {r: sum(1 for v in roles.values() if v == r) for r in ROLE_ORDER}
    if ref is not None:
        counts["reference"] = ref["co_mentions"]
    if cw is not None:
        counts["closest"] = len(cw["closest_work"])
    if world is not None and world["works"] is not None:
        counts["openalex"] = world["works"]
    expansions = _expansions(m, p, acronyms)
    other = (in_other_words(cw["closest_work"], m, p, ends, *reader)
             if reader is not None and cw is not None and ends is not None else None)
    return Gap(
        type="method_x_problem", score=cand.score,
        statement=statement(m, p, combined["count"], ev.near_methods, ev.near_problems, expansions,
                            combined["example"], in_library=len(combined["papers"]),
                            counts=(len(ends[0]), len(ends[1])) if ends is not None else None,
                            example_apart=combined["example_apart"],
                            by_meaning=meaning_only(cw, combined["papers"]) if cw is not None else 0,
                            meaning_example=meaning_example(cw, combined["papers"]), other_words=other)
        + tried_in_world_note(world),
        method=_ref(m, cs.batch), problem=_ref(p, cs.batch), evidence=list(roles), roles=roles,
        details={"level": "concept", "method_concept": m.phrase, "problem_concept": p.phrase,
                 # the papers naming each end (title, abstract or the extractor's key phrases), and the search
                 # that finds those of the text; the extractor's own (the concept graph the ranker reads)
                 "method_papers": len(ends[0]) if ends is not None else m.n_papers,
                 "problem_papers": len(ends[1]) if ends is not None else p.n_papers,
                 "method_search": members.search(m) if members is not None else None,
                 "problem_search": members.search(p) if members is not None else None,
                 "method_key_papers": m.n_papers, "problem_key_papers": p.n_papers,
                 "papers_with_both": len(ev.both),
                 # what an acronym end stands for ({phrase: expansion}), and how its papers define it
                 "expansions": expansions,
                 "acronyms": {c.phrase: acronyms[c.id].to_dict() for c in (m, p) if c.id in acronyms} or None,
                 "abstracts_mentioning_both": ev.text_both,
                 # the works that combine the pair already, each once, whichever check found them (the
                 # statement's "only N abstracts combine them so far"): their count and the library's among them
                 "combined_by": {"count": combined["count"], "papers": combined["papers"]},
                 # a listed closest work that may combine the two in other words (other_words.py), or None
                 "other_words": other,
                 "predicting_methods": [{"concept": c.phrase, "papers_with_problem": n} for c, n in ev.near_methods[:3]],
                 "predicting_problems": [{"concept": c.phrase, "papers_with_method": n} for c, n in ev.near_problems[:3]],
                 "shortcoming_sentences": short,
                 # why it quotes none, when it does not (gaps/quotes.py)
                 "quote_note": no_quote,
                 "evidence_counts": counts,
                 # the reference corpus's abstracts that mention both (`gaps find --reference`), below
                 # the count that makes a pair established practice; papers: title, year, id there
                 "reference": ref,
                 # the abstracts nearest the pair (gaps/closest.py), those about both first: title, year,
                 # arXiv id, cosine to the pair; and how many did both (below the count that establishes it)
                 "closest_work": cw["closest_work"] if cw is not None else None,
                 # "meaning_only": those about both by meaning the statement's count (naming both) leaves out
                 "closest_check": ({**{k: v for k, v in cw.items() if k != "closest_work"},
                                    "meaning_only": meaning_only(cw, combined["papers"])} if cw is not None else None),
                 # works in OpenAlex (all years) whose title or abstract mentions both (`gaps_openalex_min`):
                 # the count, the query asked, the most cited of them; works None when the request failed
                 "openalex": world,
                 "plausibility": plausibility_evidence(blk, i, j, cs, not_neighbours, same_as),
                 "topic": {"cluster": topic[0], "label": topic[1]} if topic else None,
                 "features": {name: round(float(v), 4) for name, v in zip(FEATURES, blk.X[i, j])},
                 "ranker": {k: v for k, v in info.items() if k != "fallback"} | ({"fallback": info["fallback"]} if info.get("fallback") else {}),
                 "raw_score": round(cand.score, 5), "duplicates_dropped": duplicates_dropped})


def _expansions(m: Concept, p: Concept, acronyms: Mapping[int, "AcronymReading"]) -> dict[str, str]:
    """{phrase: expansion} of the pair's acronym ends whose papers agree on one."""
    from ..concepts.acronyms import DEFINED

    return {c.phrase: r.dominant for c in (m, p) if (r := acronyms.get(c.id)) is not None and r.verdict == DEFINED}


def not_method_ids(cs: ConceptSet, mentions) -> frozenset:
    """The ids of the method concepts that are no method but data, a modality, a space or an output ("point
    clouds", "MRI", "latent space", "camera poses"; concepts/pair_rules.not_methods), when ``mentions`` has
    the reading (ConceptMentions.as_used / as_thing), and those whose phrase is headed by a noun for data
    ("tabular data", "video frames"; pair_rules.data_phrases), and, when ``mentions`` has the aims read
    (ConceptMentions.in_aim), a model part or people seldom named in their papers' aims ("convolutional layers",
    "native speakers"; pair_rules.part_phrases), and those the abstracts write as an input modality ("LiDAR";
    pair_rules.inputs, ConceptMentions.as_input), and a task its abstracts name as one far more than use ("report
    generation"; pair_rules.tasks_as_methods)."""
    from ..concepts.pair_rules import data_phrases, inputs, not_methods, part_phrases, tasks_as_methods

    methods = [c for c in cs.concepts if c.kind == "method"]
    out = data_phrases(methods)       # "tabular data", "video frames": data by its very phrase
    in_aim = getattr(mentions, "in_aim", None)
    if in_aim is not None:
        out |= part_phrases(methods, in_aim)
    as_used, as_thing = getattr(mentions, "as_used", None), getattr(mentions, "as_thing", None)
    if as_used is not None and as_thing is not None:
        out |= not_methods(methods, mentions, as_used, as_thing)
    # a sensor the abstracts write as an input ("LiDAR data", "from LiDAR"), by the rule that refuses an input
    # modality as a problem end (pair_rules.inputs): "Apply LiDAR to UAV" names data, no method
    as_input, as_task = getattr(mentions, "as_input", None), getattr(mentions, "as_task", None)
    if as_input is not None and as_task is not None:
        out |= inputs(methods, mentions, as_input, as_task)
    # a task named in method sentences ("report generation"), by how its abstracts write it (pair_rules)
    as_technique = getattr(mentions, "as_technique", None)
    if as_technique is not None and as_task is not None:
        out |= tasks_as_methods(methods, mentions, as_technique, as_task)
    return frozenset(c.id for c, o in zip(methods, out) if o)


def not_problem_ids(cs: ConceptSet, mentions) -> frozenset:
    """The ids of the problem concepts that are no problem but a technique, a model or a part of one
    ("Mixture-of-Experts MoE", "attention heads"; concepts/pair_rules.not_problems), when ``mentions`` has the
    reading (ConceptMentions.as_part / as_task; a task, task_named / as_object, stays: "SLAM", "optical flow"), and
    data its abstracts seldom name as a problem itself ("hyperspectral image", "WSI"; pair_rules.data_problems)."""
    as_part, as_task = getattr(mentions, "as_part", None), getattr(mentions, "as_task", None)
    if as_part is None or as_task is None:
        return frozenset()
    from ..concepts.pair_rules import data_problems, not_problems

    problems = [c for c in cs.concepts if c.kind == "problem"]
    out = not_problems(problems, mentions, as_part, as_task, getattr(mentions, "task_named", ()),
                       getattr(mentions, "as_object", None))
    own = getattr(mentions, "as_own_task", None)
    if own is not None:
        out |= data_problems(problems, mentions, getattr(mentions, "data_named", ()), own)
    return frozenset(c.id for c, o in zip(problems, out) if o)


def measure_ids(cs: ConceptSet, mentions) -> frozenset:
    """The ids of the problem concepts that are an evaluation measure ("FLOPs", "chamfer distance", "token
    consumption"; concepts/measures.py): a well-known measure's acronym always, the others when ``mentions`` has
    the reading (ConceptMentions.as_measure)."""
    from ..concepts.measures import measures

    problems = [c for c in cs.concepts if c.kind == "problem"]
    out = measures(problems, mentions or {}, getattr(mentions, "as_measure", None))
    return frozenset(c.id for c, o in zip(problems, out) if o)


def input_ids(cs: ConceptSet, mentions) -> frozenset:
    """The ids of the problem concepts written as an input modality ("LiDAR", "RGB"; concepts/pair_rules.inputs),
    of every problem concept read, not only the candidate ends, and the sensors named together ("camera LiDAR";
    pair_rules.input_compounds)."""
    from ..concepts.pair_rules import input_compounds, inputs

    as_input, as_task = getattr(mentions, "as_input", None), getattr(mentions, "as_task", None)
    if as_input is None or as_task is None:
        return frozenset()
    problems = [c for c in cs.concepts if c.kind == "problem"]
    flagged = inputs(problems, mentions, as_input, as_task)
    flagged |= input_compounds(problems, [c.phrase for c, f in zip(problems, flagged) if f])
    return frozenset(c.id for c, out in zip(problems, flagged) if out)


def unnamed_concepts(cs: ConceptSet, blk, mentions, paper_vecs, refused: set, max_share: float) -> frozenset:
    """The ids of the concepts no gap may name as a related method or problem or a shared neighbour: those the
    listing refuses as ends (``refused``), and, over every concept, what the end checks would refuse it for
    (not for being common): an input modality, a data set (pair_rules.data_sets: "MVTec", named "on MVTec" by 14
    of its 18 abstracts; the ends are judged only among the concepts the ranker reads, a smaller one was named as
    a related problem), a modifier or a hardware budget, and a vague phrase (concepts/concreteness.py: "knowledge
    database", "additional languages"). Listing only."""
    from ..concepts.concreteness import concreteness, load_model, usage_features
    from ..concepts.pair_rules import data_sets
    from .concept_evidence import nameable

    n_library = len({p for c in cs.concepts for p in c.papers})
    out = set(refused) | input_ids(cs, mentions)
    as_data = getattr(mentions, "as_data", None)
    if as_data is not None:
        out |= {c.id for c, d in zip(cs.concepts, data_sets(cs.concepts, mentions, as_data)) if d}
    out |= {c.id for c in cs.concepts if not _common_only(c, n_library, max_share)}
    named = [c for c in cs.concepts if c.id not in out and nameable(c)]
    model = load_model()
    if named and model is not None:
        spread = {c.id: float(blk.spread[k]) for k, c in enumerate(cs.concepts)} if blk.spread is not None else {}
        prob = concreteness(named, cs.encoder, usage_features(named, mentions or {}, spread, paper_vecs))
        if prob is not None:
            out |= {c.id for c, q in zip(named, prob) if q < model.threshold}
    return frozenset(out)


def _refused_ends(cs: ConceptSet, idx, has_pair: np.ndarray, ok: np.ndarray, refused: frozenset,
                  notices: Optional[list], says: str) -> np.ndarray:
    """Per end (``idx``: the block's method rows or problem columns): one of ``refused``, no end of a listed gap;
    a notice (``says``, its number and plurals filled in) names those that had a candidate pair."""
    out = np.array([cs.concepts[i].id in refused for i in idx], dtype=bool)
    hit = sorted((cs.concepts[idx[k]] for k in np.flatnonzero(out & ok & has_pair)), key=lambda c: -c.n_papers)
    if hit and notices is not None:
        n = len(hit)
        notices.append(says.format(n=n, s="s" if n != 1 else "", their="their" if n != 1 else "its",
                                   are="are" if n != 1 else "is")
                       + ", ".join(_q(c.phrase) for c in hit[:8]))
    return out


def own_field_ids(cs: ConceptSet, fields: Sequence[str],
                  acronyms: Optional[Mapping[int, "AcronymReading"]] = None) -> frozenset:
    """Ids of the concepts that name one of the library's fields (concepts/fields.py: "NLP" in a library of
    cs.CL papers), an acronym only in the field's sense (``acronyms``: each acronym concept's reading; "CV" its
    papers define as cross-validation stays)."""
    from ..concepts.acronyms import DEFINED, is_acronym
    from ..concepts.fields import field_names, names_field

    names = field_names(fields)
    if not names:
        return frozenset()

    def senses(c) -> list[str]:
        r = (acronyms or {}).get(c.id)
        own = [r.dominant] if r is not None and r.verdict == DEFINED and r.dominant else []
        return own + [f for f in [c.phrase, *c.synonyms] if not is_acronym(f) and len(f) > 3]

    return frozenset(c.id for c in cs.concepts if names_field([c.phrase, *c.synonyms], names, senses(c)))


def _own_field_ends(cs: ConceptSet, blk, cand: np.ndarray, ok_m: np.ndarray, ok_p: np.ndarray,
                    field: tuple[frozenset, Sequence[str]], notices: Optional[list]) -> tuple[np.ndarray, np.ndarray]:
    """ok_m and ok_p without the ends that name the library's own field; one notice names those that had a
    candidate pair, on either side."""
    ids, fields = field
    if not ids:
        return ok_m, ok_p
    m = np.array([cs.concepts[i].id in ids for i in blk.m_idx], dtype=bool)
    p = np.array([cs.concepts[j].id in ids for j in blk.p_idx], dtype=bool)
    hit = {cs.concepts[k].id: cs.concepts[k] for k in [*blk.m_idx[m & ok_m & cand.any(axis=1)],
                                                       *blk.p_idx[p & ok_p & cand.any(axis=0)]]}
    if hit and notices is not None:
        n = len(hit)
        notices.append(f"{n} concept{'s' if n != 1 else ''} naming the library's own field ({', '.join(fields)}: "
                       f"the whole library, not a problem to apply a method to nor a method to apply) ended no gap: "
                       + ", ".join(_q(c.phrase) for c in sorted(hit.values(), key=lambda c: -c.n_papers)[:8]))
    return ok_m & ~m, ok_p & ~p


_NOT_PROBLEM_SAYS = ("{n} problem concept{s} that {their} abstracts write as a technique or a model part "
                     "(\u201c<X> layers\u201d, \u201c<X> architecture\u201d, \u201cusing <X>\u201d) far more than "
                     "as a problem, or that name data, a device or people and are seldom written as a problem, "
                     "{are} no problem to apply a method to and ended no gap: ")
_MEASURE_SAYS = ("{n} problem concept{s} that {their} abstracts write as an evaluation measure (a number next to "
                 "{their} name in the results, \u201cin terms of <X>\u201d, \u201c<X> metric\u201d) {are} how "
                 "results are scored, no problem to apply a method to, and ended no gap: ")
_NOT_METHOD_SAYS = ("{n} method concept{s} that {their} abstracts write as data, a space or an output "
                    "(\u201cfrom <X>\u201d, \u201cin the <X>\u201d, \u201cestimate <X>\u201d) far more than as "
                    "a technique, or that name data, a model part, people or a task (\u201cfor <X>\u201d, "
                    "\u201c<X> task\u201d), {are} no method one applies and ended no gap: ")


def _input_modalities(cs: ConceptSet, blk, cand: np.ndarray, ok_p: np.ndarray, mentions,
                      notices: Optional[list]) -> np.ndarray:
    """Per problem column: an input modality ("RGB": "RGB images", "from RGB"; concepts/pair_rules.inputs),
    no problem end of a listed gap; a notice names those that had a candidate pair."""
    as_input, as_task = getattr(mentions, "as_input", None), getattr(mentions, "as_task", None)
    if as_input is None or as_task is None:
        return np.zeros(len(blk.p_idx), dtype=bool)
    ids = input_ids(cs, mentions)
    out = np.array([cs.concepts[j].id in ids for j in blk.p_idx], dtype=bool)
    hit = [cs.concepts[blk.p_idx[j]] for j in np.flatnonzero(out & ok_p & cand.any(axis=0))]
    if hit and notices is not None:
        n = len(hit)
        notices.append(f"{n} problem concept{'s' if n != 1 else ''} that {'their' if n != 1 else 'its'} abstracts "
                       "write as an input (\u201c<X> images\u201d, \u201cfrom <X>\u201d) far more than as a "
                       f"problem {'are' if n != 1 else 'is'} data, not a problem, and ended no gap: "
                       + ", ".join(_q(c.phrase) for c in hit[:8]))
    return out


def _same_concepts(cs: ConceptSet, blk, score: np.ndarray, acronyms: Mapping[int, "AcronymReading"],
                   rare_max: int = 1, cancel=None, mentions: Optional[Mapping[int, Iterable[int]]] = None,
                   notices: Optional[list] = None) -> dict[int, int]:
    """{concept id: the concept it is one with} for the acronyms and their expansions, written alone or inside
    a longer phrase (gaps/aliases.one_concept_groups: "SFT" and "supervised fine-tuning", "CoT prompting" and
    "chain-of-thought prompting"); a concept paired with its own alias is no gap (its score -inf), and
    neither is a pair more than ``rare_max`` papers name together under either name ("RAG" x "NLP" when three
    papers name "retrieval-augmented generation" with "natural language processing"), nor one whose titles
    and abstracts (``mentions``) name both ends more than ``TEXT_BOTH_MAX`` times under any of their names
    (the rule each name alone passed: "knowledge graph" x "CoT prompting" where five abstracts write knowledge
    graphs with chain-of-thought); a notice counts those."""
    from .aliases import one_concept_groups

    same_as = one_concept_groups(cs.concepts, acronyms)
    if same_as:
        gm = np.array([same_as.get(cs.concepts[i].id, cs.concepts[i].id) for i in blk.m_idx])
        gp = np.array([same_as.get(cs.concepts[j].id, cs.concepts[j].id) for j in blk.p_idx])
        score[gm[:, None] == gp[None, :]] = -np.inf
        papers: dict[int, set] = {}
        text: dict[int, set] = {}
        for c in cs.concepts:
            papers.setdefault(same_as.get(c.id, c.id), set()).update(c.papers)
            text.setdefault(same_as.get(c.id, c.id), set()).update((mentions or {}).get(c.id, ()))
        aliased = np.array(sorted(set(same_as.values())))
        touched = np.isin(gm, aliased)[:, None] | np.isin(gp, aliased)[None, :]
        in_text = 0
        for k, (i, j) in enumerate(zip(*np.nonzero(np.isfinite(score) & touched))):
            if k % 4096 == 0:
                check(cancel)
            if len(papers[int(gm[i])] & papers[int(gp[j])]) > rare_max:
                score[i, j] = -np.inf
            elif len(text[int(gm[i])] & text[int(gp[j])]) > TEXT_BOTH_MAX:
                score[i, j] = -np.inf
                in_text += 1
        if in_text and notices is not None:
            notices.append(f"{in_text} candidate pair{'s' if in_text != 1 else ''} whose ends more than "
                           f"{TEXT_BOTH_MAX} abstract{'s' if TEXT_BOTH_MAX != 1 else ''} name together under "
                           "other names (an acronym spelled out or inside a longer phrase: \u201cchain-of-thought\u201d "
                           "for \u201cCoT prompting\u201d) ended no gap")
    return same_as


def _drop_unnamed_acronyms(score: np.ndarray, blk, cs: ConceptSet, acronyms: Mapping[int, "AcronymReading"],
                    notices: Optional[list], refused: Optional[set] = None) -> None:
    """An acronym its papers define in different ways (SAGE: a query rewriter, a knowledge-graph embedding,
    an erasing method ...) names no one concept, nor does one only the papers that coined it write ("DIVE":
    a system of one paper; concepts/acronyms.py, ``system_name``): their pairs are no gaps (their score
    -inf). The notices name those that had a candidate pair; ``refused`` gets the ids of both (no statement
    names them as a related concept: "ASR", attack success rate or automatic speech recognition)."""
    from ..concepts.acronyms import ambiguous_notice, system_name_notice

    for flag, notice in ((lambda r: r.ambiguous, ambiguous_notice), (lambda r: r.system_name, system_name_notice)):
        bad_m = np.array([bool((r := acronyms.get(cs.concepts[i].id)) and flag(r)) for i in blk.m_idx], dtype=bool)
        bad_p = np.array([bool((r := acronyms.get(cs.concepts[j].id)) and flag(r)) for j in blk.p_idx], dtype=bool)
        if refused is not None:     # naming one concept in no statement, no related concept either ("ASR")
            refused.update(c.id for c in cs.concepts if (r := acronyms.get(c.id)) is not None and flag(r))
        if not (bad_m.any() or bad_p.any()):
            continue
        finite = np.isfinite(score)
        hit = ([cs.concepts[blk.m_idx[i]] for i in np.flatnonzero(bad_m & finite.any(axis=1))]
               + [cs.concepts[blk.p_idx[j]] for j in np.flatnonzero(bad_p & finite.any(axis=0))])
        score[bad_m, :] = -np.inf
        score[:, bad_p] = -np.inf
        note = notice([acronyms[c.id] for c in hit])
        if note and notices is not None:
            notices.append(note)


def plausibility_evidence(blk, i: int, j: int, cs: ConceptSet, exclude: Sequence[int] = (),
                          same_as: Optional[Mapping[int, int]] = None) -> Optional[dict]:
    """Why a pair passed the plausibility floor (concepts/pair_rules.py, rule 5): its plausibility, the
    share of problems further from the method than this one and of methods further from the problem,
    the floor, and the concepts closest to both (their shared neighbourhood; not those of ``exclude``).
    ``same_as`` (concepts/acronyms.same_concepts): an end under its other name ("bird eye view" for "BEV
    representations") is no neighbour, and an acronym and its expansion are named once ("SFT", not also
    "supervised fine-tuning SFT")."""
    from ..concepts.pair_rules import SHARED_NEIGHBOURS, shared_neighbours

    if blk.closeness is None or blk.content is None:
        return None
    rows, cols = blk.closeness
    mi, pj = int(blk.m_idx[i]), int(blk.p_idx[j])
    one = same_as or {}
    group = [one.get(c.id, c.id) for c in cs.concepts]
    ends = {group[mi], group[pj]}
    aliases = [k for k, g in enumerate(group) if g in ends and k not in (mi, pj)] if one else []
    near, seen = [], set()
    for k in shared_neighbours(blk.content, mi, pj, exclude=[*exclude, *aliases], n=3 * SHARED_NEIGHBOURS):
        if group[k] not in seen and len(near) < SHARED_NEIGHBOURS:
            seen.add(group[k])
            near.append(k)
    return {"plausibility": round(float(blk.plausibility[i, j]), 3), "floor": blk.plausible_min,
            "problem_closer_than": round(float(rows[i, j]), 3), "method_closer_than": round(float(cols[i, j]), 3),
            "shared_neighbours": [cs.concepts[k].phrase for k in near]}


def plausibility_line(pl: dict, method: str, problem: str) -> str:
    """One sentence for `gaps show`: why the pair is in one neighbourhood."""
    # no possessive of a concept ("low-resource languages's"): the sentence names each side's papers
    s = (f"plausible ({pl['plausibility']:.2f}, floor {pl['floor']:.2f}): the papers on {problem} are closer to "
         f"those on {method} than the papers on {pl['problem_closer_than']:.0%} of the problems are, and the papers "
         f"on {method} closer to those on {problem} than the papers on {pl['method_closer_than']:.0%} of the "
         "methods are")
    if pl.get("shared_neighbours"):
        s += "; shared neighbours: " + ", ".join(pl["shared_neighbours"])
    return s
