"""`gapscope facets train` is reproducible: same files and seed -> the same weights, bit for bit."""

import numpy as np

from gapscope.facets.train import train

from .shortcoming_fixtures import ANNOTATIONS


def test_training_twice_gives_identical_weights(shared_data, tmp_path, monkeypatch):
    d = shared_data / "facets"
    args = (d / "csabstruct" / "train.jsonl", d / "limitations" / "limitation-sentences-seed-semi.tsv")
    cs = dict(cs_jsonl=ANNOTATIONS / "train.jsonl.gz", cs_labels=[ANNOTATIONS / "labels" / "a1" / "train.tsv"])
    runs = []
    for k in range(2):
        # separate feature caches: the encoder features are recomputed too
        monkeypatch.setenv("GAPSCOPE_FEATURE_CACHE", str(tmp_path / f"cache{k}"))
        model = train(*args, **cs, seed=7, limit=10, overrides={"epochs": 2})
        model.save(tmp_path / f"out{k}")
        runs.append(model)
    assert runs[0].weights_digest() == runs[1].weights_digest()
    a = np.load(tmp_path / "out0" / "head.npz")
    b = np.load(tmp_path / "out1" / "head.npz")
    assert sorted(a.files) == sorted(b.files) and all(np.array_equal(a[k], b[k]) for k in a.files)
    assert runs[0].info["trained_on"]["cs_abstracts"] == 10
    other = train(*args, **cs, seed=8, limit=10, overrides={"epochs": 2})
    assert other.weights_digest() != runs[0].weights_digest()
