"""`gapscope check` finds the paper ids a library gave twice before deleted ids were kept from reuse: the
records dated before the paper that now holds the id (a map's representative paper, an import's merge
list, a gap's details) named the deleted paper. It reports them and changes nothing."""

from __future__ import annotations

import csv
import json

from click.testing import CliRunner

from gapscope.cli import main
from gapscope.ingest import import_file
from gapscope.integrity import reused_paper_ids
from gapscope.maps.model import Cluster, Map
from gapscope.maps.store import save_map
from gapscope.store.papers import HIGHEST_DELETED_ID

THEN = "2026-03-02T09:15:00+00:00"      # the library's first weeks: everything before the deletion


def _kitchenham(shared_data, dest, first: int, last: int) -> list[dict]:
    with open(shared_data / "screening" / "kitchenham2010-software-engineering.csv", newline="",
              encoding="utf-8") as fh:
        rows = [{k: r[k] for k in ("record_id", "title", "abstract", "year")} for r in csv.DictReader(fh)
                if first <= int(r["record_id"]) <= last]
    with open(dest, "w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, fieldnames=["record_id", "title", "abstract", "year"])
        out.writeheader()
        out.writerows(rows)
    return rows


def _history_before_the_deletion(library, shared_data, tmp_path) -> int:
    """Papers imported, one merged into again, a map and a gap naming the newest: the newest paper's id."""
    rows = _kitchenham(shared_data, tmp_path / "first.csv", 1, 6)
    assert import_file(library, tmp_path / "first.csv").added == 6
    newest = max(library.list_paper_ids())
    (tmp_path / "again.csv").write_text(f'title,abstract\n"{rows[-1]["title"]}",\n', encoding="utf-8")
    assert import_file(library, tmp_path / "again.csv").merged == 1        # "... merged into #6 ..."
    others = [p for p in library.list_paper_ids() if p != newest]
    save_map(library, Map(facet="topic", params={"k": 2}, scope={"library": True},
                          clusters=[Cluster(0, "outsourcing", ["outsourcing"], "rep", 3, 1.0, {},
                                            representative_paper=others[0]),
                                    Cluster(1, "reviews", ["review"], "rep", 3, 1.0, {}, representative_paper=newest)],
                          assignments={p: (1 if p == newest else 0) for p in library.list_paper_ids()}, coords={}))
    with library.transaction() as conn:   # a gap quoting the newest paper (as gaps.find writes its details)
        conn.execute("INSERT INTO gaps (batch, type, score, statement, details, created_at) VALUES"
                     " (1, 'thin_growing', 0.5, 'few papers on outsourcing reviews', ?, ?)",
                     (json.dumps({"quotes": [{"paper_id": newest, "text": "..."}]}), THEN))
        # all of it weeks ago
        conn.execute("UPDATE papers SET added_at = ?", (THEN,))
        conn.execute("UPDATE imports SET started_at = ?, finished_at = ?", (THEN, THEN))
        conn.execute("UPDATE maps SET created_at = ?", (THEN,))
    return newest


def test_an_id_given_twice_is_reported_with_the_records_that_named_the_deleted_paper(library, shared_data, tmp_path):
    newest = _history_before_the_deletion(library, shared_data, tmp_path)
    library.delete_papers([newest])
    with library.transaction() as conn:                 # as a GapScope before the fix left it
        conn.execute("DELETE FROM settings WHERE key = ?", (HIGHEST_DELETED_ID,))
    _kitchenham(shared_data, tmp_path / "later.csv", 7, 7)
    assert import_file(library, tmp_path / "later.csv").added == 1
    assert max(library.list_paper_ids()) == newest      # the deleted paper's id, given again
    library.add_note(newest, "read the method section")  # the new paper's own: not reported
    found = reused_paper_ids(library)
    assert [r.paper_id for r in found] == [newest]
    records = found[0].records
    assert [r.split(" ")[0] for r in records] == ["map", "import", "gap"], records
    assert records[0] == f"map cluster representative map 1 cluster 1 ({THEN})"
    assert records[1].startswith(f"import #2 (finished {THEN}): ") and f"merged into #{newest} " in records[1]
    assert records[2] == f"gap 1 ({THEN}) names it in its details"
    before = library.count_papers(), library.imports_log(), library.get_paper(newest).title
    r = CliRunner().invoke(main, ["-L", str(library.path), "check"])
    assert r.exit_code == 3, r.output
    assert r.stdout.startswith(f"paper ids given twice (1):\n  paper {newest} ") and "3 records dated before it" in r.stdout
    assert "paper ids given twice: 1" in r.stderr
    as_json = CliRunner().invoke(main, ["-L", str(library.path), "check", "--json"])
    rows = json.loads(as_json.stdout)["reused_ids"]
    assert [(x["paper_id"], len(x["records"])) for x in rows] == [(newest, 3)]
    after = library.count_papers(), library.imports_log(), library.get_paper(newest).title
    assert after == before          # nothing changed


def test_no_report_where_no_id_was_given_twice(library, shared_data, tmp_path):
    newest = _history_before_the_deletion(library, shared_data, tmp_path)
    library.delete_papers([newest])                      # today's deletion: the id is not given again
    _kitchenham(shared_data, tmp_path / "later.csv", 7, 7)
    assert import_file(library, tmp_path / "later.csv").added == 1
    assert newest not in library.list_paper_ids()
    assert reused_paper_ids(library) == []               # the map and the log name a deleted paper: no reuse
    r = CliRunner().invoke(main, ["-L", str(library.path), "check"])
    assert r.exit_code == 0 and "no problems found" in r.stderr
