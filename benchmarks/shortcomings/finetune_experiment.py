"""Model selection for the fine-tuned facet model (a LoRA adapter of the encoder's top K layers + the two
heads), on dev data only, as experiment.py: roles on CSAbstruct dev, own-work limitations on the limitation
file's training articles with sha256 % 5 == 1, shortcomings on every 5th labelled CS train abstract; all
three left out of training. The CS test abstracts and the held-out articles are not read.

    python benchmarks/shortcomings/finetune_experiment.py [--out DIR] [--device cuda] [--limit N] \
        '{"ft_layers": 2}' '{"ft_layers": 3, "seed": 1}' ...

Each run prints one JSON line of dev figures per threshold. The run with the best dev score (the mean of
roles macro-F1, CS any-vs-none F1 and own-work F1, at its best threshold) is saved to DIR/model (head.json,
head.npz, adapter.npz) with that threshold; DIR/selection.json lists every run.
"""
import argparse
import json
import sys
import time
from pathlib import Path

from common import CSAB, LAYERS, LIMS, encoder
from experiment import cs_parts, lim_dev

from gapscope.facets.evaluate import prf
from gapscope.facets.finetune import FT_DEFAULTS, cached_probabilities, fit_finetune, labels_at, make_source
from gapscope.facets.shortcoming_data import csabstruct_examples, read_limitation_runs
from gapscope.facets.train import DEFAULTS

THRESHOLDS = (0.3, 0.4, 0.5)


def log(msg):
    print(msg, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=None)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--limit", type=int, default=None, help="first N examples of each source (a quick check)")
    ap.add_argument("--budget", type=float, default=None, help="start no run after this many seconds")
    ap.add_argument("--curve", action="store_true",
                    help="also the CSAbstruct dev roles after each epoch (a learning curve; the cosine schedule "
                         "still runs over all epochs)")
    ap.add_argument("runs", nargs="*")
    args = ap.parse_args()
    runs = [json.loads(r) for r in args.runs] or [{}]
    lim = (lambda xs: xs[:args.limit]) if args.limit else (lambda xs: xs)

    enc = encoder()
    log(f"encoder {enc.model_id} {enc.precision} on {enc.device}")
    base = dict(DEFAULTS, **FT_DEFAULTS)
    base["span_layers"] = list(LAYERS)
    base["doc_dim"] = enc.dim
    csab = lim(csabstruct_examples(CSAB / "train.jsonl"))
    csab_dev = lim(csabstruct_examples(CSAB / "dev.jsonl"))
    runs_all = read_limitation_runs(LIMS, split="train")
    lim_tr = lim([e for e in runs_all if not lim_dev(e.group)])
    lim_dv = lim([e for e in runs_all if lim_dev(e.group)])
    cs_tr, cs_dv, _ = cs_parts(Path(__import__("common").ANNOT))
    cs_tr, cs_dv = lim(cs_tr), lim(cs_dv)
    log(f"train: csabstruct {len(csab)}, limitation sentences {len(lim_tr)}, cs {len(cs_tr)}; "
        f"dev: csabstruct {len(csab_dev)}, limitation {len(lim_dv)}, cs {len(cs_dv)}")

    sources = {}

    def sources_for(k, cfg):
        frm = enc.num_layers - k
        if frm not in sources:
            t = time.time()
            weak = dict(weak=cfg["weak_weight"] > 0, weak_weight=cfg["weak_weight"],
                        weak_none_weight=cfg["weak_none_weight"], short_weight=0.0)
            sources[frm] = {
                "train": [make_source(enc, csab, "csab", LAYERS, frm, weak),
                          make_source(enc, lim_tr, "limalone", LAYERS, frm, dict(short_weight=cfg["lim_weight"])),
                          make_source(enc, cs_tr, "cs", LAYERS, frm,
                                      dict(short_weight=cfg["cs_weight"], role_weight=cfg.get("cs_role_weight", 1.0)))],
                "csab_dev": make_source(enc, csab_dev, "csab", LAYERS, frm),
                "lim_dev": make_source(enc, lim_dv, "limalone", LAYERS, frm),
                "cs_dev": make_source(enc, cs_dv, "cs", LAYERS, frm),
            }
            log(f"features and window states below layer {frm + 1}: {time.time() - t:.1f} s")
        return sources[frm]

    results, best, run_s, changed = [], None, [], False
    start = time.time()
    for over in runs:
        if args.budget and run_s and time.time() - start + max(run_s) > args.budget:
            log(f"budget of {args.budget:.0f} s would be overrun: skipped {json.dumps(over)}")
            continue
        if over.get("ft_layers") == "best":       # the K of the best run so far
            over = dict(over, ft_layers=best[3].get("ft_layers", base["ft_layers"]))
        t_run = time.time()
        cfg = dict(base, **over)
        src = sources_for(int(cfg["ft_layers"]), cfg)
        t = time.time()
        def roles_dev(model, top):
            roles_pred, _ = labels_at(cached_probabilities(model, top, src["csab_dev"], LAYERS, enc.dim,
                                                           device=args.device), 0.5)
            gold_roles = [r for e in src["csab_dev"].examples for r in e.roles]
            labels = sorted(set(gold_roles))
            return sum(prf(gold_roles, roles_pred, lab)["f1"] for lab in labels) / len(labels)

        curve = (lambda epoch, model, top: log(f"  after epoch {epoch}: roles CSAbstruct dev "
                                                f"{roles_dev(model, top):.4f}")) if args.curve else None
        model, top = fit_finetune(enc, src["train"], cfg, int(cfg.get("seed", 0)), device=args.device, log=log,
                                  after_epoch=curve)
        train_s = time.time() - t
        dv = {name: cached_probabilities(model, top, src[name], LAYERS, enc.dim, device=args.device)
              for name in ("lim_dev", "cs_dev")}
        roles_f1 = roles_dev(model, top)
        res = {"over": over, "train_s": round(train_s, 1), "roles_csab_dev": round(roles_f1, 4), "by_threshold": []}
        for thr in THRESHOLDS:
            _, own_pred = labels_at(dv["lim_dev"], thr)
            gold_own = ["POS" if s == "own" else "NEG" for e in lim_dv for s in e.shortcomings]
            own = prf(gold_own, ["POS" if p == "own" else "NEG" for p in own_pred], "POS")
            cs_roles, cs_pred = labels_at(dv["cs_dev"], thr)
            gold_cs = ["any" if s != "none" else "none" for e in cs_dv for s in e.shortcomings]
            cs_any = prf(gold_cs, ["any" if p != "none" else "none" for p in cs_pred], "any")
            score = (roles_f1 + own["f1"] + cs_any["f1"]) / 3
            res["by_threshold"].append({"thr": thr, "own_f1_limdev": own["f1"], "cs_any_f1": cs_any["f1"],
                                        "cs_any_p": cs_any["precision"], "cs_any_r": cs_any["recall"],
                                        "score": round(score, 4)})
            if best is None or score > best[0]:
                best = (score, thr, model, over)
                changed = True
        log(json.dumps(res))
        results.append(res)
        if args.out and changed:
            save(Path(args.out), best, results, enc, csab, lim_tr, cs_tr)   # a time limit still leaves the best so far
        changed = False
        run_s.append(time.time() - t_run)
    if args.out:
        save(Path(args.out), best, results, enc, csab, lim_tr, cs_tr)


def save(out, best, results, enc, csab, lim_tr, cs_tr):
    """The best run so far into OUT/model, with its threshold; every run into OUT/selection.json."""
    out.mkdir(parents=True, exist_ok=True)
    score, thr, model, over = best
    model.config["threshold"] = thr
    model.config["encoder_model"] = "all-MiniLM-L6-v2"
    model.config["encoder_precision"] = enc.precision
    model.info = {"trained_on": {"csabstruct": "train.jsonl", "limitations": "train articles, sha256 % 5 not in (0, 1)",
                                 "cs_annotations": "train + train2, every 5th abstract (dev) left out",
                                 "csabstruct_abstracts": len(csab), "limitation_sentences": len(lim_tr),
                                 "cs_abstracts": len(cs_tr)},
                  "selected_by": "benchmarks/shortcomings/finetune_experiment.py: best mean of the three dev figures",
                  "dev_score": score, "over": over}
    model.save(out / "model")
    (out / "selection.json").write_text(json.dumps({"best": {"over": over, "threshold": thr, "score": score},
                                                    "runs": results}, indent=1) + "\n")
    log(f"saved {out / 'model'} ({model.model_id}): {json.dumps(over)} threshold {thr}, dev score {score:.4f}")


if __name__ == "__main__":
    sys.exit(main())
