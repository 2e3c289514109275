"""Where a MiniLM layer's time goes on this CPU: the four linear maps against attention, in bf16 on one
thread (as each encoder worker runs), for one batch of 8 windows of 256 tokens (12 heads of 32).

Prints each part's time, attention's share of the layer, and each part's GFLOP/s, i.e. how much less
efficiently attention's n x n scores and softmax run than the linear maps. Uses the oneDNN-fused
linears of gapscope.embed.packed when this torch has them, plain F.linear otherwise.

    python benchmarks/bench_attention.py [--windows 8] [--tokens 256] [--repeat 20]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))


def timed(fn, repeat: int) -> float:
    fn()
    t0 = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - t0) / repeat


def main() -> None:
    import torch
    import torch.nn.functional as F

    from gapscope.embed.packed import _Linear, _mkldnn_ok

    ap = argparse.ArgumentParser()
    ap.add_argument("--windows", type=int, default=8)
    ap.add_argument("--tokens", type=int, default=256)
    ap.add_argument("--repeat", type=int, default=20)
    a = ap.parse_args()
    torch.set_num_threads(1)
    g, n, d, heads = a.windows, a.tokens, 384, 12
    hd = d // heads
    t = g * n
    bf = torch.bfloat16
    fused = _mkldnn_ok(torch.device("cpu"), bf)
    x = torch.randn(t, d, dtype=bf)
    up_in = torch.randn(t, 4 * d, dtype=bf)

    def lin(out_f, in_f):
        return _Linear(torch.randn(out_f, in_f, dtype=bf) * 0.02, torch.zeros(out_f, dtype=bf), fused, t)

    qkv_l, out_l, up_l, down_l = lin(3 * d, d), lin(d, d), lin(4 * d, d), lin(d, 4 * d)
    q, k, v = (torch.randn(g, heads, n, hd, dtype=bf) for _ in range(3))
    parts = {
        "qkv linear": (lambda: qkv_l(x), 2 * t * d * 3 * d),
        "out linear + residual": (lambda: out_l(x, residual=x), 2 * t * d * d),
        "ffn up + gelu": (lambda: up_l(x, act="gelu"), 2 * t * d * 4 * d),
        "ffn down + residual": (lambda: down_l(up_in, residual=x), 2 * t * 4 * d * d),
        "attention (sdpa)": (lambda: F.scaled_dot_product_attention(q, k, v), 4 * g * heads * n * n * hd),
    }
    times = {name: timed(fn, a.repeat) for name, (fn, _) in parts.items()}
    layer = sum(times.values())
    print(f"one layer, {g} windows x {n} tokens, bf16, 1 thread, oneDNN fused linears: {fused}")
    for name, (_, flop) in parts.items():
        print(f"  {name:24s} {times[name] * 1e3:7.2f} ms  {times[name] / layer:5.1%}  {flop / times[name] / 1e9:6.1f} GFLOP/s")
    lin_t = layer - times["attention (sdpa)"]
    lin_rate = sum(f for nm, (_, f) in parts.items() if nm != "attention (sdpa)") / lin_t
    att_rate = parts["attention (sdpa)"][1] / times["attention (sdpa)"]
    print(f"attention: {times['attention (sdpa)'] / layer:.1%} of the layer; the linears run "
          f"{lin_rate / att_rate:.1f}x more FLOP/s. At the linears' rate the layer would take "
          f"{(lin_t + parts['attention (sdpa)'][1] / lin_rate) / layer:.0%} of its time.")


if __name__ == "__main__":
    main()
