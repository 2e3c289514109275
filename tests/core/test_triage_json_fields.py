"""What `triage ... --json` gives a script: the record as it is after an undo, null where the text gives no
point estimate, and a queue score that names its scale."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.triage import decide, decision_log
from gapscope.triage.stopping import MIN_SCREENED


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GAPSCOPE_TRIAGE_CACHE", str(tmp_path / "cache"))


def _json(lib, *args):
    res = CliRunner().invoke(main, ["--library", str(lib.path), *args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def test_undo_json_returns_the_record_as_it_is_after_the_undo(adhd):
    lib, truth = adhd
    pid = next(iter(truth))
    decide(lib, pid, "include")
    undone = _json(lib, "triage", "undo")
    logged = decision_log(lib, paper_id=pid)[-1]
    assert undone["id"] == logged["id"]
    assert undone["undone_at"] is not None and undone["undone_at"] == logged["undone_at"]


def test_a_reviewers_undo_and_an_undo_by_id_return_the_undone_record_too(adhd):
    from gapscope.triage import undo

    lib, truth = adhd
    first, second = list(truth)[:2]
    decide(lib, first, "include", reviewer="ann")
    assert undo(lib, reviewer="ann")["undone_at"] is not None
    did = decide(lib, second, "exclude")
    assert undo(lib, decision_id=did)["undone_at"] is not None


def test_no_point_estimate_in_the_json_where_the_text_gives_none(adhd):
    lib, truth = adhd
    decide(lib, next(p for p, y in truth.items() if y), "include")
    for stop in (_json(lib, "triage", "stats")["stopping"], _json(lib, "triage", "next", "--stopping")["stopping"]):
        assert stop["estimable"] is False and stop["needs_screened"] == MIN_SCREENED - 1
        assert stop["estimated_relevant_unseen"] is None and stop["estimated_recall"] is None
        # the bound the text gives stays
        assert stop["unseen_relevant_upper"] is not None and stop["recall_lower_bound"] is not None


def test_an_estimable_state_keeps_its_point_estimate(adhd):
    lib, truth = adhd
    relevant = [p for p, y in truth.items() if y]
    irrelevant = [p for p, y in truth.items() if not y]
    decide(lib, relevant[0], "include")
    for pid in irrelevant[:len(irrelevant) - 5]:
        decide(lib, pid, "exclude")
    stop = _json(lib, "triage", "stats")["stopping"]
    assert stop["estimable"] is True
    assert stop["estimated_relevant_unseen"] is not None and stop["estimated_recall"] is not None


def test_the_queue_score_names_its_scale(adhd):
    lib, truth = adhd
    relevant = [p for p, y in truth.items() if y]
    irrelevant = [p for p, y in truth.items() if not y]
    kinds = [_json(lib, "triage", "next")[0]["score_kind"]]
    decide(lib, relevant[0], "include")
    kinds.append(_json(lib, "triage", "next")[0]["score_kind"])
    decide(lib, irrelevant[0], "exclude")
    row = _json(lib, "triage", "next")[0]
    kinds.append(row["score_kind"])
    assert kinds == ["none", "similarity", "decision_value"]
    assert "score" in row and row["probability"] is not None      # the former keys stay
