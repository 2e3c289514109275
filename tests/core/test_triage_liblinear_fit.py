"""The relevance model fitted through scikit-learn's liblinear binding, without scikit-learn's package start-up
(scipy.stats and pandas, a second or more of a `triage next` after a decision): the same weights to the bit as
``LogisticRegression(solver="liblinear", dual=True)``, so the same ranking, and a `triage next` that imports
none of scikit-learn's package, scipy.stats or pandas."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sklearn", "scipy.stats", "pandas")

# A fresh process (this one has imported scikit-learn): fits each problem of an .npz through liblinear_fit
FIT_CHILD = r"""
import json, sys
import numpy as np
from scipy import sparse
from gapscope.triage.liblinear_fit import fit_dual_logistic
out = []
with np.load(sys.argv[1], allow_pickle=False) as f:
    for i in range(int(f["n"])):
        X = sparse.csr_matrix((f[f"data{i}"], f[f"indices{i}"], f[f"indptr{i}"]), shape=tuple(f[f"shape{i}"]))
        cw = {0: float(f[f"cw{i}"][0]), 1: float(f[f"cw{i}"][1])}
        coef, b = fit_dual_logistic(X, f[f"y{i}"], float(f[f"C{i}"]), cw, max_iter=1000, random_state=0)
        out.append([coef.tolist(), b])
print(json.dumps({"fits": out, "imported": [m for m in sys.argv[2:] if m in sys.modules]}))
"""

# `gapscope triage next`, saying which of the heavy packages it imported (and whether the report package: a
# constant of it was once read at start-up)
CLI_CHILD = ("import atexit, json, sys; atexit.register(lambda: sys.stderr.write('\\nIMPORTED ' + json.dumps("
             "[m for m in ('sklearn', 'scipy.stats', 'pandas', 'gapscope.reports') if m in sys.modules]) + '\\n')); "
             "from gapscope.cli import main; sys.argv[0] = 'gapscope'; main()")


def _env(tmp_path, cache: str) -> dict:
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "core"), os.environ.get("PYTHONPATH", "")]),
                GAPSCOPE_TRIAGE_CACHE=str(tmp_path / cache), HF_HUB_OFFLINE="1")


def _problems(adhd):
    """Fit problems as the queue makes them (rows of the scope's features, TF-IDF and sentence-vector
    blocks side by side: rows whose indices are not sorted), for three label sets and two C."""
    from gapscope.triage.features import build_features

    lib, truth = adhd
    ids = sorted(truth)
    texts = [f"{p.title}. {p.abstract or ''}" for p in lib.get_papers(ids)]
    emb = np.random.default_rng(3).normal(size=(len(ids), 24)).astype(np.float32)
    X = build_features(texts, emb).matrix
    rng = np.random.default_rng(0)
    out = []
    for n, C in ((8, 0.1), (40, 0.1), (120, 1.0)):
        rows = rng.choice(len(ids), n, replace=False)
        y = np.array([truth[ids[r]] for r in rows], dtype=np.int64)
        y[:2] = 1                                      # both classes, whatever the draw
        y[2:4] = 0
        n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
        cw = {0: len(y) / (2.0 * n_neg), 1: 10.0 * len(y) / (2.0 * n_pos)}
        out.append((X[rows], y, C, cw))
    return out


def test_the_installed_scikit_learn_is_a_release_whose_fit_is_replayed():
    """Another release may call liblinear otherwise: check it (the test below) and add it to REPLAYED_RELEASES;
    until then the model fits with scikit-learn's estimator (slower to start, the same ranking)."""
    from gapscope.triage.liblinear_fit import replayed_release

    assert replayed_release()


def test_liblinear_called_directly_gives_the_weights_of_logistic_regression_to_the_bit(adhd, tmp_path):
    from sklearn.linear_model import LogisticRegression

    problems = _problems(adhd)
    assert not all(X.has_sorted_indices for X, *_ in problems)    # the case where the order of a sum matters
    arrays = {"n": len(problems)}
    for i, (X, y, C, cw) in enumerate(problems):
        arrays.update({f"data{i}": X.data, f"indices{i}": X.indices, f"indptr{i}": X.indptr,
                       f"shape{i}": np.array(X.shape), f"y{i}": y, f"C{i}": C, f"cw{i}": np.array([cw[0], cw[1]])})
    np.savez(tmp_path / "problems.npz", **arrays)
    r = subprocess.run([sys.executable, "-c", FIT_CHILD, str(tmp_path / "problems.npz"), *HEAVY],
                       env=_env(tmp_path, "cache"), capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert got["imported"] == []
    for (X, y, C, cw), (coef, intercept) in zip(problems, got["fits"]):
        clf = LogisticRegression(C=C, class_weight=cw, solver="liblinear", dual=True, max_iter=1000,
                                 random_state=0).fit(X, y)
        assert np.array_equal(np.array(coef), clf.coef_.ravel())      # json keeps a float64 exactly
        assert intercept == float(clf.intercept_[0])


def test_a_process_that_imported_scikit_learn_fits_with_its_estimator():
    """Here (scikit-learn imported): no stand-in packages, the estimator fits."""
    import sklearn  # noqa: F401
    from scipy import sparse

    from gapscope.triage.liblinear_fit import fit_dual_logistic

    X = sparse.csr_matrix(np.eye(4, dtype=np.float32))
    assert fit_dual_logistic(X, np.array([0, 1, 0, 1]), 0.1, {0: 1.0, 1: 1.0}, 1000, 0) is None


def _decide_some(lib, truth):
    from gapscope.triage import decide

    for p in [p for p, v in truth.items() if v][:3]:
        decide(lib, p, "include")
    for p in [p for p, v in truth.items() if not v][:6]:
        decide(lib, p, "exclude")


def test_triage_next_after_a_decision_ranks_as_before_without_importing_scipy_stats_or_pandas(
        adhd, tmp_path, monkeypatch):
    """The CLI's ranking after a decision (its features in the disk cache, a new fit), in a fresh process
    fitting through liblinear directly, is the ranking scikit-learn's estimator gives (what every earlier
    GapScope used), paper for paper and score for score."""
    import gapscope.triage.model as model
    from gapscope.triage import TriageSession, decide

    lib, truth = adhd
    _decide_some(lib, truth)

    def triage_next():
        r = subprocess.run([sys.executable, "-c", CLI_CHILD, "-L", str(lib.path), "triage", "next", "--json",
                            "-n", "40"], env=_env(tmp_path, "cache-after"), capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout), json.loads(r.stderr.rsplit("IMPORTED", 1)[1])

    shown, _ = triage_next()                   # the first ranking builds the features (TF-IDF: scikit-learn)
    decide(lib, shown[0]["paper_id"], "include" if truth[shown[0]["paper_id"]] else "exclude")
    after, imported = triage_next()
    assert imported == []
    # before: the estimator (the direct fit refused), with a fit cache of its own
    monkeypatch.setenv("GAPSCOPE_TRIAGE_CACHE", str(tmp_path / "cache-before"))
    refused = []
    monkeypatch.setattr(model, "fit_dual_logistic", lambda *a, **k: refused.append(1))
    before = TriageSession(lib).queue(40)
    assert refused and before[0]["ranked_by"] == "classifier"
    assert [(q["paper_id"], q["score"], q["probability"]) for q in after] == [
        (q["paper_id"], q["score"], q["probability"]) for q in before]


def test_scikit_learn_imported_after_the_direct_fit_works_as_ever(tmp_path):
    """The stand-in packages leave nothing behind: scikit-learn imported later in the process (the desktop's
    concepts, a simulation) is the real one, and its estimator fits as in a process that never used them."""
    code = ("import numpy as np, sys\nfrom scipy import sparse\n"
            "from gapscope.triage.liblinear_fit import fit_dual_logistic\n"
            "X = sparse.random(60, 300, density=0.05, format='csr', dtype=np.float32, random_state=1)\n"
            "y = np.arange(60) % 3 == 0\ncw = {0: 1.0, 1: 4.0}\n"
            "direct = fit_dual_logistic(X.copy(), y.astype(int), 0.1, cw, 1000, 0)\n"
            "from sklearn.linear_model import LogisticRegression\nimport sklearn.svm\n"
            "clf = LogisticRegression(C=0.1, class_weight=cw, solver='liblinear', dual=True, max_iter=1000,"
            " random_state=0).fit(X, y.astype(int))\n"
            "assert sklearn.svm._liblinear.__name__ == 'sklearn.svm._liblinear'\n"
            "assert direct is not None and np.array_equal(direct[0], clf.coef_.ravel())\n")
    r = subprocess.run([sys.executable, "-c", code], env=_env(tmp_path, "cache"), capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
