"""The screening queue: ranking after decisions, undo, reasons, seeds, postpone, explore, scopes."""

from __future__ import annotations

import pytest

from gapscope.store import LibraryError
from gapscope.triage import (TriageSession, add_reason, current_decisions, decide, decision_log, list_reasons,
                             next_papers, remove_reason, seed, triage_stats, undo)

from .triage_helpers import load_screening_slice


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GAPSCOPE_TRIAGE_CACHE", str(tmp_path / "cache"))


def _rel(truth):
    return [p for p, y in truth.items() if y == 1]


def _irr(truth):
    return [p for p, y in truth.items() if y == 0]


def test_queue_ranks_relevant_first_after_decisions(adhd):
    lib, truth = adhd
    before = [p for p, _ in next_papers(lib, n=20)]
    rel, irr = _rel(truth), _irr(truth)
    decide(lib, rel[0], "include")
    decide(lib, irr[0], "exclude", reason="off topic")
    after = [p for p, _ in next_papers(lib, n=20)]
    assert after != before
    assert rel[0] not in after and irr[0] not in after
    prevalence = sum(truth.values()) / len(truth)
    hits = sum(truth[p] for p in after) / len(after)
    assert hits > 2 * prevalence  # the model's top picks are far richer in relevant papers than the pool
    # the order follows the scores
    scores = [s for _, s in next_papers(lib, n=20)]
    assert scores == sorted(scores, reverse=True)


def test_every_decision_is_logged_and_undo_restores_the_previous(adhd):
    lib, truth = adhd
    pid = _irr(truth)[0]
    decide(lib, pid, "maybe")
    decide(lib, pid, "exclude", reason="wrong population")
    assert current_decisions(lib)[pid]["decision"] == "exclude"
    undone = undo(lib)
    assert undone["paper_id"] == pid and undone["decision"] == "exclude"
    assert current_decisions(lib)[pid]["decision"] == "maybe"
    undo(lib)
    assert pid not in current_decisions(lib)
    assert undo(lib) is None
    log = decision_log(lib)
    assert [d["decision"] for d in log] == ["maybe", "exclude"]
    assert all(d["undone_at"] and d["decided_at"] for d in log)


def test_exclusion_reasons_are_user_editable(adhd):
    lib, truth = adhd
    pid = _irr(truth)[0]
    with pytest.raises(LibraryError, match="unknown exclusion reason"):
        decide(lib, pid, "exclude", reason="not an RCT")
    assert pid not in current_decisions(lib)  # a failed decision leaves nothing behind
    assert add_reason(lib, "not an RCT") is True
    assert add_reason(lib, "not an RCT") is False
    assert list_reasons(lib)[-1] == "not an RCT"
    decide(lib, pid, "exclude", reason="not an RCT")
    assert remove_reason(lib, "not an RCT")
    assert "not an RCT" not in list_reasons(lib)
    assert current_decisions(lib)[pid]["reason"] == "not an RCT"  # old decisions keep their reason
    with pytest.raises(LibraryError):
        decide(lib, pid, "include", reason="off topic")
    with pytest.raises(LibraryError):
        decide(lib, pid, "perhaps")
    assert triage_stats(lib)["exclusion_reasons"] == {"not an RCT": 1}


def test_seed_papers_steer_the_queue_and_are_counted(adhd):
    lib, truth = adhd
    rel = _rel(truth)
    seed(lib, rel[:3])
    cur = current_decisions(lib)
    assert all(cur[p]["origin"] == "seed" and cur[p]["decision"] == "include" for p in rel[:3])
    queue = [p for p, _ in next_papers(lib, n=10)]
    assert sum(truth[p] for p in queue) >= 3  # similar papers come first even before any exclude
    # a key paper added mid-way
    decide(lib, _irr(truth)[0], "exclude")
    seed(lib, [rel[5]])
    s = triage_stats(lib)
    assert s["seeds"] == 4 and s["include"] == 4 and s["exclude"] == 1


def test_postponed_papers_come_last_and_maybe_leaves_the_queue(adhd):
    lib, truth = adhd
    first = next_papers(lib, n=3)
    decide(lib, first[0][0], "postpone")
    decide(lib, first[1][0], "maybe")
    ids = [q["paper_id"] for q in TriageSession(lib).queue(n=len(truth))]
    assert ids[-1] == first[0][0]
    assert first[1][0] not in ids
    assert len(ids) == len(truth) - 1


def test_explore_mixes_in_other_papers(adhd):
    lib, truth = adhd
    decide(lib, _rel(truth)[0], "include")
    decide(lib, _irr(truth)[0], "exclude")
    session = TriageSession(lib)
    greedy = session.queue(n=15, explore=0.0)
    mixed = session.queue(n=15, explore=1.0)
    half = session.queue(n=15, explore=0.5)
    assert {q["why"] for q in greedy} == {"top"}
    assert {q["why"] for q in mixed} == {"explore"}
    assert {q["why"] for q in half} == {"top", "explore"}
    assert [q["paper_id"] for q in mixed] != [q["paper_id"] for q in greedy]
    assert len({q["paper_id"] for q in half}) == 15
    with pytest.raises(ValueError):
        session.queue(n=1, explore=1.5)


def test_collections_are_screened_separately(library, shared_data):
    truth = load_screening_slice(library, shared_data / "screening" / "cohen2006-adhd.csv", n_excluded=30,
                                 collection="adhd")
    pid = next(iter(truth))
    decide(library, pid, "include", collection="adhd")
    assert pid in current_decisions(library, "adhd")
    assert pid not in current_decisions(library)
    assert undo(library) is None
    assert undo(library, "adhd")["paper_id"] == pid
    other = library.create_collection("empty")
    assert other and next_papers(library, "empty") == []
    with pytest.raises(LibraryError):
        decide(library, pid, "include", collection="empty")
    with pytest.raises(LibraryError):
        decide(library, 10 ** 9, "include")


def test_papers_without_text_are_shown_at_the_base_rate_and_never_lost(adhd):
    from gapscope.store.library import now_iso
    from gapscope.triage.model import blank_records_due

    lib, truth = adhd
    with lib.transaction() as conn:
        blank = conn.execute("INSERT INTO papers (title, abstract, norm_title, added_at) VALUES ('', '', '', ?)",
                             (now_iso(),)).lastrowid
    decide(lib, _rel(truth)[0], "include")
    decide(lib, _irr(truth)[0], "exclude")
    queue = TriageSession(lib).queue(n=len(truth) + 1)
    ids = [q["paper_id"] for q in queue]
    assert blank in ids and len(ids) == len(truth) - 1   # every unscreened paper is still in the queue
    assert ids.index(blank) > 10                          # not before the model's likely-relevant picks
    assert queue[ids.index(blank)]["why"] == "no text"
    # due exactly when no paper with text beats the estimated base rate
    import numpy as np

    assert blank_records_due(np.array([0.01, 0.02]), 5, 100)       # base rate ~0.05 > 0.02
    assert not blank_records_due(np.array([0.01, 0.9]), 5, 100)
    assert blank_records_due(np.array([]), 0, 100)
