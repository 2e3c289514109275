"""Can a small classifier over a concept's phrase tell a concrete concept ("KV cache", "Text-to-SQL", "reward
hacking") from a vague one ("accuracy degrading", "preprocessing pipeline", "AI-driven"), well enough to keep
vague ends out of the listed gaps? An experiment on the labels of data/annotations/concept-concreteness
(README.md there); the answer was no, so nothing of it is in the product.

    python benchmarks/concept_concreteness_experiment.py      (log: results/gaps/concept-concreteness.txt)

Model: a logistic regression (scikit-learn, class-balanced) over the all-MiniLM-L6-v2 vector of the
lower-cased phrase (the vector every concept carries), the vector of its last word (the head: "pipeline",
"decoder") and how it is written (an acronym or inner capitals, any capital, one / two / three words).
Train (one annotator each): 1,100 vocabulary phrases from abstracts outside the evaluation library (`T`, `U`)
and 400 of the library's concepts (`L`). Selection by 5-fold cross-validation over the `L` concepts (each fold
trains on every phrase but its concepts): C, whether junk phrases train, the weight of a library concept, and
the threshold on P(concrete) maximising the mean F1 of the two classes. Test: the 200 `E` library concepts,
double-labelled and adjudicated, never trained on.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))
LABELS = ROOT / "data" / "annotations" / "concept-concreteness"
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*s?$")   # "LLM", "LoRA", "GRPO", "VLMs", "NeRF"


def read_tsv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def train_labels() -> dict[str, str]:
    lab = {a: {r["item"]: r["label"] for r in read_tsv(LABELS / "labels" / f"{a}.tsv")}
           for a in ("a1", "a2", "a3", "a4", "a5", "a6")}
    out = {k: v for k, v in lab["a1"].items() if k.startswith("T") and int(k[1:]) < 250}
    out.update({k: v for k, v in lab["a2"].items() if k.startswith("T") and int(k[1:]) >= 250})
    for a in ("a3", "a4", "a5", "a6"):
        out.update(lab[a])
    return out


def form_features(phrase: str) -> list[float]:
    toks = phrase.split()
    return [float(any(_ACRONYM.match(t) for t in toks)), float(any(ch.isupper() for ch in phrase)),
            float(len(toks) == 1), float(len(toks) == 2), float(len(toks) >= 3)]


def features(enc, phrases: list[str]) -> np.ndarray:
    def unit(v):
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
    pv = unit(enc.encode([p.lower() for p in phrases]))
    hv = unit(enc.encode([p.lower().split()[-1] for p in phrases]))
    return np.hstack([pv, np.array([form_features(p) for p in phrases], np.float32), hv])


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

    from gapscope.embed import Encoder

    items = {r["item"]: r for f in ("items.tsv", "items2.tsv", "items3.tsv") for r in read_tsv(LABELS / f)}
    lab = train_labels()
    ids = sorted(lab)
    enc = Encoder()
    x = features(enc, [items[k]["phrase"] for k in ids])
    y = np.array([lab[k] == "concrete" for k in ids], dtype=int)
    junk = np.array([lab[k] == "junk" for k in ids])
    lib_rows = np.flatnonzero([k.startswith("L") for k in ids])
    print(f"train: {len(ids)} phrases ({len(lib_rows)} library concepts), {y.sum()} concrete, {junk.sum()} junk")
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(lib_rows, y[lib_rows]))

    def fit(rows, c, with_junk, w_lib):
        rows = rows if with_junk else rows[~junk[rows]]
        w = np.where([ids[r].startswith("L") for r in rows], w_lib, 1.0)
        return LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x[rows], y[rows], sample_weight=w)

    best = None
    for with_junk in (True, False):
        for w_lib in (1.0, 3.0):
            for c in C_GRID:
                oof = np.zeros(len(lib_rows))
                for tr, te in folds:
                    rows = np.setdiff1d(np.arange(len(ids)), lib_rows[te])
                    oof[te] = fit(rows, c, with_junk, w_lib).predict_proba(x[lib_rows[te]])[:, 1]
                for t in np.arange(0.2, 0.81, 0.05):
                    f = f1s(y[lib_rows], (oof >= t).astype(int))
                    if best is None or np.mean(f) > best[0]:
                        best = (float(np.mean(f)), c, with_junk, w_lib, float(round(t, 2)), f)
    _, c, with_junk, w_lib, t, (fc, fv) = best
    print(f"cross-validated over the library concepts: C {c}, junk trains {with_junk}, library weight {w_lib}, "
          f"threshold {t}: F1 concrete {fc:.3f}, not concrete {fv:.3f}")
    m = fit(np.arange(len(ids)), c, with_junk, w_lib)
    gold = {r["item"]: r["label"] for r in read_tsv(LABELS / "labels" / "adjudicated-test.tsv")}
    tids = sorted(gold)
    phrases = [items[k]["phrase"] for k in tids]
    prob = m.predict_proba(features(enc, phrases))[:, 1]
    ty = np.array([gold[k] == "concrete" for k in tids], dtype=int)
    pred = (prob >= t).astype(int)
    fc, fv = f1s(ty, pred)
    kept = pred == 1
    print(f"test (adjudicated, {len(tids)} library concepts, {ty.sum()} concrete): accuracy {np.mean(pred == ty):.3f}, "
          f"F1 concrete {fc:.3f}, not concrete {fv:.3f}")
    print(f"  of the concepts kept, concrete: {ty[kept].mean():.3f} ({int(ty[kept].sum())} of {int(kept.sum())}); "
          f"share concrete among all: {ty.mean():.3f}; concrete ones removed: {int(((~kept) & (ty == 1)).sum())} "
          f"of {int(ty.sum())}")
    for kind in ("method", "problem"):
        sel = np.array([items[k]["kind"] == kind for k in tids])
        fc, fv = f1s(ty[sel], pred[sel])
        print(f"  {kind}: {sel.sum()} concepts, {ty[sel].sum()} concrete; accuracy {np.mean(pred[sel] == ty[sel]):.3f}, "
              f"F1 concrete {fc:.3f}, not concrete {fv:.3f}; kept concrete {ty[sel & kept].mean():.3f}")
    print("errors (item, phrase, gold, P(concrete)):")
    for k, p, g, q in zip(tids, phrases, ty, prob):
        if (q >= t) != bool(g):
            print(f"  {k}\t{p}\t{gold[k]}\t{q:.2f}")


if __name__ == "__main__":
    main()
