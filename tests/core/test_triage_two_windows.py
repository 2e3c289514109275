"""The same library open twice (two windows, or the window and the CLI): a decision made on what one
of them showed is refused when the other decided that paper since, and nothing is written."""

from __future__ import annotations

import pytest

from gapscope.store import Library
from gapscope.store.library import now_iso
from gapscope.triage import DecidedElsewhere, current_decisions, decide, decision_log, own_decision, undo


@pytest.fixture
def two(tmp_path):
    path = tmp_path / "shared.gapscope"
    a = Library(path)
    with a.transaction() as conn:
        for t in ("First paper", "Second paper"):
            conn.execute("INSERT INTO papers (title, abstract, norm_title, added_at) VALUES (?, ?, ?, ?)",
                         (t, f"{t} abstract", t.lower(), now_iso()))
    b = Library(path)
    yield a, b
    a.close()
    b.close()


def test_a_decision_on_a_paper_decided_elsewhere_since_is_refused(two):
    a, b = two
    seen_a, seen_b = own_decision(a, 1), own_decision(b, 1)     # both show paper 1, undecided
    assert seen_a is seen_b is None
    first = decide(a, 1, "include", seen=seen_a)
    with pytest.raises(DecidedElsewhere) as err:
        decide(b, 1, "exclude", seen=seen_b)
    assert err.value.paper_id == 1
    assert (err.value.current["id"], err.value.current["decision"]) == (first, "include")
    assert err.value.current["decided_at"]
    # nothing written: one decision in the log, both libraries agree on it
    assert [(r["paper_id"], r["decision"]) for r in decision_log(b)] == [(1, "include")]
    assert current_decisions(a)[1]["decision"] == current_decisions(b)[1]["decision"] == "include"
    # shown again (now with A's include), B can re-decide it on purpose
    decide(b, 1, "exclude", seen=own_decision(b, 1))
    assert current_decisions(a)[1]["decision"] == "exclude"


def test_the_check_is_per_reviewer_and_follows_undo(two):
    a, b = two
    decide(a, 1, "include", reviewer="ann", seen=own_decision(a, 1, reviewer="ann"))
    # blind dual screening: ann's decision is not ben's
    decide(b, 1, "exclude", reviewer="ben", seen=own_decision(b, 1, reviewer="ben"))
    # B showed paper 2 as postponed; A undoes that postpone meanwhile: the state B saw is gone
    pid = decide(a, 2, "postpone", reviewer="ann", seen=None)
    seen_b = own_decision(b, 2, reviewer="ann")
    assert seen_b == pid
    assert undo(a, reviewer="ann")["id"] == pid
    with pytest.raises(DecidedElsewhere, match="undone"):
        decide(b, 2, "include", reviewer="ann", seen=seen_b)
    assert 2 not in current_decisions(b)


def test_without_seen_a_decision_is_recorded_as_before(two):
    a, b = two
    decide(a, 1, "include")
    decide(b, 1, "exclude")                          # the CLI's `triage decide` without --if-undecided
    assert current_decisions(a)[1]["decision"] == "exclude"


def test_cli_decide_with_expect_refuses_a_paper_decided_since(two, tmp_path):
    from click.testing import CliRunner

    from gapscope.cli import main

    a, _b = two
    lib = str(tmp_path / "shared.gapscope")
    runner = CliRunner()
    decide(a, 1, "include")                                   # the window decided it after `triage next` showed it
    out = runner.invoke(main, ["-L", lib, "triage", "decide", "1", "exclude", "--expect", "none"])
    assert out.exit_code == 1 and "decided elsewhere (include" in out.output, out.output
    assert current_decisions(a)[1]["decision"] == "include"
    out = runner.invoke(main, ["-L", lib, "triage", "decide", "1", "exclude", "--expect", "include"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(main, ["-L", lib, "triage", "decide", "2", "maybe"])       # no --expect: as before
    assert out.exit_code == 0, out.output
    assert {p: d["decision"] for p, d in current_decisions(a).items()} == {1: "exclude", 2: "maybe"}


def test_undo_of_one_decision_leaves_a_later_one_made_elsewhere(two):
    """A window undoes the decision it made (by its id), not the latest in the scope: the CLI's later
    decision on another paper stays; once the window's paper is decided again elsewhere, or its
    decision undone, the undo is refused and nothing is written."""
    from gapscope.triage import NotLiveDecision

    a, b = two
    mine = decide(a, 1, "include")
    decide(b, 2, "exclude")                               # the CLI, after the window's decision
    undone = undo(a, decision_id=mine)
    assert (undone["id"], undone["paper_id"], undone["decision"]) == (mine, 1, "include")
    assert {p: d["decision"] for p, d in current_decisions(b).items()} == {2: "exclude"}

    again = decide(a, 1, "include")
    decide(b, 1, "maybe")                                 # decided again elsewhere since
    with pytest.raises(NotLiveDecision, match="decided again since") as err:
        undo(a, decision_id=again)
    assert err.value.why.startswith("was decided again since (maybe at ")
    assert current_decisions(a)[1]["decision"] == "maybe"
    with pytest.raises(NotLiveDecision, match="undone already"):
        undo(a, decision_id=mine)
