"""Backtest of the concept-level gaps: rank every unconnected (method concept, problem concept) pair with
only the papers listed before DATE, then check which links formed on or after DATE; GapScope's ranker
against each network baseline, by ROC-AUC over all candidate pairs and by precision@k (as Science4Cast
scores its methods)."""

from __future__ import annotations

import time
from typing import Mapping, Optional, Sequence

import numpy as np

from ..concepts.pair_rules import PLAUSIBLE_MIN, TRAIN_PLAUSIBLE_MIN
from ..concepts.quality import GENERIC_MIN_PAPERS, GENERIC_SPREAD
from ..jobs import ProgressFn, check, report
from ..textfmt import plural
from .linkpred import (BASELINES, RANKER_MODEL, candidates, expected_precision_at_k, formed, pair_block, roc_auc,
                       train_ranker)
from .span import days_between, require_backtest_span


def filled_definition(m: int, rare_max: int, min_support: int) -> str:
    return (f"a (method concept, problem concept) pair, each named by >= {plural(min_support, 'paper')} before DATE "
            f"and named together by at most {rare_max} before it, is filled when >= {plural(m, 'paper')} listed on "
            f"or after DATE {'names' if m == 1 else 'name'} both")


def backtest_concepts_at(cs, dates: Mapping[int, Optional[str]], before: str, *, k: int = 20, ks: Sequence[int] = (10, 20, 50, 100),
                         m: int = 1, rare_max: int = 0, min_support: int = 5, seed: int = 0,
                         horizon_days: Optional[int] = None, paper_vecs: Optional[tuple] = None,
                         quality: bool = True, mentions: Optional[Mapping[int, frozenset]] = None,
                         plausible_min: float = PLAUSIBLE_MIN, ranker_model: str = RANKER_MODEL, cancel=None) -> dict:
    """``plausible_min``: the plausibility floor (concepts/pair_rules.py, rule 5), read from the papers
    before DATE like every rule; 0 turns it off. The floor is part of GapScope's ranking, not of the
    candidates: every method ranks the same candidates, and GapScope puts the pairs above its floor (those
    `gaps find` lists) first, each part in its ranker's order. Filtering the candidates by the floor would
    hand GapScope's own signal to the baselines."""
    t0 = time.perf_counter()
    first, last, _ = require_backtest_span(dates, before)
    horizon = horizon_days or training_horizon(first, last, before)
    ranker, info = train_ranker(cs, dates, before, horizon_days=horizon, rare_max=rare_max, m=m,
                                min_support=min_support, seed=seed, paper_vecs=paper_vecs, quality=quality,
                                mentions=mentions, plausible_min=TRAIN_PLAUSIBLE_MIN, model=ranker_model, cancel=cancel)
    blk = pair_block(cs, dates, before, min_support=min_support, paper_vecs=paper_vecs, seed=seed, mentions=mentions,
                     cancel=cancel)
    rare = blk.both <= rare_max
    cand = candidates(blk, rare_max, quality)
    filled = formed(cs, dates, blk, before, "9999") >= m      # the only read of papers on or after DATE
    y = filled[cand]
    ranker_all = np.full(blk.both.shape, np.nan, dtype=np.float64)
    ranker_all[rare] = ranker.score(blk.X[rare])
    above = (blk.plausibility >= plausible_min if blk.plausibility is not None and plausible_min > 0
             else np.ones(blk.both.shape, dtype=bool))
    score_all = above_floor_first(ranker_all, above)
    ks = sorted(set(int(x) for x in ks) | {int(k)})

    def scores(s, yy):
        return {"roc_auc": roc_auc(s, yy), "precision_at_k": expected_precision_at_k(s, yy, k),
                "precision_at": {str(x): expected_precision_at_k(s, yy, x) for x in ks}}

    res = {"before": before, "k": k, **scores(score_all[cand], y),
           "baselines": {name: scores(blk.baselines[name][cand], y) for name in BASELINES}}
    if quality:
        # the same scores over every rare pair, generic concepts and one-thing pairs included
        y_all = filled[rare]
        res["all_pairs"] = {"candidates": int(rare.sum()), "filled_candidates": int(y_all.sum()),
                            **scores(score_all[rare], y_all),
                            "baselines": {name: scores(blk.baselines[name][rare], y_all) for name in BASELINES}}
    res["floor"] = floor_summary(plausible_min, above[cand], y, scores(ranker_all[cand], y))
    best_auc = max((b["roc_auc"] or 0.0) for n_, b in res["baselines"].items())
    res["margin_over_best_baseline_auc"] = (round(res["roc_auc"] - best_auc, 4) if res["roc_auc"] is not None else None)
    res["precision_at_k_above_every_baseline"] = all(res["precision_at_k"] > b["precision_at_k"]
                                                     for b in res["baselines"].values())
    n_before = sum(1 for d in dates.values() if d and d < before)
    res.update({
        "candidates": int(cand.sum()), "filled_candidates": int(y.sum()),
        "positive_rate": round(float(y.mean()), 5) if len(y) else 0.0,
        "method_concepts": int(len(blk.m_idx)), "problem_concepts": int(len(blk.p_idx)),
        "filled_definition": filled_definition(m, rare_max, min_support),
        "candidate_filter": ("both concepts may be named (not a single common word, an evaluation measure, a "
                             "sentence fragment, a modifier without its noun or, as a problem, a named model or a "
                             "model class; not generic: "
                             f"{GENERIC_MIN_PAPERS}+ papers spread over the areas "
                             f"at >= {GENERIC_SPREAD} of chance; not a bare property or a setting such as "
                             "\u201cbatch sizes\u201d) and the pair is two things "
                             "(concepts/quality.py), not mentioned together by 2+ abstracts before DATE and neither "
                             "inside the other's area, neither end a data set, the method no building block and the "
                             "problem no technique nor measure "
                             "(concepts/pair_rules.py); "
                             "`all_pairs` drops this filter")
                            if quality else "none",
        "generic_concepts": {"method": int((~blk.ok_m).sum()), "problem": int((~blk.ok_p).sum())},
        "one_thing_pairs": int((rare & blk.same).sum()),
        "rule_removes": rule_removes(cs, blk, rare, filled),
        "m": m, "rare_max": rare_max, "min_support": min_support, "ranker": info,
        "papers_before": n_before, "papers_after": sum(1 for d in dates.values() if d and d >= before),
        "span": {"first": first, "last": last},
        "warning": few_filled_warning(int(y.sum()), int(cand.sum())),
        "seconds": round(time.perf_counter() - t0, 2),
    })
    return res


# Fewer filled pairs than this and a ROC-AUC or precision@k is the rank of a handful of pairs: one pair
# more or less moves it by tenths, and the margin over the baselines says nothing.
MIN_FILLED_FOR_SCORES = 10


def few_filled_warning(filled: int, candidates: int) -> Optional[str]:
    """What to say when the scores rest on too few filled pairs to compare the rankers (None otherwise)."""
    if filled >= MIN_FILLED_FOR_SCORES:
        return None
    if filled == 0:
        return (f"none of the {candidates} candidate pairs was filled after the date: nothing to score; "
                "an earlier date or a bigger library gives the backtest links to find")
    return (f"only {filled} of the {candidates} candidate pairs {'was' if filled == 1 else 'were'} filled after the "
            f"date: the ROC-AUC and precision rest on {'that pair' if filled == 1 else 'those pairs'} and move by "
            f"chance, so the margin over the baselines means little (at least {MIN_FILLED_FOR_SCORES} filled pairs "
            "are needed to compare the rankers); an earlier date or a bigger library gives more")


def training_horizon(first: str, last: str, before: str) -> int:
    """Days between the ranker's training slice and DATE, for a corpus dated ``first`` .. ``last``: the slice
    looks as far ahead as the test does, within the time before DATE."""
    return max(30, min(days_between(before, last), days_between(first, before) // 2))


def above_floor_first(score: np.ndarray, above: np.ndarray) -> np.ndarray:
    """GapScope's order: the pairs above the plausibility floor first, each part by ``score`` (NaN stays NaN)."""
    finite = score[np.isfinite(score)]
    lift = (float(finite.max() - finite.min()) + 1.0) if finite.size else 1.0
    return score + np.where(above, lift, 0.0)


def floor_summary(plausible_min: float, above: np.ndarray, y: np.ndarray, ranker_only: dict) -> dict:
    """What the floor does among the candidates: how many it keeps, how often those and the others fill,
    and the ranker's scores without it."""
    kept, rest = y[above], y[~above]
    return {"plausible_min": plausible_min, "candidates_above": int(above.sum()),
            "fill_rate_above": round(float(kept.mean()), 5) if kept.size else None,
            "fill_rate_below": round(float(rest.mean()), 5) if rest.size else None,
            "ranker_without_floor": ranker_only}


def rule_removes(cs, blk, rare: np.ndarray, filled: np.ndarray) -> dict:
    """Rare pairs each rule of concepts/pair_rules.py and the bare-property rule removes on its own (a
    pair may fall under several), with how many of them later formed a link."""
    from dataclasses import replace

    from ..concepts.pair_rules import joined_in_text
    from ..concepts.quality import bare_property, metric, model_class, model_name, not_a_concept

    bm = np.array([bare_property(cs.concepts[i].phrase) for i in blk.m_idx], dtype=bool)
    bp = np.array([bare_property(cs.concepts[j].phrase) for j in blk.p_idx], dtype=bool)
    out = {"bare_property_concepts": {"method": int(bm.sum()), "problem": int(bp.sum())}}

    def count(name, mask):
        out[name] = {"pairs": int((rare & mask).sum()), "filled": int((rare & mask & filled).sum())}

    count("bare_property_pairs", bm[:, None] | bp[None, :])
    if blk.text_both is not None:
        count("joined_in_text_pairs", joined_in_text(blk.text_both))
    if blk.contained is not None:
        count("contained_pairs", blk.contained)
    if blk.data_m is not None:
        out["data_set_concepts"] = {"method": int(blk.data_m.sum()), "problem": int(blk.data_p.sum()),
                                    "names": sorted(cs.concepts[i].phrase for i in
                                                    [*blk.m_idx[blk.data_m], *blk.p_idx[blk.data_p]])}
        ds = blk.data_m[:, None] | blk.data_p[None, :]
        count("data_set_pairs", ds)
        count("data_set_only_pairs", ds & replace(blk, data_m=None, data_p=None).quality_pairs())
    if blk.component_m is not None:
        out["component_concepts"] = {"method": int(blk.component_m.sum()),
                                     "names": sorted(cs.concepts[i].phrase for i in blk.m_idx[blk.component_m])}
        comp = np.broadcast_to(blk.component_m[:, None], rare.shape)
        count("component_pairs", comp)
        count("component_only_pairs", comp & replace(blk, component_m=None).quality_pairs())
    # a measure as the problem (quality.metric, part of the problem concepts' check): "only" = the other
    # checks of that concept (but the generic one, which needs the counts) and every pair rule pass
    mp = np.array([metric(cs.concepts[j].phrase) for j in blk.p_idx], dtype=bool)
    other = np.array([not_a_concept(cs.concepts[j].phrase) is None and not bare_property(cs.concepts[j].phrase)
                      and not model_name(cs.concepts[j].phrase) and not model_class(cs.concepts[j].phrase)
                      for j in blk.p_idx], dtype=bool)
    out["metric_concepts"] = {"problem": int(mp.sum()),
                              "names": sorted(cs.concepts[j].phrase for j in blk.p_idx[mp])}
    met = np.broadcast_to(mp[None, :], rare.shape)
    count("metric_pairs", met)
    if blk.ok_p is not None:
        count("metric_only_pairs", met & replace(blk, ok_p=blk.ok_p | (mp & other)).quality_pairs())
    if blk.technique_p is not None:
        out["technique_concepts"] = {"problem": int(blk.technique_p.sum()),
                                     "names": sorted(cs.concepts[j].phrase for j in blk.p_idx[blk.technique_p])}
        tech = np.broadcast_to(blk.technique_p[None, :], rare.shape)
        count("technique_pairs", tech)
        count("technique_only_pairs", tech & replace(blk, technique_p=None).quality_pairs())
    return out


def abstract_vectors(lib) -> Optional[tuple]:
    """(paper ids, abstract vectors) from the vector cache, None when there are none (`gapscope facets`
    or `gapscope embed` fill it); each concept's content is the mean vector of its papers."""
    from ..embed import load_vectors

    try:
        ids, vecs = load_vectors(lib, "abstract")
    except Exception:   # no vectors for this library's model
        return None
    return (ids, vecs) if len(ids) else None


def backtest_concepts(lib, befores: Sequence[str], *, k: int = 20, m: int = 1, rare_max: int = 0,
                      min_support: int = 5, seed: int = 0, concepts=None, dates=None, paper_vecs=None,
                      plausible_min: Optional[float] = None, progress: Optional[ProgressFn] = None,
                      cancel=None) -> dict:
    """One object per date; with several dates ``{"dates": [...], "summary": ...}``. ``plausible_min``
    None: the gaps_plausible_min setting (command line > environment > library > user file)."""
    from ..concepts import load_concept_set
    from ..dates import iso_day
    from ..maps.build import paper_dates
    from ..store.errors import MissingStep

    befores = [iso_day(b) for b in befores]    # dates are compared as text
    cs = concepts if concepts is not None else load_concept_set(lib)
    if not cs.concepts:
        if lib is not None and not lib.classified_paper_ids():
            raise MissingStep("no concepts yet: run `gapscope facets` then `gapscope concepts` (or `gapscope analyze`)")
        raise MissingStep("no concepts yet: run `gapscope concepts` (after `gapscope facets`)")
    dates = dates if dates is not None else paper_dates(lib)
    if paper_vecs is None and lib is not None:
        paper_vecs = abstract_vectors(lib)
    mentions = None
    if lib is not None:
        from ..concepts.pair_rules import concept_mentions

        mentions = concept_mentions(lib, cs.concepts, listing=False, cancel=cancel, progress=progress)
    if plausible_min is None:
        from ..settings import get

        plausible_min = get("gaps_plausible_min", lib)
    out = []
    for i, b in enumerate(befores):
        check(cancel)
        report(progress, i, len(befores), f"backtest at {b}")
        out.append(backtest_concepts_at(cs, dates, b, k=k, m=m, rare_max=rare_max, min_support=min_support, seed=seed,
                                        paper_vecs=paper_vecs, mentions=mentions, plausible_min=plausible_min,
                                        cancel=cancel))
    report(progress, len(befores), len(befores), "backtest done")
    if len(out) == 1:
        return out[0]
    return {"dates": out, "concept_batch": cs.batch}
