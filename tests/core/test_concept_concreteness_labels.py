"""The concreteness labels (data/annotations/concept-concreteness): every drawn item labelled once with a
label of the guidelines, the test concepts double-labelled and adjudicated, and the agreement the README gives."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parents[2] / "data" / "annotations" / "concept-concreteness"
LABELS = {"concrete", "vague", "junk"}


def _tsv(name):
    with open(HERE / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_every_item_is_labelled_once_by_its_annotators():
    items = [r["item"] for f in ("items.tsv", "items2.tsv", "items3.tsv", "items4.tsv") for r in _tsv(f)]
    assert len(items) == len(set(items)) == 500 + 200 + 600 + 400 + 400
    seen = {}
    for a in ("a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"):
        rows = _tsv(f"labels/{a}.tsv")
        assert {r["label"] for r in rows} <= LABELS, a
        for r in rows:
            seen.setdefault(r["item"], []).append(a)
    assert set(seen) == set(items)
    assert all(v == ["a1", "a2"] for k, v in seen.items() if k.startswith("E"))       # double-labelled
    assert all(len(v) == 1 for k, v in seen.items() if not k.startswith("E"))


def test_adjudicated_test_labels_and_their_agreement():
    gold = _tsv("labels/adjudicated-test.tsv")
    a1 = {r["item"]: r["label"] for r in _tsv("labels/a1.tsv")}
    a2 = {r["item"]: r["label"] for r in _tsv("labels/a2.tsv")}
    adj = {r["item"]: r["label"] for r in _tsv("labels/adjudication.tsv")}
    assert len(gold) == 200 and {r["label"] for r in gold} <= LABELS
    for r in gold:
        k = r["item"]
        assert (r["source"], r["label"]) == (("agreed", a1[k]) if a1[k] == a2[k] else ("adjudicated", adj[k]))
    spec = importlib.util.spec_from_file_location("agreement", HERE / "agreement.py")
    agreement = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(agreement)
    ids = sorted(k for k in a1 if k.startswith("E"))
    assert round(agreement.kappa([a1[k] for k in ids], [a2[k] for k in ids]), 3) == 0.914    # README
