"""The model's fit is kept on disk by what it was fitted on: a new session (each `triage next`) in the same
state reads it instead of importing scikit-learn and fitting, and ranks to the bit as the one that fitted;
any new decision or other features fit afresh."""

from __future__ import annotations

import pytest

from gapscope.editing import set_title
from gapscope.triage import TriageSession, decide


@pytest.fixture
def fits(tmp_path, monkeypatch):
    """The calls of the logistic regression's fit."""
    from sklearn.linear_model import LogisticRegression

    monkeypatch.setenv("GAPSCOPE_TRIAGE_CACHE", str(tmp_path / "cache"))
    calls = []
    real = LogisticRegression.fit
    monkeypatch.setattr(LogisticRegression, "fit", lambda self, *a, **k: calls.append(1) or real(self, *a, **k))
    return calls


def _screen(lib, truth, n):
    for _ in range(n):
        pid = TriageSession(lib, use_embeddings=False).queue(1)[0]["paper_id"]
        decide(lib, pid, "include" if truth[pid] else "exclude")


def _both_classes(lib, truth):
    for p in [p for p, v in truth.items() if v][:2]:
        decide(lib, p, "include")
    for p in [p for p, v in truth.items() if not v][:3]:
        decide(lib, p, "exclude")


def test_the_same_decisions_on_the_same_features_are_not_fitted_again(adhd, fits):
    lib, truth = adhd
    _both_classes(lib, truth)
    first = TriageSession(lib, use_embeddings=False).queue(30)
    assert len(fits) == 1 and first[0]["ranked_by"] == "classifier"
    again = TriageSession(lib, use_embeddings=False)
    assert again.queue(30) == first and again.queue(5, explore=0.5) == TriageSession(
        lib, use_embeddings=False).queue(5, explore=0.5)
    assert len(fits) == 1                                  # read, not fitted: the same scores to the bit
    TriageSession(lib, use_embeddings=False, C=1.0).queue(5)   # another setting
    assert len(fits) == 2
    set_title(lib, first[-1]["paper_id"], "Stimulant treatment of adults")    # other features, same decisions
    edited = TriageSession(lib, use_embeddings=False)
    assert edited.features.key != again.features.key
    edited.queue(5)
    assert len(fits) == 3
    decide(lib, first[0]["paper_id"], "exclude")          # a new decision
    after = TriageSession(lib, use_embeddings=False).queue(30)
    assert len(fits) == 4 and first[0]["paper_id"] not in [q["paper_id"] for q in after]


def test_a_kept_fit_ranks_as_a_fresh_one_through_a_screening(adhd, fits, monkeypatch):
    from gapscope.triage import fit_cache

    lib, truth = adhd
    _both_classes(lib, truth)
    _screen(lib, truth, 8)
    TriageSession(lib, use_embeddings=False).queue(1)
    n = len(fits)
    kept = [TriageSession(lib, use_embeddings=False) for _ in range(2)]
    kept_rank = kept[1].queue(40)
    assert len(fits) == n and kept_rank[0]["ranked_by"] == "classifier"
    monkeypatch.setattr(fit_cache, "load", lambda *_a: None)    # as without the cache
    assert TriageSession(lib, use_embeddings=False).queue(40) == kept_rank and len(fits) == n + 1
    assert kept[1].stats() == TriageSession(lib, use_embeddings=False).stats()


def test_a_kept_session_keeps_only_its_first_fit(adhd, fits, tmp_path):
    """The desktop's session, kept between decisions, meets each new state once: it fits in memory and
    writes nothing more to the disk."""
    from gapscope.triage import Scope, SessionCache

    lib, truth = adhd
    _both_classes(lib, truth)
    cache = SessionCache()
    for _ in range(3):
        with cache.session(lib, Scope(), use_embeddings=False) as s:
            pid = s.queue(1)[0]["paper_id"]
        decide(lib, pid, "include" if truth[pid] else "exclude")
    assert len(fits) == 3 and cache.loads == 1
    assert len(list((tmp_path / "cache" / "fits").glob("fit-*.npz"))) == 1


def test_a_fit_with_other_options_is_not_read_from_an_older_ones_weights(adhd, fits, monkeypatch):
    """Another GapScope's fit (other solver options, class weights: the fitting code changed) on the same
    features and decisions fits afresh; before, it read the weights the older code had kept."""
    from gapscope.triage import model

    lib, truth = adhd
    _both_classes(lib, truth)
    TriageSession(lib, use_embeddings=False).queue(5)
    assert len(fits) == 1
    real = model._fit

    def other_fit(X, labelled, y, C, pos_weight, n_pos, n_neg):
        return real(X, labelled, y, C * 100, pos_weight, n_pos, n_neg)

    monkeypatch.setattr(model, "_fit", other_fit)
    changed = TriageSession(lib, use_embeddings=False).queue(30)
    assert len(fits) == 2
    monkeypatch.setattr(model.fit_cache, "load", lambda *_a: None)     # as without the cache
    assert changed == TriageSession(lib, use_embeddings=False).queue(30)
