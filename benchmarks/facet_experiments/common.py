"""What the facet experiment scripts share: paths, the role labels, macro-F1, a BiGRU sentence head
and the fine-tuning loop. Data: $GAPSCOPE_SHARED_DATA (default ../shared/data); features and
checkpoints: $FACET_EXP_DIR (default /tmp/gapscope-facet-exp)."""
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "core"))
OUT = os.environ.get("FACET_EXP_DIR", "/tmp/gapscope-facet-exp") + "/"
os.makedirs(OUT, exist_ok=True)
D = os.environ.get("GAPSCOPE_SHARED_DATA", str(ROOT.parent / "shared" / "data")) + "/facets/"
LIMITATIONS = D + "limitations/limitation-sentences-seed-semi.tsv"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROLES = ("background", "objective", "method", "result", "other")


def f1s(gold, pred):
    """(macro-F1 over the five roles, {role: F1})."""
    r = {}
    for i, label in enumerate(ROLES):
        tp = ((gold == i) & (pred == i)).sum()
        fp = ((gold != i) & (pred == i)).sum()
        fn = ((gold == i) & (pred != i)).sum()
        pr, rc = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        r[label] = round(float(2 * pr * rc / max(pr + rc, 1e-9)), 3)
    return float(np.mean(list(r.values()))), r


def sentence_gru(fdim, hidden=128, drop=0.3):
    """Sentence features (B, n, fdim) + lengths -> role logits (B, n, 5): projection, BiGRU, linear."""
    import torch
    from torch import nn

    class SentenceGRU(nn.Module):
        def __init__(self):
            super().__init__()
            self.drop = nn.Dropout(drop)
            self.proj = nn.Linear(fdim, hidden)
            self.gru = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
            self.out = nn.Linear(3 * hidden, len(ROLES))

        def forward(self, x, lengths):
            h = torch.relu(self.proj(self.drop(x)))
            pk = nn.utils.rnn.pack_padded_sequence(h, lengths, batch_first=True, enforce_sorted=False)
            c, _ = self.gru(pk)
            c, _ = nn.utils.rnn.pad_packed_sequence(c, batch_first=True, total_length=x.shape[1])
            return self.out(self.drop(torch.cat([h, c], -1)))

    return SentenceGRU()


def fit(m, tr, dv, groups, epochs, bs, seed, after_epoch=None):
    """AdamW + one-cycle schedule over length-bucketed batches of abstracts; prints dev macro-F1 per epoch.
    ``m(batch)`` -> (logits, mask); an abstract's gold labels are its last item; ``groups``: (params, lr)."""
    import torch
    from torch import nn

    opt = torch.optim.AdamW([{"params": p, "lr": lr} for p, lr in groups], weight_decay=1e-2)
    steps = epochs * ((len(tr) + bs - 1) // bs)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[lr for _, lr in groups], total_steps=steps,
                                                pct_start=0.1, anneal_strategy="linear")
    lossf = nn.CrossEntropyLoss()
    t0 = time.time()
    order = sorted(range(len(tr)), key=lambda i: len(tr[i][0]))
    chunks = [order[s:s + bs] for s in range(0, len(order), bs)]
    for ep in range(epochs):
        m.train()
        g = torch.Generator().manual_seed(seed * 100 + ep)
        for ci in torch.randperm(len(chunks), generator=g).tolist():
            batch = [tr[i] for i in chunks[ci]]
            logits, mask = m(batch)
            y = nn.utils.rnn.pad_sequence([b[-1] for b in batch], batch_first=True)
            loss = lossf(logits[mask], y[mask])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
            opt.step()
            sched.step()
        m.eval()
        preds = []
        with torch.no_grad():
            for s in range(0, len(dv), 16):
                lg, mk = m(dv[s:s + 16])
                preds.append(lg[mk].argmax(-1))
        gold = torch.cat([b[-1] for b in dv]).numpy()
        pred = torch.cat(preds).numpy()
        mf, per = f1s(gold, pred)
        print(ep + 1, "macro %.4f acc %.4f" % (mf, (gold == pred).mean()), per, "%.0fs" % (time.time() - t0), flush=True)
        if after_epoch:
            after_epoch(ep)


def load_limitation_splits():
    from gapscope.facets.data import read_limitations

    return read_limitations(LIMITATIONS, "train"), read_limitations(LIMITATIONS, "heldout")
