"""Text classification over the user's own library: real arXiv papers, labels from primary categories,
tags or triage decisions; a GRU and a transformer encoder over raw text, an MLP over cached embeddings."""

from __future__ import annotations

import numpy as np
import pytest

from gapscope.experiments.datasets import DatasetError, Vocabulary, fold_arrays, load_library_text, tokenize
from gapscope.experiments.runner import run_spec
from gapscope.experiments.spec import load_spec

from ._experiments_helpers import EXAMPLES, fill_library_with_arxiv, write_spec


@pytest.fixture
def arxiv_library(library, shared_data):
    groups = fill_library_with_arxiv(library, shared_data, per_category=20)
    return library, groups


def test_labels_from_categories_tags_and_triage(arxiv_library):
    lib, groups = arxiv_library
    ds = load_library_text(str(lib.path), labels="category", min_per_class=10)
    assert ds.class_names == ["cs.CL", "cs.CV", "cs.RO"] and ds.n == 60 and ds.kind == "text"
    assert all(isinstance(t, str) and len(t) > 50 for t in ds.X)
    lib.add_tag(groups["cs.CV"][:12], "vision")
    lib.add_tag(groups["cs.CL"][:12], "nlp")
    lib.add_tag(groups["cs.CL"][:3], "vision")  # two labels: ambiguous, left out
    ds = load_library_text(str(lib.path), labels="tags", min_per_class=5)
    assert ds.class_names == ["nlp", "vision"] and ds.n == 21
    with lib.transaction() as conn:
        for pid in groups["cs.RO"][:6]:
            conn.execute("INSERT INTO decisions (paper_id, decision, decided_at) VALUES (?, 'include', '2026')", (pid,))
        for pid in groups["cs.CV"][:6]:
            conn.execute("INSERT INTO decisions (paper_id, decision, decided_at) VALUES (?, 'exclude', '2026')", (pid,))
        # a later decision replaces the earlier one; an undone one does not count
        conn.execute("INSERT INTO decisions (paper_id, decision, decided_at) VALUES (?, 'exclude', '2026')",
                     (groups["cs.RO"][0],))
        conn.execute("INSERT INTO decisions (paper_id, decision, decided_at, undone_at) VALUES (?, 'include', '2026',"
                     " '2026')", (groups["cs.CV"][0],))
    ds = load_library_text(str(lib.path), labels="triage", min_per_class=2)
    counts = dict(zip(ds.class_names, np.bincount(ds.y)))
    assert counts == {"exclude": 7, "include": 5}
    with pytest.raises(DatasetError, match="fewer than 2 tags labels"):
        load_library_text(str(lib.path), labels="tags", min_per_class=50)


def test_vocabulary_comes_from_the_training_fold_only(arxiv_library):
    lib, _ = arxiv_library
    ds = load_library_text(str(lib.path), labels="category", min_per_class=10)
    tr, va, te = np.arange(0, 40), np.arange(40, 45), np.arange(45, 60)
    spec = {"min_freq": 1, "max_vocab": 50000, "max_len": 50, "standardize": True}
    fa = fold_arrays(ds, tr, va, te, spec)
    vocab = Vocabulary([ds.X[i] for i in tr], 1, 50000)
    assert fa.input_dim == len(vocab)
    test_only = {w for i in te for w in tokenize(ds.X[i])} - {w for i in tr for w in tokenize(ds.X[i])}
    assert test_only and not any(w in vocab.stoi for w in test_only)
    assert fa.X_train.shape == (40, 50) and (fa.X_test == Vocabulary.UNK).any()


@pytest.mark.parametrize("family", ["gru", "transformer"])
def test_text_models_train_on_library(arxiv_library, tmp_path, family):
    lib, _ = arxiv_library
    spec = load_spec(EXAMPLES / "library-text-gru.toml",
                     ["train.epochs=2", f"model.family={family}", "data.min_per_class=10", "data.max_len=64",
                      "eval.folds=2"])
    s = run_spec(spec, runs_dir=tmp_path / "runs", library_path=str(lib.path))
    assert s["status"] == "done", s["message"]
    assert len(s["folds"]) == 2 and 0.0 <= s["metrics"]["accuracy"] <= 1.0


def test_embeddings_input(arxiv_library, tmp_path):
    embed = pytest.importorskip("gapscope.embed", reason="gapscope.embed (facets helper) not merged yet")
    lib, _ = arxiv_library
    embed.embed_library(lib, kinds=("abstract",))
    spec = write_spec(tmp_path, "[data]\ndataset='library_text'\ninput='embeddings'\nlabels='category'\n"
                                "min_per_class=10\n[model]\nfamily='mlp'\nhidden=[32]\n[train]\nepochs=5\n"
                                "[eval]\nfolds=2\n")
    s = run_spec(load_spec(spec), runs_dir=tmp_path / "runs", library_path=str(lib.path))
    assert s["status"] == "done", s["message"]
    assert s["metrics"]["accuracy"] > 0.5  # three arXiv categories are far apart in MiniLM space
