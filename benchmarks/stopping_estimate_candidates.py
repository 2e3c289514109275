"""Other point estimates of the unseen relevant papers, scored beside the shipped one where it is shown.

The shipped estimate (stopping.assess) is the buscar test inverted at 50 %: it reads the latest screened
papers as a random draw although the model shows likely relevant papers first, so it reads high. This
script replays GapScope's screening orders (made by stopping_orders.py, as bench_triage_stopping.py
--gapscope-orders reads them) and, after every decision from 20 screened to the rule's stop where the
95 % bound lets the estimate be shown (stopping.readiness, unchanged), compares each candidate with the
true number left:

- buscar50: the shipped estimate;
- buscar60: the same test inverted at 60 % (a lower point of the same conservative test);
- exp: a relevance rate exp(a + b i) along the screening order, fitted (Poisson, Newton) on the latest
  half of the screened papers (at least 20), summed over the unseen papers (b > 0 read as flat);
- exp+1: the same with one relevant pseudo-paper after the last screened one (never 0 while papers are
  unseen), at most the shipped estimate;
- power: a rate exp(a) i^b (b <= 0) on the latest half, summed over the unseen papers;
- decay: the shipped estimate times the exp fit's mean rate over the unseen papers relative to its rate
  at the last screened paper.

Every candidate is capped at the 95 % bound. 'over' = share of the shown decisions where it is above
1.5 x the true number + 1, 'under' = below the true number / 1.5 - 1.

    nice -n 10 /work/main/.venv/bin/python benchmarks/stopping_estimate_candidates.py --gapscope-orders ORDERS \\
        --reviews nsaids urinaryincontinence ... [--seeds 1 ... 10] [--tune antihistamines ...] [--out FILE.md]
"""

from __future__ import annotations

import argparse
import math
import os
import shlex
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_triage_stopping import read_orders, reviews, run_from_order  # noqa: E402

CANDIDATES = ("buscar50", "buscar60", "exp", "exp+1", "power", "decay")


def rate_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(a, b) of the Poisson rate exp(a + b x) that fits the counts y best (Newton, x standardised)."""
    mu0, sd = float(x.mean()), max(float(x.std()), 1e-9)
    z = (x - mu0) / sd
    X = np.column_stack([np.ones_like(z), z])
    beta = np.array([math.log(max(float(y.mean()), 1e-3)), 0.0])
    for _ in range(50):
        mu = np.exp(np.clip(X @ beta, -30, 30))
        step = np.linalg.solve(X.T @ (X * mu[:, None]) + 1e-6 * np.eye(2), X.T @ (y - mu))
        beta += step
        if np.abs(step).max() < 1e-8:
            break
    return float(beta[0] - beta[1] * mu0 / sd), float(beta[1] / sd)


def _recent(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = len(y)
    w = min(max(20, t // 2), t)
    return np.arange(t - w, t, dtype=float), y[t - w:].astype(float)


def exp_rate(y: np.ndarray, pseudo: float = 0.0) -> tuple[float, float]:
    """The exp fit on the latest half; a rising rate is read as flat (the mean)."""
    x, v = _recent(y)
    if pseudo:
        x, v = np.append(x, len(y)), np.append(v, pseudo)
    if not v.sum():
        return -math.inf, 0.0
    a, b = rate_fit(x, v)
    return (a, b) if b <= 0 else (math.log(float(v.mean())), 0.0)


def exp_left(y: np.ndarray, total: int, pseudo: float = 0.0) -> float:
    a, b = exp_rate(y, pseudo)
    return float(np.exp(np.clip(a + b * np.arange(len(y), total, dtype=float), -50, 50)).sum())


def power_left(y: np.ndarray, total: int) -> float:
    x, v = _recent(y)
    if not v.sum():
        return 0.0
    a, b = rate_fit(np.log(x + 1), v)
    if b > 0:
        a, b = math.log(float(v.mean())), 0.0
    return float(np.exp(a + b * np.log(np.arange(len(y), total, dtype=float) + 1)).sum())


def decay_factor(y: np.ndarray, total: int) -> float:
    _, b = exp_rate(y)
    unseen = total - len(y)
    return float(np.mean(np.exp(b * np.arange(1, unseen + 1, dtype=float)))) if b < 0 and unseen else 1.0


def candidates(y: np.ndarray, total: int, shipped: int, upper: int) -> dict[str, int]:
    from gapscope.triage import stopping as stp

    n, k = stp.windows(y)
    raw = {"buscar50": shipped,
           "buscar60": stp._largest_not_rejected(stp._Test(n, k, total - len(y)), 0.6),
           "exp": exp_left(y, total), "exp+1": min(exp_left(y, total, 1.0), shipped),
           "power": power_left(y, total), "decay": shipped * decay_factor(y, total)}
    return {c: min(int(round(v)), upper) for c, v in raw.items()}


def score_review(csv_path: Path, orders: Path, seeds: list[int]) -> dict:
    from gapscope.triage import stopping as stp
    from gapscope.triage.dataset import read_labelled_csv
    from gapscope.triage.simulate import full_order_labels

    ds = read_labelled_csv(csv_path)
    given = read_orders(orders / f"{csv_path.stem}.jsonl", seeds)
    missing = [s for s in seeds if s not in given]
    if missing:
        sys.exit(f"{orders / (csv_path.stem + '.jsonl')}: no order for seed(s) {missing} (make them with stopping_orders.py)")
    est = {c: [] for c in CANDIDATES}
    true, decisions = [], 0
    for s in seeds:
        r = run_from_order(ds.labels, given[s])
        full = full_order_labels(r.order, ds.labels, r.priors)
        total, n_rel, n_pri = len(full), int(full.sum()), len(r.priors)
        stop = r.stop["rule"]["stopped_at"]
        for t in range(max(stp.MIN_SCREENED, n_pri + 1), (n_pri + stop if stop is not None else total) + 1):
            decisions += 1
            a = stp.assess(full[:t], total)
            fig = {"relevant_found": a.found, "unseen_relevant_upper": a.upper}
            if not a.found or not stp.readiness(fig, t, total - t)["estimable"]:
                continue
            for c, v in candidates(full[:t], total, a.estimate, a.upper).items():
                est[c].append(v)
            true.append(n_rel - a.found)
    truth = np.asarray(true, dtype=float)
    out = {"review": csv_path.stem, "decisions": decisions, "shown": len(true)}
    for c, v in est.items():
        e = np.asarray(v, dtype=float)
        out[c] = {"over": float(np.mean(e > 1.5 * truth + 1)), "under": float(np.mean(e < truth / 1.5 - 1)),
                  "median_abs_error": float(np.median(np.abs(e - truth))), "mean_abs_error": float(np.mean(np.abs(e - truth)))}
    return out


def table(results: list[dict], tune: list[str], command: str) -> str:
    lines = [f"command: `{command}`", "",
             "Per review (tuned on: " + (", ".join(tune) or "none") + "; the others held out): over / under / "
             "median abs. error / mean abs. error, over the decisions where the estimate is shown.", "",
             "| review | set | shown / decisions | " + " | ".join(CANDIDATES) + " |",
             "|---|---|---|" + "---|" * len(CANDIDATES)]
    for r in results:
        cells = [f"{100 * r[c]['over']:.0f}% / {100 * r[c]['under']:.0f}% / {r[c]['median_abs_error']:.0f} / "
                 f"{r[c]['mean_abs_error']:.1f}" for c in CANDIDATES]
        part = "tune" if any(t in r["review"] for t in tune) else "held out"
        lines.append(f"| {r['review']} | {part} | {r['shown']} / {r['decisions']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gapscope-orders", required=True, help="Folder of stopping_orders.py orders, one .jsonl a review.")
    ap.add_argument("--reviews", nargs="+", required=True, help="Substrings of the review file names.")
    ap.add_argument("--seeds", type=int, nargs="+", default=list(range(1, 11)))
    ap.add_argument("--tune", nargs="*", default=[], help="Reviews the candidates were tuned on (marked in the table).")
    ap.add_argument("--out", help="Write the table here too.")
    args = ap.parse_args()
    command = f"nice -n {os.nice(0)} " + shlex.join(["python"] + sys.argv)
    results = []
    for f in reviews():
        if any(s in f.name for s in args.reviews):
            results.append(score_review(f, Path(args.gapscope_orders), args.seeds))
            print(f"{f.stem}: {results[-1]['shown']} shown of {results[-1]['decisions']} decisions", flush=True)
    text = table(results, args.tune, command)
    if args.out:
        Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
