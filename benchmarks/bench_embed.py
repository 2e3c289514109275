"""Embedding throughput: gapscope.embed.Encoder against plain SentenceTransformer(...).encode(texts).

Reads N real abstracts (title + ". " + abstract) from the shared arXiv file, embeds them both ways in
one run, and prints both throughputs, the ratio and the cosine similarity of the two outputs.

    python benchmarks/bench_embed.py [--n 2000] [--device cpu|cuda] [--precision auto|bf16|fp32|fp16]
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
sys.path.insert(0, str(ROOT / "core"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def shared_data() -> Path:
    env = os.environ.get("GAPSCOPE_SHARED_DATA")
    for cand in ([Path(env)] if env else []) + [ROOT.parent / "shared" / "data", ROOT.parents[1] / "shared" / "data"]:
        if cand.is_dir():
            return cand
    sys.exit("shared data not found; set GAPSCOPE_SHARED_DATA")


def load_texts(n: int, offset: int = 0) -> list[str]:
    path = shared_data() / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz"
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i < offset:
                continue
            rec = json.loads(line)
            if rec.get("abstract"):
                out.append(rec["title"].strip() + ". " + rec["abstract"].strip())
            if len(out) >= n:
                break
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--device", default=None)
    ap.add_argument("--precision", default="auto")
    ap.add_argument("--batch-size", type=int, default=None)
    ap.add_argument("--plain-batch-size", type=int, default=32, help="sentence-transformers' default is 32")
    args = ap.parse_args()
    print("command:", " ".join([os.path.basename(sys.executable)] + sys.argv))

    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    from gapscope.embed import Encoder
    from gapscope.embed.encoder import default_model_path

    texts = load_texts(args.n)
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    print(f"texts: {len(texts)} real abstracts; device: {device}; torch threads: {torch.get_num_threads()}")

    plain = SentenceTransformer(default_model_path(), device=device)
    plain.encode(texts[:8])  # warm-up
    t0 = time.perf_counter()
    ref = plain.encode(texts, batch_size=args.plain_batch_size, convert_to_numpy=True)
    t_plain = time.perf_counter() - t0
    del plain

    enc = Encoder(device=device, precision=args.precision)
    enc.encode(texts[:8])
    t0 = time.perf_counter()
    fast = enc.encode(texts, batch_size=args.batch_size)
    t_fast = time.perf_counter() - t0

    ref = ref / np.linalg.norm(ref, axis=1, keepdims=True)
    cos = (ref * fast).sum(axis=1)
    print(f"plain SentenceTransformer.encode: {len(texts) / t_plain:8.1f} texts/s ({t_plain:.1f} s)")
    print(f"gapscope Encoder ({enc.precision}):     {len(texts) / t_fast:8.1f} texts/s ({t_fast:.1f} s)")
    print(f"ratio: {t_plain / t_fast:.2f}x")
    print(f"cosine to plain: min {cos.min():.5f} mean {cos.mean():.6f}")


if __name__ == "__main__":
    main()
