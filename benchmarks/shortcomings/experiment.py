"""Model selection for the two-head facet model, on dev data only:
roles on CSAbstruct dev, own-work limitations on a dev part of the limitation file's *training* articles
(sha256 % 5 == 1, left out of training here), shortcomings on a dev part of the CS annotation TRAIN
abstracts (every 5th of train + train2). The CS test abstracts and the limitation file's held-out articles are not read.

    python benchmarks/shortcomings/experiment.py '{"epochs": 10}' ...    (one JSON of overrides per run)
"""
import hashlib
import json
import sys
import time

from common import ANNOT, CSAB, LIMS, encoder

from gapscope.facets.dataset import abstracts_arrays
from gapscope.facets.evaluate import eval_csabstruct, eval_shortcomings, prf
from gapscope.facets.shortcoming_data import (labelled_abstracts, read_abstracts_jsonl, read_label_tsv,
                                              read_limitation_runs)
from gapscope.facets.train import DEFAULTS, fit, resolve_layers, to_train_seqs
from gapscope.facets.shortcoming_data import csabstruct_examples


def lim_dev(article: str) -> bool:
    return int(hashlib.sha256(article.encode()).hexdigest(), 16) % 5 == 1


def cs_parts(annot_dir):
    recs = read_abstracts_jsonl(annot_dir / "train.jsonl.gz") + read_abstracts_jsonl(annot_dir / "train2.jsonl.gz")
    labels = read_label_tsv([annot_dir / "labels" / f for f in ("a1/train.tsv", "a2/train.tsv", "a3/train2.tsv")])
    dev_ids = {r["abstract_id"] for i, r in enumerate(recs) if i % 5 == 0}
    ex = labelled_abstracts(recs, labels)
    return [e for e in ex if e.key not in dev_ids], [e for e in ex if e.key in dev_ids], recs


def main(runs):
    from pathlib import Path

    annot = Path(sys.argv[1]) if len(sys.argv) > 1 and not sys.argv[1].startswith("{") else ANNOT
    enc = encoder()
    base = dict(DEFAULTS)
    layers = resolve_layers(base, enc)
    csab = csabstruct_examples(CSAB / "train.jsonl")
    csab_f = abstracts_arrays(enc, csab, "csab", span_layers=layers)
    runs_all = read_limitation_runs(LIMS, split="train")
    lim_tr = [e for e in runs_all if not lim_dev(e.group)]
    lim_dv = [e for e in runs_all if lim_dev(e.group)]
    lim_f = {}
    for name, ex in (("tr", lim_tr), ("dv", lim_dv)):
        lim_f[name] = abstracts_arrays(enc, ex, "limalone", span_layers=layers)
    cs_tr, cs_dv, _ = cs_parts(annot)
    print(f"cs train {len(cs_tr)} abstracts, cs dev {len(cs_dv)}; lim train sentences {len(lim_tr)}, lim dev sentences {len(lim_dv)}",
          flush=True)
    cs_f = abstracts_arrays(enc, cs_tr, "cs", span_layers=layers) if cs_tr else None
    for over in runs:
        cfg = dict(base)
        cfg.update(over)
        cfg["doc_dim"] = enc.dim
        t = time.time()
        seqs = to_train_seqs(csab, csab_f, weak=cfg["weak_weight"] > 0, weak_weight=cfg["weak_weight"],
                             weak_none_weight=cfg["weak_none_weight"],
                             short_weight=0.0)
        seqs += to_train_seqs(lim_tr, lim_f["tr"], short_weight=cfg["lim_weight"])
        if cs_f is not None and cfg["cs_weight"] > 0:
            seqs += to_train_seqs(cs_tr, cs_f, short_weight=cfg["cs_weight"], role_weight=cfg.get("cs_role_weight", 1.0))
        model = fit(seqs, cfg, cfg.get("seed", 0))
        res = {"over": over, "train_s": round(time.time() - t, 1)}
        if over.get("save"):
            model.info = {"trained_on": "experiment.py (dev abstracts and dev articles left out)", "over": over}
            model.save(over["save"])
        res["roles_csab_dev"] = eval_csabstruct(model, enc, CSAB / "dev.jsonl")["macro_f1"]
        from gapscope.facets.evaluate import predict_examples

        for thr in cfg.get("thresholds", [cfg["threshold"]]):
            model.config["threshold"] = thr
            preds = predict_examples(model, enc, lim_dv, "limalone")
            gold = ["POS" if s == "own" else "NEG" for e in lim_dv for s in e.shortcomings]
            pred = ["POS" if p.shortcoming == "own" else "NEG" for ps in preds for p in ps]
            r = {"thr": thr, "own_f1_limdev": prf(gold, pred, "POS")["f1"]}
            if cs_dv:
                s = eval_shortcomings(model, enc, cs_dv, "cs")
                r.update(cs_any_f1=s["any"]["f1"], cs_any_p=s["any"]["precision"], cs_any_r=s["any"]["recall"],
                         cs_types={k: v["f1"] for k, v in s["types"].items()}, cs_flag=s["flagged_share"],
                         cs_gold=s["gold_share"], cs_roles=s["roles_macro_f1"])
            res.setdefault("by_threshold", []).append(r)
        print(json.dumps(res), flush=True)


if __name__ == "__main__":
    main([json.loads(a) for a in sys.argv[1:] if a.startswith("{")] or [{}])
