"""Train the concreteness model (gapscope/concepts/concreteness.py) and measure it once on the adjudicated
test concepts (README.md in this folder).

    python data/annotations/concept-concreteness/train.py LIBRARY [--no-save]

LIBRARY: the 10,653-paper library the `L` and `E` concepts come from (concept batch 1, abstract vectors), for
how it uses them. Two models, both logistic regressions (scikit-learn, class-balanced):
- phrase model: trained on every train label (one annotator each): 1,100 vocabulary phrases (`T`: A1 / A2,
  `U`: A3 / A4) and the 800 library concepts (`L`: A5 / A6, `M`: A7 / A8; weight LIB_WEIGHT); a vocabulary
  phrase that is also a test concept does not train;
- use model: the 800 library concepts, over USAGE and the phrase model's logit (out of fold, so it learns
  how much to trust the phrase model on concepts it was not trained on).
C of each and the threshold on P(concrete) are chosen by 5-fold cross-validation over the library concepts
(the mean F1 of the two classes over the out-of-fold probabilities). Test: the 200 `E` concepts, double-labelled
and adjudicated, never trained on.
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2] / "core"))
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
LIB_WEIGHT = 3.0      # a library concept against a vocabulary phrase: the distribution the rule is applied to


def read_tsv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def train_labels() -> dict[str, str]:
    lab = {a: {r["item"]: r["label"] for r in read_tsv(HERE / "labels" / f"{a}.tsv")}
           for a in ("a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8")}
    out = {k: v for k, v in lab["a1"].items() if k.startswith("T") and int(k[1:]) < 250}
    out.update({k: v for k, v in lab["a2"].items() if k.startswith("T") and int(k[1:]) >= 250})
    for a in ("a3", "a4", "a5", "a6", "a7", "a8"):
        out.update(lab[a])
    return out


def f1s(y: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    """F1 of the concrete class and of the not-concrete class."""
    out = []
    for cls in (1, 0):
        tp = float(((pred == cls) & (y == cls)).sum())
        p, r = tp / max((pred == cls).sum(), 1), tp / max((y == cls).sum(), 1)
        out.append(2 * p * r / max(p + r, 1e-9))
    return out[0], out[1]


def library_usage(library: str, phrases: list[str]) -> tuple[list, np.ndarray]:
    """The library's concepts named by ``phrases`` and their concreteness.usage_features, as the listing
    computes them (the spread of pair_block over all papers, the mentions of pair_rules.concept_mentions)."""
    from gapscope.concepts import load_concept_set
    from gapscope.concepts.concreteness import usage_features
    from gapscope.concepts.pair_rules import concept_mentions
    from gapscope.gaps.concept_backtest import abstract_vectors
    from gapscope.gaps.linkpred import pair_block
    from gapscope.maps.build import paper_dates
    from gapscope.store.library import ReadOnlyLibrary

    lib = ReadOnlyLibrary(library, create=False)
    cs, dates = load_concept_set(lib, 1), paper_dates(lib)
    pv = abstract_vectors(lib)
    before = (date.fromisoformat(max(d for d in dates.values() if d)[:10]) + timedelta(days=1)).isoformat()
    blk = pair_block(cs, dates, before, paper_vecs=pv)
    spread = {c.id: float(s) for c, s in zip(cs.concepts, blk.spread)}
    by = {c.phrase: c for c in cs.concepts}
    concepts = [by[p] for p in phrases]
    return concepts, usage_features(concepts, concept_mentions(lib, concepts), spread, pv)


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    from gapscope.concepts.concreteness import USAGE, ConcretenessModel, head_word, phrase_features
    from gapscope.embed import Encoder

    ap = argparse.ArgumentParser()
    ap.add_argument("library")
    ap.add_argument("--no-save", action="store_true")
    a = ap.parse_args()
    items = {r["item"]: r for f in ("items.tsv", "items2.tsv", "items3.tsv", "items4.tsv")
             for r in read_tsv(HERE / f)}
    test_phrases = {items[k]["phrase"] for k in items if k.startswith("E")}
    # four test concepts are also vocabulary phrases of items.tsv: those phrases do not train
    lab = {k: v for k, v in train_labels().items() if items[k]["phrase"] not in test_phrases}
    ids = sorted(lab)
    enc = Encoder()

    def pfeat(phrases):
        return phrase_features(phrases, enc.encode([p.lower() for p in phrases]), enc.encode([head_word(p) for p in phrases]))

    x = pfeat([items[k]["phrase"] for k in ids])
    y = np.array([lab[k] == "concrete" for k in ids], dtype=int)
    weight = np.where([k[0] in "LM" for k in ids], LIB_WEIGHT, 1.0)
    lib_rows = np.flatnonzero([k[0] in "LM" for k in ids])
    lib_ids = [ids[r] for r in lib_rows]
    _, u = library_usage(a.library, [items[k]["phrase"] for k in lib_ids])
    yl = y[lib_rows]
    print(f"train: {len(ids)} phrases ({len(lib_rows)} library concepts), {y.sum()} concrete")
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(lib_rows, yl))

    def phrase_fit(rows, c):
        return LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x[rows], y[rows], sample_weight=weight[rows])

    def usage_fit(ux, yy, c):
        mean, scale = ux.mean(axis=0), np.maximum(ux.std(axis=0), 1e-6)
        return mean, scale, LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit((ux - mean) / scale, yy)

    def logit(m, rows):
        return m.decision_function(x[rows])

    best_p = None          # the phrase model's C, by the out-of-fold AUC-free mean F1 of its own threshold
    for c in C_GRID:
        oof = np.zeros(len(lib_rows))
        for tr, te in folds:
            oof[te] = logit(phrase_fit(np.setdiff1d(np.arange(len(ids)), lib_rows[te]), c), lib_rows[te])
        f = max(np.mean(f1s(yl, (oof >= t).astype(int))) for t in np.arange(-2, 2.01, 0.25))
        if best_p is None or f > best_p[0]:
            best_p = (f, c, oof)
    _, cp, oof_logit = best_p
    ux = np.hstack([u, oof_logit[:, None]])
    best = None
    for c in C_GRID:
        oof = np.zeros(len(lib_rows))
        for tr, te in folds:
            mean, scale, m = usage_fit(ux[tr], yl[tr], c)
            oof[te] = m.predict_proba((ux[te] - mean) / scale)[:, 1]
        for t in np.arange(0.2, 0.81, 0.05):
            f = f1s(yl, (oof >= t).astype(int))
            if best is None or np.mean(f) > best[0]:
                best = (float(np.mean(f)), c, float(round(t, 2)), f)
    _, cu, t, (fc, fv) = best
    print(f"cross-validated over the library concepts: phrase C {cp}, use C {cu}, threshold {t}: "
          f"F1 concrete {fc:.3f}, not concrete {fv:.3f}")
    pm = phrase_fit(np.arange(len(ids)), cp)
    mean, scale, um = usage_fit(ux, yl, cu)
    model = ConcretenessModel({
        "encoder": enc.model_id, "threshold": t,
        "phrase": {"weights": [round(float(w), 6) for w in pm.coef_[0]], "bias": round(float(pm.intercept_[0]), 6)},
        "usage": {"features": [*USAGE, "phrase_logit"], "mean": [round(float(v), 6) for v in mean],
                  "scale": [round(float(v), 6) for v in scale], "weights": [round(float(w), 6) for w in um.coef_[0]],
                  "bias": round(float(um.intercept_[0]), 6)},
        "trained_on": f"data/annotations/concept-concreteness: {len(ids)} phrases ({int(y.sum())} concrete), "
                      f"{len(lib_rows)} of them concepts of the 10,653-paper library",
        "cross_validated": {"phrase_C": cp, "usage_C": cu, "f1_concrete": round(fc, 3), "f1_not_concrete": round(fv, 3)}})
    if not a.no_save:
        model.save()
        print("saved core/gapscope/resources/concepts/concreteness.json")
    gold = {r["item"]: r["label"] for r in read_tsv(HERE / "labels" / "adjudicated-test.tsv")}
    tids = sorted(gold)
    phrases = [items[k]["phrase"] for k in tids]
    concepts, ut = library_usage(a.library, phrases)
    prob = model.probability(phrases, np.stack([c.vector for c in concepts]),
                             enc.encode([head_word(p) for p in phrases]), ut)
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
