"""A seed ensemble of heads on the shipped adapter's features, chosen on dev data only.

The shipped model's LoRA adapter stays fixed. SEEDS more heads (the shipped head's architecture and data mix:
CSAbstruct train with weak shortcoming labels, the limitation file's training articles less the dev ones,
the CS annotation train abstracts less every 5th; its config, ``ft_epochs`` = 6 epochs as the shipped head
had) are trained on the adapted encoder's features (cached under /tmp), stored as they would ship (int8 with
a float16 scale per output row: the facets folder must stay under 10 MB), and their probabilities are
averaged with the shipped head's (role and shortcoming separately; the shipped threshold 0.5 on P(any)).

Dev data (none of it trained on): the 144 CS dev abstracts (every 5th labelled CS train abstract) for roles
and any-vs-none shortcomings, the limitation file's dev articles (sha256 % 5 == 1, 1,274 sentences) for
own-work F1. Dev score = the mean of CS dev role macro-F1, CS dev any-vs-none F1 and own-work F1 on the
limitation dev articles, at threshold 0.5.

THE RULE, fixed before any figure of the ensemble was seen and before CSAbstruct dev is read: ship the
ensemble (shipped head + every one of the SEEDS heads; no subset chosen) only if its dev score beats the
shipped head's in at least 95% of 2,000 paired bootstrap resamples (CS dev abstracts and limitation dev
articles resampled with replacement, seed 0). CSAbstruct dev (the roles target) is read once, with --final,
after the rule's verdict is printed. Neither the CS test abstracts, the limitation held-out articles, the
limitation file's TEST split nor CSAbstruct test is read here.

    python ensemble_experiment.py --out /tmp/facets-ensemble [--float32-check] [--final]   (logs/ensemble_experiment.log)

--float32-check (information only, after the verdict): retrains the seeds, checks that their int8 arrays are the
stored ones, and scores the float32 heads.
"""
import argparse
import json
import time
from pathlib import Path

import numpy as np
from common import ANNOT, CSAB, LIMS, encoder
from decode_experiment import macro_f1, probabilities
from experiment import cs_parts, lim_dev

from gapscope.facets.adapter import adapter_key
from gapscope.facets.dataset import abstracts_arrays
from gapscope.facets.evaluate import prf
from gapscope.facets.model import ROLES, load_model, new_model
from gapscope.facets.shortcoming_data import csabstruct_examples, read_limitation_runs
from gapscope.facets.train import fit, to_train_seqs

SEEDS = (1, 2, 3)
THRESHOLD = 0.5
SHIPPED_ADAPTER_KEY = "-adma5d04aaf6e47"


def log(msg):
    print(msg, flush=True)


def quantize(arrays):
    """int8 per output row (float16 scale) for matrices, float16 for vectors: how the extra heads ship."""
    out = {}
    for k, v in arrays.items():
        v = np.asarray(v, np.float32)
        if v.ndim == 2:
            scale = np.abs(v).max(axis=1, keepdims=True) / 127.0
            scale = np.where(scale > 0, scale, 1.0).astype(np.float16)
            out[k + ".q"] = np.clip(np.round(v / scale.astype(np.float32)), -127, 127).astype(np.int8)
            out[k + ".s"] = scale
        else:
            out[k] = v.astype(np.float16)
    return out


def dequantize(z):
    out = {}
    for k in z:
        if k.endswith(".s"):
            continue
        if k.endswith(".q"):
            out[k[:-2]] = z[k].astype(np.float32) * z[k[:-2] + ".s"].astype(np.float32)
        else:
            out[k] = z[k].astype(np.float32)
    return out


def head_from(arrays, config):
    import torch

    m = new_model(config)
    m.net.load_state_dict({k: torch.from_numpy(v) for k, v in arrays.items()})
    m.net.eval()
    return m


def training_data(enc, shipped):
    """The shipped head's training sequences on the adapted features, and the config the extra heads train with."""
    layers, adapter = shipped.span_layers, shipped.adapter
    csab = csabstruct_examples(CSAB / "train.jsonl")
    lim_tr = [e for e in read_limitation_runs(LIMS, split="train") if not lim_dev(e.group)]
    cs_tr, _cs_dv, _ = cs_parts(ANNOT)
    cfg = dict(shipped.config)
    cfg.pop("adapter", None)
    cfg["epochs"] = int(cfg["ft_epochs"])       # the shipped head had ft_epochs of training
    t = time.time()
    feats = [abstracts_arrays(enc, ex, tag, span_layers=layers, adapter=adapter)
             for ex, tag in ((csab, "csab"), (lim_tr, "limalone"), (cs_tr, "cs"))]
    log(f"adapted features of the training data (csabstruct {len(csab)}, limitation {len(lim_tr)} sentences, "
        f"cs {len(cs_tr)} abstracts): {time.time() - t:.1f} s")
    seqs = to_train_seqs(csab, feats[0], weak=cfg["weak_weight"] > 0, weak_weight=cfg["weak_weight"],
                         weak_none_weight=cfg["weak_none_weight"], short_weight=0.0)
    seqs += to_train_seqs(lim_tr, feats[1], short_weight=cfg["lim_weight"])
    seqs += to_train_seqs(cs_tr, feats[2], short_weight=cfg["cs_weight"], role_weight=cfg.get("cs_role_weight", 1.0))
    return seqs, cfg


def train_heads(enc, shipped, out):
    seqs, cfg = None, None
    for seed in SEEDS:
        path = out / f"seed{seed}.npz"
        if path.exists():
            log(f"seed {seed}: {path} exists, kept")
            continue
        if seqs is None:
            seqs, cfg = training_data(enc, shipped)
        t = time.time()
        m = fit(seqs, cfg, seed)
        np.savez_compressed(path, **quantize(m.state_arrays()))
        log(f"seed {seed}: trained in {time.time() - t:.1f} s, {path} {path.stat().st_size:,} bytes")


def scores(pr_cs, ps_cs, ps_lim, gold_roles, gold_any, gold_own, cs_ix, lim_ix):
    """(roles macro-F1, CS any F1, own F1, mean) on the resampled dev items."""
    roles = macro_f1([gold_roles[i] for i in cs_ix], [pr_cs[i].argmax(axis=1) for i in cs_ix])[0]
    ga = np.concatenate([gold_any[i] for i in cs_ix])
    pa = np.concatenate([1 - ps_cs[i][:, 0] >= THRESHOLD for i in cs_ix])
    go = np.concatenate([gold_own[i] for i in lim_ix])
    po = np.concatenate([(1 - ps_lim[i][:, 0] >= THRESHOLD) & (ps_lim[i][:, 1:].argmax(axis=1) == 2) for i in lim_ix])
    c = prf(list(ga), list(pa), True)["f1"]
    o = prf(list(go), list(po), True)["f1"]
    return roles, c, o, (roles + c + o) / 3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/facets-ensemble")
    ap.add_argument("--final", action="store_true", help="CSAbstruct dev once, after the verdict")
    ap.add_argument("--float32-check", action="store_true",
                    help="information only: retrain the seeds (deterministic) and score the float32 heads")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    enc = encoder()
    shipped = load_model(None)
    key = adapter_key(shipped.adapter)
    log(f"shipped model {shipped.model_id}, adapter key {key}, encoder {enc.model_id} {enc.precision}")
    assert key == SHIPPED_ADAPTER_KEY, key
    train_heads(enc, shipped, out)
    cfg = dict(shipped.config, dim=2304)
    heads = []
    for seed in SEEDS:
        with np.load(out / f"seed{seed}.npz") as z:
            heads.append(head_from(dequantize({k: z[k] for k in z.files}), cfg))
    for h in heads:
        h.config["span_layers"], h.adapter = shipped.config["span_layers"], shipped.adapter

    _cs_tr, cs_dv, _ = cs_parts(ANNOT)
    lim_dv = [e for e in read_limitation_runs(LIMS, split="train") if lim_dev(e.group)]
    articles = sorted({e.group for e in lim_dv})
    by_article = {a: [i for i, e in enumerate(lim_dv) if e.group == a] for a in articles}
    log(f"dev: CS {len(cs_dv)} abstracts, limitation {len(lim_dv)} sentences of {len(articles)} articles")
    gold_roles = [np.array([ROLES.index(r) for r in e.roles]) for e in cs_dv]
    gold_any = [np.array([s != "none" for s in e.shortcomings]) for e in cs_dv]
    gold_own = [np.array([s == "own" for s in e.shortcomings]) for e in lim_dv]

    def probs(model):
        cs = probabilities(model, enc, cs_dv, "cs")
        lim = probabilities(model, enc, lim_dv, "limalone")
        return [p[0] for p in cs], [p[1] for p in cs], [p[1] for p in lim]

    members = [probs(shipped)] + [probs(h) for h in heads]
    avg = [[np.mean([m[part][i] for m in members], axis=0) for i in range(len(members[0][part]))] for part in range(3)]
    full_cs, full_lim = list(range(len(cs_dv))), list(range(len(lim_dv)))
    names = ["shipped head"] + [f"seed {s} head (int8)" for s in SEEDS] + [f"ensemble of {len(members)}"]
    log("dev figures at threshold 0.5: CS dev roles macro-F1, CS dev any-vs-none F1, own F1 (limitation dev), mean")
    for name, m in zip(names, members + [avg]):
        r, c, o, s = scores(*m, gold_roles, gold_any, gold_own, full_cs, full_lim)
        log(f"  {name:<22} {r:.4f}  {c:.4f}  {o:.4f}  {s:.4f}")

    rng = np.random.default_rng(0)
    gains = []
    for _ in range(2000):
        ci = rng.integers(0, len(cs_dv), len(cs_dv))
        li = [i for a in rng.choice(articles, len(articles)) for i in by_article[a]]
        e = scores(*avg, gold_roles, gold_any, gold_own, ci, li)
        b = scores(*members[0], gold_roles, gold_any, gold_own, ci, li)
        gains.append([x - y for x, y in zip(e, b)])
    gains = np.array(gains)
    for j, name in enumerate(("roles", "CS any", "own", "mean")):
        g = gains[:, j]
        log(f"bootstrap gain, {name:<7} {g.mean():+.4f} (95% {np.percentile(g, 2.5):+.4f} .. "
            f"{np.percentile(g, 97.5):+.4f}), better in {(g > 0).mean():.1%}")
    ship = (gains[:, 3] > 0).mean() >= 0.95
    log(f"RULE (dev mean better in >= 95% of resamples): {'SHIP the ensemble' if ship else 'do NOT ship'}")
    (out / "verdict.json").write_text(json.dumps({"ship": bool(ship), "better_share": float((gains[:, 3] > 0).mean()),
                                                  "seeds": list(SEEDS)}) + "\n")

    # information only, not used by the rule: the threshold curve of the ensemble
    for thr in (0.3, 0.4, 0.5, 0.6):
        ga = np.concatenate(gold_any)
        go = np.concatenate(gold_own)
        pa = np.concatenate([1 - p[:, 0] >= thr for p in avg[1]])
        po = np.concatenate([(1 - p[:, 0] >= thr) & (p[:, 1:].argmax(axis=1) == 2) for p in avg[2]])
        log(f"  (information) ensemble at threshold {thr}: CS any {prf(list(ga), list(pa), True)['f1']:.4f}, "
            f"own {prf(list(go), list(po), True)['f1']:.4f}")

    if args.float32_check:
        seqs, cfg32 = training_data(enc, shipped)
        heads32 = []
        for seed in SEEDS:
            m = fit(seqs, cfg32, seed)
            with np.load(out / f"seed{seed}.npz") as z:
                same = all(np.array_equal(v, z[k]) for k, v in quantize(m.state_arrays()).items())
            log(f"  (information) seed {seed} retrained: its int8 arrays {'equal' if same else 'DIFFER from'} the stored ones")
            m.config["span_layers"], m.adapter = shipped.config["span_layers"], shipped.adapter
            heads32.append(m)
        m32 = [members[0]] + [probs(h) for h in heads32]
        avg32 = [[np.mean([m[part][i] for m in m32], axis=0) for i in range(len(m32[0][part]))] for part in range(3)]
        for name, m in [(f"seed {s} head (float32)", h) for s, h in zip(SEEDS, m32[1:])] + [
                (f"ensemble of {len(m32)}, float32 heads", avg32)]:
            r, c, o, sc = scores(*m, gold_roles, gold_any, gold_own, full_cs, full_lim)
            log(f"  (information) {name:<30} {r:.4f}  {c:.4f}  {o:.4f}  {sc:.4f}")

    if args.final:
        ex = csabstruct_examples(CSAB / "dev.jsonl")
        gold = [np.array([ROLES.index(r) for r in e.roles]) for e in ex]
        per_model = [[p[0] for p in probabilities(m, enc, ex, "csab")] for m in [shipped] + heads]
        ens = [np.mean([pm[i] for pm in per_model], axis=0) for i in range(len(ex))]
        for name, pr in (("shipped head", per_model[0]), (f"ensemble of {len(per_model)}", ens)):
            m, f = macro_f1(gold, [p.argmax(axis=1) for p in pr])
            log(f"CSAbstruct dev macro-F1, {name}: {m:.4f} (" + ", ".join(f"{r} {x:.3f}" for r, x in zip(ROLES, f)) + ")")


if __name__ == "__main__":
    main()
