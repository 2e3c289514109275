"""The facets pass (one encoder pass: abstract embedding, sentence roles and shortcomings, pooled facet
vectors) and the plain abstract embedding on a GPU against the same machine's CPUs, in one run.

It reads N real abstracts (a JSON-lines file of arXiv records, .gz or not), runs `classify_texts` (the unit
of work of `gapscope facets`, local or on a Ray worker) in chunks of 256 on each device, and `Encoder.encode`
for the `abstract` embedding alone. It prints abstracts per second, the GPU/CPU ratio, how often the two
devices agree on the labels (the GPU runs fp16, the CPU bf16 or fp32), and what 74,566 and 2.7M abstracts
would take at the measured rates.

    PYTHONPATH=core python benchmarks/bench_gpu_facets.py --data cs.jsonl.gz --n 20000 --cpu-n 1000
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "core")]


def read_records(path: str, n: int) -> list[tuple[int, str, str]]:
    opener = gzip.open if path.endswith(".gz") else open
    rows = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec.get("abstract"):
                rows.append((len(rows), rec.get("title") or "", rec["abstract"]))
            if len(rows) >= n:
                break
    return rows


def run(device: str, rows, model_dir, chunk: int, sync) -> dict:
    from gapscope.embed import Encoder
    from gapscope.facets.model import load_model
    from gapscope.facets.store import classify_texts, prepare_chunk

    enc = Encoder(device=device)
    model = load_model(model_dir)
    warm = prepare_chunk(rows[:32])
    classify_texts(enc, model, *warm, pooled=True)           # load kernels and weights before timing
    sync()
    labels, t0 = [], time.perf_counter()
    for i in range(0, len(rows), chunk):
        _, preds, _ = classify_texts(enc, model, *prepare_chunk(rows[i:i + chunk]), pooled=True)
        labels.extend(preds)
    sync()
    classify_s = time.perf_counter() - t0
    texts = [f"{t}. {a}" for _, t, a in rows]
    t0 = time.perf_counter()
    enc.encode(texts)
    sync()
    embed_s = time.perf_counter() - t0
    return {"device": device, "precision": enc.precision, "n": len(rows), "classify_s": classify_s,
            "embed_s": embed_s, "labels": labels}


def agreement(a, b) -> tuple[float, float, int]:
    """Share of sentences where both devices give the same role, and the same shortcoming."""
    same_role = same_short = total = 0
    for pa, pb in zip(a, b):
        for la, lb in zip(pa, pb):
            total += 1
            same_role += la.role == lb.role
            same_short += la.shortcoming == lb.shortcoming
    return same_role / max(total, 1), same_short / max(total, 1), total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="arXiv records, one JSON object per line (.gz or not)")
    ap.add_argument("--n", type=int, default=20000, help="abstracts on the GPU")
    ap.add_argument("--cpu-n", type=int, default=1000, help="of those, the first N also on the CPU")
    ap.add_argument("--chunk", type=int, default=256)
    ap.add_argument("--model", default=None, help="facet model folder (default: the shipped head)")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    print(f"$ PYTHONPATH=core python benchmarks/bench_gpu_facets.py --data {Path(args.data).name} --n {args.n} "
          f"--cpu-n {args.cpu_n} --chunk {args.chunk}")
    cuda = torch.cuda.is_available()
    gpu_name = torch.cuda.get_device_name(0) if cuda else "none"
    print(f"machine: {os.cpu_count()} CPU cores (torch threads {torch.get_num_threads()}), GPU {gpu_name}, "
          f"torch {torch.__version__}")
    rows = read_records(args.data, args.n)
    results = []
    if cuda:
        results.append(run("cuda", rows, args.model, args.chunk, torch.cuda.synchronize))
    results.append(run("cpu", rows[:args.cpu_n], args.model, args.chunk, lambda: None))
    print(f"{'device':<6}{'precision':>10}{'abstracts':>10}{'facets pass /s':>16}{'embed only /s':>15}")
    for r in results:
        print(f"{r['device']:<6}{r['precision']:>10}{r['n']:>10}{r['n'] / r['classify_s']:>16.1f}"
              f"{r['n'] / r['embed_s']:>15.1f}")
    if cuda:
        g, c = results
        print(f"GPU / CPU throughput: facets pass {(g['n'] / g['classify_s']) / (c['n'] / c['classify_s']):.1f}x, "
              f"embed {(g['n'] / g['embed_s']) / (c['n'] / c['embed_s']):.1f}x")
        role, short, total = agreement(g["labels"][:c["n"]], c["labels"])
        print(f"labels, GPU fp16 vs CPU {c['precision']} on {total} sentences: same role {role:.4f}, "
              f"same shortcoming {short:.4f}")
    for r in results:
        rate = r["n"] / r["classify_s"]
        print(f"projection on {r['device']}: 74,566 abstracts {74566 / rate / 60:.1f} min, "
              f"2.7M abstracts {2.7e6 / rate / 3600:.2f} h (facets pass, one {r['device']})")


if __name__ == "__main__":
    main()
