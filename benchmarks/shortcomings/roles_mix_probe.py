"""Whether the role head's data mix bounds the CSAbstruct roles figure (information only, nothing shipped): heads on
the shipped adapter's features with less weight on the CS role labels, or CSAbstruct counted twice; scored on a
fold of CSAbstruct train that these heads did not see (every 5th abstract; the adapter did see it) and on the CS
dev roles. CSAbstruct dev is not read.

    python roles_mix_probe.py   (logs/roles_mix_probe.log)
"""
import time

import numpy as np
from common import ANNOT, CSAB, LIMS, encoder
from decode_experiment import macro_f1, probabilities
from experiment import cs_parts, lim_dev
from gapscope.facets.dataset import abstracts_arrays
from gapscope.facets.model import ROLES, load_model
from gapscope.facets.shortcoming_data import csabstruct_examples, read_limitation_runs
from gapscope.facets.train import fit, to_train_seqs

enc = encoder()
shipped = load_model(None)
layers, adapter = shipped.span_layers, shipped.adapter
csab = csabstruct_examples(CSAB / "train.jsonl")
fold = [e for i, e in enumerate(csab) if i % 5 == 0]; rest = [e for i, e in enumerate(csab) if i % 5 != 0]
lim_tr = [e for e in read_limitation_runs(LIMS, split="train") if not lim_dev(e.group)]
cs_tr, cs_dv, _ = cs_parts(ANNOT)
cfg = dict(shipped.config); cfg.pop("adapter", None); cfg["epochs"] = int(cfg["ft_epochs"])
f_rest = abstracts_arrays(enc, rest, "csab-rest", span_layers=layers, adapter=adapter)
f_lim = abstracts_arrays(enc, lim_tr, "limalone", span_layers=layers, adapter=adapter)
f_cs = abstracts_arrays(enc, cs_tr, "cs", span_layers=layers, adapter=adapter)
def score(m):
    pf = probabilities(m, enc, fold, "csab-fold"); pc = probabilities(m, enc, cs_dv, "cs")
    gf = [np.array([ROLES.index(r) for r in e.roles]) for e in fold]; gc = [np.array([ROLES.index(r) for r in e.roles]) for e in cs_dv]
    return macro_f1(gf, [p[0].argmax(1) for p in pf])[0], macro_f1(gc, [p[0].argmax(1) for p in pc])[0]
print("shipped head (trained on the fold too): fold %.4f  CS dev %.4f" % score(shipped), flush=True)
for crw, csab_mult in [(1.0, 1), (0.3, 1), (1.0, 2)]:
    c = dict(cfg, cs_role_weight=crw)
    seqs = []
    for _ in range(csab_mult):
        seqs += to_train_seqs(rest, f_rest, weak=c["weak_weight"] > 0, weak_weight=c["weak_weight"],
                              weak_none_weight=c["weak_none_weight"], short_weight=0.0)
    seqs += to_train_seqs(lim_tr, f_lim, short_weight=c["lim_weight"])
    seqs += to_train_seqs(cs_tr, f_cs, short_weight=c["cs_weight"], role_weight=crw)
    t = time.time(); m = fit(seqs, dict(c, dim=2304), 1)
    m.config["span_layers"], m.adapter = shipped.config["span_layers"], adapter
    print(f"cs_role_weight {crw} csabstruct x{csab_mult}: fold %.4f  CS dev %.4f" % score(m), f"({time.time()-t:.0f} s)", flush=True)
