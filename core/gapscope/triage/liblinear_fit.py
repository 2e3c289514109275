"""The relevance model's fit through scikit-learn's liblinear binding, without scikit-learn's package start-up.

Any ``import sklearn...`` runs ``sklearn/__init__.py``, whose ``sklearn.utils.fixes`` imports scipy.stats and
pandas: a second or more of a `gapscope triage next` after a decision, for a fit that takes a tenth of that.
The fit itself is one call of the compiled ``sklearn.svm._liblinear`` module, which needs none of it. Here
that module is loaded with empty stand-ins for its parent packages (so their ``__init__`` files do not run),
and called with the arguments ``LogisticRegression(solver="liblinear", dual=True).fit`` gives it, so the
weights are the same to the bit (tests/core/test_triage_liblinear_fit.py compares them).

Only for the scikit-learn releases checked to call liblinear this way (``REPLAYED_RELEASES``), in a process
that has not imported scikit-learn yet: elsewhere :func:`fit_dual_logistic` says None and the caller fits with
scikit-learn's own estimator, as before.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import threading
import types
from pathlib import Path
from typing import Optional

import numpy as np

# Releases whose LogisticRegression.fit (liblinear) hands liblinear exactly what fit_dual_logistic does
# (sklearn/linear_model/_logistic.py -> svm/_base.py::_fit_liblinear). Another release: scikit-learn fits.
REPLAYED_RELEASES = ("1.9.",)
_L2R_LR_DUAL = 7               # liblinear's solver type of dual L2-regularised logistic regression
_TOL = 1e-4                    # LogisticRegression's default tol
_EPSILON = 0.1                 # _fit_liblinear's default (read only by the SVR solvers)
_INTERCEPT_SCALING = 1.0       # LogisticRegression's default: the bias column liblinear appends

_PARENTS = ("sklearn", "sklearn.utils", "sklearn.svm")
_loaded: dict[str, object] = {}
_load_lock = threading.Lock()


def replayed_release() -> bool:
    """Whether the installed scikit-learn is one whose liblinear call this module replays."""
    from importlib import metadata

    try:
        version = metadata.version("scikit-learn")
    except metadata.PackageNotFoundError:
        return False
    return version.startswith(REPLAYED_RELEASES)


def _load_binding():
    """``sklearn.svm._liblinear`` loaded without running the ``__init__`` of sklearn, sklearn.utils and
    sklearn.svm; None when scikit-learn is imported already (its own estimator is then as quick) or the
    module cannot be loaded so."""
    import _imp

    import scipy.linalg.cython_blas  # noqa: F401 - what the binding links to: imported before the lock below,
    # so that under it only scikit-learn's own modules load (no other thread can be importing those)

    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    # The global import lock, held while the stand-ins are in sys.modules: another thread's import of
    # scikit-learn meanwhile waits for it (the stand-ins say they are still initialising, which sends an
    # import to the lock) and then finds the real packages, never a stand-in.
    _imp.acquire_lock()
    try:
        if any(name == "sklearn" or name.startswith("sklearn.") for name in sys.modules):
            return None
        stand_ins = {}
        for name in _PARENTS:
            sub = name.split(".")[1:]
            module = types.ModuleType(name)
            module.__path__ = [str(root.joinpath(*sub))]
            module.__spec__ = importlib.machinery.ModuleSpec(name, None, is_package=True)
            module.__spec__.submodule_search_locations = module.__path__
            module.__spec__._initializing = True
            stand_ins[name] = module
        sys.modules.update(stand_ins)
        try:
            return importlib.import_module("sklearn.svm._liblinear")
        except ImportError:
            return None
        finally:
            # The stand-ins and what was loaded under them go: a later real import of scikit-learn runs its
            # packages' __init__ and gets these compiled modules again (loaded once per process).
            for name in [n for n in sys.modules if n == "sklearn" or n.startswith("sklearn.")]:
                del sys.modules[name]
    finally:
        _imp.release_lock()


def _binding():
    with _load_lock:
        if "binding" not in _loaded:
            _loaded["binding"] = _load_binding() if replayed_release() else None
        return _loaded["binding"]


def fit_dual_logistic(X, y: np.ndarray, C: float, class_weight: dict[int, float], max_iter: int,
                      random_state: int) -> Optional[tuple[np.ndarray, float]]:
    """(weights as float64, intercept) of ``LogisticRegression(C=C, class_weight=class_weight,
    solver="liblinear", dual=True, max_iter=max_iter, random_state=random_state).fit(X, y)``, for a CSR ``X``
    (float32 or float64, 32-bit indices; put in canonical form in place, as that fit does) and labels ``y``
    in {0, 1} with both present; None where this module cannot replay the fit (the caller fits with
    scikit-learn)."""
    if getattr(X, "format", None) != "csr" or X.dtype not in (np.float32, np.float64) \
            or X.indices.dtype != np.int32 or X.indptr.dtype != np.int32 or X.nnz == 0:
        return None
    if "sklearn" in sys.modules:
        return None                       # imported already: its own estimator costs no start-up
    liblinear = _binding()
    if liblinear is None:
        return None
    y = np.asarray(y)
    classes = np.unique(y)
    if not np.array_equal(classes, [0, 1]):
        return None
    # LogisticRegression.fit's check of the largest value (np.max) puts the matrix in canonical form, in
    # place: its rows' indices sorted, and liblinear sums each row in that order
    X.sum_duplicates()
    # What _fit_liblinear passes: labels as float64 class indices, the class weights in class order,
    # unit sample weights and a seed drawn from RandomState(random_state)
    y_ind = np.require(np.searchsorted(classes, y).astype(np.float64), requirements="W")
    weights = np.array([class_weight.get(int(c), 1.0) for c in classes], dtype=np.float64)
    seed = np.random.RandomState(random_state).randint(np.iinfo("i").max)
    liblinear.set_verbosity_wrap(0)
    raw, _n_iter = liblinear.train_wrap(X, y_ind, True, _L2R_LR_DUAL, _TOL, _INTERCEPT_SCALING, C, weights,
                                        max_iter, seed, _EPSILON, np.ones(X.shape[0], dtype=np.float64))
    return raw[0, :-1], float(_INTERCEPT_SCALING * raw[0, -1])
