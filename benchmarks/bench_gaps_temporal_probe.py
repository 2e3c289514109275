"""Would temporal snapshot features lift the concept ranker (gaps/linkpred.py)? The strongest Science4Cast
entries described each pair by the graph at several earlier snapshots: each end's degree and papers and the
pair's common neighbours / Adamic-Adar some time before the date, their growth since, and how old each concept
is. This probe adds such features to the shipped logistic regression and reads the backtest's ROC-AUC at
validation dates before the first test date (papers from --cutoff on are never read); information only.

SHIP RULE, fixed before any figure was read: a variant ships (its features join linkpred.FEATURES) only if the
backtest's ROC-AUC over all candidate pairs, floor first as the backtest reports it, rises by >= 0.01 over the
shipped features at EACH validation date (2025-07-01 and 2025-09-01 on the 10,653-paper library, the papers
from 2025-11-01 on left out); among the variants that pass, the one with the larger smaller gain. If none
passes, nothing ships. The test dates (2025-11-01, 2026-01-01) are read only after a variant has passed.

Variants (each added to the shipped FEATURES; every value from the papers dated before the block's date):
  age        each end's age (log days since its first paper) and staleness (log days since its last paper)
  snapshots  for each lag L in LAGS days: the growth since T-L of each end's papers and degree (log1p now minus
             log1p then), of the pair's common neighbours (log1p) and of its Adamic-Adar (the graph of the
             papers before T-L; a snapshot before the first paper is the empty graph)
  age+snapshots

It builds the training block (features at T1 = T - horizon, label = links formed in [T1, T)) and the
evaluation block (features at T, label = links formed from T to the cutoff) exactly as the backtest does
(concept_backtest.backtest_concepts_at: the same candidates, horizon, training floor and plausibility floor).
It also prints, for the label-window question, each date's training horizon against its test window, and
(information only, not part of the rule) an in-sample ceiling: the logistic regression fitted on half of the
evaluation pairs themselves and scored on the other half, with and without the temporal features: what they
say of the links at that date once no drift from the training slice and no shortage of training links stands
in the way.

usage: python benchmarks/bench_gaps_temporal_probe.py --library L [--validate 2025-07-01 --validate 2025-09-01]
    [--cutoff 2025-11-01] [--out benchmarks/results/gaps/temporal-probe-NAME.txt]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))

LAGS = (30, 60, 90)          # the data span about 8 months before the first test date: no yearly snapshots
SHIP_GAIN = 0.01
VARIANTS = {"age": ("age",), "snapshots": ("snapshots",), "age+snapshots": ("age", "snapshots")}


def _ordinal(d: str) -> int:
    return date.fromisoformat(d[:10]).toordinal()


def age_features(cs, dates, at: str, mi, pi) -> list[np.ndarray]:
    """(|M|, |P|) each: log1p days since each end's first and last paper dated before ``at``."""
    t = _ordinal(at)
    first = np.full(len(cs.concepts), np.nan)
    last = np.full(len(cs.concepts), np.nan)
    for j, c in enumerate(cs.concepts):
        ds = [d for d in (dates.get(p) or "" for p in c.papers) if d and d < at]
        if ds:
            first[j], last[j] = _ordinal(min(ds)), _ordinal(max(ds))
    age, stale = np.log1p(np.nan_to_num(t - first)), np.log1p(np.nan_to_num(t - last))
    shape = (len(mi), len(pi))
    return [np.broadcast_to(age[mi][:, None], shape), np.broadcast_to(age[pi][None, :], shape),
            np.broadcast_to(stale[mi][:, None], shape), np.broadcast_to(stale[pi][None, :], shape)]


def snapshot_features(cs, dates, blk, lags=LAGS) -> list[np.ndarray]:
    """(|M|, |P|) each, per lag: growth since the snapshot of papers and degree of each end, of common
    neighbours and of Adamic-Adar of the pair (the block's own values now minus those of the snapshot)."""
    from gapscope.gaps.linkpred import FEATURES, _Graph, _shift

    mi, pi = blk.m_idx, blk.p_idx
    now = {name: blk.X[..., FEATURES.index(name)] for name in
           ("log_papers_m", "log_papers_p", "log_degree_m", "log_degree_p", "log_common_neighbours", "adamic_adar")}
    out = []
    for lag in lags:
        g = _Graph(cs, dates, "0000", _shift(blk.before, -lag))
        bm, bp = g.b[mi], g.b[pi]
        cn = (bm @ bp.T).toarray()
        inv = 1.0 / np.log(np.maximum(g.deg, 2.0))
        aa = (bm.multiply(inv[None, :]).tocsr() @ bp.T).toarray()
        out += [now["log_papers_m"] - np.log1p(g.n[mi])[:, None], now["log_papers_p"] - np.log1p(g.n[pi])[None, :],
                now["log_degree_m"] - np.log1p(g.deg[mi])[:, None], now["log_degree_p"] - np.log1p(g.deg[pi])[None, :],
                now["log_common_neighbours"] - np.log1p(cn), now["adamic_adar"] - aa]
    return out


def extras_of(cs, dates, blk) -> dict[str, list[np.ndarray]]:
    return {"age": age_features(cs, dates, blk.before, blk.m_idx, blk.p_idx),
            "snapshots": snapshot_features(cs, dates, blk)}


def with_groups(blk, extras, groups, cand) -> np.ndarray:
    cols = [blk.X[cand]] + [np.asarray(f, np.float32)[cand][:, None] for g in groups for f in extras[g]]
    return np.concatenate(cols, axis=1)


def printed_to(lines: list):
    """say(s): print ``s`` at once and keep it for the result file."""
    def say(s):
        print(s, flush=True)
        lines.append(s)
    return say


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--library", required=True)
    ap.add_argument("--validate", action="append", help="validation dates (default 2025-07-01 and 2025-09-01)")
    ap.add_argument("--cutoff", default="2025-11-01", help="the first test date: no paper from it on is read")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out")
    a = ap.parse_args()
    validate = a.validate or ["2025-07-01", "2025-09-01"]

    from gaps_inputs import validation_inputs

    from gapscope.concepts.pair_rules import TRAIN_PLAUSIBLE_MIN
    from gapscope.gaps.concept_backtest import above_floor_first, training_horizon
    from gapscope.gaps.linkpred import Ranker, _shift, candidates, expected_precision_at_k, formed, pair_block, roc_auc
    from gapscope.gaps.span import days_between, require_backtest_span
    from gapscope.settings import get

    lines = []
    inputs = validation_inputs(a.library, a.cutoff)
    cs, dates, pv, mentions = inputs.concepts, inputs.dates, inputs.vectors, inputs.mentions
    floor = get("gaps_plausible_min", inputs.lib)
    say = printed_to(lines)
    say(f"library {a.library}: {len(dates)} papers dated before {a.cutoff} (the rest not read); concepts batch "
        f"{cs.batch}; lags {LAGS} days; plausibility floor {floor}; mentions {inputs.mentions_s:.0f} s")
    gains = {v: [] for v in VARIANTS}
    for at in validate:
        t0 = time.perf_counter()
        first, last, _ = require_backtest_span(dates, at)
        horizon = training_horizon(first, last, at)
        t1 = _shift(at, -horizon)
        tb = pair_block(cs, dates, t1, paper_vecs=pv, seed=a.seed, mentions=mentions, plausible_min=TRAIN_PLAUSIBLE_MIN)
        eb = pair_block(cs, dates, at, paper_vecs=pv, seed=a.seed, mentions=mentions)
        tx, ex = extras_of(cs, dates, tb), extras_of(cs, dates, eb)
        tc, ec = candidates(tb, 0), candidates(eb, 0)
        yt = (formed(cs, dates, tb, t1, at) >= 1)[tc]
        ye = (formed(cs, dates, eb, at, "9999") >= 1)[ec]
        above = (eb.plausibility >= floor)[ec] if floor > 0 else np.ones(int(ec.sum()), bool)
        base = {n: roc_auc(b[ec], ye) for n, b in eb.baselines.items()}
        best_name = max(base, key=lambda n: base[n] or 0.0)
        say(f"\n{at}: training slice {t1} .. {at} ({horizon} days; {int(tc.sum())} candidates, {int(yt.sum())} formed); "
            f"test window {at} .. {last} ({days_between(at, last) + 1} days; {int(ec.sum())} candidates, "
            f"{int(ye.sum())} formed); blocks {time.perf_counter() - t0:.0f} s")
        say(f"  best baseline {best_name}: ROC-AUC {base[best_name]:.4f}; adamic_adar {base['adamic_adar']:.4f}")
        say(f"  {'features':22s} {'floor first':>11s} {'gain':>7s} {'margin':>7s} {'no floor':>9s} {'P@20':>5s} {'P@50':>5s}")
        shipped = None
        for name, groups in (("shipped", ()), *VARIANTS.items()):
            r = Ranker(a.seed).fit(with_groups(tb, tx, groups, tc), yt)
            s = r.score(with_groups(eb, ex, groups, ec))
            ff = above_floor_first(s, above)
            auc = roc_auc(ff, ye)
            shipped = auc if shipped is None else shipped
            if name in gains:
                gains[name].append(auc - shipped)
            say(f"  {name:22s} {auc:11.4f} {auc - shipped:+7.4f} {auc - base[best_name]:+7.4f} {roc_auc(s, ye):9.4f} "
                f"{expected_precision_at_k(ff, ye, 20):5.2f} {expected_precision_at_k(ff, ye, 50):5.2f}")
        half = np.random.default_rng(a.seed).permutation(len(ye))
        fit_rows, score_rows = half[:len(ye) // 2], half[len(ye) // 2:]
        ceiling = []
        for name, groups in (("shipped", ()), ("age+snapshots", ("age", "snapshots"))):
            X = with_groups(eb, ex, groups, ec)
            r = Ranker(a.seed).fit(X[fit_rows], ye[fit_rows])
            ceiling.append(f"{name} {roc_auc(r.score(X[score_rows]), ye[score_rows]):.4f}")
        say(f"  in-sample ceiling (fit on half of these pairs, ROC-AUC without floor on the other half): "
            + ", ".join(ceiling))
    passing = {v: min(g) for v, g in gains.items() if min(g) >= SHIP_GAIN}
    say(f"\nship rule (ROC-AUC floor first +{SHIP_GAIN} at every validation date): "
        + ("; ".join(f"{v} {', '.join(f'{x:+.4f}' for x in g)}" for v, g in gains.items()))
        + (f" -> ship {max(passing, key=passing.get)}" if passing else " -> none passes, nothing ships"))
    if a.out:
        Path(a.out).write_text("command: python " + " ".join(sys.argv) + "\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
