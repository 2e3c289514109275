"""Fine-tune the encoder's top K layers (a LoRA adapter, facets.adapter) together with the two-head model.

The lower layers are frozen and shared with the base encoder, so each text's hidden state below the adapted
layers is computed once and cached under /tmp (dataset.window_state_arrays); an epoch then runs only the top
K layers over those states, the base span vectors of the lower layers coming from the ordinary feature
cache. The head's sentence vectors are the base layers' pools below the adapter and the adapted layers'
pools above, exactly as :meth:`Encoder.encode_spans` gives them at inference (``"a<i>"`` layers).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np

from ..jobs import check, report
from .dataset import abstracts_arrays, window_state_arrays
from .model import ROLES, FacetModel, decide_shortcoming, new_model, pad
from .shortcoming_data import SequenceExample
from .train import TrainSeq, batch_labels, head_class_weights, to_train_seqs, weighted_ce

# chosen on dev data (benchmarks/shortcomings/finetune_experiment.py, logs/device/): K = 6 over 2; the rest untuned
FT_DEFAULTS = dict(ft_layers=6, rank=8, alpha=16.0, lora_dropout=0.1, lora_lr=5e-4, ft_epochs=6, amp=True, threshold=0.5)


@dataclass
class Source:
    """One data set ready for fine-tuning: its examples, base features, cached window states, sequences."""
    examples: list[SequenceExample]
    feats: dict
    states: dict
    seqs: list[TrainSeq]
    win_first: np.ndarray        # per example: its first window
    win_last: np.ndarray         # per example: one past its last window


def make_source(encoder, examples: Sequence[SequenceExample], tag: str, span_layers: list[int], from_layer: int,
                seq_kwargs: Optional[dict] = None, *, progress=None, cancel=None) -> Source:
    examples = list(examples)
    feats = abstracts_arrays(encoder, examples, tag, span_layers=span_layers, progress=progress, cancel=cancel)
    states = window_state_arrays(encoder, examples, tag, from_layer, progress=progress, cancel=cancel)
    seqs = to_train_seqs(examples, feats, **(seq_kwargs or {})) if seq_kwargs is not None else []
    owner = states["win_owner"]
    idx = np.arange(len(examples))
    return Source(examples, feats, states, seqs, np.searchsorted(owner, idx, "left"),
                  np.searchsorted(owner, idx, "right"))


class AdaptedFeatures:
    """Recomputes the adapted columns of the head's inputs for a batch of (source, example) pairs."""

    def __init__(self, top, span_layers: list[int], dim: int, device) -> None:
        self.top = top
        self.dim = dim
        self.device = device
        # columns of the sentence vector that each adapted layer fills
        self.cols = [span_layers.index(d) for d in top.depths]

    def __call__(self, items: list[tuple[Source, int]], x, amp: bool = False):
        import torch

        hs, lens, owners = [], [], []
        for b, (src, ei) in enumerate(items):
            st = src.states
            for w in range(int(src.win_first[ei]), int(src.win_last[ei])):
                a, z = int(st["win_offsets"][w]), int(st["win_offsets"][w + 1])
                hs.append(st["hidden"][a:z])
                lens.append(z - a)
            owners.append((src, ei))
        width = max(lens)
        h = np.zeros((len(hs), width, self.dim), np.float32)
        mask = np.zeros((len(hs), width), bool)
        for i, s in enumerate(hs):
            h[i, :len(s)] = s
            mask[i, :len(s)] = True
        h_t = torch.from_numpy(h).to(self.device)
        mask_t = torch.from_numpy(mask).to(self.device)
        dev_type = "cuda" if str(self.device).startswith("cuda") else "cpu"
        with torch.autocast(dev_type, dtype=torch.bfloat16, enabled=amp):
            outs = self.top(h_t, mask_t)
        # span means by differences of a running sum over each window's tokens
        sums = [torch.nn.functional.pad(torch.cumsum(o.float(), dim=1), (0, 0, 1, 0)) for o in outs]
        rows_w, rows_lo, rows_hi, place = [], [], [], []
        base_w = 0
        for b, (src, ei) in enumerate(items):
            st = src.states
            a, z = int(st["span_offsets"][ei]), int(st["span_offsets"][ei + 1])
            first = int(src.win_first[ei])
            rows_w += [base_w + int(w) - first for w in st["span_win"][a:z]]
            rows_lo += [int(v) for v in st["span_lo"][a:z]]
            rows_hi += [int(v) for v in st["span_hi"][a:z]]
            place += [(b, j) for j in range(z - a)]
            base_w += int(src.win_last[ei]) - first
        w_i = torch.tensor(rows_w, device=self.device)
        lo = torch.tensor(rows_lo, device=self.device)
        hi = torch.tensor(rows_hi, device=self.device)
        n = (hi - lo).clamp_min(1).float()[:, None]
        vecs = []
        for s in sums:
            v = (s[w_i, hi] - s[w_i, lo]) / n
            vecs.append(torch.nn.functional.normalize(v, dim=1))
        x = x.to(self.device).clone()
        bi = torch.tensor([p[0] for p in place], device=self.device)
        ji = torch.tensor([p[1] for p in place], device=self.device)
        for v, col in zip(vecs, self.cols):
            x[bi, ji, col * self.dim:(col + 1) * self.dim] = v
        return x


def fit_finetune(encoder, sources: list[Source], cfg: dict, seed: int, *, device: str = "cpu", progress=None,
                 cancel=None, log=None, after_epoch=None) -> tuple[FacetModel, Any]:
    """Train the head and the adapter of the top ``cfg["ft_layers"]`` layers together. Returns (model with
    its ``adapter`` set, the trainable top module). ``after_epoch(epoch, model, top)``, when given, is called
    after each epoch with both modules in eval mode (a learning curve on dev data)."""
    import torch

    from .adapter import build_trainable

    torch.manual_seed(seed)
    np.random.seed(seed)
    items = [(s, i) for s in sources for i in range(len(s.seqs))]
    seqs = [s.seqs[i] for s, i in items]
    config = dict(cfg, dim=int(seqs[0].x.shape[1]) - cfg["doc_dim"] - 4)
    model = new_model(config)
    top = build_trainable(encoder.transformer, int(cfg["ft_layers"]), rank=int(cfg["rank"]), alpha=float(cfg["alpha"]),
                          dropout=float(cfg["lora_dropout"]))
    net = model.net.to(device)
    top = top.to(device)
    feats = AdaptedFeatures(top, list(cfg["span_layers"]), encoder.dim, device)
    epochs = int(cfg["ft_epochs"])
    opt = torch.optim.AdamW([{"params": net.parameters(), "lr": cfg["lr"]},
                             {"params": top.parameters(), "lr": cfg["lora_lr"]}], weight_decay=cfg["weight_decay"])
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    p = cfg.get("class_weight_power", 0.0)
    role_cw, short_cw = (cw.to(device) for cw in head_class_weights(seqs, p))

    gen = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        t0 = time.time()
        net.train()
        top.train()
        order = torch.randperm(len(seqs), generator=gen).tolist()
        groups = [[i for i in order if (seqs[i].role >= 0).any()], [i for i in order if not (seqs[i].role >= 0).any()]]
        batches = [g[s:s + cfg["batch"]] for g in groups for s in range(0, len(g), cfg["batch"])]
        batches = [batches[j] for j in torch.randperm(len(batches), generator=gen).tolist()]
        for k, idx in enumerate(batches):
            check(cancel)
            batch = [seqs[i] for i in idx]
            x, lengths = pad([b.x for b in batch])
            x = feats([items[i] for i in idx], x, amp=bool(cfg.get("amp")))
            ry, sy, rw, sw = (t.to(device) for t in batch_labels(batch, x.shape[:2]))
            lex = tuple(t.to(device) for t in model.lex([t for b in batch for t in b.texts]))
            opt.zero_grad()
            rl, sl = net(x, lengths, lex)
            loss = weighted_ce(rl, ry, rw, role_cw) + cfg["short_loss_weight"] * weighted_ce(sl, sy, sw, short_cw)
            loss.backward()
            opt.step()
            report(progress, epoch * len(batches) + k + 1, epochs * len(batches), f"epoch {epoch + 1}")
        sched.step()
        if log:
            log(f"epoch {epoch + 1}/{epochs}: {time.time() - t0:.1f} s, last loss {float(loss.detach()):.4f}")
        if after_epoch is not None and epoch + 1 < epochs:
            net.eval()
            top.eval()
            with torch.no_grad():
                after_epoch(epoch + 1, model, top)
            net.to(device)          # an evaluation may have moved them (cached_probabilities ends on the CPU)
            top.to(device)
    net.eval()
    top.eval()
    model.net = net.cpu()
    model.adapter = top.to_adapter()
    model.config["adapter"] = model.adapter.config
    return model, top.cpu()


def cached_probabilities(model: FacetModel, top, source: Source, span_layers: list[int], dim: int,
                         device: str = "cpu", batch: int = 64):
    """Per example: (role probabilities, shortcoming probabilities), the adapted columns computed from the
    cached window states (what :func:`gapscope.facets.evaluate.predict_examples` gives through the encoder,
    up to the precision of the branch)."""
    import torch

    from .model import sequence_inputs
    from .dataset import split_by_offsets

    sents = split_by_offsets(source.feats["sent"], source.feats["offsets"])
    feats = AdaptedFeatures(top.to(device), span_layers, dim, device)
    model.net.to(device).eval()
    top.eval()
    out = []
    with torch.inference_mode():
        for s in range(0, len(source.examples), batch):
            part = [i for i in range(s, min(s + batch, len(source.examples))) if len(sents[i])]
            x, lengths = pad([sequence_inputs(source.feats["doc"][i], sents[i]) for i in part])
            x = feats([(source, i) for i in part], x)
            lex = tuple(t.to(device) for t in model.lex([t for i in part for t in source.examples[i].sentences]))
            rl, sl = model.net(x, lengths, lex)
            pr, ps = torch.softmax(rl, -1).cpu().numpy(), torch.softmax(sl, -1).cpu().numpy()
            for r, i in enumerate(part):
                n = len(sents[i])
                out.append((pr[r, :n], ps[r, :n]))
    model.net.cpu()
    return out


def labels_at(probs, threshold: float) -> tuple[list[str], list[str]]:
    roles, shorts = [], []
    for pr, ps in probs:
        for j in range(len(pr)):
            roles.append(ROLES[int(pr[j].argmax())])
            shorts.append(decide_shortcoming(ps[j], threshold)[0])
    return roles, shorts


def train_finetune(csabstruct, limitations, *, cs_jsonl: Any = None, cs_labels: Sequence = (),
                   hold_out_dev: bool = False, seed: int = 0, encoder=None, limit: Optional[int] = None,
                   dev=None, overrides: Optional[dict] = None, device: str = "cpu", progress=None,
                   cancel=None) -> FacetModel:
    """:func:`gapscope.facets.train.train` with the encoder's top ``ft_layers`` layers fine-tuned (a LoRA
    adapter, shipped next to the head): the same data, the window states below the adapter cached under
    /tmp, then ``ft_epochs`` epochs over the top layers and the heads together on ``device``."""
    import platform

    import torch

    from ..jobs import scaled
    from .shortcoming_data import csabstruct_examples, read_limitation_runs
    from .train import DEFAULTS, cs_training_examples, dev_article, resolve_layers

    cfg = dict(DEFAULTS, **FT_DEFAULTS)
    cfg.update(overrides or {})
    if encoder is None:
        from ..embed import Encoder

        encoder = Encoder(device=device)
    layers = resolve_layers(cfg, encoder)
    frm = encoder.num_layers - int(cfg["ft_layers"])
    if not 0 <= frm < encoder.num_layers or any(d not in layers for d in range(frm + 1, encoder.num_layers + 1)):
        raise ValueError(f"--layers {cfg['ft_layers']}: the encoder has {encoder.num_layers} layers and the head "
                         f"reads hidden states {layers}")
    cut = (lambda xs: xs[:limit]) if limit else (lambda xs: xs)
    csab = cut(csabstruct_examples(csabstruct))
    lims = read_limitation_runs(limitations, split="train")
    lims = cut([e for e in lims if not dev_article(e.group)] if hold_out_dev else lims)
    cs_examples, files = cs_training_examples(cs_jsonl, cs_labels, (), hold_out_dev, limit)
    specs = [(csab, "csab", dict(weak=cfg["weak_weight"] > 0, weak_weight=cfg["weak_weight"],
                                 weak_none_weight=cfg["weak_none_weight"])),
             (lims, "limalone", dict(short_weight=cfg["lim_weight"])),
             (cs_examples, "cs", dict(short_weight=cfg["cs_weight"], role_weight=cfg.get("cs_role_weight", 1.0)))]
    sources = []
    for k, (ex, tag, kw) in enumerate(specs):
        if ex:
            sources.append(make_source(encoder, ex, tag, layers, frm, kw, cancel=cancel,
                                       progress=scaled(progress, 0.3 * k / len(specs), 0.3 * (k + 1) / len(specs))))
    cfg["doc_dim"] = int(encoder.dim)
    cfg.update(encoder_model=encoder.model_id, encoder_precision=encoder.precision, seed=seed)
    epoch_times: list[str] = []
    model, _top = fit_finetune(encoder, sources, cfg, seed, device=device, progress=scaled(progress, 0.3, 1.0),
                               cancel=cancel, log=epoch_times.append)
    model.info = {
        "trained_on": {"csabstruct": str(csabstruct), "limitations": str(limitations),
                       "limitation_split": "train: articles with sha256(article) % 5 != 0"
                       + (" and != 1 (dev held out)" if hold_out_dev else ""),
                       "cs_annotations": [str(f) for f in files], "cs_labels": [str(p) for p in cs_labels],
                       "dev_held_out": hold_out_dev, "csabstruct_abstracts": len(csab),
                       "limitation_sentences": len(lims), "cs_abstracts": len(cs_examples)},
        "finetune": {"device": device, "epochs": epoch_times},
        "torch": torch.__version__, "python": platform.python_version(),
    }
    if dev:
        from .evaluate import eval_csabstruct

        model.info["dev"] = eval_csabstruct(model, encoder, dev)
    return model
