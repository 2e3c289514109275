"""The stopping estimate on a replayed review (a slice of the real ADHD screening set)."""

from __future__ import annotations

from gapscope.triage import STOP_RULE, TriageSession, seed

from .triage_helpers import load_screening_slice


def test_stopping_estimate_is_sane_over_a_replayed_review(library, shared_data, tmp_path, monkeypatch):
    monkeypatch.setenv("GAPSCOPE_TRIAGE_CACHE", str(tmp_path / "cache"))
    truth = load_screening_slice(library, shared_data / "screening" / "cohen2006-adhd.csv", n_excluded=200)
    n_rel = sum(truth.values())
    session = TriageSession(library, use_embeddings=False)
    assert session.stats()["stopping"]["estimated_relevant_unseen"] is None  # nothing found yet
    first = next(p for p, y in truth.items() if y)
    seed(library, [first])
    found, trace = 1, []
    while True:
        batch = session.queue(1)
        if not batch:
            break
        pid = batch[0]["paper_id"]
        session.decide(pid, "include" if truth[pid] else "exclude")
        found += truth[pid]
        st = session.stats()
        stop = st["stopping"]
        trace.append((st["screened"], n_rel - found, stop["estimated_relevant_unseen"],
                      stop["unseen_relevant_upper"], stop["suggest_stop"]))
        assert 0 <= stop["estimated_relevant_unseen"] <= stop["unseen_relevant_upper"] <= st["unseen"]
        assert 0.0 <= stop["estimated_recall"] <= 1.0 and 0.0 <= stop["recall_lower_bound"] <= 1.0
    assert found == n_rel
    final = session.stats()
    assert final["unseen"] == 0 and final["stopping"]["estimated_relevant_unseen"] == 0
    assert final["stopping"]["suggest_stop"] and final["stopping"]["rule"] == STOP_RULE
    # the bound falls as screening goes on and never says stop before 95 % of the relevant are found
    half = len(trace) // 2
    assert trace[-2][3] < trace[half][3] < max(u for *_, u, _ in trace[:half])
    assert not any(stop and (n_rel - left) / n_rel < 0.95 for _, left, _, _, stop in trace)
