"""Train the concreteness model (concepts/concreteness.py) on the train labels and measure it once on the
adjudicated test labels (README.md in this folder).

    python data/annotations/concept-concreteness/train.py [--no-save]

Train: the 500 `T` items, A1's labels for T000-T249 and A2's for T250-T499. Model selection (the
regularisation C and the threshold on P(concrete)) by 5-fold cross-validation on them only: the threshold
maximises the mean F1 of the two classes over the out-of-fold probabilities. Test: the 200 `E` items (the
library's own concepts), adjudicated; read once, after the model is saved.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2] / "core"))
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)


def read_tsv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def train_labels() -> dict[str, str]:
    a1 = {r["item"]: r["label"] for r in read_tsv(HERE / "labels" / "a1.tsv")}
    a2 = {r["item"]: r["label"] for r in read_tsv(HERE / "labels" / "a2.tsv")}
    return {k: (a1 if int(k[1:]) < 250 else a2)[k] for k in list(a1) + list(a2) if k.startswith("T")}


def f1s(y: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    """F1 of the concrete class and of the not-concrete class."""
    out = []
    for cls in (1, 0):
        tp = float(((pred == cls) & (y == cls)).sum())
        p, r = tp / max((pred == cls).sum(), 1), tp / max((y == cls).sum(), 1)
        out.append(2 * p * r / max(p + r, 1e-9))
    return out[0], out[1]


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    from gapscope.concepts.concreteness import ConcretenessModel, features
    from gapscope.embed import Encoder

    ap = argparse.ArgumentParser()
    ap.add_argument("--no-save", action="store_true")
    a = ap.parse_args()
    items = {r["item"]: r for r in read_tsv(HERE / "items.tsv")}
    lab = train_labels()
    ids = sorted(lab)
    enc = Encoder()
    phrases = [items[k]["phrase"] for k in ids]
    x = features(phrases, enc.encode([p.lower() for p in phrases]))
    y = np.array([lab[k] == "concrete" for k in ids], dtype=int)
    print(f"train: {len(ids)} phrases, {y.sum()} concrete, {len(y) - y.sum()} vague or junk")
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(x, y))
    best = None
    for c in C_GRID:
        oof = np.zeros(len(y))
        for tr, te in folds:
            m = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(x[tr], y[tr])
            oof[te] = m.predict_proba(x[te])[:, 1]
        for t in np.arange(0.2, 0.81, 0.05):
            f = np.mean(f1s(y, (oof >= t).astype(int)))
            if best is None or f > best[0]:
                best = (f, c, float(round(t, 2)), f1s(y, (oof >= t).astype(int)))
    f, c, t, (fc, fv) = best
    print(f"cross-validated: C {c}, threshold {t}: F1 concrete {fc:.3f}, not concrete {fv:.3f}, mean {f:.3f}")
    m = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(x, y)
    model = ConcretenessModel({
        "encoder": enc.model_id, "weights": [round(float(w), 6) for w in m.coef_[0]],
        "bias": round(float(m.intercept_[0]), 6), "threshold": t,
        "trained_on": f"data/annotations/concept-concreteness: {len(ids)} train phrases ({int(y.sum())} concrete)",
        "cross_validated": {"C": c, "f1_concrete": round(fc, 3), "f1_not_concrete": round(fv, 3)}})
    if not a.no_save:
        model.save()
        print("saved core/gapscope/resources/concepts/concreteness.json")
    gold_path = HERE / "labels" / "adjudicated-test.tsv"
    if not gold_path.is_file():
        print("no adjudicated test labels yet")
        return
    gold = {r["item"]: r["label"] for r in read_tsv(gold_path)}
    tids = sorted(gold)
    tp_ = [items[k]["phrase"] for k in tids]
    prob = model.probability(tp_, enc.encode([p.lower() for p in tp_]))
    ty = np.array([gold[k] == "concrete" for k in tids], dtype=int)
    pred = (prob >= t).astype(int)
    fc, fv = f1s(ty, pred)
    print(f"test (adjudicated, {len(tids)} library concepts, {ty.sum()} concrete): accuracy {np.mean(pred == ty):.3f}, "
          f"F1 concrete {fc:.3f}, not concrete {fv:.3f}")
    kept = pred == 1
    print(f"  of the concepts kept, concrete: {ty[kept].mean():.3f} ({int(ty[kept].sum())} of {int(kept.sum())}); "
          f"share concrete among all: {ty.mean():.3f}; concrete ones removed: {int(((~kept) & (ty == 1)).sum())}")
    for kind in ("method", "problem"):
        sel = np.array([items[k]["kind"] == kind for k in tids])
        fc, fv = f1s(ty[sel], pred[sel])
        print(f"  {kind}: {sel.sum()} concepts, {ty[sel].sum()} concrete; accuracy {np.mean(pred[sel] == ty[sel]):.3f}, "
              f"F1 concrete {fc:.3f}, not concrete {fv:.3f}; kept concrete {ty[sel & kept].mean():.3f}")
    print("errors (item, phrase, gold, P(concrete)):")
    for k, p, g, q in zip(tids, tp_, ty, prob):
        if (q >= t) != bool(g):
            print(f"  {k}\t{p}\t{gold[k]}\t{q:.2f}")


if __name__ == "__main__":
    main()
