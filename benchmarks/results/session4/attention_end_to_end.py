"""End to end: the bf16 encoder on 600 real abstracts with torch's scaled_dot_product_attention, then
with it swapped for two bf16 bmm's and a softmax (attention_variants.py's fastest), alternating twice;
throughput and the cosine to the fp32 encoder."""
import math
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT / "core"), str(ROOT / "benchmarks")]
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from bench_embed import load_texts  # noqa: E402
from gapscope.embed import Encoder  # noqa: E402

texts = load_texts(600)
ref = Encoder(precision="fp32").encode(texts)
enc = Encoder(precision="bf16")
enc.encode(texts[:8])
sdpa = F.scaled_dot_product_attention


def bmm_attention(q, k, v):
    g, h, n, d = q.shape
    qs = (q * (1 / math.sqrt(d))).reshape(g * h, n, d)
    p = torch.softmax(torch.bmm(qs, k.reshape(g * h, n, d).transpose(1, 2)), -1)
    return torch.bmm(p, v.reshape(g * h, n, d)).view(g, h, n, d)


for name, fn in [("sdpa", sdpa), ("bmm", bmm_attention), ("sdpa", sdpa), ("bmm", bmm_attention)]:
    F.scaled_dot_product_attention = fn       # packed.py looks it up at each call
    t0 = time.perf_counter()
    out = enc.encode(texts)
    dt = time.perf_counter() - t0
    cos = (out * ref).sum(1)
    print(f"{name} {len(texts) / dt:.1f}/s min cos {cos.min():.5f} mean {cos.mean():.6f}")
