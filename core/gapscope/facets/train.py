"""Train the two-head facet model, deterministically: same files + seed -> the same weights, bit for bit.

Data (each sequence is an abstract, or a run of consecutive sentences of a clinical article):
- CSAbstruct train: roles; shortcomings only as weak labels from cue phrases (``cues.py``), and the
  sentences no cue fires on as low-weight ``none``;
- the training articles of the shared limitation file (sha256(article) % 5 != 0), each sentence alone:
  shortcomings POS -> own, NEG -> none, no role;
- CS abstracts labelled by the annotation procedure (docs/annotation/shortcomings.md): both labels.

Encoder features are computed once and cached under /tmp; the head trains on CPU with one thread and
deterministic algorithms, so the result does not depend on the machine's load or core count.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from ..jobs import CancelToken, ProgressFn, check, report, scaled
from .cues import weak_shortcoming
from .dataset import abstracts_arrays, split_by_offsets
from .model import ROLES, SHORTCOMINGS, FacetModel, new_model, pad, sequence_inputs
from .shortcoming_data import SequenceExample, csabstruct_examples, read_limitation_runs

# Chosen on dev data only (benchmarks/shortcomings/experiment.py, logs/): CSAbstruct dev roles, every 5th
# labelled CS train abstract, the limitation file's articles with sha256 % 5 == 1. Grouped batches, separate
# projections and in-domain weight 5 were within noise of the alternatives (roles 0.63-0.64, CS any-vs-none
# F1 0.75-0.76, own F1 0.60-0.64); threshold 0.3 on P(any shortcoming) had the best mean of the last two.
DEFAULTS = dict(span_layers="all", lex_buckets=1 << 14, lex_dim=48, hidden=128, dropout=0.4, epochs=8,
                class_weight_power=0.5, lr=2e-3, weight_decay=1e-2, batch=32, threshold=0.3,
                weak_weight=0.5, weak_none_weight=0.15, cs_weight=5.0, cs_role_weight=1.0, lim_weight=1.0,
                short_loss_weight=1.0, group_batches=True, separate_proj=True)


@dataclass
class TrainSeq:
    x: np.ndarray
    texts: list[str]
    role: np.ndarray            # class index or -100
    short: np.ndarray
    role_w: np.ndarray          # per-sentence loss weight
    short_w: np.ndarray


def to_train_seqs(examples: Sequence[SequenceExample], feats: dict, *, role_weight: float = 1.0,
                  short_weight: float = 1.0, weak: bool = False, weak_weight: float = 0.5,
                  weak_none_weight: float = 0.0) -> list[TrainSeq]:
    sents = split_by_offsets(feats["sent"], feats["offsets"])
    out = []
    for i, ex in enumerate(examples):
        n = len(ex.spans)
        texts = ex.sentences
        role = np.array([ROLES.index(r) if r else -100 for r in ex.roles], np.int64)
        short = np.array([SHORTCOMINGS.index(s) if s else -100 for s in ex.shortcomings], np.int64)
        rw = np.where(role >= 0, role_weight, 0.0).astype(np.float32)
        sw = np.where(short >= 0, short_weight, 0.0).astype(np.float32)
        if weak:
            for j, t in enumerate(texts):
                if short[j] >= 0:
                    continue
                w = weak_shortcoming(t)
                short[j] = SHORTCOMINGS.index(w or "none")
                sw[j] = weak_weight if w else weak_none_weight
                if sw[j] == 0:
                    short[j] = -100
        out.append(TrainSeq(sequence_inputs(feats["doc"][i], sents[i]), texts, role, short, rw, sw))
        assert len(texts) == n
    return out


def resolve_layers(cfg: dict, encoder) -> Optional[list[int]]:
    if cfg.get("span_layers") == "all":
        cfg["span_layers"] = list(range(1, encoder.num_layers + 1))
    return cfg.get("span_layers")


def dev_article(article: str) -> bool:
    """The limitation file's dev articles for model selection: sha256 % 5 == 1 (held-out ones are == 0)."""
    import hashlib

    return int(hashlib.sha256(article.encode("utf-8")).hexdigest(), 16) % 5 == 1


def training_sequences(encoder, cfg: dict, csabstruct=None, limitations=None,
                       cs_examples: Sequence[SequenceExample] = (), limit: Optional[int] = None,
                       hold_out_dev: bool = False, *, progress=None, cancel=None) -> tuple[list[TrainSeq], dict]:
    layers = resolve_layers(cfg, encoder)
    seqs: list[TrainSeq] = []
    counts: dict[str, Any] = {}
    if csabstruct:
        ex = csabstruct_examples(csabstruct)[:limit] if limit else csabstruct_examples(csabstruct)
        f = abstracts_arrays(encoder, ex, "csab", progress=scaled(progress, 0.0, 0.5), cancel=cancel, span_layers=layers)
        seqs += to_train_seqs(ex, f, weak=cfg["weak_weight"] > 0, weak_weight=cfg["weak_weight"],
                              weak_none_weight=cfg["weak_none_weight"])
        counts["csabstruct_abstracts"] = len(ex)
    if limitations:
        ex = read_limitation_runs(limitations, split="train")
        ex = [e for e in ex if not dev_article(e.group)] if hold_out_dev else ex
        ex = ex[:limit] if limit else ex
        f = abstracts_arrays(encoder, ex, "limalone", progress=scaled(progress, 0.5, 0.8), cancel=cancel, span_layers=layers)
        seqs += to_train_seqs(ex, f, short_weight=cfg["lim_weight"])
        counts["limitation_sentences"] = sum(len(e.spans) for e in ex)
    if cs_examples:
        f = abstracts_arrays(encoder, list(cs_examples), "cs", progress=scaled(progress, 0.8, 0.9), cancel=cancel,
                             span_layers=layers)
        seqs += to_train_seqs(cs_examples, f, short_weight=cfg["cs_weight"], role_weight=cfg.get("cs_role_weight", 1.0))
        counts["cs_abstracts"] = len(cs_examples)
        counts["cs_sentences"] = sum(len(e.spans) for e in cs_examples)
    return seqs, counts


def fit(seqs: list[TrainSeq], cfg: dict, seed: int, *, progress=None, cancel=None) -> FacetModel:
    import torch

    config = dict(cfg, dim=int(seqs[0].x.shape[1]) - cfg["doc_dim"] - 4)
    threads = torch.get_num_threads()
    det = torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    try:
        torch.manual_seed(seed)
        model = new_model(config)
        gen = torch.Generator().manual_seed(seed)
        _fit(model, seqs, cfg, gen, progress=progress, cancel=cancel)
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(det)
    return model


def _class_weights(ys: list[np.ndarray], ws: list[np.ndarray], n: int, power: float):
    import torch

    y = np.concatenate(ys)
    w = np.concatenate(ws)
    counts = np.array([w[y == k].sum() for k in range(n)], np.float64)
    cw = (counts.sum() / np.maximum(counts, 1e-6)) ** power
    cw = np.where(counts > 0, cw, 0.0)
    return torch.tensor(cw / cw[counts > 0].mean(), dtype=torch.float32)


def head_class_weights(seqs: Sequence["TrainSeq"], power: float):
    """(role, shortcoming) class weights over the labelled sentences of ``seqs`` (``power`` 0: all 1)."""
    role_cw = _class_weights([s.role[s.role >= 0] for s in seqs], [s.role_w[s.role >= 0] for s in seqs],
                             len(ROLES), power)
    short_cw = _class_weights([s.short[s.short >= 0] for s in seqs], [s.short_w[s.short >= 0] for s in seqs],
                              len(SHORTCOMINGS), power)
    return role_cw, short_cw


def batch_labels(batch: Sequence["TrainSeq"], shape):
    """The batch's (role, shortcoming) targets padded to ``shape`` (-100 = no label) and their weights."""
    import torch

    ry, sy = torch.full(shape, -100, dtype=torch.long), torch.full(shape, -100, dtype=torch.long)
    rw, sw = torch.zeros(shape), torch.zeros(shape)
    for r, b in enumerate(batch):
        n = len(b.texts)
        ry[r, :n], sy[r, :n] = torch.from_numpy(b.role), torch.from_numpy(b.short)
        rw[r, :n], sw[r, :n] = torch.from_numpy(b.role_w), torch.from_numpy(b.short_w)
    return ry, sy, rw, sw


def weighted_ce(logits, y, w, cw):
    """Cross-entropy over the labelled positions (y >= 0), each weighted by its example weight and class."""
    import torch

    flat_y = y.reshape(-1)
    keep = flat_y >= 0
    if not bool(keep.any()):
        return logits.sum() * 0.0
    lg = logits.reshape(-1, logits.shape[-1])[keep]
    yy = flat_y[keep]
    ww = w.reshape(-1)[keep] * cw[yy]
    return (torch.nn.functional.cross_entropy(lg, yy, reduction="none") * ww).sum() / ww.sum().clamp_min(1e-6)


def _fit(model: FacetModel, seqs: list[TrainSeq], cfg, gen, *, progress=None, cancel=None) -> None:
    import torch

    net = model.net
    opt = torch.optim.AdamW(net.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"])
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=cfg["epochs"])
    role_cw, short_cw = head_class_weights(seqs, cfg.get("class_weight_power", 0.0))

    for epoch in range(cfg["epochs"]):
        check(cancel)
        net.train()
        order = torch.randperm(len(seqs), generator=gen).tolist()
        if cfg.get("group_batches"):
            # a batch holds sequences with roles, or sequences without (the clinical runs), not both: the
            # role head then takes as many steps as when it was trained alone (more, noisier steps
            # overfit CSAbstruct's roles)
            groups = [[i for i in order if (seqs[i].role >= 0).any()], [i for i in order if not (seqs[i].role >= 0).any()]]
            batches = [g[s:s + cfg["batch"]] for g in groups for s in range(0, len(g), cfg["batch"])]
            batches = [batches[j] for j in torch.randperm(len(batches), generator=gen).tolist()]
        else:
            batches = [order[s:s + cfg["batch"]] for s in range(0, len(order), cfg["batch"])]
        for idx in batches:
            batch = [seqs[i] for i in idx]
            x, lengths = pad([b.x for b in batch])
            shape = x.shape[:2]
            ry, sy, rw, sw = batch_labels(batch, shape)
            opt.zero_grad()
            rl, sl = net(x, lengths, model.lex([t for b in batch for t in b.texts]))
            loss = weighted_ce(rl, ry, rw, role_cw) + cfg["short_loss_weight"] * weighted_ce(sl, sy, sw, short_cw)
            loss.backward()
            opt.step()
        sched.step()
        report(progress, epoch + 1, cfg["epochs"], f"epoch {epoch + 1}")
    net.eval()


def train(csabstruct: str | Path, limitations: str | Path, *, cs_jsonl: Any = None,
          cs_labels: Sequence[str | Path] = (), exclude_abstracts: Sequence[str] = (), hold_out_dev: bool = False,
          seed: int = 0,
          encoder=None, limit: Optional[int] = None, dev: Optional[str | Path] = None,
          overrides: Optional[dict] = None, progress: Optional[ProgressFn] = None,
          cancel: Optional[CancelToken] = None) -> FacetModel:
    """Train on CSAbstruct, the training part of the limitation TSV and (when given) labelled CS abstracts
    (``cs_jsonl``: one JSON-lines file or several, + ``cs_labels`` TSVs; ``exclude_abstracts``: ids held
    out, e.g. for a dev set). ``hold_out_dev``: leave out the dev data that model selection used (every 5th
    CS abstract, in file order, and the limitation file's articles with sha256 % 5 == 1), as
    benchmarks/shortcomings/experiment.py does.

    ``limit`` keeps only the first N sequences of each source (for quick tests)."""
    import torch

    cfg = dict(DEFAULTS)
    cfg.update(overrides or {})
    if encoder is None:
        from ..embed import Encoder

        encoder = Encoder()
    cs_examples, files = cs_training_examples(cs_jsonl, cs_labels, exclude_abstracts, hold_out_dev, limit)
    seqs, counts = training_sequences(encoder, cfg, csabstruct, limitations, cs_examples, limit=limit,
                                      hold_out_dev=hold_out_dev, progress=scaled(progress, 0.0, 0.8), cancel=cancel)
    cfg["doc_dim"] = int(encoder.dim)
    cfg.update(encoder_model=encoder.model_id, encoder_precision=encoder.precision, seed=seed)
    model = fit(seqs, cfg, seed, progress=scaled(progress, 0.8, 1.0), cancel=cancel)
    model.info = {
        "trained_on": {"csabstruct": str(csabstruct), "limitations": str(limitations),
                       "limitation_split": "train: articles with sha256(article) % 5 != 0"
                       + (" and != 1 (dev held out)" if hold_out_dev else ""),
                       "cs_annotations": ([str(f) for f in files] if cs_examples else []),
                       "cs_labels": [str(p) for p in cs_labels] if cs_examples else [],
                       "excluded_abstracts": len(exclude_abstracts), "dev_held_out": hold_out_dev, **counts},
        "torch": torch.__version__, "python": platform.python_version(),
    }
    if dev:
        from .evaluate import eval_csabstruct, eval_limitation_runs

        model.info["dev"] = eval_csabstruct(model, encoder, dev)
        model.info["limitations_heldout"] = eval_limitation_runs(model, encoder, limitations, split="heldout")
    return model


def cs_training_examples(cs_jsonl: Any, cs_labels: Sequence[str | Path], exclude_abstracts: Sequence[str] = (),
                         hold_out_dev: bool = False, limit: Optional[int] = None) -> tuple[list[SequenceExample], list]:
    """The labelled CS abstracts to train on (see :func:`train`) and the files they came from."""
    if not (cs_jsonl and cs_labels):
        return [], []
    from .shortcoming_data import labelled_abstracts, read_abstracts_jsonl, read_label_tsv

    skip = set(exclude_abstracts)
    files = [cs_jsonl] if isinstance(cs_jsonl, (str, Path)) else list(cs_jsonl)
    recs = [r for f in files for r in read_abstracts_jsonl(f)]
    if hold_out_dev:
        skip |= {r["abstract_id"] for i, r in enumerate(recs) if i % 5 == 0}
    recs = [r for r in recs if r["abstract_id"] not in skip]
    cs_examples = labelled_abstracts(recs, read_label_tsv(cs_labels))
    return (cs_examples[:limit] if limit else cs_examples), files


def describe(model: FacetModel) -> dict[str, Any]:
    return {"id": model.model_id, **model.info}
