"""One decision per paper with two reviewers (PRISMA, the included list, export --included agree), unnamed
decisions in a dual-screened scope (a resolution on a conflict, refused elsewhere), kappa between named
reviewers without seeds, resolve and undo that never override a reviewer silently, what ranks the queue
and which model, the stopping rule on small reviews, decisions kept in a collection, and the unreadable
records of a collection's imports."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.store.library import now_iso
from gapscope.triage import (TriageSession, agreement, conflicts, current_decisions, decide, decision_log, resolve,
                             seed, triage_stats, undo)
from gapscope.triage.decisions import NotAConflict, ReviewerNeeded


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GAPSCOPE_TRIAGE_CACHE", str(tmp_path / "cache"))


def _papers(lib, n, prefix="paper"):
    with lib.transaction() as conn:
        return [conn.execute("INSERT INTO papers (title, abstract, norm_title, added_at) VALUES (?, ?, ?, ?)",
                             (f"{prefix} {i}", f"{prefix} {i} abstract words", f"{prefix} {i}", now_iso())).lastrowid
                for i in range(n)]


def _cli(lib, *args):
    return CliRunner().invoke(main, ["--library", str(lib.path), *args])


def _dual(lib, n=6):
    """ann and bob screen n papers: both include 0, disagree on 1 (ann include) and 2 (ann exclude), both exclude the rest."""
    ids = _papers(lib, n)
    for k, pid in enumerate(ids):
        a = "include" if k in (0, 1) else "exclude"
        b = "include" if k in (0, 2) else "exclude"
        decide(lib, pid, a, reviewer="ann")
        decide(lib, pid, b, reviewer="bob")
    return ids


# --- 1. one definition of a paper's decision -----------------------------------------------------------
def test_included_list_export_and_prisma_use_the_resolved_decision(library, tmp_path):
    from gapscope.exports import select_ids
    from gapscope.reports import write_report

    ids = _dual(library)
    # bob's include of the conflict ids[2] is the latest row of anyone: it is still not included
    assert select_ids(library, included=True) == [ids[0]]
    d = write_report(library, "md", tmp_path / "r.md")
    assert d.prisma.included == d.included.total == 1 and d.included.unresolved == 2
    assert "not resolved yet and are not listed" in (tmp_path / "r.md").read_text(encoding="utf-8")
    res = _cli(library, "export", "bibtex", "--included", "-o", str(tmp_path / "inc.bib"))
    assert res.exit_code == 0, res.output
    assert (tmp_path / "inc.bib").read_text(encoding="utf-8").count("@misc") == 1
    assert "not included: 2 papers the reviewers decided differently" in res.output
    # both include ids[0]; bob then postpones it ("not now"): only ann's include stands, so it awaits bob again
    decide(library, ids[0], "postpone", reviewer="bob")
    assert ids[0] not in current_decisions(library)
    assert select_ids(library, included=True) == []


def test_a_paper_only_one_reviewer_screened_awaits_the_second_everywhere(library, tmp_path):
    from gapscope.reports import write_report
    from gapscope.triage import awaiting_second

    ids = _papers(library, 4)
    decide(library, ids[1], "include", reviewer="alice")
    decide(library, ids[1], "exclude", reviewer="bob")
    decide(library, ids[2], "include", reviewer="alice")           # bob never screened it
    assert awaiting_second(library) == [{"paper_id": ids[2], "reviewer": "alice", "decision": "include"}]
    assert ids[2] not in current_decisions(library)
    res = _cli(library, "export", "csv", "--included", "-o", "-")
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0].startswith("id,") and not any(
        line.startswith(f"{ids[2]},") for line in res.output.splitlines())
    assert "not included: 1 paper only one reviewer has screened (awaiting a second reviewer" in res.output
    d = write_report(library, "md", tmp_path / "r.md")
    p = d.prisma
    assert (p.screened, p.included, p.conflicts, p.awaiting) == (0, 0, 1, 1) and d.included.total == 0
    assert p.not_screened == 4 and ("  of which awaiting a second reviewer", 1) in p.rows()
    assert "awaiting a second reviewer and is not listed" in (tmp_path / "r.md").read_text(encoding="utf-8")
    stats = _cli(library, "triage", "stats").output
    assert "0 of 4 screened" in stats and "awaiting a second reviewer: 1" in stats
    # bob agrees: included, and nothing awaits
    decide(library, ids[2], "include", reviewer="bob")
    assert current_decisions(library)[ids[2]]["decision"] == "include" and awaiting_second(library) == []
    p = write_report(library, "md", tmp_path / "r2.md").prisma
    assert (p.screened, p.included, p.awaiting) == (1, 1, 0)
    # resolve --force settles a paper only one reviewer screened, for all of them
    decide(library, ids[3], "exclude", reviewer="alice")
    with pytest.raises(NotAConflict, match="only alice has screened it"):
        resolve(library, ids[3], "include")
    resolve(library, ids[3], "include", force=True)
    assert current_decisions(library)[ids[3]]["decision"] == "include" and awaiting_second(library) == []


# --- 2. an unnamed decision in a dual-screened scope -------------------------------------------------------
def test_an_unnamed_decision_on_a_conflict_resolves_it_and_elsewhere_is_refused(library):
    ids = _dual(library)
    res = _cli(library, "triage", "decide", str(ids[1]), "exclude")
    assert res.exit_code == 0, res.output
    assert "resolves the conflict (ann: include; bob: exclude)" in res.output
    assert current_decisions(library)[ids[1]] == {**current_decisions(library)[ids[1]],
                                                  "origin": "resolution", "decision": "exclude"}
    assert [c["paper_id"] for c in conflicts(library)] == [ids[2]]
    assert agreement(library)["reviewers"] == ["ann", "bob"]          # no '' reviewer
    # not a conflict: refused, nothing written, the message asks for a reviewer
    n = len(decision_log(library))
    with pytest.raises(ReviewerNeeded, match="--reviewer"):
        decide(library, ids[3], "include")
    res = _cli(library, "triage", "decide", str(ids[0]), "exclude")
    assert res.exit_code != 0 and "--reviewer" in res.output
    assert len(decision_log(library)) == n
    # a session without a reviewer shows the open conflict first, saying it is one
    q = TriageSession(library, use_embeddings=False).queue(1)[0]
    assert (q["paper_id"], q["why"]) == (ids[2], "conflict")
    assert q["conflict"] == {"ann": {"decision": "exclude", "reason": None}, "bob": {"decision": "include", "reason": None}}


def test_kappa_is_between_named_reviewers_without_seeds(library):
    ids = _papers(library, 8)
    seed(library, ids[:4], reviewer="ann")
    seed(library, ids[:4], reviewer="bob")
    for pid, a, b in zip(ids[4:], "IEEE", "IEIE"):
        decide(library, pid, "include" if a == "I" else "exclude", reviewer="ann")
        decide(library, pid, "include" if b == "I" else "exclude", reviewer="bob")
    ag = agreement(library)
    assert ag["reviewers"] == ["ann", "bob"] and ag["papers"] == 4 and ag["agreed"] == 3 and ag["seeds_left_out"] == 4


def test_an_unnamed_seed_with_two_reviewers_is_refused_and_writes_nothing(library):
    ids = _dual(library)
    n = len(decision_log(library))
    # ids[3] both excluded; an unnamed seed would be a third include and make it a conflict
    with pytest.raises(ReviewerNeeded, match="reviewer name"):
        seed(library, [ids[0], ids[3]])
    res = _cli(library, "triage", "seed", str(ids[3]))
    assert res.exit_code != 0 and "--reviewer" in res.output
    assert len(decision_log(library)) == n
    assert [c["paper_id"] for c in conflicts(library)] == [ids[1], ids[2]]
    assert agreement(library)["reviewers"] == ["ann", "bob"]
    # a named seed is that reviewer's own include (here against bob's exclude: a conflict, as it should be)
    seed(library, [ids[3]], reviewer="ann")
    assert ids[3] in {c["paper_id"] for c in conflicts(library)}


# --- 3. resolve and undo never override a reviewer silently ------------------------------------------------
def test_resolve_on_an_agreed_paper_needs_force(library):
    ids = _dual(library)
    with pytest.raises(NotAConflict, match="agreed"):
        resolve(library, ids[0], "exclude")
    res = _cli(library, "triage", "resolve", str(ids[0]), "exclude")
    assert res.exit_code != 0 and "--force" in res.output
    assert current_decisions(library)[ids[0]]["decision"] == "include"
    assert _cli(library, "triage", "resolve", str(ids[0]), "exclude", "--force").exit_code == 0
    assert current_decisions(library)[ids[0]]["decision"] == "exclude"
    resolve(library, ids[1], "include")  # a conflict: no force needed


def test_undo_without_a_reviewer_never_undoes_a_named_reviewers_decision(library):
    ids = _dual(library)
    n = len(decision_log(library))
    with pytest.raises(ReviewerNeeded, match="--reviewer NAME"):   # bob's latest is bob's to undo
        undo(library)
    res = _cli(library, "triage", "undo")
    assert res.exit_code != 0 and "bob's exclude of paper" in res.output and "--reviewer NAME" in res.output
    assert len(decision_log(library)) == n and current_decisions(library, reviewer="bob")[ids[-1]]["decision"] == "exclude"
    resolve(library, ids[1], "include")
    res = _cli(library, "triage", "undo")                          # a resolution made last: the unnamed undo's own
    assert res.exit_code == 0 and f"undid the resolution (include) of paper {ids[1]}" in res.output
    resolve(library, ids[1], "include")
    decide(library, ids[5], "include", reviewer="bob")
    with pytest.raises(ReviewerNeeded):                           # never reaching back past bob's later decision
        undo(library)
    res = _cli(library, "triage", "undo", "-r", "bob")
    assert res.exit_code == 0 and f"undid bob's include of paper {ids[5]}" in res.output


def test_undo_without_a_name_never_reaches_back_to_an_older_unnamed_decision(library):
    ids = _papers(library, 4)
    decide(library, ids[0], "include")                            # a one-person review, before the reviewers
    decide(library, ids[1], "include", reviewer="alice")
    decide(library, ids[1], "exclude", reviewer="bob")
    decide(library, ids[2], "include", reviewer="alice")
    with pytest.raises(ReviewerNeeded):
        decide(library, ids[3], "include")                        # refused without a name ...
    res = _cli(library, "triage", "undo")                          # ... and so is undo: not the include of ids[0]
    assert res.exit_code != 0 and f"alice's include of paper {ids[2]}" in res.output
    assert [r["paper_id"] for r in decision_log(library, include_undone=False)] == [ids[0], ids[1], ids[1], ids[2]]
    res = _cli(library, "triage", "undo", "--reviewer", "alice")
    assert res.exit_code == 0 and f"undid alice's include of paper {ids[2]}" in res.output


# --- 5, 6. what ranks the queue, and the model ----------------------------------------------------------
def test_queue_and_stats_say_what_ranks_the_queue_and_name_the_model(library):
    ids = _papers(library, 6)
    session = TriageSession(library, use_embeddings=False)
    q = session.queue(1)[0]
    assert q["probability"] is None and q["ranked_by"] == "library order"
    decide(library, ids[0], "include")
    q = session.queue(1)[0]
    assert q["probability"] is None and q["ranked_by"] == "similarity"
    decide(library, ids[1], "exclude")
    q = session.queue(1)[0]
    assert 0.0 <= q["probability"] <= 1.0 and q["ranked_by"] == "classifier"
    res = _cli(library, "triage", "stats", "--json")
    st = json.loads(res.output)
    assert st["ranked_by"] == "classifier"
    assert st["model"]["C"] == 0.1 and st["model"]["relevant_class_weight"] == 10.0
    assert st["model"]["features"] in ("tfidf", "tfidf+minilm")
    text = _cli(library, "triage", "stats").output
    assert "ranking model: logistic regression" in text and "C=0.1" in text
    decide(library, ids[1], "include")
    undo(library)
    undo(library)
    res = _cli(library, "triage", "next", "--json")
    assert json.loads(res.output)[0]["probability"] is None
    assert "similarity to the included papers" in _cli(library, "triage", "next").output


def test_report_names_the_screening_model_and_rule(library, tmp_path):
    from gapscope.reports import write_report

    ids = _papers(library, 4)
    decide(library, ids[0], "include")
    decide(library, ids[1], "exclude")
    d = write_report(library, "md", tmp_path / "r.md")
    text = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert d.reproducibility["screening_model"].startswith("logistic regression")
    assert "Screening ranking model" in text and "none used yet" not in text


# --- 9. the stopping rule on a small review ----------------------------------------------------------------
def test_stats_say_when_the_target_allows_missing_none(library):
    ids = _papers(library, 40)
    for pid in ids[:3]:
        decide(library, pid, "include")
    st = triage_stats(library)
    assert st["stopping"]["relevant_found"] == 3 and st["stopping"]["allowed_missing"] == 0
    assert "with 3 found, 95% recall allows missing none" in _cli(library, "triage", "stats").output


# --- 10. decisions kept in a collection ------------------------------------------------------------------
def test_whole_library_commands_point_at_the_collection_holding_the_decisions(library):
    ids = _papers(library, 5)
    library.add_to_collection("adhd", ids)
    for pid in ids[:3]:
        decide(library, pid, "exclude", collection="adhd")
    out = _cli(library, "triage", "stats").output
    assert "your 3 screening decisions are in collection 'adhd': add -c adhd" in out
    assert "add -c adhd" in _cli(library, "triage", "undo").output
    assert "add -c" not in _cli(library, "triage", "stats", "-c", "adhd").output


# --- 4. unreadable records of a collection's imports -------------------------------------------------------
def test_collection_report_counts_the_unreadable_records_of_its_imports(library, tmp_path):
    from gapscope.ingest import import_file
    from gapscope.reports.data import build_report_data

    csv = tmp_path / "refs.csv"
    csv.write_text("title,abstract,year\nA readable paper,Some text,2020\n,,2021\n",
                   encoding="utf-8")
    import_file(library, csv, collection="adhd")
    assert build_report_data(library).prisma.unreadable == 1
    assert build_report_data(library, collection="adhd").prisma.unreadable == 1


@pytest.mark.parametrize("how", ["resolve", "unnamed"])
def test_a_conflict_is_checked_under_the_write_lock(library, monkeypatch, how):
    """Between `resolve` (or an unnamed decision) finding the paper a conflict and recording the
    resolution, another process cannot settle the conflict: its decision waits for the write lock."""
    import gapscope.triage.decisions as decisions_mod
    from gapscope.store import Library

    ids = _dual(library)
    real_conflict = decisions_mod.paper_conflict
    meanwhile = []

    def another_process_decides(lib, paper_id, collection=None):
        found = real_conflict(lib, paper_id, collection)
        if not meanwhile:
            other = Library(library.path, busy_timeout_s=0.05, lock_patience_s=0.1)
            try:
                decide(other, ids[1], "exclude", reviewer="ann")      # now ann and bob agree
                meanwhile.append("written")
            except Exception as exc:                                  # noqa: BLE001 - what it met is the point
                meanwhile.append(str(exc))
            finally:
                other.close()
        return found

    monkeypatch.setattr(decisions_mod, "paper_conflict", another_process_decides)
    if how == "resolve":
        resolve(library, ids[1], "include")
    else:
        decide(library, ids[1], "include")
    assert meanwhile and "locked" in meanwhile[0]
    log = decision_log(library)
    assert [(r["reviewer"], r["decision"]) for r in log if r["paper_id"] == ids[1] and r["reviewer"] == "ann"] == \
        [("ann", "include")]


def test_exported_decisions_name_the_records_they_came_from(library, shared_data, tmp_path):
    """A review screened from a database export (a real screening CSV with record ids): `triage export`
    says which record of which file each decision is about, so that the decisions join back to the file
    (by its record_id; the PMID is in that row), whatever the library's own ids are."""
    import csv

    from gapscope.ingest import import_file

    from .input_files import csv_text, screening_rows

    header, rows = screening_rows(shared_data, 6)
    path = tmp_path / "adhd-search.csv"
    path.write_text(csv_text(header, rows), encoding="utf-8")
    rep = import_file(library, path)
    ids = rep.added_ids
    assert _cli(library, "triage", "decide", str(ids[1]), "include").exit_code == 0
    assert _cli(library, "triage", "decide", str(ids[4]), "exclude").exit_code == 0
    out = tmp_path / "decisions.csv"
    assert _cli(library, "triage", "export", "-o", str(out)).exit_code == 0
    with open(out, newline="", encoding="utf-8") as f:
        got = {r["records"]: r["decision"] for r in csv.DictReader(f)}
    rid = header.index("record_id")
    assert got == {f"adhd-search.csv#{rows[1][rid]}": "include", f"adhd-search.csv#{rows[4][rid]}": "exclude"}
