"""GapScope's screening model vs ASReview's default model (elas_u4) on the two shared reviews.

Same files, same seeds (1..5), same prior protocol (one included + one excluded record drawn as
`asreview simulate --n-prior-included 1 --n-prior-excluded 1 --prior-seed S` draws them), and both
labelling orders scored by the same code (asreview-insights' WSS@95 and recall at 10 %).
ASReview runs in its own benchmark-only venv (/work/benchenv) through benchmarks/asreview_runner.py.

    PYTHONPATH=core nice -n 10 /work/devenv/bin/python benchmarks/bench_triage_vs_asreview.py \
        [--seeds 1 2 3 4 5] [--asreview-python /work/benchenv/bin/python] [--reuse-asreview] [--plot DIR]

--reuse-asreview reads ASReview's labelling orders from an earlier run's cache
($GAPSCOPE_TRIAGE_CACHE, default the user cache folder) instead of re-running it (several minutes).
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
# ../shared/data next to the project (or above a git worktree), or $GAPSCOPE_SHARED_DATA
SHARED_DATA = Path(os.environ.get("GAPSCOPE_SHARED_DATA") or next(
    (p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()), ROOT.parent / "shared" / "data"))

DATASETS = {
    "ADHD (Cohen 2006)": "cohen2006-adhd.csv",
    "Kitchenham 2010": "kitchenham2010-software-engineering.csv",
}
# Measured by the author with ASReview 2.2 elas_u4, seeds 1..5, same prior protocol.
REFERENCE = {"cohen2006-adhd.csv": (0.538, 0.663), "kitchenham2010-software-engineering.csv": (0.708, 0.700)}


def run_asreview(python: str, csv_path: Path, seeds: list[int], cache: Path, reuse: bool) -> list[dict]:
    out = cache / f"asreview-2.2-elas_u4-{csv_path.stem}.jsonl"
    if reuse and out.exists():
        runs = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
        if all(any(r["seed"] == s for r in runs) for s in seeds):
            return [next(r for r in runs if r["seed"] == s) for s in seeds]
    cmd = [python, str(ROOT / "benchmarks" / "asreview_runner.py"), str(csv_path), "--seeds", *map(str, seeds)]
    # cwd elsewhere: ASReview's dataset module drops a synergy_cache.sqlite in its working folder
    res = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=tempfile.gettempdir())
    cache.mkdir(parents=True, exist_ok=True)
    out.write_text(res.stdout)
    return [json.loads(line) for line in res.stdout.splitlines() if line.strip()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--asreview-python", default="/work/benchenv/bin/python")
    ap.add_argument("--reuse-asreview", action="store_true")
    ap.add_argument("--no-embeddings", action="store_true")
    ap.add_argument("--pos-weight", type=float, default=10.0, help="Extra weight of the relevant class (model option).")
    ap.add_argument("--plot", help="Folder for recall-curve PNGs (both tools, per dataset).")
    args = ap.parse_args()
    command = "nice -n 10 " + shlex.join([sys.executable] + sys.argv)

    import numpy as np

    from gapscope.triage.dataset import read_labelled_csv
    from gapscope.triage.features import build_features
    from gapscope.triage.simulate import recall_at, recall_curve, screening_labels, simulate, wss
    from gapscope.triage.vectors import cache_dir, embed_texts

    data = SHARED_DATA / "screening"
    rows = []
    curves = {}
    for name, fname in DATASETS.items():
        ds = read_labelled_csv(data / fname)
        t = time.perf_counter()
        emb = None if args.no_embeddings else embed_texts(ds.texts)
        feats = build_features(ds.texts, emb)
        ours = simulate(feats.matrix, ds.labels, args.seeds, no_text=ds.no_text, pos_weight=args.pos_weight)
        t_ours = time.perf_counter() - t
        t = time.perf_counter()
        theirs = run_asreview(args.asreview_python, data / fname, args.seeds, cache_dir(), args.reuse_asreview)
        t_theirs = time.perf_counter() - t
        asr = []
        for r in theirs:
            assert r["n"] == len(ds) and r["labels_sum"] == int(ds.labels.sum()), "ASReview read the file differently"
            seq = screening_labels(r["order"], ds.labels, r["priors"])
            full = screening_labels(r["order"], ds.labels, [])
            asr.append({"seed": r["seed"], "priors": r["priors"], "wss95": wss(seq), "recall_at_10": recall_at(seq),
                        "curve": recall_curve(seq), "wss95_with_priors": wss(full), "recall_at_10_with_priors": recall_at(full)})
        for o, a in zip(ours, asr):
            assert o.priors == a["priors"], f"priors differ for seed {o.seed}: {o.priors} vs {a['priors']}"
        ours_full = [screening_labels(o.order, ds.labels, []) for o in ours]
        alt = (np.mean([wss(f) for f in ours_full]), np.mean([a["wss95_with_priors"] for a in asr]),
               np.mean([recall_at(f) for f in ours_full]), np.mean([a["recall_at_10_with_priors"] for a in asr]))
        g_w, g_r = np.mean([o.wss95 for o in ours]), np.mean([o.recall_at_10 for o in ours])
        a_w, a_r = np.mean([a["wss95"] for a in asr]), np.mean([a["recall_at_10"] for a in asr])
        rows.append((name, fname, g_w, a_w, g_r, a_r, ours, asr, t_ours, t_theirs, alt))
        curves[fname] = (np.mean([o.curve for o in ours], axis=0), np.mean([a["curve"] for a in asr], axis=0))

    print(f"command: {command}")
    print(f"seeds {args.seeds}; priors: 1 included + 1 excluded per seed (ASReview CLI protocol, identical for both);"
          f" GapScope features: {'TF-IDF 1-2 gram' if args.no_embeddings else 'TF-IDF 1-2 gram + 0.15 x MiniLM; logistic regression C=0.1, relevant class 10x balanced'}; ASReview 2.2 elas_u4")
    print()
    hdr = f"| {'dataset':<18} | {'WSS@95 GapScope':>15} | {'WSS@95 ASReview':>15} | {'ratio':>5} | {'R@10% GapScope':>14} | {'R@10% ASReview':>14} | {'ratio':>5} |"
    print(hdr)
    print("|" + "|".join("-" * (len(c)) for c in hdr.split("|")[1:-1]) + "|")
    for name, fname, g_w, a_w, g_r, a_r, *_ in rows:
        print(f"| {name:<18} | {g_w:>15.3f} | {a_w:>15.3f} | {g_w / a_w:>5.2f} | {g_r:>14.3f} | {a_r:>14.3f} | {g_r / a_r:>5.2f} |")
    print()
    print("the same orders scored with the two priors counted as the first two screened records:")
    for name, fname, *_, alt in rows:
        print(f"| {name:<18} | {alt[0]:>15.3f} | {alt[1]:>15.3f} | {alt[0] / alt[1]:>5.2f} | {alt[2]:>14.3f} | {alt[3]:>14.3f} | {alt[2] / alt[3]:>5.2f} |")
    print()
    for name, fname, g_w, a_w, g_r, a_r, ours, asr, t_ours, t_theirs, _ in rows:
        ref = REFERENCE[fname]
        print(f"{name}: per seed WSS@95 GapScope {[round(o.wss95, 3) for o in ours]} ASReview {[round(a['wss95'], 3) for a in asr]}; "
              f"R@10% GapScope {[round(o.recall_at_10, 3) for o in ours]} ASReview {[round(a['recall_at_10'], 3) for a in asr]}; "
              f"time GapScope {t_ours:.0f} s, ASReview {t_theirs:.0f} s{' (cached)' if args.reuse_asreview else ''}; "
              f"issue's ASReview reference WSS@95 {ref[0]}, R@10% {ref[1]}")
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        Path(args.plot).mkdir(parents=True, exist_ok=True)
        for name, fname, *_ in rows:
            g, a = curves[fname]
            fig, ax = plt.subplots(figsize=(6, 4.5), dpi=110)
            x = np.arange(len(g)) / (len(g) - 1)
            ax.plot(x, g, label="GapScope")
            ax.plot(x, a, label="ASReview 2.2 elas_u4")
            ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=0.8, label="random")
            ax.set_xlabel("fraction screened")
            ax.set_ylabel("recall (mean of seeds)")
            ax.set_title(name)
            ax.legend(loc="lower right")
            fig.tight_layout()
            png = Path(args.plot) / f"{Path(fname).stem}-vs-asreview.png"
            fig.savefig(png)
            plt.close(fig)
            print(f"plot: {png}")


if __name__ == "__main__":
    main()
