"""A second role head on the BASE encoder's features, averaged with the shipped head's role probabilities.

The shipped model (``facets2-b314f0ea06``) reads the adapted encoder (its LoRA branch); the base encoder's
hidden states 1..6 come out of the same pass for free. A second role head of the shipped head's
architecture and config (its ``epochs`` 8, the frozen-feature recipe; hidden 128, dropout 0.4, lr 2e-3, class
weights to the power 0.5), trained on the role loss only (no shortcoming labels at all: its shortcoming
outputs are untrained and never used), on the base features of layers 1..6 and on CSAbstruct train alone (as
the v1 role head was: another feature set and one label convention, so its errors may differ), is averaged
with the shipped head: P(role) = (1 - w) P_shipped + w P_second, where P_second is the mean of SEEDS heads
(seeds 0, 1, 2), each stored as it would ship (int8 with a float16 scale per output row). Shortcomings are
untouched (the shipped head's alone).

THE RULE, fixed before any figure of a second head was seen:
- Selection heads: SEEDS second heads trained on CSAbstruct train less its fold (every 5th abstract, 0-based
  index % 5 == 0).
- (a) CS dev roles: macro-F1 on the 144 CS dev abstracts (every 5th labelled CS train abstract, as in
  experiment.cs_parts; neither head trained on them) of (1 - w) P_shipped + w P_selection.
- (b) the CSAbstruct fold: macro-F1 on the fold of (1 - w) P_proxy + w P_selection, where the proxy stands for
  the shipped head on data it did not see: the shipped recipe (its config, ft_epochs 6, data mix: CSAbstruct
  train less the fold with weak shortcoming labels, the limitation file's training articles less the dev
  ones, the CS train abstracts less the dev ones) on the shipped adapter's features, seed 0. The shipped head
  itself trained on the fold (0.757 on it against 0.685 for such a proxy, roles_mix_probe.log), which would
  decide for w = 0 whatever the second head does; its figure is logged too, as information only. The
  adapter saw the fold, which still favours the adapted side (conservative).
- w* = the w of W_GRID = (0, 0.2, 0.35, 0.5) with the best mean of (a) and (b), among those whose (a) is at
  most 0.005 below (a) at w = 0 (the shipped head alone); ties go to the smaller w.
- If w* > 0 (--final): SEEDS final second heads on all of CSAbstruct train; CSAbstruct dev is then read ONCE
  (shipped head alone and the average at w*), and the CS test abstracts' roles (adjudicated labels, as
  report.py reads them). SHIP only if the average reaches >= 0.660 CSAbstruct dev macro-F1 AND its CS test
  role macro-F1 is not below the shipped head's (the shortcoming figures cannot move: the average is of the
  role probabilities only). If w* = 0, nothing more is read and nothing ships.
Neither CSAbstruct test, the limitation file's TEST split nor its held-out articles are read here.

    python roles_second_head.py [--out DIR] [--final]   (logs/roles_second_head.log)
"""
import argparse
import json
import time
from pathlib import Path

import numpy as np
from common import ANNOT, CSAB, LAYERS, LIMS, encoder
from decode_experiment import macro_f1, probabilities
from ensemble_experiment import dequantize, head_from, quantize
from experiment import cs_parts, lim_dev

from gapscope.facets.adapter import adapter_key
from gapscope.facets.dataset import abstracts_arrays, split_by_offsets
from gapscope.facets.model import ROLES, load_model
from gapscope.facets.shortcoming_data import (csabstruct_examples, labelled_abstracts, read_abstracts_jsonl,
                                              read_label_tsv, read_limitation_runs)
from gapscope.facets.train import fit, to_train_seqs

SEEDS = (0, 1, 2)
W_GRID = (0.0, 0.2, 0.35, 0.5)
MAX_CS_DEV_DROP = 0.005
TARGET = 0.660
SHIPPED_ADAPTER_KEY = "-adma5d04aaf6e47"


def log(msg):
    print(msg, flush=True)


def subset(feats, idx):
    """The feature arrays of the abstracts ``idx`` (in that order)."""
    sents = split_by_offsets(feats["sent"], feats["offsets"])
    picked = [sents[i] for i in idx]
    return {"doc": feats["doc"][list(idx)], "sent": np.concatenate(picked),
            "offsets": np.cumsum([0] + [len(s) for s in picked]).astype(np.int64)}


def role_probs(model, feats, examples):
    return [p[0] for p in model.probabilities(feats["doc"], split_by_offsets(feats["sent"], feats["offsets"]),
                                              [e.sentences for e in examples])]


def gold(examples):
    """Role indices; -1 where a sentence has no role label (counted as a false positive, as facets.evaluate does)."""
    return [np.array([ROLES.index(r) if r else -1 for r in e.roles]) for e in examples]


def second_config(shipped):
    cfg = dict(shipped.config)
    cfg.pop("adapter", None)
    cfg.update(span_layers=list(LAYERS), short_loss_weight=0.0)   # epochs: the shipped config's 8
    return cfg


def second_heads(examples, feats, cfg, out, name):
    """SEEDS second heads on (examples, base features), role loss only, stored int8; reused when on disk."""
    heads, seqs = [], None
    for seed in SEEDS:
        path = out / f"{name}-seed{seed}.npz"
        if not path.exists():
            seqs = seqs or to_train_seqs(examples, feats, short_weight=0.0)
            t = time.time()
            m = fit(seqs, cfg, seed)
            np.savez_compressed(path, **quantize(m.state_arrays()))
            log(f"{name} head, seed {seed}: {len(examples)} abstracts, {time.time() - t:.1f} s, "
                f"{path} {path.stat().st_size:,} bytes")
        with np.load(path) as z:
            h = head_from(dequantize({k: z[k] for k in z.files}), dict(cfg, dim=len(LAYERS) * 384))
        h.config["span_layers"] = list(LAYERS)
        heads.append(h)
    return heads


def mean_probs(heads, feats, examples):
    per = [role_probs(h, feats, examples) for h in heads]
    return [np.mean([p[i] for p in per], axis=0) for i in range(len(examples))]


def mix(p_main, p_second, w):
    return [(1 - w) * a + w * b for a, b in zip(p_main, p_second)]


def score(g, probs):
    return macro_f1(g, [p.argmax(axis=1) for p in probs])


def proxy_head(enc, shipped, csab, csab_adapted, rest_idx, out):
    """The shipped recipe on the shipped adapter's features without the fold (seed 0), stored float32."""
    path = out / "proxy-seed0.npz"
    cfg = dict(shipped.config)
    cfg.pop("adapter", None)
    cfg["epochs"] = int(cfg["ft_epochs"])
    if not path.exists():
        layers, adapter = shipped.span_layers, shipped.adapter
        lim_tr = [e for e in read_limitation_runs(LIMS, split="train") if not lim_dev(e.group)]
        cs_tr, _cs_dv, _ = cs_parts(ANNOT)
        t = time.time()
        f_lim = abstracts_arrays(enc, lim_tr, "limalone", span_layers=layers, adapter=adapter)
        f_cs = abstracts_arrays(enc, cs_tr, "cs", span_layers=layers, adapter=adapter)
        log(f"adapted features of the limitation and CS training data: {time.time() - t:.1f} s")
        rest = [csab[i] for i in rest_idx]
        seqs = to_train_seqs(rest, subset(csab_adapted, rest_idx), weak=cfg["weak_weight"] > 0,
                             weak_weight=cfg["weak_weight"], weak_none_weight=cfg["weak_none_weight"], short_weight=0.0)
        seqs += to_train_seqs(lim_tr, f_lim, short_weight=cfg["lim_weight"])
        seqs += to_train_seqs(cs_tr, f_cs, short_weight=cfg["cs_weight"], role_weight=cfg.get("cs_role_weight", 1.0))
        t = time.time()
        m = fit(seqs, cfg, 0)
        np.savez_compressed(path, **m.state_arrays())
        log(f"proxy head (shipped recipe, adapted features, without the fold): {time.time() - t:.1f} s")
    with np.load(path) as z:
        h = head_from({k: z[k] for k in z.files}, dict(cfg, dim=2304))
    h.config["span_layers"], h.adapter = shipped.config["span_layers"], shipped.adapter
    return h


def bootstrap(g, base, other, n=2000):
    """Paired bootstrap over the abstracts of macro-F1(other) - macro-F1(base): (mean, 2.5%, 97.5%, share > 0)."""
    rng = np.random.default_rng(0)
    pb, po = [p.argmax(axis=1) for p in base], [p.argmax(axis=1) for p in other]
    gains = []
    for _ in range(n):
        ix = rng.integers(0, len(g), len(g))
        gg = [g[i] for i in ix]
        gains.append(macro_f1(gg, [po[i] for i in ix])[0] - macro_f1(gg, [pb[i] for i in ix])[0])
    gains = np.array(gains)
    return gains.mean(), np.percentile(gains, 2.5), np.percentile(gains, 97.5), (gains > 0).mean()


def per_class(f):
    return ", ".join(f"{r} {x:.3f}" for r, x in zip(ROLES, f))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/facets-second-head")
    ap.add_argument("--final", action="store_true", help="if w* > 0: the final heads, CSAbstruct dev once, CS test")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    enc = encoder()
    shipped = load_model(None)
    assert adapter_key(shipped.adapter) == SHIPPED_ADAPTER_KEY, adapter_key(shipped.adapter)
    log(f"shipped model {shipped.model_id}; encoder {enc.model_id} {enc.precision}")
    cfg = second_config(shipped)

    csab = csabstruct_examples(CSAB / "train.jsonl")
    fold_idx = [i for i in range(len(csab)) if i % 5 == 0]
    rest_idx = [i for i in range(len(csab)) if i % 5 != 0]
    fold = [csab[i] for i in fold_idx]
    t = time.time()
    csab_base = abstracts_arrays(enc, csab, "csab", span_layers=LAYERS)
    csab_adapted = abstracts_arrays(enc, csab, "csab", span_layers=shipped.span_layers, adapter=shipped.adapter)
    log(f"CSAbstruct train {len(csab)} abstracts (fold {len(fold)}): base and adapted features {time.time() - t:.1f} s")
    _cs_tr, cs_dv, _ = cs_parts(ANNOT)
    cs_base = abstracts_arrays(enc, cs_dv, "cs", span_layers=LAYERS)

    sel = second_heads([csab[i] for i in rest_idx], subset(csab_base, rest_idx), cfg, out, "selection")
    proxy = proxy_head(enc, shipped, csab, csab_adapted, rest_idx, out)

    g_cs, g_fold = gold(cs_dv), gold(fold)
    p_ship_cs = [p[0] for p in probabilities(shipped, enc, cs_dv, "cs")]
    p_sel_cs = mean_probs(sel, cs_base, cs_dv)
    fold_base, fold_adapted = subset(csab_base, fold_idx), subset(csab_adapted, fold_idx)
    p_sel_fold = mean_probs(sel, fold_base, fold)
    p_proxy_fold = role_probs(proxy, fold_adapted, fold)
    p_ship_fold = role_probs(shipped, fold_adapted, fold)

    log("selection heads alone (information): CS dev "
        + ", ".join(f"seed {s} {score(g_cs, role_probs(h, cs_base, cs_dv))[0]:.4f}" for s, h in zip(SEEDS, sel))
        + f", mean of {len(SEEDS)} {score(g_cs, p_sel_cs)[0]:.4f}; fold "
        + ", ".join(f"seed {s} {score(g_fold, role_probs(h, fold_base, fold))[0]:.4f}" for s, h in zip(SEEDS, sel))
        + f", mean of {len(SEEDS)} {score(g_fold, p_sel_fold)[0]:.4f}")
    log("w     (a) CS dev roles (objective)   (b) fold, proxy + second (objective)   mean     "
        "[info: fold, shipped head + second]")
    rows = {}
    for w in W_GRID:
        a, fa = score(g_cs, mix(p_ship_cs, p_sel_cs, w))
        b, fb = score(g_fold, mix(p_proxy_fold, p_sel_fold, w))
        info = score(g_fold, mix(p_ship_fold, p_sel_fold, w))[0]
        rows[w] = (a, b, (a + b) / 2)
        log(f"{w:<5} {a:.4f} ({fa[1]:.3f})                {b:.4f} ({fb[1]:.3f})                        "
            f"{(a + b) / 2:.4f}   [{info:.4f}]")
    allowed = [w for w in W_GRID if rows[w][0] >= rows[0.0][0] - MAX_CS_DEV_DROP]
    w_star = max(allowed, key=lambda w: (rows[w][2], -w))
    log(f"allowed (CS dev at most {MAX_CS_DEV_DROP} below w = 0): {allowed}; w* = {w_star}")
    if w_star > 0:
        for name, g, base, other in (("CS dev", g_cs, p_ship_cs, mix(p_ship_cs, p_sel_cs, w_star)),
                                     ("fold", g_fold, p_proxy_fold, mix(p_proxy_fold, p_sel_fold, w_star))):
            m, lo, hi, share = bootstrap(g, base, other)
            log(f"  (information) bootstrap gain at w* over w = 0, {name}: {m:+.4f} (95% {lo:+.4f} .. {hi:+.4f}), "
                f"better in {share:.1%}")
    verdict = {"w_star": w_star, "rows": {str(w): r for w, r in rows.items()}}

    if args.final:
        if w_star == 0:
            log("--final: w* = 0, so nothing ships and CSAbstruct dev is not read")
        else:
            final = second_heads(csab, csab_base, cfg, out, "final")
            p_fin_cs = mean_probs(final, cs_base, cs_dv)
            log(f"  (information) final heads, CS dev roles at w*: {score(g_cs, mix(p_ship_cs, p_fin_cs, w_star))[0]:.4f}")
            dev = csabstruct_examples(CSAB / "dev.jsonl")
            g_dev = gold(dev)
            p_ship_dev = [p[0] for p in probabilities(shipped, enc, dev, "csab")]
            p_fin_dev = mean_probs(final, abstracts_arrays(enc, dev, "csab", span_layers=LAYERS), dev)
            d0, f0 = score(g_dev, p_ship_dev)
            d1, f1 = score(g_dev, mix(p_ship_dev, p_fin_dev, w_star))
            log(f"CSAbstruct dev macro-F1, shipped head: {d0:.4f} ({per_class(f0)})")
            log(f"CSAbstruct dev macro-F1, average at w* = {w_star}: {d1:.4f} ({per_class(f1)})")
            test = labelled_abstracts(read_abstracts_jsonl(ANNOT / "test.jsonl.gz"),
                                      read_label_tsv([ANNOT / "labels" / "adjudicated" / "test.tsv"]))
            g_test = gold(test)
            p_ship_test = [p[0] for p in probabilities(shipped, enc, test, "cs")]
            p_fin_test = mean_probs(final, abstracts_arrays(enc, test, "cs", span_layers=LAYERS), test)
            t0, t1 = score(g_test, p_ship_test)[0], score(g_test, mix(p_ship_test, p_fin_test, w_star))[0]
            log(f"CS test roles macro-F1 ({len(test)} abstracts): shipped head {t0:.4f}, average {t1:.4f}")
            ship = d1 >= TARGET and t1 >= t0
            log(f"RULE (CSAbstruct dev >= {TARGET} and CS test roles not lower): {'SHIP' if ship else 'do NOT ship'}")
            verdict.update(csabstruct_dev=[d0, d1], cs_test=[t0, t1], ship=bool(ship))
    (out / "verdict.json").write_text(json.dumps(verdict) + "\n")


if __name__ == "__main__":
    main()
