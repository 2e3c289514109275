"""Concept-level method x problem gaps: every (method concept, problem concept) pair that no paper (or only
one) names together, ranked by the link-prediction ranker (linkpred.py), deduplicated (dedup.py), each
written as a sentence a proposal could use, with its evidence by role: papers on the method side, on the
problem side, the neighbouring concepts' papers that predict the link, the few papers that already did
both, and the shortcoming sentences that name the problem."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Callable, Mapping, Optional, Sequence

import numpy as np

from ..concepts.model import Concept, ConceptSet
from ..jobs import check, report
from ..vocabulary import CONCEPT_HARDWARE_HEADS, CONCEPT_MODIFIER_TAILS, CONCEPT_RESOURCE_NOUNS
from .dedup import Candidate, dedupe
from .reference import tried_note
from .linkpred import FEATURES, NEIGHBOURS, Ranker, candidates, pair_block, train_ranker
from .model import ClusterRef, Gap
from .span import MIN_BACKTEST_BEFORE_DAYS, corpus_span

if TYPE_CHECKING:
    from ..concepts.acronyms import AcronymReading

ROLE_ORDER = ("both", "method", "problem", "neighbour", "shortcoming")
from ..concepts.pair_rules import PLAUSIBLE_MIN, TRAIN_PLAUSIBLE_MIN, TEXT_JOINED_MIN

TEXT_BOTH_MAX = TEXT_JOINED_MIN - 1   # abstracts mentioning both concepts' phrases that a gap may still have


def _ref(c: Concept, batch) -> ClusterRef:
    return ClusterRef(facet=f"{c.kind}_concept", map_id=batch, cluster=c.id, label=c.phrase, keywords=c.synonyms[:5])


def _q(s: str) -> str:
    return f"\u201c{s}\u201d"


def _top_papers(c: Concept, exclude: set, n: int) -> list[int]:
    ps = [p for p in c.papers if p not in exclude]
    ps.sort(key=lambda p: (c.papers[p] != c.kind, -c.scores.get(p, 0.0), p))
    return ps[:n]


def statement(m: Concept, p: Concept, both: int, nb_methods: list[tuple[Concept, int]],
              nb_problems: list[tuple[Concept, int]], expansions: Optional[Mapping[str, str]] = None) -> str:
    """``expansions``: {acronym phrase: what it stands for} (concepts/acronyms.py), named once, at the
    first mention: Apply “VAR (visual autoregressive modeling)” to ..."""
    done = "yet none combines them" if both == 0 else (
        "yet only one paper combines them" if both == 1 else f"yet only {both} papers combine them")
    exp = expansions or {}

    def first(c: Concept) -> str:
        return _q(f"{c.phrase} ({exp[c.phrase]})" if exp.get(c.phrase) else c.phrase)

    s = (f"Apply {first(m)} to {first(p)}: {m.n_papers} papers in the library use {m.phrase} and "
         f"{p.n_papers} address {p.phrase}, {done}")
    if nb_methods:
        names = " and ".join(_q(c.phrase) for c, _ in nb_methods[:2])
        k = sum(n for _, n in nb_methods[:2])
        s += f", while the related method{'s' if len(nb_methods[:2]) > 1 else ''} {names} {'have' if len(nb_methods[:2]) > 1 else 'has'} been applied to it ({k} paper{'s' if k != 1 else ''})"
    elif nb_problems:
        names = " and ".join(_q(c.phrase) for c, _ in nb_problems[:2])
        k = sum(n for _, n in nb_problems[:2])
        s += f", while {m.phrase} has been applied to the related problem{'s' if len(nb_problems[:2]) > 1 else ''} {names} ({k} paper{'s' if k != 1 else ''})"
    return s + "."


def _neighbours(c: Concept, others: Sequence[Concept], vecs: np.ndarray, target: Concept,
                k: int = NEIGHBOURS) -> list[tuple[Concept, int]]:
    """Of ``c``'s ``k`` most similar concepts (of the same kind), those that co-occur with ``target``,
    with the number of papers naming both, most first."""
    s = vecs @ c.vector
    order = [i for i in np.argsort(-s) if others[i].id != c.id][:k]
    tp = set(target.papers)
    out = [(others[i], len(tp & set(others[i].papers))) for i in order]
    return sorted([x for x in out if x[1] > 0], key=lambda x: -x[1])


def listable(c: Concept, n_library: int, max_share: float) -> bool:
    """A concept a proposal can name: a phrase of two or more words or a named thing (an acronym such as
    "LoRA"), not so common that it is a field rather than a concept ("attention" in 3% of the papers), and
    no compound modifier ("AI-driven", "training-free": how a thing is, not the thing) nor a hardware budget
    ("GPU memory"); the backtest keeps them, as it keeps every vague phrase, for they link like any other."""
    specific = " " in c.phrase.strip() or any(ch.isupper() for ch in c.phrase)
    compound = c.phrase.split()[-1].lower().split("-") if c.phrase.strip() else []
    modifier = len(compound) >= 2 and compound[-1] in CONCEPT_MODIFIER_TAILS
    return specific and not modifier and not resource(c.phrase) and c.n_papers <= max(30, max_share * n_library)


def resource(phrase: str) -> bool:
    """What a method spends on its hardware ("GPU memory", "TPU hours"): a budget, not a method or a problem."""
    words = phrase.lower().split()
    return len(words) == 2 and words[0] in CONCEPT_HARDWARE_HEADS and words[1] in CONCEPT_RESOURCE_NOUNS


def set_aside_vague(cs: ConceptSet, blk, cand: np.ndarray, ok_m: np.ndarray, ok_p: np.ndarray,
                    mentions: Mapping[int, frozenset], paper_vecs: Optional[tuple],
                    notices: Optional[list]) -> set[int]:
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
    prob = concreteness(ends, cs.encoder, usage_features(ends, mentions, spread, paper_vecs), notices)
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
                 acronyms: Optional[Mapping[int, "AcronymReading"]] = None) -> list[Gap]:
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
    different ways is no gap end (a notice names them); a gap names the others' expansion."""
    if not cs.concepts:
        return []
    if acronyms is None and texts is not None:
        from ..concepts.acronyms import read_acronyms

        acronyms = read_acronyms(cs.concepts, texts)
    acronyms = acronyms or {}
    if mentions is None and texts is not None:
        from ..concepts.quality import text_mentions

        found = text_mentions(cs.concepts, texts)
        mentions = {c.id: frozenset(found.get(c.id, set()) | set(c.papers)) for c in cs.concepts}
    first, last, days = corpus_span(dates.values())
    before = (date.fromisoformat(last[:10]) + timedelta(days=1)).isoformat() if last else "9999"
    if days >= MIN_BACKTEST_BEFORE_DAYS:
        ranker, info = train_ranker(cs, dates, before, horizon_days=max(30, min(90, days // 3)), rare_max=rare_max,
                                    min_support=min_support, seed=seed, paper_vecs=paper_vecs, mentions=mentions,
                                    plausible_min=TRAIN_PLAUSIBLE_MIN)
    else:
        ranker, info = Ranker(seed), {"fallback": "no trained ranker"}
        if notices is not None:
            notices.append(f"gaps ranked by a fixed blend of network features, not a trained ranker: the papers span "
                           f"{days} days ({first} .. {last}); training on an earlier slice needs {MIN_BACKTEST_BEFORE_DAYS}")
    if info.get("fallback") and notices is not None and days >= MIN_BACKTEST_BEFORE_DAYS:
        notices.append("gaps ranked by a fixed blend of network features: " + info["fallback"])
    blk = pair_block(cs, dates, before, min_support=min_support, paper_vecs=paper_vecs, seed=seed, mentions=mentions,
                     plausible_min=plausible_min)
    # not generic, not a measure, a fragment or a bare property, two things (concepts/quality.py), not joined
    # in text, neither inside the other's area, no data set, no building block, above the plausibility
    # floor (concepts/pair_rules.py), as the backtest scores
    cand = candidates(blk, rare_max)
    if not cand.any():
        return []
    n_library = len({p for c in cs.concepts for p in c.papers})
    ok_m = np.array([listable(cs.concepts[i], n_library, max_share) for i in blk.m_idx], dtype=bool)
    ok_p = np.array([listable(cs.concepts[j], n_library, max_share) for j in blk.p_idx], dtype=bool)
    vague = set_aside_vague(cs, blk, cand, ok_m, ok_p, mentions or {}, paper_vecs, notices)
    ok_m &= np.array([cs.concepts[i].id not in vague for i in blk.m_idx], dtype=bool)
    ok_p &= np.array([cs.concepts[j].id not in vague for j in blk.p_idx], dtype=bool)
    score = np.full(blk.both.shape, -np.inf, dtype=np.float64)
    score[cand] = ranker.score(blk.X[cand])
    score[~(ok_m[:, None] & ok_p[None, :])] = -np.inf
    _drop_ambiguous(score, blk, cs, acronyms, notices)
    flat = np.argsort(-score, axis=None)[: max(top * 30, 600)]
    flat = flat[np.isfinite(score.ravel()[flat])]
    concepts = cs.concepts
    methods = [c for c in concepts if c.kind == "method"]
    problems = [c for c in concepts if c.kind == "problem"]
    mv = np.stack([c.vector for c in methods]) if methods else np.zeros((0, 1))
    pv = np.stack([c.vector for c in problems]) if problems else np.zeros((0, 1))
    content = {}
    if paper_vecs is not None and len(paper_vecs[0]):
        at = {int(q): r for r, q in enumerate(paper_vecs[0])}

        def centroid(c: Concept):
            if c.id not in content:
                rows = [at[q] for q in c.papers if q in at]
                v = paper_vecs[1][rows].sum(axis=0) if rows else np.zeros(paper_vecs[1].shape[1], np.float32)
                content[c.id] = v / max(float(np.linalg.norm(v)), 1e-9)
            return content[c.id]
    else:
        def centroid(c: Concept):
            return None
    pool, built, text_both = [], {}, {}
    for f in flat:
        i, j = np.unravel_index(int(f), score.shape)
        if not np.isfinite(score[i, j]):
            break
        m, p = concepts[blk.m_idx[i]], concepts[blk.p_idx[j]]
        both = sorted(set(m.papers) & set(p.papers))
        in_text = int(blk.text_both[i, j]) if blk.text_both is not None else None
        nb_m = _neighbours(m, methods, mv, p)
        nb_p = _neighbours(p, problems, pv, m)
        ev_m = _top_papers(m, set(both) | set(p.papers), evidence_n)
        ev_p = _top_papers(p, set(both) | set(m.papers), evidence_n)
        bridge = []
        for c, _ in nb_m[:2]:
            bridge += sorted(set(c.papers) & set(p.papers))[:2]
        for c, _ in nb_p[:2]:
            bridge += sorted(set(c.papers) & set(m.papers))[:1]
        built[(i, j)] = (m, p, both, nb_m, nb_p, ev_m, ev_p, bridge)
        pool.append(Candidate(key=(i, j), score=float(score[i, j]), method=m.id, problem=p.id,
                              method_vec=m.vector, problem_vec=p.vector,
                              evidence=frozenset(ev_m + ev_p + both + bridge),
                              method_content=centroid(m), problem_content=centroid(p)))
        text_both[(i, j)] = in_text
    ref_of: dict = {}
    closest_of: dict = {}
    accepted = [0]
    established = {"phrase": 0, "dense": 0}      # pairs left out by each check

    def not_established(c: Candidate) -> Optional[str]:
        check(cancel)
        m_, p_ = built[c.key][0], built[c.key][1]
        why = None
        if reference is not None:
            r = ref_of[c.key] = reference.check(m_, p_)
            if r["established"]:
                why = f"established: {r['co_mentions']} reference abstracts mention both"
                established["phrase"] += 1
        if why is None and closest is not None:
            cw = closest_of[c.key] = closest.check(m_, p_)
            if cw["established"]:
                why = f"established: {cw['done']} abstracts close to the pair are about both concepts"
                established["dense"] += 1
        accepted[0] += why is None
        what = "the reference corpus" if reference is not None else "the closest existing work"
        report(progress, accepted[0], top, f"checking gaps against {what}: {len(ref_of) or len(closest_of)} pairs, "
                                          f"{accepted[0]} kept")
        return why

    kept, dropped = dedupe(pool, top, per_concept=per_concept,
                           accept=not_established if reference is not None or closest is not None else None)
    est_phrase, est_dense = established["phrase"], established["dense"]
    if reference is not None and notices is not None:
        notices.append(f"reference corpus {reference.path} ({reference.n_papers} abstracts): {reference.checked} pairs "
                       f"checked, {est_phrase} established (mentioned together by >= {reference.min_co_mentions}) left out")
    if closest is not None and notices is not None:
        notices.append(f"closest existing work ({' and '.join(s.name for s in closest.sources)} abstract vectors): "
                       f"{closest.checked} pairs checked, {est_dense} established (>= {closest.params.min_done} "
                       f"abstracts close to the pair are about both concepts, whatever words they use) left out")
    if (reference is not None or closest is not None) and notices is not None:
        est = est_phrase + est_dense
        if len(kept) < top and est:
            notices.append(f"only {len(kept)} concept gaps among the best {len(pool)} candidates are not established "
                           "in the reference corpus")
    # a shared neighbour worth naming: a concept of 5+ papers that may be named (not "RGB", "reconstruction")
    from ..concepts.quality import not_a_concept

    not_neighbours = [k for k, c in enumerate(cs.concepts) if c.n_papers < 5 or not_a_concept(c.phrase)] if kept else []
    gaps = []
    for cand_ in kept:
        i, j = cand_.key
        m, p, both, nb_m, nb_p, ev_m, ev_p, bridge = built[(i, j)]
        roles: dict[int, str] = {}
        for role, ps in (("both", both), ("method", ev_m), ("problem", ev_p), ("neighbour", bridge)):
            for q in ps:
                roles.setdefault(int(q), role)
        short = []
        if shortcomings is not None:
            words = [w.lower() for w in [p.phrase, *p.synonyms, m.phrase, *m.synonyms] if len(w) > 3]
            pp = sorted(p.papers, key=lambda q: -p.scores.get(q, 0.0))[:200]
            for pid, sents in shortcomings(pp).items():
                for s in sents:
                    # a sentence (abstract) or {"text", "section", "page"} (a PDF's Limitations, Discussion ...)
                    q = {"text": s} if isinstance(s, str) else dict(s)
                    if any(w in q["text"].lower() for w in words):
                        short.append({"paper_id": int(pid), **q})
                if len(short) >= 3:
                    break
        for s in short:
            roles.setdefault(s["paper_id"], "shortcoming")
        topic = None
        if topic_of:
            from collections import Counter
            tc = Counter(topic_of[q] for q in list(p.papers) + list(m.papers) if q in topic_of)
            topic = tc.most_common(1)[0][0] if tc else None
        x = blk.X[i, j]
        ref = ref_of.get((i, j))
        counts = {r: sum(1 for v in roles.values() if v == r) for r in ROLE_ORDER}
        if ref is not None:
            counts["reference"] = ref["co_mentions"]
        cw = closest_of.get((i, j))
        if cw is not None:
            counts["closest"] = len(cw["closest_work"])
        gaps.append(Gap(
            type="method_x_problem", score=cand_.score,
            statement=statement(m, p, len(both), nb_m, nb_p, _expansions(m, p, acronyms))
            + (tried_note(ref) if ref else ""),
            method=_ref(m, cs.batch), problem=_ref(p, cs.batch), evidence=list(roles), roles=roles,
            details={"level": "concept", "method_concept": m.phrase, "problem_concept": p.phrase,
                     "method_papers": m.n_papers, "problem_papers": p.n_papers, "papers_with_both": len(both),
                     # what an acronym end stands for ({phrase: expansion}), and how its papers define it
                     "expansions": _expansions(m, p, acronyms),
                     "acronyms": {c.phrase: acronyms[c.id].to_dict() for c in (m, p) if c.id in acronyms} or None,
                     "abstracts_mentioning_both": text_both.get((i, j)),
                     "predicting_methods": [{"concept": c.phrase, "papers_with_problem": n} for c, n in nb_m[:3]],
                     "predicting_problems": [{"concept": c.phrase, "papers_with_method": n} for c, n in nb_p[:3]],
                     "shortcoming_sentences": short,
                     "evidence_counts": counts,
                     # the reference corpus's abstracts that mention both (`gaps find --reference`), below
                     # the count that makes a pair established practice; papers: title, year, id there
                     "reference": ref,
                     # the abstracts nearest the pair (gaps/closest.py), those about both first: title, year,
                     # arXiv id, cosine to the pair; and how many did both (below the count that establishes it)
                     "closest_work": cw["closest_work"] if cw is not None else None,
                     "closest_check": ({k: v for k, v in cw.items() if k != "closest_work"} if cw is not None
                                       else None),
                     "plausibility": plausibility_evidence(blk, i, j, cs, not_neighbours),
                     "topic": {"cluster": topic[0], "label": topic[1]} if topic else None,
                     "features": {name: round(float(v), 4) for name, v in zip(FEATURES, x)},
                     "ranker": {k: v for k, v in info.items() if k != "fallback"} | ({"fallback": info["fallback"]} if info.get("fallback") else {}),
                     "raw_score": round(cand_.score, 5), "duplicates_dropped": sum(1 for d in dropped if d["duplicate_of"] == (i, j))}))
    return gaps


def _expansions(m: Concept, p: Concept, acronyms: Mapping[int, "AcronymReading"]) -> dict[str, str]:
    """{phrase: expansion} of the pair's acronym ends whose papers agree on one."""
    from ..concepts.acronyms import DEFINED

    return {c.phrase: r.dominant for c in (m, p) if (r := acronyms.get(c.id)) is not None and r.verdict == DEFINED}


def _drop_ambiguous(score: np.ndarray, blk, cs: ConceptSet, acronyms: Mapping[int, "AcronymReading"],
                    notices: Optional[list]) -> None:
    """An acronym its papers define in different ways (SAGE: a query rewriter, a knowledge-graph embedding,
    an erasing method ...) names no one concept: its pairs are no gaps (their score -inf). The notice
    names those that had a candidate pair."""
    from ..concepts.acronyms import ambiguous_notice

    amb_m = np.array([bool(acronyms.get(cs.concepts[i].id) and acronyms[cs.concepts[i].id].ambiguous)
                      for i in blk.m_idx], dtype=bool)
    amb_p = np.array([bool(acronyms.get(cs.concepts[j].id) and acronyms[cs.concepts[j].id].ambiguous)
                      for j in blk.p_idx], dtype=bool)
    if not (amb_m.any() or amb_p.any()):
        return
    finite = np.isfinite(score)
    hit = ([cs.concepts[blk.m_idx[i]] for i in np.flatnonzero(amb_m & finite.any(axis=1))]
           + [cs.concepts[blk.p_idx[j]] for j in np.flatnonzero(amb_p & finite.any(axis=0))])
    score[amb_m, :] = -np.inf
    score[:, amb_p] = -np.inf
    note = ambiguous_notice([acronyms[c.id] for c in hit])
    if note and notices is not None:
        notices.append(note)


def plausibility_evidence(blk, i: int, j: int, cs: ConceptSet, exclude: Sequence[int] = ()) -> Optional[dict]:
    """Why a pair passed the plausibility floor (concepts/pair_rules.py, rule 5): its plausibility, the
    share of problems further from the method than this one and of methods further from the problem,
    the floor, and the concepts closest to both (their shared neighbourhood; not those of ``exclude``)."""
    from ..concepts.pair_rules import shared_neighbours

    if blk.closeness is None or blk.content is None:
        return None
    rows, cols = blk.closeness
    mi, pj = int(blk.m_idx[i]), int(blk.p_idx[j])
    near = shared_neighbours(blk.content, mi, pj, exclude=exclude)
    return {"plausibility": round(float(blk.plausibility[i, j]), 3), "floor": blk.plausible_min,
            "problem_closer_than": round(float(rows[i, j]), 3), "method_closer_than": round(float(cols[i, j]), 3),
            "shared_neighbours": [cs.concepts[k].phrase for k in near]}


def plausibility_line(pl: dict, method: str, problem: str) -> str:
    """One sentence for `gaps show`: why the pair is in one neighbourhood."""
    s = (f"plausible ({pl['plausibility']:.2f}, floor {pl['floor']:.2f}): the papers on {problem} are closer to "
         f"those on {method} than {pl['problem_closer_than']:.0%} of the problems', and those on {method} to "
         f"{problem}'s than {pl['method_closer_than']:.0%} of the methods'")
    if pl.get("shared_neighbours"):
        s += "; shared neighbours: " + ", ".join(pl["shared_neighbours"])
    return s
