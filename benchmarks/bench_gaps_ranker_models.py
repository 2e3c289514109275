"""Which classifier ranks the concept pairs (gaps/linkpred.RANKER_MODELS), chosen on a validation date that
lies before the first test date: the library's papers from that test date on are left out, and the backtest
runs at the validation date exactly as at a test date (the same candidates, training slice, plausibility
floor and baselines), for each model. The model with the largest ROC-AUC margin over the best baseline,
averaged over the libraries measured, is the one to ship (RANKER_MODEL); the test dates are then read once,
with it (bench_gaps_concepts.py).

usage: python benchmarks/bench_gaps_ranker_models.py --library L [--validate 2025-09-01] [--cutoff 2025-11-01]
    [--models lr,gbm] [--out benchmarks/results/gaps/ranker-models-NAME.txt]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--library", required=True)
    ap.add_argument("--validate", default="2025-09-01")
    ap.add_argument("--cutoff", default="2025-11-01", help="the first test date: no paper from it on is read")
    ap.add_argument("--models", default=None, help="comma-separated (default: every one of RANKER_MODELS)")
    ap.add_argument("--out")
    a = ap.parse_args()

    from gaps_inputs import validation_inputs

    from gapscope.gaps.concept_backtest import backtest_concepts_at
    from gapscope.gaps.linkpred import RANKER_MODELS
    from gapscope.settings import get

    v = validation_inputs(a.library, a.cutoff)
    lib, cs, dates, pv, mentions = v.lib, v.concepts, v.dates, v.vectors, v.mentions
    lines = [f"library {a.library}: {lib.count_papers()} papers, {len(dates)} dated before {a.cutoff} (the rest not "
             f"read); concepts batch {cs.batch}; validation date {a.validate}; mentions {v.mentions_s:.0f} s",
             f"{'model':8s} {'ROC-AUC':>8s} {'margin':>7s} {'P@20':>6s} {'P@50':>6s}  {'no floor AUC':>12s}  best baseline"]
    print("\n".join(lines), flush=True)
    best = None
    for model in (a.models.split(",") if a.models else RANKER_MODELS):
        t0 = time.perf_counter()
        r = backtest_concepts_at(cs, dates, a.validate, paper_vecs=pv, mentions=mentions,
                                 plausible_min=get("gaps_plausible_min", lib), ranker_model=model)
        name, base = max(r["baselines"].items(), key=lambda kv: kv[1]["roc_auc"] or 0.0)
        nf = r["floor"]["ranker_without_floor"]["roc_auc"]
        line = (f"{model:8s} {r['roc_auc']:8.4f} {r['margin_over_best_baseline_auc']:+7.4f} {r['precision_at_k']:6.2f} "
                f"{r['precision_at']['50']:6.2f}  {nf:12.4f}  {name} {base['roc_auc']:.4f} (P@20 {base['precision_at_k']:.2f})"
                f"  [{r['candidates']} candidates, {r['filled_candidates']} filled; {time.perf_counter() - t0:.0f} s]")
        print(line, flush=True)
        lines.append(line)
        if best is None or r["margin_over_best_baseline_auc"] > best[1]:
            best = (model, r["margin_over_best_baseline_auc"])
    lines.append(f"best on this library at {a.validate}: {best[0]} (margin {best[1]:+.4f})")
    print(lines[-1])
    if a.out:
        Path(a.out).write_text("command: python " + " ".join(sys.argv) + "\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
