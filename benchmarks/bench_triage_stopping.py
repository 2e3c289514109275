"""Stopping rule, calibration and work saved on the 15 shared reviews, GapScope beside ASReview 2.x.

For every review in ../shared/data/screening (Kitchenham 2010 and the 14 Cohen 2006 drug-class
reviews) and seeds 1..10, with ASReview's prior protocol (one included + one excluded record drawn as
`asreview simulate --n-prior-included 1 --n-prior-excluded 1 --prior-seed S` draws them):

- GapScope's screening order (`gapscope triage simulate`'s code) and ASReview 2.x's default model
  (elas_u4, through benchmarks/asreview_runner.py in the benchmark-only venv);
- on each order: where the buscar stopping rule (recall target 95 %, 95 % confidence; stopping.py)
  fires, the recall then and the share screened; the recall ASReview had reached after screening as
  many records as GapScope's rule did ("run to the same point"); and the heuristic "stop after N
  irrelevant in a row" (N = max(50, 5 % of the records), the app's streak threshold);
- the calibration of the unseen-relevant upper bound (share of checkpoints, every 5 % of the records
  and at the stop, where it holds the true number), and WSS@95 / recall@10 % as before;
- what a reviewer reads after each decision (first --readiness-seeds seeds, from 20 screened to the
  rule's stop): the share of decisions after which the estimate is shown (stopping.readiness), its mean
  absolute error there, how often it overstates what is left by more than half, and the flips: a
  decision after which the estimate is hidden again although the 95 % bound did not rise.

Reviews run one after the other, smallest first; each finished review is written at once to
benchmarks/results/triage/stopping/<review>.json and the tables in stopping.md are rebuilt from
every finished review, so an interrupted run keeps what it finished. ASReview runs in a second
process beside GapScope's (two cores).

    nice /work/main/.venv/bin/python benchmarks/bench_triage_stopping.py [--seeds 1 ... 10]
        [--reviews adhd triptans ...] [--skip-done] [--asreview-python /work/benchenv/bin/python]

The benchmark-only venv (never the project's):  python3 -m venv /work/benchenv &&
/work/benchenv/bin/pip install "asreview>=2.2,<3"   (or set $GAPSCOPE_BENCHENV to another venv).
The Bannach-Brown 2019 and Nagtegaal 2019 reviews are never used.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))
SHARED_DATA = Path(os.environ.get("GAPSCOPE_SHARED_DATA") or next(
    (p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()), ROOT.parent / "shared" / "data"))
BENCHENV = Path(os.environ.get("GAPSCOPE_BENCHENV", "/work/benchenv"))
OUT = ROOT / "benchmarks" / "results" / "triage"
FORBIDDEN = ("bannach", "nagtegaal")


def reviews() -> list[Path]:
    files = [p for p in sorted((SHARED_DATA / "screening").glob("*.csv"))
             if not any(f in p.name.lower() for f in FORBIDDEN)]
    return sorted(files, key=lambda p: p.stat().st_size)


def start_asreview(python: Path, csv_path: Path, seeds: list[int], cache: Path):
    """Start ASReview on the seeds not cached yet; returns (process or None, cache file)."""
    out = cache / f"asreview-2-elas_u4-{csv_path.stem}.jsonl"
    done = {json.loads(x)["seed"] for x in out.read_text().splitlines() if x.strip()} if out.exists() else set()
    todo = [s for s in seeds if s not in done]
    if not todo:
        return None, out
    # inherits this process's niceness (run the benchmark under `nice`)
    cmd = [str(python), str(ROOT / "benchmarks" / "asreview_runner.py"), str(csv_path), "--seeds", *map(str, todo)]
    cache.mkdir(parents=True, exist_ok=True)
    fh = open(out, "a")
    # cwd elsewhere: ASReview's dataset module drops a synergy_cache.sqlite in its working folder
    return (subprocess.Popen(cmd, stdout=fh, stderr=subprocess.PIPE, text=True, cwd=tempfile.gettempdir()), fh), out


def read_asreview(out: Path, seeds: list[int]) -> dict[int, dict]:
    runs = {}
    for line in out.read_text().splitlines() if out.exists() else []:
        if line.strip():
            r = json.loads(line)
            runs[r["seed"]] = r
    return {s: runs[s] for s in seeds if s in runs}


def read_orders(path: Path, seeds: list[int]) -> dict[int, dict]:
    """{seed: {"seed", "priors", "order"}} from a stopping_orders.py output file (the seeds it has)."""
    if not path.exists():
        return {}
    runs = {}
    for line in path.read_text().splitlines():
        if line.strip():
            r = json.loads(line)
            runs[r["seed"]] = r
    return {s: runs[s] for s in seeds if s in runs}


def run_from_order(labels, rec: dict):
    """A simulate RunResult rebuilt from a recorded screening order (scored by the same functions)."""
    from gapscope.triage.simulate import RunResult, full_order_labels, recall_at, screening_labels, stopping_of, wss

    seq = screening_labels(rec["order"], labels, rec["priors"])
    stop = stopping_of(full_order_labels(rec["order"], labels, rec["priors"]), len(rec["priors"]))
    return RunResult(rec["seed"], rec["priors"], rec["order"], wss(seq), recall_at(seq), seq, stop)


def readiness_along(full, n_priors: int, stop_at) -> dict:
    """After each decision of one run (from MIN_SCREENED screened to where the rule fires, or the end):
    whether the estimate is shown, its error there, and the flips (shown, then hidden after a decision that
    did not raise the 95 % bound)."""
    from gapscope.triage import stopping as stp

    total, n_rel = len(full), int(full.sum())
    end = n_priors + stop_at if stop_at is not None else total
    shown, errors, over, flips, before = 0, [], 0, 0, None
    steps = range(max(stp.MIN_SCREENED, n_priors + 1), end + 1)
    for t in steps:
        a = stp.assess(full[:t], total)
        fig = {"relevant_found": a.found, "unseen_relevant_upper": a.upper, "estimated_relevant_unseen": a.estimate}
        ok = bool(stp.readiness(fig, t, total - t)["estimable"]) if a.found else False
        if ok:
            left = n_rel - a.found
            shown += 1
            errors.append(abs(a.estimate - left))
            over += a.estimate > 1.5 * left + 1
        if before is not None and before[0] and not ok and a.upper is not None and a.upper <= before[1]:
            flips += 1
        before = (ok, a.upper if a.upper is not None else total)
    return {"decisions": len(steps), "shown": shown, "abs_errors": errors, "overstated": over, "flips": flips}


def readiness_summary(runs: list[dict]) -> dict:
    import numpy as np

    n = sum(r["decisions"] for r in runs)
    shown = sum(r["shown"] for r in runs)
    errs = [e for r in runs for e in r["abs_errors"]]
    return {"runs": len(runs), "decisions": n, "shown_share": round(shown / n, 4) if n else None,
            "shown_mean_abs_error": round(float(np.mean(errs)), 3) if errs else None,
            "overstated_share": round(sum(r["overstated"] for r in runs) / shown, 4) if shown else None,
            "flips": sum(r["flips"] for r in runs)}


def bench_review(csv_path: Path, seeds: list[int], asr_python: Path, cache: Path, use_asreview,
                 orders_dir: Path | None = None, readiness_seeds: int = 3) -> dict:
    import numpy as np

    from gapscope.triage.dataset import read_labelled_csv
    from gapscope.triage.features import build_features
    from gapscope.triage.simulate import (calibration_summary, full_order_labels, recall_at, screening_labels,
                                          simulate, stopping_of, stopping_summary, wss)
    from gapscope.triage.vectors import embed_texts

    ds = read_labelled_csv(csv_path)
    proc = None
    if use_asreview == "cached":
        asr_out = cache / f"asreview-2-elas_u4-{csv_path.stem}.jsonl"
    elif use_asreview:
        proc, asr_out = start_asreview(asr_python, csv_path, seeds, cache)
    t0 = time.perf_counter()
    given = read_orders(orders_dir / f"{csv_path.stem}.jsonl", seeds) if orders_dir else {}
    if len(given) == len(seeds):
        # orders computed elsewhere by stopping_orders.py (the same simulate_run): score them here
        ours = [run_from_order(ds.labels, given[s]) for s in seeds]
        source = f"stopping_orders.py run ({sum(given[s].get('seconds', 0) for s in seeds):.0f} s of simulation)"
    else:
        feats = build_features(ds.texts, embed_texts(ds.texts))
        ours = simulate(feats.matrix, ds.labels, seeds, no_text=ds.no_text)
        source = "simulated in this run"
    t_ours = time.perf_counter() - t0
    res = {"review": csv_path.name, "records": len(ds), "relevant": int(ds.labels.sum()), "seeds": seeds,
           "seconds_gapscope": round(t_ours), "gapscope_orders": source,
           "gapscope": {"wss95": float(np.mean([r.wss95 for r in ours])),
                        "recall_at_10": float(np.mean([r.recall_at_10 for r in ours])),
                        "rule": stopping_summary([r.stop for r in ours], seeds, "rule"),
                        "streak": stopping_summary([r.stop for r in ours], seeds, "streak"),
                        "calibration": calibration_summary([r.stop for r in ours]),
                        "readiness": readiness_summary([
                            readiness_along(full_order_labels(r.order, ds.labels, r.priors), len(r.priors),
                                            r.stop["rule"]["stopped_at"]) for r in ours[:readiness_seeds]]),
                        "per_seed": [{"seed": r.seed, "wss95": round(r.wss95, 4), "recall_at_10": round(r.recall_at_10, 4)}
                                     for r in ours]}}
    if not use_asreview:
        return res
    if proc is not None:
        p, fh = proc
        _, err = p.communicate()
        fh.close()
        if p.returncode != 0:
            res["asreview_error"] = err[-2000:]
            return res
    runs = read_asreview(asr_out, seeds)
    if not runs:
        res["asreview_error"] = "ASReview finished no seed"
        return res
    if len(runs) != len(seeds):  # score the seeds ASReview finished, and say so
        res["asreview_seeds"] = sorted(runs)
    asr_seeds = sorted(runs)
    stops, same_point, wss_a, r10_a, per = [], [], [], [], []
    for o in (o for o in ours if o.seed in runs):
        a = runs[o.seed]
        assert a["n"] == len(ds) and a["labels_sum"] == int(ds.labels.sum()), "ASReview read the file differently"
        assert a["priors"] == o.priors, f"priors differ for seed {o.seed}"
        full = full_order_labels(a["order"], ds.labels, a["priors"])
        stops.append(stopping_of(full, len(a["priors"])))
        seq = screening_labels(a["order"], ds.labels, a["priors"])
        wss_a.append(wss(seq))
        r10_a.append(recall_at(seq))
        per.append({"seed": o.seed, "wss95": round(wss_a[-1], 4), "recall_at_10": round(r10_a[-1], 4)})
        t = o.stop["rule"]["stopped_at"]
        n_stop = len(full) - len(a["priors"]) if t is None else t
        same_point.append(float(full[:len(a["priors"]) + n_stop].sum()) / float(full.sum()))
    target = 0.95
    res["asreview"] = {"version": runs[asr_seeds[0]].get("asreview"), "model": runs[asr_seeds[0]].get("model"),
                       "wss95": float(np.mean(wss_a)), "recall_at_10": float(np.mean(r10_a)),
                       "recall_at_gapscope_stop": {"mean": round(float(np.mean(same_point)), 4),
                                                   "met_share": round(float(np.mean([x >= target - 1e-9 for x in same_point])), 4)},
                       "rule": stopping_summary(stops, asr_seeds, "rule"), "streak": stopping_summary(stops, asr_seeds, "streak"),
                       "calibration": calibration_summary(stops), "per_seed": per, "seeds": asr_seeds,
                       "seconds": round(sum(runs[s].get("seconds", 0) for s in asr_seeds))}
    return res


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def tables(results: list[dict], command: str) -> str:
    lines = [f"command: `{command}`", "",
             "Stopping rule: buscar hypergeometric test (Callaghan & Müller-Hansen 2020), recall target 95 %, "
             "confidence 95 %, applied to each tool's screening order. 'met' = share of the runs whose recall when "
             "the rule fired was >= 95 % (recall over every relevant record, the included prior counted); "
             "'screened' = mean share of the non-prior records screened when it fired; a rule that never fires "
             "counts as screening everything. Streak = 'stop after N irrelevant in a row', N = max(50, 5 % of the "
             "records). 'ASReview at GapScope's stop' = ASReview's recall after as many records as GapScope's rule "
             "screened (same seed).", "",
             "| review | records | relevant | GapScope rule: met / screened / mean recall | ASReview at GapScope's stop: recall (met) "
             "| ASReview + rule: met / screened | streak GapScope: met / screened | streak ASReview: met / screened |",
             "|---|---:|---:|---|---|---|---|---|"]
    for r in results:
        g, a = r["gapscope"], r.get("asreview")
        gr, gs = g["rule"], g["streak"]
        name = r['review'].removesuffix('.csv') + (f" (ASReview: seeds {a['seeds'][0]}-{a['seeds'][-1]} only)"
                                                    if a and len(a.get("seeds", r["seeds"])) < len(r["seeds"]) else "")
        row = (f"| {name} | {r['records']} | {r['relevant']} | "
               f"{_pct(gr['met_share'])} / {_pct(gr['mean_screened_share'])} / {gr['mean_recall_at_stop']:.3f} | ")
        if a:
            row += (f"{a['recall_at_gapscope_stop']['mean']:.3f} ({_pct(a['recall_at_gapscope_stop']['met_share'])}) | "
                    f"{_pct(a['rule']['met_share'])} / {_pct(a['rule']['mean_screened_share'])} | ")
        else:
            row += f"{r.get('asreview_error', 'not run')[:60]} | - | "
        row += f"{_pct(gs['met_share'])} / {_pct(gs['mean_screened_share'])} | "
        row += f"{_pct(a['streak']['met_share'])} / {_pct(a['streak']['mean_screened_share'])} |" if a else "- |"
        lines.append(row)
    if results:
        import numpy as np

        runs_g = [x for r in results for x in r["gapscope"]["rule"]["runs"]]
        met = np.mean([(x["recall_at_stop"] if x["stopped_at"] is not None else 1.0) >= 0.95 - 1e-9 for x in runs_g])
        lines += ["", f"All runs pooled ({len(runs_g)} GapScope runs over {len(results)} reviews): the rule met the 95 % "
                      f"target in {100 * met:.1f} % of runs."]
    lines += ["", "Calibration of the unseen-relevant bound (one-sided 95 %: 0 to the upper bound; checked after every 5 % "
                  "of the records and at the stop) and the work saved, seeds as above:", "",
              "| review | coverage GapScope (checkpoints) | estimate mean abs. error | coverage ASReview order | "
              "WSS@95 GapScope | WSS@95 ASReview | R@10% GapScope | R@10% ASReview |",
              "|---|---|---:|---|---:|---:|---:|---:|"]
    for r in results:
        g, a = r["gapscope"], r.get("asreview")
        c = g["calibration"]
        asr = (f"{_pct(a['calibration']['coverage'])} | {g['wss95']:.3f} | {a['wss95']:.3f} | "
               f"{g['recall_at_10']:.3f} | {a['recall_at_10']:.3f} |") if a else \
            f"- | {g['wss95']:.3f} | - | {g['recall_at_10']:.3f} | - |"
        lines.append(f"| {r['review'].removesuffix('.csv')} | {_pct(c['coverage'])} ({c['checkpoints']}) | "
                     f"{c['estimate_mean_abs_error']:.1f} | " + asr)
    ready = [r for r in results if r["gapscope"].get("readiness")]
    if ready:
        lines += ["", "What a reviewer reads after each decision (GapScope's order, the first seeds; from 20 screened to "
                      "the rule's stop): 'shown' = share of decisions after which the unseen-relevant estimate is shown "
                      "(stopping.readiness), its mean absolute error there, 'overstated' = share of those where it is "
                      "above 1.5 x the true number + 1, 'flips' = decisions after which it is hidden again although "
                      "the 95 % bound did not rise:", "",
                  "| review | runs / decisions | shown | mean abs. error where shown | overstated | flips |",
                  "|---|---|---:|---:|---:|---:|"]
        for r in ready:
            g = r["gapscope"]["readiness"]
            err = "-" if g["shown_mean_abs_error"] is None else f"{g['shown_mean_abs_error']:.1f}"
            lines.append(f"| {r['review'].removesuffix('.csv')} | {g['runs']} / {g['decisions']} | {_pct(g['shown_share'])} "
                         f"| {err} | {_pct(g['overstated_share'])} | {g['flips']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=list(range(1, 11)))
    ap.add_argument("--reviews", nargs="+", help="Substrings of the review file names (default: all 15).")
    ap.add_argument("--skip-done", action="store_true", help="Keep reviews already written in the results folder.")
    ap.add_argument("--no-asreview", action="store_true")
    ap.add_argument("--asreview-cached-only", action="store_true",
                    help="Use ASReview runs already in the cache (from an earlier or a separate run); start none.")
    ap.add_argument("--asreview-python", default=str(BENCHENV / "bin" / "python"))
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--readiness-seeds", type=int, default=3,
                    help="Runs (the first seeds) whose readiness is checked after every decision (0: none).")
    ap.add_argument("--gapscope-orders", help="Folder of GapScope screening orders from stopping_orders.py run "
                                               "(reviews found there are scored, not simulated again).")
    args = ap.parse_args()
    command = f"nice -n {os.nice(0)} " + shlex.join([sys.executable] + sys.argv)
    asr = Path(args.asreview_python)
    use_asr = "cached" if args.asreview_cached_only else not args.no_asreview
    if use_asr is True and not asr.exists():
        sys.exit(f"no ASReview venv at {asr}: create the benchmark-only venv with\n"
                 f"  python3 -m venv {BENCHENV} && {BENCHENV}/bin/pip install 'asreview>=2.2,<3'\n"
                 "or pass --asreview-python, or --no-asreview")
    from gapscope.triage.vectors import cache_dir

    out = Path(args.out)
    (out / "stopping").mkdir(parents=True, exist_ok=True)
    files = reviews()
    if args.reviews:
        files = [f for f in files if any(s in f.name for s in args.reviews)]
    for f in files:
        dest = out / "stopping" / f"{f.stem}.json"
        if args.skip_done and dest.exists():
            continue
        t = time.perf_counter()
        res = bench_review(f, args.seeds, asr, cache_dir(), use_asr,
                           Path(args.gapscope_orders) if args.gapscope_orders else None, args.readiness_seeds)
        res["command"] = command
        res["wall_seconds"] = round(time.perf_counter() - t)
        dest.write_text(json.dumps(res, indent=1) + "\n")
        done = [json.loads(p.read_text()) for p in sorted((out / "stopping").glob("*.json"))]
        done.sort(key=lambda r: r["records"])
        (out / "stopping.md").write_text(tables(done, command))
        print(f"{f.name}: done in {res['wall_seconds']} s", flush=True)
    print((out / "stopping.md").read_text())


if __name__ == "__main__":
    main()
