"""The Ray path of `gapscope embed` against the local path on this machine, and a projection for arXiv.

Both paths embed the same N real abstracts (the shared cs file) into fresh libraries on the same CPUs:
the local path with one encoder on every core (torch threads = cores), the Ray path with a local Ray of
the same cores and one 1-CPU encoder actor per core. It prints the wall times, their ratio (the
overhead of Ray), the actors' start-up (model load), the per-actor throughput once started, checks the
vectors are bit-identical, and projects the time of 2.7M abstracts from the measured per-actor rate.

    PYTHONPATH=core nice python benchmarks/bench_ray.py --n 600 --cpus 2
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "core"), str(ROOT)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=600, help="abstracts from the shared cs file")
    ap.add_argument("--cpus", type=int, default=2, help="CPUs for both paths (Ray: one 1-CPU actor each)")
    ap.add_argument("--chunk", type=int, default=100, help="texts per chunk (commit) on both paths")
    ap.add_argument("--device", default="cpu", help="cpu or cuda (cuda: one actor per GPU, --cpus = GPUs)")
    ap.add_argument("--corpus", type=float, default=2.7e6, help="abstracts to project for")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    shared = os.environ.get("GAPSCOPE_SHARED_DATA", str(ROOT.parent / "shared" / "data"))

    import numpy as np
    import ray
    import torch

    from gapscope.cluster.library import embed_library_ray
    from gapscope.cluster.pool import RayChunkRunner
    from gapscope.cluster.workers import embed_worker
    from gapscope.embed import Encoder, embed_library
    from gapscope.embed import store as vstore
    from gapscope.store import Library
    from tests.core.facets_helpers import add_papers, arxiv_records

    import functools

    print(f"$ PYTHONPATH=core nice python benchmarks/bench_ray.py --n {args.n} --cpus {args.cpus} --chunk {args.chunk}"
          f" --device {args.device}")
    print(f"machine: {os.cpu_count()} cores, load average before {os.getloadavg()[0]:.2f} (shared with other users)")
    recs = arxiv_records(shared, args.n)
    tmp = Path(tempfile.mkdtemp(prefix="bench-ray-"))
    here, there = Library(tmp / "here.sqlite"), Library(tmp / "there.sqlite")
    add_papers(here, recs)
    add_papers(there, recs)

    torch.set_num_threads(args.cpus)
    t = time.perf_counter()
    enc = Encoder(device=args.device)
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    embed_library(here, ("abstract",), encoder=enc, chunk=args.chunk)
    local_s = time.perf_counter() - t

    ray.init(num_cpus=args.cpus, num_gpus=args.cpus if args.device.startswith("cuda") else 0, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        gpus = 1 if args.device.startswith("cuda") else 0
        runner = RayChunkRunner(functools.partial(embed_worker, {"model": None, "device": args.device}, "auto", 1),
                                actors=args.cpus, cpus=1, gpus=gpus)
        t = time.perf_counter()
        embed_library_ray(there, ("abstract",), chunk=args.chunk, runner=runner)
        ray_s = time.perf_counter() - t
    finally:
        ray.shutdown()
    a, b = vstore.load(here, "abstract", enc.model_id)[1], vstore.load(there, "abstract", enc.model_id)[1]
    here.close()
    there.close()
    steady = ray_s - runner.ready_s
    per_actor = args.n / steady / args.cpus
    print(f"local  : {args.n} abstracts in {local_s:.1f} s ({args.n / local_s:.1f}/s) on {args.cpus} torch threads "
          f"(+{load_s:.1f} s model load, not counted)")
    print(f"ray    : {args.n} abstracts in {ray_s:.1f} s ({args.n / ray_s:.1f}/s) on {args.cpus} actors x 1 CPU, "
          f"of which {runner.ready_s:.1f} s actor start-up (model load in each)")
    print(f"ratio  : ray / local wall time = {ray_s / local_s:.2f} (with start-up), "
          f"{steady / local_s:.2f} (once started)")
    print(f"vectors: bit-identical = {bool(np.array_equal(a, b))} ({len(a)} x {a.shape[1] if len(a) else 0})")
    unit = "GPU" if args.device.startswith("cuda") else "CPU"
    print(f"per actor (1 {unit} of this machine, {enc.precision}): {per_actor:.1f} abstracts/s")
    cpu_h = args.corpus / per_actor / 3600
    print(f"projection for {args.corpus / 1e6:.1f}M abstracts from that rate: {cpu_h:,.0f} {unit}-hours; "
          + ", ".join(f"{k} {unit}s {cpu_h / k:.1f} h" for k in ((16, 64, 256, 1024) if unit == "CPU" else (1, 4, 8, 32))))
    if unit == "CPU":
        print("GPU: not measured here; run with --device cuda on a GPU machine to fill it in.")


if __name__ == "__main__":
    main()
