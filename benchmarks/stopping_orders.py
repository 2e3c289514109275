"""GapScope's screening orders for bench_triage_stopping.py, computed in parallel on a many-core machine.

`prepare` (here, in the project's venv) writes each review's features (TF-IDF + MiniLM, exactly what
`triage simulate` builds), labels and no-text flags to bench-out/stopping-features/. `run` (on a
machine with numpy, scipy and scikit-learn; no library, no encoder needed) replays every review and
seed with gapscope.triage.simulate.simulate_run in a process pool and writes one JSON line per seed
({"seed", "priors", "order"}) to OUT/<review>.jsonl. bench_triage_stopping.py --gapscope-orders OUT
then scores those orders with the same code as its own runs.

    nice /work/main/.venv/bin/python benchmarks/stopping_orders.py prepare [--reviews ...]
    python3 benchmarks/stopping_orders.py run bench-out/stopping-features OUT [--seeds 1 ... 10] [--jobs 16]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))
FEATURES = ROOT / "bench-out" / "stopping-features"


def prepare(reviews: list[str]) -> None:
    import numpy as np
    from scipy import sparse

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_triage_stopping import reviews as all_reviews

    from gapscope.triage.dataset import read_labelled_csv
    from gapscope.triage.features import build_features
    from gapscope.triage.vectors import embed_texts

    FEATURES.mkdir(parents=True, exist_ok=True)
    for f in all_reviews():
        if reviews and not any(r in f.name for r in reviews):
            continue
        ds = read_labelled_csv(f)
        feats = build_features(ds.texts, embed_texts(ds.texts))
        sparse.save_npz(FEATURES / f"{f.stem}.X.npz", feats.matrix, compressed=True)
        np.savez_compressed(FEATURES / f"{f.stem}.y.npz", labels=ds.labels, no_text=ds.no_text)
        print(f"{f.name}: {feats.matrix.shape}", flush=True)


def _one(job):
    stem, folder, seed = job
    import numpy as np
    from scipy import sparse

    from gapscope.triage.simulate import simulate_run

    X = sparse.load_npz(Path(folder) / f"{stem}.X.npz").tocsr()
    y = np.load(Path(folder) / f"{stem}.y.npz")
    t = time.time()
    r = simulate_run(X, y["labels"], seed, no_text=y["no_text"])
    return stem, {"seed": seed, "priors": r.priors, "order": [int(i) for i in r.order],
                  "seconds": round(time.time() - t, 1)}


def run(folder: str, out: str, seeds: list[int], jobs: int) -> None:
    from multiprocessing import Pool

    # The simulation needs numpy, scipy and scikit-learn only; the library modules the triage package
    # imports on the way are not used here, so a machine without sqlite-utils still runs it.
    try:
        import sqlite_utils  # noqa: F401
    except ImportError:
        sys.modules["sqlite_utils"] = types.ModuleType("sqlite_utils")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    stems = sorted({p.name.split(".")[0] for p in Path(folder).glob("*.X.npz")},
                   key=lambda s: -(Path(folder) / f"{s}.X.npz").stat().st_size)
    todo = [(s, folder, seed) for s in stems for seed in seeds]   # largest reviews first
    Path(out).mkdir(parents=True, exist_ok=True)
    import numpy
    import scipy
    import sklearn

    print(f"python {sys.version.split()[0]}, numpy {numpy.__version__}, scipy {scipy.__version__}, "
          f"scikit-learn {sklearn.__version__}, {jobs} processes, {len(todo)} runs", flush=True)
    t = time.time()
    with Pool(jobs) as pool:
        for stem, rec in pool.imap_unordered(_one, todo):
            with open(Path(out) / f"{stem}.jsonl", "a") as fh:
                fh.write(json.dumps(rec) + "\n")
            print(f"{time.time() - t:7.1f}s {stem} seed {rec['seed']}: {rec['seconds']} s", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--reviews", nargs="*", default=[])
    r = sub.add_parser("run")
    r.add_argument("folder")
    r.add_argument("out")
    r.add_argument("--seeds", type=int, nargs="+", default=list(range(1, 11)))
    r.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    if args.cmd == "prepare":
        prepare(args.reviews)
    else:
        run(args.folder, args.out, args.seeds, args.jobs)


if __name__ == "__main__":
    main()
