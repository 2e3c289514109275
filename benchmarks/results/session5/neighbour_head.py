"""The product's limitation head and its training (`gapscope.facets.train`) with and without the vectors of the
sentences just before and after, taken from the limitation TSV when it holds them (zeros otherwise).
CSAbstruct training sentences are negatives x0.3 with their real neighbours, as in the product.
Prints held-out F1 at thresholds 0.4 / 0.5 / 0.6. See limitation_file_leak.py for why the
neighbour version scores 0.94: the file's sampling, not the sentences, gives the label away.

    python benchmarks/results/session5/neighbour_head.py own|neighbours
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "facet_experiments"))
from common import D, LIMITATIONS  # noqa: E402

from gapscope.embed import Encoder  # noqa: E402
from gapscope.facets.data import read_csabstruct, read_limitations  # noqa: E402
from gapscope.facets.dataset import abstracts_arrays, sentences_arrays, split_by_offsets  # noqa: E402
from gapscope.facets import train as T  # noqa: E402
from gapscope.facets.model import new_model  # noqa: E402


def main() -> None:
    mode = sys.argv[1]
    enc, layers = Encoder(), list(range(1, 7))
    width = enc.dim * len(layers)
    train, held = read_limitations(LIMITATIONS, "train"), read_limitations(LIMITATIONS, "heldout")
    vec = {r.key: v for rows in (train, held)
           for r, v in zip(rows, sentences_arrays(enc, rows, "lim", span_layers=layers)["sent"])}
    with open(LIMITATIONS, encoding="utf-8", newline="") as fh:
        raw = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    number = [int(re.sub(r"\D", "", r["sentence_id"]) or -1) for r in raw]
    key_at = {(r["article"], number[i]): f"{Path(LIMITATIONS).name}:{i + 2}" for i, r in enumerate(raw)}
    zero = np.zeros(width, np.float32)

    def rows_x(rows):
        out = []
        for r in rows:
            s = number[int(r.key.rsplit(":", 1)[1]) - 2]
            prev, nxt = vec.get(key_at.get((r.article, s - 1))), vec.get(key_at.get((r.article, s + 1)))
            out.append(np.concatenate([vec[r.key], zero if prev is None else prev, zero if nxt is None else nxt]))
        return np.stack(out).astype(np.float32)

    abstracts = read_csabstruct(D + "csabstruct/train.jsonl")
    feats = abstracts_arrays(enc, abstracts, "csab", span_layers=layers)
    cx, ct = [], []
    for a, s in zip(abstracts, split_by_offsets(feats["sent"], feats["offsets"])):
        for j in range(len(s)):
            cx.append(np.concatenate([s[j], s[j - 1] if j else zero, s[j + 1] if j + 1 < len(s) else zero]))
            ct.append(a.text[a.spans[j][0]:a.spans[j][1]])
    keep = slice(None) if mode == "neighbours" else slice(0, width)
    x = np.concatenate([rows_x(train), np.stack(cx)])[:, keep].astype(np.float32)
    y = np.concatenate([[float(r.positive) for r in train], np.zeros(len(cx))]).astype(np.float32)
    w = np.concatenate([np.ones(len(train)), np.full(len(cx), 0.3)]).astype(np.float32)
    cfg = dict(T.DEFAULTS, dim=x.shape[1], doc_dim=enc.dim)
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = new_model(cfg)
    T._train_limitations(model, x, y, w, [r.text for r in train] + ct, cfg, torch.Generator().manual_seed(0),
                         None, None)
    with torch.inference_mode():
        p = torch.sigmoid(model.lim(torch.from_numpy(rows_x(held)[:, keep]), model.lex([r.text for r in held]))).numpy()
    yh = np.array([r.positive for r in held])
    f1 = []
    for t in (0.4, 0.5, 0.6):
        tp = int(((p >= t) & yh).sum())
        pr, rc = tp / max(int((p >= t).sum()), 1), tp / yh.sum()
        f1.append(f"{t}: {2 * pr * rc / max(pr + rc, 1e-9):.3f}")
    print(mode, "held-out F1 at", ", ".join(f1), flush=True)

if __name__ == "__main__":
    main()
