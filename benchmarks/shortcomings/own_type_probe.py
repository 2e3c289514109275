"""Whether the own-work misses on the limitation dev articles are type confusions (flagged, but as prior or
open) or misses of the any-shortcoming decision; and what a bias towards `own` among the types would do. Dev
data only (the limitation file's dev articles, the CS dev abstracts).

    python own_type_probe.py   (logs/own_type_probe.log)
"""
import numpy as np
from common import ANNOT, LIMS, encoder
from experiment import cs_parts, lim_dev
from decode_experiment import probabilities
from gapscope.facets.evaluate import prf
from gapscope.facets.model import load_model
from gapscope.facets.shortcoming_data import read_limitation_runs
enc = encoder()
model = load_model(None)
lim_dv = [e for e in read_limitation_runs(LIMS, split="train") if lim_dev(e.group)]
_, cs_dv, _ = cs_parts(ANNOT)
pl = np.concatenate([p[1] for p in probabilities(model, enc, lim_dv, "limalone")])
pc = np.concatenate([p[1] for p in probabilities(model, enc, cs_dv, "cs")])
g = np.array([s == "own" for e in lim_dv for s in e.shortcomings])
gc = np.array([s for e in cs_dv for s in e.shortcomings])
thr = model.threshold
flag = 1 - pl[:, 0] >= thr
typ = pl[:, 1:].argmax(axis=1)
print("lim dev POS", g.sum(), "flagged POS", (flag & g).sum(), "flagged as own", (flag & g & (typ == 2)).sum(),
      "as prior", (flag & g & (typ == 0)).sum(), "as open", (flag & g & (typ == 1)).sum())
print("any-as-own F1", prf(list(g), list(flag), True)["f1"])
for b in (0, 0.5, 1.0, 1.5, 2.0, 3.0):
    lp = np.log(np.clip(pl[:, 1:], 1e-9, 1)); lp[:, 2] += b
    own = flag & (lp.argmax(1) == 2)
    lc = np.log(np.clip(pc[:, 1:], 1e-9, 1)); lc[:, 2] += b
    fc = 1 - pc[:, 0] >= thr
    tc = np.where(fc, np.array(["prior", "open", "own"])[lc.argmax(1)], "none")
    per = {t: round(prf(list(gc), list(tc), t)["f1"], 3) for t in ("prior", "open", "own")}
    print(f"own bias {b}: lim dev own F1 {prf(list(g), list(own), True)['f1']:.4f}  CS dev per type {per}  own predicted on CS dev {(tc=='own').sum()} (gold {(gc=='own').sum()})")
