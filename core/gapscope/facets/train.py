"""Train the facet head, deterministically: same files + seed -> the same weights, bit for bit.

Encoder features are computed once and cached under /tmp; the head trains on CPU with one thread
and deterministic algorithms, so the result does not depend on the machine's load or core count.
"""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any, Optional

import numpy as np

from ..jobs import CancelToken, ProgressFn, check, report, scaled
from .data import read_csabstruct, read_limitations
from .dataset import abstracts_arrays, sentences_arrays, split_by_offsets
from .model import ROLES, FacetModel, new_model, pad, role_inputs

# span_layers "all": every hidden state after the embeddings. The last layer alone (the embedding's own)
# gave 0.60 macro-F1 on CSAbstruct dev; all six 0.65-0.66 (seeds 0-2), and the limitation F1 rose from
# 0.67 to 0.72-0.74 (docs/facets.md, How the head was chosen). Fewer epochs, more dropout: dev peaked early.
DEFAULTS = dict(span_layers="all", lex_buckets=1 << 14, lex_dim=32, hidden=128, lim_hidden=128,
                dropout=0.4, epochs=8, lim_epochs=15, class_weight_power=0.5, lr=2e-3, weight_decay=1e-2,
                batch=32, lim_batch=128, threshold=0.5, csab_negatives_weight=0.3)


def train(csabstruct: str | Path, limitations: str | Path, *, seed: int = 0, encoder=None,
          limit: Optional[int] = None, dev: Optional[str | Path] = None, overrides: Optional[dict] = None,
          progress: Optional[ProgressFn] = None, cancel: Optional[CancelToken] = None) -> FacetModel:
    """Train on CSAbstruct (roles) and the training part of the limitation TSV (limitations).

    ``limit`` keeps only the first N abstracts and 4N limitation sentences (for quick tests)."""
    import torch

    cfg = dict(DEFAULTS)
    cfg.update(overrides or {})
    if encoder is None:
        from ..embed import Encoder

        encoder = Encoder()
    abstracts = read_csabstruct(csabstruct)
    lims = read_limitations(limitations, split="train")
    if limit:
        abstracts, lims = abstracts[:limit], lims[:4 * limit]
    if cfg.get("span_layers") == "all":
        cfg["span_layers"] = list(range(1, encoder.num_layers + 1))
    layers = cfg.get("span_layers")
    feats = abstracts_arrays(encoder, abstracts, "csab", progress=scaled(progress, 0.0, 0.6), cancel=cancel,
                             span_layers=layers)
    lfeats = sentences_arrays(encoder, lims, "lim", progress=scaled(progress, 0.6, 0.8), cancel=cancel,
                              span_layers=layers)
    sents = split_by_offsets(feats["sent"], feats["offsets"])
    role_x = [role_inputs(feats["doc"][i], sents[i]) for i in range(len(abstracts))]
    role_y = [np.array([ROLES.index(lab) for lab in a.labels], np.int64) for a in abstracts]
    role_t = [[a.text[x:y] for x, y in a.spans] for a in abstracts]

    lim_x = np.concatenate([lfeats["sent"], feats["sent"]]).astype(np.float32)
    lim_y = np.concatenate([np.array([s.positive for s in lims], np.float32), np.zeros(len(feats["sent"]), np.float32)])
    lim_t = [s.text for s in lims] + [t for ts in role_t for t in ts]
    lim_w = np.concatenate([np.ones(len(lims), np.float32),
                            np.full(len(feats["sent"]), cfg["csab_negatives_weight"], np.float32)])

    config = dict(cfg, dim=int(feats["sent"].shape[1]), doc_dim=int(feats["doc"].shape[1]),
                  encoder_model=encoder.model_id, encoder_precision=encoder.precision, seed=seed)
    threads = torch.get_num_threads()
    det = torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    try:
        torch.manual_seed(seed)
        model = new_model(config)
        gen = torch.Generator().manual_seed(seed)
        _train_roles(model, role_x, role_y, role_t, cfg, gen, progress=scaled(progress, 0.8, 0.95), cancel=cancel)
        _train_limitations(model, lim_x, lim_y, lim_w, lim_t, cfg, gen, progress=scaled(progress, 0.95, 1.0), cancel=cancel)
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(det)
    model.info = {
        "trained_on": {"csabstruct": str(csabstruct), "csabstruct_abstracts": len(abstracts),
                       "limitations": str(limitations), "limitation_sentences": len(lims),
                       "limitation_split": "train: articles with sha256(article) % 5 != 0"},
        "torch": torch.__version__, "python": platform.python_version(),
    }
    if dev:
        from .evaluate import eval_csabstruct

        from .evaluate import eval_limitations

        model.info["dev"] = eval_csabstruct(model, encoder, dev)
        model.info["limitations_heldout"] = eval_limitations(model, encoder, limitations, split="heldout")
    return model


def _train_roles(model: FacetModel, xs, ys, texts, cfg, gen, *, progress=None, cancel=None) -> None:
    import torch

    opt = torch.optim.AdamW(model.role.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"])
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=cfg["epochs"])
    weight = None
    if cfg.get("class_weight_power"):
        counts = np.bincount(np.concatenate(ys), minlength=len(ROLES)).astype(np.float64)
        w = (counts.sum() / np.maximum(counts, 1)) ** cfg["class_weight_power"]
        weight = torch.tensor(w / w.mean(), dtype=torch.float32)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weight, ignore_index=-100)
    for epoch in range(cfg["epochs"]):
        check(cancel)
        model.role.train()
        order = torch.randperm(len(xs), generator=gen).tolist()
        for s in range(0, len(order), cfg["batch"]):
            idx = order[s:s + cfg["batch"]]
            x, lengths = pad([xs[i] for i in idx])
            y = torch.full(x.shape[:2], -100, dtype=torch.long)
            for r, i in enumerate(idx):
                y[r, :len(ys[i])] = torch.from_numpy(ys[i])
            opt.zero_grad()
            logits = model.role(x, lengths, model.lex([t for i in idx for t in texts[i]]))
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
            loss.backward()
            opt.step()
        sched.step()
        report(progress, epoch + 1, cfg["epochs"], f"roles epoch {epoch + 1}")
    model.role.eval()


def _train_limitations(model: FacetModel, x, y, w, texts, cfg, gen, *, progress=None, cancel=None) -> None:
    import torch

    # balance the classes: positives weigh as much, in total, as the (weighted) negatives
    pos = float((w * y).sum())
    w = np.where(y > 0, w * float((w * (1 - y)).sum()) / max(pos, 1.0), w).astype(np.float32)
    x, y, w = torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(w)
    opt = torch.optim.AdamW(model.lim.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"])
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=cfg["lim_epochs"])
    for epoch in range(cfg["lim_epochs"]):
        check(cancel)
        model.lim.train()
        order = torch.randperm(len(x), generator=gen)
        for s in range(0, len(order), cfg["lim_batch"]):
            idx = order[s:s + cfg["lim_batch"]]
            opt.zero_grad()
            lex = model.lex([texts[i] for i in idx.tolist()])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(model.lim(x[idx], lex), y[idx], weight=w[idx])
            loss.backward()
            opt.step()
        sched.step()
        report(progress, epoch + 1, cfg["lim_epochs"], f"limitations epoch {epoch + 1}")
    model.lim.eval()


def describe(model: FacetModel) -> dict[str, Any]:
    return {"id": model.model_id, **model.info}
