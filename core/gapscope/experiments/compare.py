"""Comparing a variant run with its baseline over the same seeds and folds: a paired t-test and a
Wilcoxon signed-rank test (scipy), Cohen's d_z and the matched-pairs rank-biserial correlation, said in
plain words."""

from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from .metrics import HIGHER_IS_BETTER


class CompareError(ValueError):
    pass


def _size_d(d: float) -> str:
    a = abs(d)
    return "negligible" if a < 0.2 else "small" if a < 0.5 else "medium" if a < 0.8 else "large"


def _size_r(r: float) -> str:
    a = abs(r)
    return "negligible" if a < 0.1 else "small" if a < 0.3 else "medium" if a < 0.5 else "large"


def rank_biserial(diffs: np.ndarray) -> float:
    """Matched-pairs rank-biserial correlation: (sum of positive ranks - sum of negative ranks) / total,
    ranks of |difference| over the non-zero differences (ties get average ranks)."""
    from scipy.stats import rankdata

    d = diffs[diffs != 0]
    if not len(d):
        return 0.0
    r = rankdata(np.abs(d))
    return float((r[d > 0].sum() - r[d < 0].sum()) / r.sum())


def paired_stats(variant: np.ndarray, baseline: np.ndarray, alpha: float = 0.05) -> dict[str, Any]:
    from scipy import stats

    variant = np.asarray(variant, dtype=np.float64)
    baseline = np.asarray(baseline, dtype=np.float64)
    if variant.shape != baseline.shape or variant.ndim != 1:
        raise CompareError("variant and baseline need the same number of paired values")
    n = len(variant)
    if n < 2:
        raise CompareError("a paired test needs at least 2 pairs (seeds x folds)")
    diff = variant - baseline
    mean, sd = float(diff.mean()), float(diff.std(ddof=1))
    out: dict[str, Any] = {"n": n, "mean_variant": float(variant.mean()), "mean_baseline": float(baseline.mean()),
                           "mean_diff": mean, "sd_diff": sd, "wins": int((diff > 0).sum()),
                           "losses": int((diff < 0).sum()), "ties": int((diff == 0).sum())}
    if sd == 0:
        out.update(t=None, t_p=1.0 if mean == 0 else 0.0, ci=[mean, mean], cohen_dz=None)
    else:
        t = stats.ttest_rel(variant, baseline)
        half = float(stats.t.ppf(1 - alpha / 2, n - 1)) * sd / math.sqrt(n)
        out.update(t=float(t.statistic), t_p=float(t.pvalue), ci=[mean - half, mean + half], cohen_dz=mean / sd)
    nz = int((diff != 0).sum())
    if nz >= 1:
        w = stats.wilcoxon(variant, baseline, zero_method="wilcox", alternative="two-sided")
        out.update(wilcoxon_w=float(w.statistic), wilcoxon_p=float(w.pvalue))
        # the smallest two-sided p the exact test can give with this many non-zero pairs
        out["wilcoxon_min_p"] = min(1.0, 2.0 / 2 ** nz)
    else:
        out.update(wilcoxon_w=None, wilcoxon_p=1.0, wilcoxon_min_p=1.0)
    out["rank_biserial"] = rank_biserial(diff)
    return out


def plain_words(metric: str, s: dict[str, Any], variant_name: str = "the variant",
                baseline_name: str = "the baseline", alpha: float = 0.05) -> str:
    higher = HIGHER_IS_BETTER.get(metric, True)
    d = s["mean_diff"]
    if d == 0 and s["sd_diff"] == 0:
        return (f"{variant_name} and {baseline_name} have the same {metric} on every one of the {s['n']} paired "
                "folds: there is no difference to test.")
    better = (d > 0) == higher
    word = "better" if better else "worse"
    parts = [f"On {metric}, {variant_name} scores {s['mean_variant']:.4f} on average against {s['mean_baseline']:.4f} "
             f"for {baseline_name}: {abs(d):.4f} {'higher' if d > 0 else 'lower'} ({word}), over {s['n']} paired "
             f"seed-fold splits ({s['wins']} up, {s['losses']} down, {s['ties']} tied)."]
    if s.get("ci") and s["cohen_dz"] is not None:
        lo, hi = s["ci"]
        parts.append(f"The 95% confidence interval of the difference runs from {lo:.4f} to {hi:.4f}"
                     + ("; it includes zero." if lo <= 0 <= hi else "; it excludes zero."))
        sig = s["t_p"] < alpha
        parts.append(f"A paired t-test gives p = {s['t_p']:.3g}: "
                     + ("a difference this large is unlikely if the two were equally good."
                        if sig else "chance alone could explain a difference this large.")
                     + f" The effect size is {_size_d(s['cohen_dz'])} (Cohen's d_z = {s['cohen_dz']:.2f}).")
    if s.get("wilcoxon_w") is not None:
        parts.append(f"The Wilcoxon signed-rank test, which does not assume normal differences, gives "
                     f"p = {s['wilcoxon_p']:.3g} with a {_size_r(s['rank_biserial'])} rank-biserial correlation "
                     f"({s['rank_biserial']:+.2f}).")
        if s["wilcoxon_min_p"] >= alpha:
            parts.append(f"With only {s['wins'] + s['losses']} non-tied pairs it cannot reach p < {alpha} whatever "
                         "the data; add seeds to make it informative.")
    if s["n"] < 10:
        parts.append(f"With {s['n']} pairs, treat this as a first look, not a verdict.")
    parts.append("Cross-validation folds share training data, so both tests are somewhat optimistic "
                 "(Nadeau and Bengio, 2003): a p-value near the threshold is not strong evidence.")
    return " ".join(parts)


def compare_runs(variant: dict[str, Any], baseline: dict[str, Any], metric: Optional[str] = None,
                 alpha: float = 0.05) -> dict[str, Any]:
    """Compare two run summaries (``folds`` lists with seed, fold, metrics) paired by (seed, fold)."""
    vf = {(f["seed"], f["fold"]): f for f in variant.get("folds", [])}
    bf = {(f["seed"], f["fold"]): f for f in baseline.get("folds", [])}
    keys = sorted(set(vf) & set(bf))
    if not keys:
        raise CompareError("the two runs share no (seed, fold) split: run them with the same eval.seeds and folds")
    common = [m for m in vf[keys[0]]["metrics"] if m in bf[keys[0]]["metrics"]]
    if metric is None:
        if not common:
            raise CompareError("the two runs share no metric")
        metric = common[0]
    elif metric not in common:
        raise CompareError(f"metric {metric!r} is not in both runs (common: {', '.join(common) or 'none'})")
    warnings = []
    for k in keys:
        if vf[k].get("n_test") != bf[k].get("n_test"):
            warnings.append("the test parts differ in size: the runs do not use the same data or splits, "
                            "so the pairing is not valid")
            break
    if len(keys) < max(len(vf), len(bf)):
        warnings.append(f"only {len(keys)} of {max(len(vf), len(bf))} splits are in both runs")
    v = np.asarray([vf[k]["metrics"][metric] for k in keys])
    b = np.asarray([bf[k]["metrics"][metric] for k in keys])
    s = paired_stats(v, b, alpha)
    vn = f"variant {variant.get('run_id', '')}".strip()
    bn = f"baseline {baseline.get('run_id', '')}".strip()
    return {"metric": metric, "variant": variant.get("run_id"), "baseline": baseline.get("run_id"),
            "pairs": [list(k) for k in keys], "variant_values": v.tolist(), "baseline_values": b.tolist(),
            **s, "warnings": warnings, "summary": plain_words(metric, s, vn, bn, alpha)}
