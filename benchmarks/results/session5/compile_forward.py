"""torch.compile (inductor, weights frozen) of the bf16 BertModel against the shipped packed eager forward,
one thread, one batch of 8 x 256 tokens (every window the same length, so both do the same work).

    python benchmarks/results/session5/compile_forward.py [default|max-autotune]
"""
from __future__ import annotations

import sys
import time

import torch
import torch._inductor.config as inductor_config

from gapscope.embed import packed
from gapscope.embed.encoder import Encoder


def bench(f, n: int = 10) -> float:
    with torch.inference_mode():
        f()
        f()
        t = time.perf_counter()
        for _ in range(n):
            f()
    return (time.perf_counter() - t) / n * 1e3


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "default"
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = Encoder(precision="bf16").transformer.eval()
    b, t = 8, 256
    ids = torch.randint(1000, 20000, (b, t))
    mask = torch.ones(b, t, dtype=torch.long)
    runner = packed.PackedBert(model)
    flat = ids.reshape(-1)
    t_packed = bench(lambda: runner(flat, [t] * b))
    t_hf = bench(lambda: model(input_ids=ids, attention_mask=mask))
    inductor_config.freezing = True
    compiled = torch.compile(model, mode=None if mode == "default" else mode, dynamic=False)
    start = time.perf_counter()
    with torch.inference_mode():
        compiled(input_ids=ids, attention_mask=mask)
    t_compile = time.perf_counter() - start
    t_comp = bench(lambda: compiled(input_ids=ids, attention_mask=mask))
    with torch.inference_mode():
        a = runner(flat, [t] * b).float()
        c = compiled(input_ids=ids, attention_mask=mask).last_hidden_state.reshape(b * t, -1).float()
    cos = torch.nn.functional.cosine_similarity(a, c).min().item()
    print(f"mode {mode}: packed eager {t_packed:.0f} ms, transformers eager {t_hf:.0f} ms, compiled {t_comp:.0f} ms "
          f"(packed / compiled = {t_packed / t_comp:.3f}x; first call {t_compile:.0f} s); min token cosine {cos:.5f}")


if __name__ == "__main__":
    main()
