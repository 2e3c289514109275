"""GapScope's screening orders for bench_triage_stopping.py, computed in parallel on a many-core machine.

`prepare` (here, in the project's venv, which holds the encoder) writes each review's CSV (gzipped) and
its MiniLM vectors (float32, exactly what `triage simulate` uses) to bench-out/stopping/. `run` (on a
machine with numpy, scipy and scikit-learn; no library, no encoder needed) builds the features with
gapscope.triage.features.build_features as `triage simulate` does, then replays every review and
seed with gapscope.triage.simulate.simulate_run in a process pool and writes one JSON line per run
({"review", "seed", "priors", "order"}) to OUT/gapscope.jsonl. `asreview` does the same for ASReview
(benchmarks/asreview_runner.py, one process per review and seed, smallest review first) into
OUT/asreview.jsonl. `split` (here) files those lines per review: GapScope's into a folder for
bench_triage_stopping.py --gapscope-orders, ASReview's into the cache bench_triage_stopping.py reads
(then run it with --asreview-cached-only), so both are scored with the same code as its own runs.

    nice /work/main/.venv/bin/python benchmarks/stopping_orders.py prepare [--reviews ...]
    python3 benchmarks/stopping_orders.py run bench-out/stopping OUT [--seeds 1 ... 10] [--jobs 16]
    python3 benchmarks/stopping_orders.py asreview bench-out/stopping OUT [--seeds ...] [--jobs 8]
    nice /work/main/.venv/bin/python benchmarks/stopping_orders.py split OUT ORDERS_FOLDER
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
FOLDER = ROOT / "bench-out" / "stopping"


def prepare(reviews: list[str]) -> None:
    import gzip
    import shutil

    import numpy as np

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_triage_stopping import reviews as all_reviews

    from gapscope.triage.dataset import read_labelled_csv
    from gapscope.triage.vectors import embed_texts

    FOLDER.mkdir(parents=True, exist_ok=True)
    for f in all_reviews():
        if reviews and not any(r in f.name for r in reviews):
            continue
        ds = read_labelled_csv(f)
        np.save(FOLDER / f"{f.stem}.emb.npy", np.asarray(embed_texts(ds.texts), dtype=np.float32))
        with open(f, "rb") as src, gzip.open(FOLDER / f"{f.name}.gz", "wb") as dst:
            shutil.copyfileobj(src, dst)
        print(f"{f.name}: {len(ds)} records", flush=True)


def unpack(folder: str) -> Path:
    """The gzipped CSVs of ``folder`` unpacked into a temporary folder (ASReview reads plain .csv)."""
    import gzip
    import shutil
    import tempfile

    dest = Path(tempfile.mkdtemp(prefix="stopping-csv-"))
    for gz in Path(folder).glob("*.csv.gz"):
        with gzip.open(gz, "rb") as src, open(dest / gz.name[:-3], "wb") as dst:
            shutil.copyfileobj(src, dst)
    return dest


_FEATURES: dict = {}


def _one(job):
    stem, csv_dir, emb_dir, seed = job
    import numpy as np

    from gapscope.triage.dataset import read_labelled_csv
    from gapscope.triage.features import build_features
    from gapscope.triage.simulate import simulate_run

    if stem not in _FEATURES:  # once per review and worker process
        ds = read_labelled_csv(Path(csv_dir) / f"{stem}.csv")
        feats = build_features(ds.texts, np.load(Path(emb_dir) / f"{stem}.emb.npy"))
        _FEATURES.clear()
        _FEATURES[stem] = (feats.matrix, ds.labels, ds.no_text)
    X, labels, no_text = _FEATURES[stem]
    t = time.time()
    r = simulate_run(X, labels, seed, no_text=no_text)
    return stem, {"review": stem, "seed": seed, "priors": r.priors, "order": [int(i) for i in r.order],
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
    csv_dir = unpack(folder)
    stems = sorted((p.stem for p in csv_dir.glob("*.csv")), key=lambda s: -(csv_dir / f"{s}.csv").stat().st_size)
    todo = [(s, str(csv_dir), folder, seed) for s in stems for seed in seeds]   # largest reviews first
    Path(out).mkdir(parents=True, exist_ok=True)
    import numpy
    import scipy
    import sklearn

    print(f"python {sys.version.split()[0]}, numpy {numpy.__version__}, scipy {scipy.__version__}, "
          f"scikit-learn {sklearn.__version__}, {jobs} processes, {len(todo)} runs", flush=True)
    t = time.time()
    with Pool(jobs) as pool:
        for stem, rec in pool.imap_unordered(_one, todo):
            with open(Path(out) / "gapscope.jsonl", "a") as fh:
                fh.write(json.dumps(rec) + "\n")
            print(f"{time.time() - t:7.1f}s {stem} seed {rec['seed']}: {rec['seconds']} s", flush=True)


def _asreview_one(job):
    import subprocess
    import tempfile

    csv, seed = job
    t = time.time()
    res = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "asreview_runner.py"), csv, "--seeds", str(seed)],
                         capture_output=True, text=True, cwd=tempfile.mkdtemp())
    if res.returncode != 0:
        return Path(csv).stem, None, res.stderr[-1500:]
    rec = json.loads(res.stdout.strip().splitlines()[-1])
    rec["review"] = Path(csv).stem
    rec["seconds"] = round(time.time() - t, 1)
    return rec["review"], rec, ""


def asreview(folder: str, out: str, seeds: list[int], jobs: int, reviews: list[str]) -> None:
    from multiprocessing import Pool

    csvs = sorted((c for c in unpack(folder).glob("*.csv") if not reviews or any(r in c.name for r in reviews)),
                  key=lambda p: p.stat().st_size)
    todo = [(str(c), seed) for c in csvs for seed in seeds]   # smallest reviews first: they finish whole
    Path(out).mkdir(parents=True, exist_ok=True)
    t = time.time()
    with Pool(jobs) as pool:
        for stem, rec, err in pool.imap_unordered(_asreview_one, todo):
            if rec is None:
                print(f"{time.time() - t:7.1f}s ASReview {stem} failed: {err}", flush=True)
                continue
            with open(Path(out) / "asreview.jsonl", "a") as fh:
                fh.write(json.dumps(rec) + "\n")
            print(f"{time.time() - t:7.1f}s ASReview {stem} seed {rec['seed']}: {rec['seconds']} s", flush=True)


def split(out: str, orders: str) -> None:
    """File the runs of OUT/gapscope.jsonl per review into ORDERS, and OUT/asreview.jsonl into the cache."""
    from gapscope.triage.vectors import cache_dir

    Path(orders).mkdir(parents=True, exist_ok=True)
    for name, dest in (("gapscope.jsonl", Path(orders)), ("asreview.jsonl", cache_dir())):
        src = Path(out) / name
        if not src.exists():
            continue
        by_review: dict[str, dict[int, str]] = {}
        for line in src.read_text().splitlines():
            if line.strip():
                rec = json.loads(line)
                by_review.setdefault(rec["review"], {})[rec["seed"]] = line
        for review, runs in by_review.items():
            target = dest / (f"{review}.jsonl" if name == "gapscope.jsonl" else f"asreview-2-elas_u4-{review}.jsonl")
            old = {json.loads(x)["seed"]: x for x in target.read_text().splitlines() if x.strip()} if target.exists() else {}
            old.update(runs)
            target.write_text("".join(old[s] + "\n" for s in sorted(old)))
            print(f"{target}: seeds {sorted(old)}")


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
    a = sub.add_parser("asreview")
    a.add_argument("folder")
    a.add_argument("out")
    a.add_argument("--seeds", type=int, nargs="+", default=list(range(1, 11)))
    a.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a.add_argument("--reviews", nargs="*", default=[], help="Substrings of the review names (default: all).")
    sp = sub.add_parser("split")
    sp.add_argument("out")
    sp.add_argument("orders")
    args = ap.parse_args()
    if args.cmd == "prepare":
        prepare(args.reviews)
    elif args.cmd == "run":
        run(args.folder, args.out, args.seeds, args.jobs)
    elif args.cmd == "asreview":
        asreview(args.folder, args.out, args.seeds, args.jobs, args.reviews)
    else:
        split(args.out, args.orders)


if __name__ == "__main__":
    main()
