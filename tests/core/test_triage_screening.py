"""Screening a reviewer can trust: the stopping rule on cases with a known answer, the empty scope,
scoped screening, re-deciding, blind dual screening with Cohen's kappa, and simulate's JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.store import LibraryError
from gapscope.store.library import now_iso
from gapscope.triage import (Scope, TriageSession, agreement, conflicts, current_decisions, decide, decision_log,
                             resolve, triage_stats)
from gapscope.triage.stopping import assess, first_stop, first_streak_stop, recall_threshold

from .triage_helpers import load_screening_slice


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GAPSCOPE_TRIAGE_CACHE", str(tmp_path / "cache"))


def _papers(lib, titles):
    with lib.transaction() as conn:
        return [conn.execute("INSERT INTO papers (title, abstract, norm_title, added_at) VALUES (?, ?, ?, ?)",
                             (t, f"{t} abstract", t.lower(), now_iso())).lastrowid for t in titles]


# --- the stopping rule --------------------------------------------------------------------------------
def test_stopping_rule_fires_where_the_hypergeometric_test_says():
    # 10 relevant found first, then only irrelevant papers, in a scope of 1000. With 10 found, recall
    # < 95 % means at least one relevant unseen (m* = 1). The run of n irrelevant papers since the last
    # include, drawn from the urn of n + U papers holding that one relevant paper, misses it with
    # probability U / (n + U): below 0.05 first at 951 screened (49 / 990), not at 950 (50 / 990).
    y = np.array([1] * 10 + [0] * 990)
    assert recall_threshold(10, 0.95) == 1 and recall_threshold(19, 0.95) == 2
    assert first_stop(y, 1000) == 951
    before, at = assess(y[:950], 1000), assess(y[:951], 1000)
    assert not before.stop and before.p_value == pytest.approx(50 / 990)
    assert at.stop and at.p_value == pytest.approx(49 / 990)
    assert at.upper == 0 and before.upper >= 1 and at.recall_lower == 1.0
    # a lower target needs fewer papers: with target 50 % and 10 found, 11 unseen relevant would break it
    assert first_stop(y, 1000, target_recall=0.5) < 951


def test_stopping_needs_an_include_and_an_empty_scope_never_stops():
    assert first_stop(np.zeros(500, int), 500) is None
    a = assess([0] * 30, 100)
    assert a.upper is None and not a.stop
    empty = assess([], 0)
    assert not empty.stop and empty.upper is None
    # everything screened: nothing can be unseen
    done = assess([1, 0, 0], 3)
    assert done.stop and done.upper == 0


def test_unseen_bound_shrinks_as_irrelevant_papers_pile_up():
    y = np.array([1] * 10 + [0] * 990)
    uppers = [assess(y[:t], 1000).upper for t in (20, 200, 500, 900)]
    assert uppers == sorted(uppers, reverse=True) and uppers[0] > uppers[-1]
    est = assess(y[:500], 1000)
    assert 0 <= est.estimate <= est.upper <= 500


def test_streak_heuristic():
    assert first_streak_stop([1, 0, 0, 1, 0, 0, 0], 3) == 7
    assert first_streak_stop([1, 0, 0], 3) is None


# --- the empty scope ----------------------------------------------------------------------------------
def test_empty_scope_says_there_is_nothing_to_screen(library):
    s = triage_stats(library)
    assert s["empty"] and s["total"] == 0 and s["screened"] == 0
    assert s["stopping"]["suggest_stop"] is False and s["stopping"]["unseen_relevant_upper"] is None
    res = CliRunner().invoke(main, ["--library", str(library.path), "triage", "stats"])
    assert res.exit_code == 0, res.output
    assert "nothing to screen" in res.output and "stop" not in res.output.replace("stopping", "")
    _papers(library, ["a paper on graphs"])
    res = CliRunner().invoke(main, ["--library", str(library.path), "triage", "stats", "--query", "proteins"])
    assert "nothing to screen" in res.output and "0 of 1" not in res.output


# --- scoped screening ---------------------------------------------------------------------------------
def test_screening_a_search_a_tag_a_collection_and_a_map_cluster(library):
    ids = _papers(library, ["protein folding with transformers", "protein design by diffusion",
                            "graph neural networks for molecules", "speech recognition with transformers",
                            "protein language models", "image segmentation"])
    protein = [ids[0], ids[1], ids[4]]
    search = TriageSession(library, scope=Scope(query="protein"), use_embeddings=False)
    assert sorted(search.paper_ids) == sorted(protein)
    assert {q["paper_id"] for q in search.queue(10)} == set(protein)
    search.decide(ids[0], "include")
    search.decide(ids[1], "exclude")
    st = search.stats()
    assert st["total"] == 3 and st["screened"] == 2 and st["unseen"] == 1
    assert all(0.0 <= q["probability"] <= 1.0 for q in search.queue(5))
    # a search shares the library's decisions: the whole library sees them too
    whole = triage_stats(library)
    assert whole["total"] == 6 and whole["screened"] == 2
    # a tag
    library.add_tag([ids[3], ids[5]], "to-read")
    tagged = TriageSession(library, scope=Scope(tag="to-read"), use_embeddings=False)
    assert sorted(tagged.paper_ids) == [ids[3], ids[5]] and tagged.stats()["screened"] == 0
    # a collection keeps its own decisions
    library.add_to_collection("review", ids[:3])
    coll = TriageSession(library, scope=Scope(collection="review"), use_embeddings=False)
    assert coll.stats()["screened"] == 0
    coll.decide(ids[2], "include")
    assert ids[2] in current_decisions(library, "review") and ids[2] not in current_decisions(library)
    # a map cluster
    with library.transaction() as conn:
        mid = conn.execute("INSERT INTO maps (facet, created_at) VALUES ('topic', ?)", (now_iso(),)).lastrowid
        for c in (0, 1):
            conn.execute("INSERT INTO clusters (map_id, cluster, label, size) VALUES (?, ?, ?, ?)", (mid, c, f"c{c}", 3))
        for k, pid in enumerate(ids):
            conn.execute("INSERT INTO map_assignments (map_id, paper_id, cluster) VALUES (?, ?, ?)", (mid, pid, k % 2))
    res = CliRunner().invoke(main, ["--library", str(library.path), "triage", "stats", "--cluster", "topic:1", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["total"] == 3 and out["screened"] == 1  # ids[1] (excluded above) is in cluster 1
    res = CliRunner().invoke(main, ["--library", str(library.path), "triage", "stats", "--cluster", "topic:7"])
    assert res.exit_code == 4 and "no cluster 7" in res.output
    # the papers a list showed (the app's "Screen this list in Triage"), within the search
    listed = TriageSession(library, scope=Scope(query="protein", ids=frozenset([ids[0], ids[4], ids[3]])),
                           use_embeddings=False)
    assert sorted(listed.paper_ids) == sorted([ids[0], ids[4]]) and listed.stats()["screened"] == 1
    assert "among 3 listed papers" in Scope(ids=frozenset(ids[:3])).describe()


def test_collections_from_the_cli(library):
    ids = _papers(library, ["alpha", "beta", "gamma"])
    run = lambda *a: CliRunner().invoke(main, ["--library", str(library.path), *a])  # noqa: E731
    assert run("collection", "create", "first").exit_code == 0
    assert run("collection", "add", "first", str(ids[0]), str(ids[1])).exit_code == 0
    assert run("collection", "rename", "first", "second").exit_code == 0
    assert dict(library.list_collections()) == {"second": 2}
    assert run("collection", "rename", "nope", "x").exit_code == 4
    with pytest.raises(LibraryError):
        library.rename_collection("second", " ")


# --- re-deciding ----------------------------------------------------------------------------------------
def test_redeciding_an_old_paper_keeps_the_log_and_later_decisions(library):
    a, b, c = _papers(library, ["first", "second", "third"])
    decide(library, a, "exclude", reason="off topic")
    decide(library, b, "include")
    decide(library, c, "exclude")
    decide(library, a, "include")          # fix the first decision without undoing the two after it
    cur = current_decisions(library)
    assert cur[a]["decision"] == "include" and cur[a]["reason"] is None
    assert cur[b]["decision"] == "include" and cur[c]["decision"] == "exclude"
    log = decision_log(library, paper_id=a)
    assert [(r["decision"], r["reason"], r["undone_at"]) for r in log] == [("exclude", "off topic", None), ("include", None, None)]
    # the stopping test keeps a's place in the screening order
    from gapscope.triage import screening_sequence

    assert screening_sequence(library) == [(a, "include"), (b, "include"), (c, "exclude")]


# --- two reviewers ---------------------------------------------------------------------------------------
def test_blind_dual_screening_conflicts_kappa_and_resolved_counts(library):
    ids = _papers(library, [f"paper {i}" for i in range(10)])
    alice = "I I I E E E E E E E".split()
    bob = "I I E E E E E E E I".split()
    for pid, x in zip(ids, alice):
        decide(library, pid, "include" if x == "I" else "exclude", reviewer="alice")
    # bob screens blind: alice's decisions do not take papers out of his queue
    session_b = TriageSession(library, reviewer="bob", use_embeddings=False)
    assert len(session_b.queue(20)) == 10 and session_b.stats()["screened"] == 0
    for pid, x in zip(ids, bob):
        decide(library, pid, "include" if x == "I" else "exclude", reviewer="bob")
    ag = agreement(library)
    # 2 both include, 6 both exclude, 2 disagree: po = 0.8, pe = 0.3*0.3 + 0.7*0.7 = 0.58
    assert ag["reviewers"] == ["alice", "bob"] and ag["papers"] == 10 and ag["agreed"] == 8
    assert ag["kappa"] == pytest.approx((0.8 - 0.58) / 0.42, abs=1e-4)
    conf = conflicts(library)
    assert [c["paper_id"] for c in conf] == [ids[2], ids[9]]
    assert conf[0]["decisions"] == {"alice": {"decision": "include", "reason": None},
                                    "bob": {"decision": "exclude", "reason": None}}
    st = triage_stats(library)
    assert st["conflicts"] == 2 and st["include"] == 2 and st["exclude"] == 6  # resolved decisions only
    resolve(library, ids[2], "include", reviewer="carol")
    st = triage_stats(library)
    assert st["conflicts"] == 1 and st["include"] == 3
    assert current_decisions(library)[ids[2]]["origin"] == "resolution"
    assert ids[9] not in current_decisions(library)
    # each reviewer's own view is untouched by the resolution
    assert current_decisions(library, reviewer="bob")[ids[2]]["decision"] == "exclude"
    res = CliRunner().invoke(main, ["--library", str(library.path), "triage", "stats"])
    assert "Cohen's kappa 0.52" in res.output and "conflicts between reviewers, not resolved: 1" in res.output


# --- simulate --json ---------------------------------------------------------------------------------------
def test_simulate_json_reports_the_stopping_rule_and_calibration(shared_data, tmp_path):
    res = CliRunner().invoke(main, ["triage", "simulate", str(shared_data / "screening" / "cohen2006-antihistamines.csv"),
                                    "--runs", "2", "--no-embeddings", "--no-plot", "--json", "-q"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    st = out["stopping"]
    assert "buscar" in st["rule"] and st["target_recall"] == 0.95
    assert [r["seed"] for r in st["runs"]] == [1, 2]
    for r in st["runs"]:
        assert set(r) >= {"stopped_at", "screened_share", "recall_at_stop"}
        if r["stopped_at"] is not None:
            assert 0 < r["screened_share"] <= 1 and 0 <= r["recall_at_stop"] <= 1
    assert 0.0 <= st["met_share"] <= 1.0 and "heuristic" in st
    cal = out["calibration"]
    assert cal["checkpoints"] > 0 and 0.0 <= cal["coverage"] <= 1.0


def test_stats_on_a_replayed_review_bound_holds(library, shared_data):
    """On a slice of the real ADHD review screened in the model's order, the 95 % bound on the unseen
    relevant papers holds at nearly every step and the rule stops only with the target met."""
    truth = load_screening_slice(library, shared_data / "screening" / "cohen2006-adhd.csv", n_excluded=150)
    n_rel = sum(truth.values())
    session = TriageSession(library, use_embeddings=False)
    decide(library, next(p for p, y in truth.items() if y), "include", origin="seed")
    found, held, steps, stopped_at_recall = 1, 0, 0, None
    while True:
        batch = session.queue(1)
        if not batch:
            break
        pid = batch[0]["paper_id"]
        # no probability until there is a classifier (an include and an exclude)
        assert (batch[0]["probability"] is None) == (batch[0]["ranked_by"] != "classifier")
        assert batch[0]["probability"] is None or 0.0 <= batch[0]["probability"] <= 1.0
        session.decide(pid, "include" if truth[pid] else "exclude")
        found += truth[pid]
        stop = session.stats()["stopping"]
        steps += 1
        held += (n_rel - found) <= stop["unseen_relevant_upper"]
        if stop["suggest_stop"] and stopped_at_recall is None:
            stopped_at_recall = found / n_rel
    assert held >= 0.95 * steps
    assert stopped_at_recall is not None and stopped_at_recall >= 0.95


def test_report_counts_resolved_decisions_and_states_kappa_and_the_rule(library, tmp_path):
    from gapscope.reports import write_report

    ids = _papers(library, [f"report paper {i}" for i in range(6)])
    for pid, a, b in zip(ids, "IIEEEE", "IEEEEI"):
        decide(library, pid, "include" if a == "I" else "exclude", reviewer="ann")
        decide(library, pid, "include" if b == "I" else "exclude", reason=None, reviewer="ben")
    resolve(library, ids[1], "exclude", reason="off topic")
    out = tmp_path / "r.md"
    d = write_report(library, "md", out)
    p = d.prisma
    # ids[0] agreed include; ids[1] resolved exclude; ids[5] open conflict; the rest agreed exclude
    assert (p.included, p.excluded, p.conflicts, p.screened) == (1, 4, 1, 5)
    assert p.excluded_by_reason == {"no reason given": 3, "off topic": 1}
    text = out.read_text(encoding="utf-8")
    assert "Cohen's kappa" in text and "buscar" in text and "reviewer conflicts not resolved" in text
