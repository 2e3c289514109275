"""The limitation head (same MLP and lexical bag as the product's) with and without the vectors of the
sentences just before and after, taken from the limitation TSV when it holds them (zeros otherwise).
CSAbstruct training sentences are negatives x0.3 with their real neighbours, as in the product.
Prints held-out F1 per epoch at thresholds 0.4 / 0.5 / 0.6. See limitation_file_leak.py for why the
neighbour version scores 0.93: the file's sampling, not the sentences, gives the label away.

    python benchmarks/results/session5/neighbour_head.py own|neighbours
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1].parent / "facet_experiments"))
from common import D, LIMITATIONS  # noqa: E402

from gapscope.embed import Encoder  # noqa: E402
from gapscope.facets.data import read_csabstruct, read_limitations  # noqa: E402
from gapscope.facets.dataset import abstracts_arrays, sentences_arrays, split_by_offsets  # noqa: E402
from gapscope.facets.model import lexical_batch  # noqa: E402

BUCKETS = 1 << 14


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
    w = np.where(y > 0, w * (w * (1 - y)).sum() / (w * y).sum(), w).astype(np.float32)
    texts = [r.text for r in train] + ct
    xh, yh = torch.from_numpy(rows_x(held)[:, keep]), np.array([r.positive for r in held])
    lex_h = lexical_batch([r.text for r in held], BUCKETS)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    lex = nn.EmbeddingBag(BUCKETS, 32, mode="mean")
    net = nn.Sequential(nn.Dropout(0.4), nn.Linear(x.shape[1] + 32, 128), nn.GELU(), nn.Dropout(0.4), nn.Linear(128, 1))
    params = list(lex.parameters()) + list(net.parameters())
    opt = torch.optim.AdamW(params, lr=2e-3, weight_decay=1e-2)
    epochs = 15
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    X, Y, W = map(torch.from_numpy, (x, y, w))
    for epoch in range(epochs):
        net.train()
        order = torch.randperm(len(X))
        for s in range(0, len(order), 128):
            i = order[s:s + 128]
            opt.zero_grad()
            bag = lex(*lexical_batch([texts[k] for k in i.tolist()], BUCKETS))
            loss = nn.functional.binary_cross_entropy_with_logits(net(torch.cat([X[i], bag], -1)).squeeze(-1), Y[i], weight=W[i])
            loss.backward()
            opt.step()
        sched.step()
        net.eval()
        with torch.no_grad():
            p = torch.sigmoid(net(torch.cat([xh, lex(*lex_h)], -1)).squeeze(-1)).numpy()
        f1 = []
        for t in (0.4, 0.5, 0.6):
            tp = int(((p >= t) & yh).sum())
            pr, rc = tp / max(int((p >= t).sum()), 1), tp / yh.sum()
            f1.append(f"{t}: {2 * pr * rc / max(pr + rc, 1e-9):.3f}")
        print(mode, "epoch", epoch + 1, "held-out F1 at", ", ".join(f1), flush=True)


if __name__ == "__main__":
    main()
