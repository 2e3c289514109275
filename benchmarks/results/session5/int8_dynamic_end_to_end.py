"""int8 linear maps with fused dynamic quantisation (torch.ao quantize_dynamic: fbgemm or oneDNN),
end to end on real abstracts: speed and cosine to the fp32 encode, beside the shipped bf16 path.

The packed forward runs in fp32 with its four linear maps per layer swapped for dynamically quantised
ones (int8 weights, activations quantised per tensor inside the kernel).

    python benchmarks/results/session5/int8_dynamic_end_to_end.py [N] [fbgemm|onednn]
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from bench_embed import load_texts  # noqa: E402

from gapscope.embed import packed  # noqa: E402
from gapscope.embed.encoder import Encoder  # noqa: E402


class DynamicInt8Linear:
    def __init__(self, weight, bias, engine: str) -> None:
        lin = torch.nn.Linear(weight.shape[1], weight.shape[0])
        lin.weight.data, lin.bias.data = weight.float().clone(), bias.float().clone()
        qconfig = (torch.ao.quantization.default_dynamic_qconfig if engine == "onednn"
                   else torch.ao.quantization.per_channel_dynamic_qconfig)
        self.q = torch.ao.quantization.quantize_dynamic(torch.nn.Sequential(lin), {torch.nn.Linear: qconfig},
                                                        dtype=torch.qint8)

    def __call__(self, x, act="none", residual=None):
        y = self.q(x)
        if act == "gelu":
            y = F.gelu(y)
        return y if residual is None else y + residual


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    engine = sys.argv[2] if len(sys.argv) > 2 else "fbgemm"
    texts = load_texts(n, offset=5000)

    def timed(enc):
        t = time.perf_counter()
        v = enc.encode(texts)
        return v, n / (time.perf_counter() - t)

    ref, r32 = timed(Encoder(precision="fp32"))
    vb, rb = timed(Encoder(precision="bf16"))
    torch.backends.quantized.engine = engine
    enc = Encoder(precision="fp32")
    runner = packed.PackedBert(enc.transformer)
    for layer in runner.layers:
        for k in ("qkv", "out", "up", "down"):
            layer[k] = DynamicInt8Linear(layer[k].weight, layer[k].bias, engine)
    sig = tuple((p.data_ptr(), p._version) for p in enc.transformer.parameters())
    enc._runners[id(enc.transformer)] = (enc.transformer, sig, runner)
    vq, rq = timed(enc)
    cb, cq = (vb * ref).sum(1), (vq * ref).sum(1)
    print(f"{n} abstracts, engine {engine}: fp32 {r32:.1f}/s, bf16 {rb:.1f}/s, int8 {rq:.1f}/s | cosine to fp32: "
          f"bf16 min {cb.min():.5f} mean {cb.mean():.6f}, int8 min {cq.min():.5f} mean {cq.mean():.6f}")


if __name__ == "__main__":
    main()
