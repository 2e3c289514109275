"""Embedding throughput: gapscope.embed.Encoder against plain SentenceTransformer(...).encode(texts).

Reads N real abstracts (title + ". " + abstract) from the shared arXiv file, embeds them both ways in
one run, and prints both throughputs, the ratio and the cosine similarity of the two outputs. With
``--facets`` it also times the facets pass: ``Encoder.encode_spans`` over the same abstracts with their
sentence spans, in chunks of 256 as ``gapscope.facets.store.classify_library`` calls it.

Needs only the arXiv file (no library): ``--file`` names a copy of it elsewhere (e.g. on a GPU machine).

    python benchmarks/bench_embed.py [--n 2000] [--device cpu|cuda] [--precision auto|bf16|fp32|fp16]
                                     [--file PATH] [--facets]

On CPU it also prints the arithmetic ceiling: the encoder's FLOP for these texts (counted from their
token lengths), the rate each side reached, this CPU's fp32 and bf16 matmul peak on a layer-shaped
product at the same thread count, and the ratio a bf16 forward running at that peak would reach.
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


def arxiv_file() -> Path:
    return shared_data() / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz"


def load_records(n: int, offset: int = 0, path: Path | None = None) -> list[tuple[str, str]]:
    """(title, abstract) of the first ``n`` records with an abstract (plain or gzipped JSON lines)."""
    path = Path(path) if path else arxiv_file()
    opener = gzip.open if path.suffix == ".gz" else open
    out = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i < offset:
                continue
            rec = json.loads(line)
            if rec.get("abstract"):
                out.append((rec.get("title") or "", rec["abstract"]))
            if len(out) >= n:
                break
    return out


def load_texts(n: int, offset: int = 0, path: Path | None = None) -> list[str]:
    return [t.strip() + ". " + a.strip() for t, a in load_records(n, offset, path)]


def sentence_spans(records: list[tuple[str, str]]) -> tuple[list[str], list[list[tuple[int, int]]]]:
    """The texts and sentence spans classify_library gives encode_spans."""
    from gapscope.embed.store import abstract_text
    from gapscope.facets.split import split_sentences

    texts, spans = [], []
    for title, abstract in records:
        text = abstract_text(title, abstract)
        body = abstract.strip()
        lead = len(abstract) - len(abstract.lstrip())
        shift = len(text) - len(body) - lead
        texts.append(text)
        spans.append([(a + shift, b + shift) for a, b, _ in split_sentences(abstract)])
    return texts, spans


def encoder_flop(model, texts: list[str]) -> float:
    """FLOP of the BERT forward over ``texts`` as sentence-transformers truncates them: per layer and token
    the four linear maps (2 * (4 H^2 + 2 H F)) plus attention's scores and weighted sum (4 * n * H)."""
    cfg = model[0].auto_model.config
    h, f, layers = cfg.hidden_size, cfg.intermediate_size, cfg.num_hidden_layers
    enc = model.tokenizer(texts, truncation=True, max_length=model.max_seq_length)["input_ids"]
    return float(sum(layers * (2 * n * (4 * h * h + 2 * h * f) + 4 * n * n * h) for n in map(len, enc)))


def matmul_peak(hidden: int, ffn: int, dtype) -> float:
    """FLOP/s of a layer-shaped product (4096 x hidden) @ (hidden x ffn), best of five, at the current
    torch thread count."""
    import torch

    a, b = torch.randn(4096, hidden, dtype=dtype), torch.randn(hidden, ffn, dtype=dtype)
    a @ b
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(5):
            a @ b
        best = min(best, (time.perf_counter() - t0) / 5)
    return 2 * 4096 * hidden * ffn / best


def print_ceiling(plain, texts: list[str], t_plain: float, t_fast: float) -> None:
    import torch

    flop = encoder_flop(plain, texts)
    cfg = plain[0].auto_model.config
    fp32 = matmul_peak(cfg.hidden_size, cfg.intermediate_size, torch.float32)
    bf16 = matmul_peak(cfg.hidden_size, cfg.intermediate_size, torch.bfloat16)
    r_plain, r_fast = flop / t_plain, flop / t_fast
    print(f"arithmetic: {flop / 1e9:.0f} GFLOP for these texts ({flop / len(texts) / 1e6:.0f} MFLOP per text)")
    print(f"matmul peak here ({torch.get_num_threads()} threads, 4096x{cfg.hidden_size} @ "
          f"{cfg.hidden_size}x{cfg.intermediate_size}): fp32 {fp32 / 1e9:.0f} GFLOP/s, bf16 {bf16 / 1e9:.0f} GFLOP/s")
    print(f"plain reached {r_plain / 1e9:.0f} GFLOP/s ({r_plain / fp32:.0%} of the fp32 peak); "
          f"gapscope {r_fast / 1e9:.0f} GFLOP/s ({r_fast / bf16:.0%} of the bf16 peak)")
    print(f"ceiling: a bf16 forward at 100% of the bf16 matmul peak would be {bf16 / r_plain:.2f}x plain")


def sync(device: str) -> None:
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--device", default=None)
    ap.add_argument("--precision", default="auto")
    ap.add_argument("--batch-size", type=int, default=None)
    ap.add_argument("--plain-batch-size", type=int, default=32, help="sentence-transformers' default is 32")
    ap.add_argument("--file", default=None, help="arXiv JSON lines (.jsonl or .jsonl.gz); default: the shared file")
    ap.add_argument("--facets", action="store_true", help="also time encode_spans over sentence spans (the facets pass)")
    args = ap.parse_args()
    print("command:", " ".join([os.path.basename(sys.executable)] + sys.argv))

    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    from gapscope.embed import Encoder
    from gapscope.embed.encoder import default_model_path

    records = load_records(args.n, path=args.file)
    texts = [t.strip() + ". " + a.strip() for t, a in records]
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    where = torch.cuda.get_device_name(0) if device.startswith("cuda") else f"torch threads: {torch.get_num_threads()}"
    print(f"texts: {len(texts)} real abstracts; device: {device}; {where}")

    plain = SentenceTransformer(default_model_path(), device=device)
    plain.encode(texts[:8])  # warm-up
    sync(device)
    t0 = time.perf_counter()
    ref = plain.encode(texts, batch_size=args.plain_batch_size, convert_to_numpy=True)
    sync(device)
    t_plain = time.perf_counter() - t0

    enc = Encoder(device=device, precision=args.precision)
    enc.encode(texts[:8])
    sync(device)
    t0 = time.perf_counter()
    fast = enc.encode(texts, batch_size=args.batch_size)
    sync(device)
    t_fast = time.perf_counter() - t0

    ref = ref / np.linalg.norm(ref, axis=1, keepdims=True)
    cos = (ref * fast).sum(axis=1)
    print(f"plain SentenceTransformer.encode: {len(texts) / t_plain:8.1f} texts/s ({t_plain:.1f} s)")
    print(f"gapscope Encoder ({enc.precision}):     {len(texts) / t_fast:8.1f} texts/s ({t_fast:.1f} s)")
    print(f"ratio: {t_plain / t_fast:.2f}x")
    print(f"cosine to plain: min {cos.min():.5f} mean {cos.mean():.6f}")
    if device == "cpu":
        print_ceiling(plain, texts, t_plain, t_fast)
    del plain

    if args.facets:
        from gapscope.facets.model import load_model

        layers = load_model().span_layers          # the hidden states the shipped facet head pools
        stexts, spans = sentence_spans(records)
        n_sent = sum(len(s) for s in spans)
        t0 = time.perf_counter()
        docs = []
        for s in range(0, len(stexts), 256):           # classify_library's CHUNK
            d, _ = enc.encode_spans(stexts[s:s + 256], spans[s:s + 256], batch_size=args.batch_size,
                                    span_layers=layers)
            docs.append(d)
        sync(device)
        t_spans = time.perf_counter() - t0
        dcos = (np.concatenate(docs) * fast).sum(axis=1)
        print(f"facets pass (encode_spans, {n_sent} sentences, hidden states {layers}): "
              f"{len(stexts) / t_spans:8.1f} abstracts/s "
              f"({t_spans:.1f} s); {t_plain / t_spans:.2f}x plain encode; doc vectors vs encode: min cos {dcos.min():.6f}")


if __name__ == "__main__":
    main()
