"""`gapscope check`: the library's integrity check. A library damaged the ways a library gets damaged (a
paper deleted with foreign keys off, leaving its note behind; an index dropped; an attached PDF's file
gone) has each reported, by table and row, index name and path; a clean library reports nothing. The
check changes nothing; --repair mends only what it can without loss, writing the rows it removes first."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.ingest import import_file
from gapscope.integrity import check_library, repair
from gapscope.jobs import Cancelled, CancelToken
from gapscope.store import Library, writes_forbidden
from gapscope.store.library import ReadOnlyLibrary


@pytest.fixture
def folder_library(shared_data, tmp_path):
    """A library folder with six papers of the Kitchenham review, a note and an attached PDF file."""
    with open(shared_data / "screening" / "kitchenham2010-software-engineering.csv", newline="",
              encoding="utf-8") as fh:
        rows = [{k: r[k] for k in ("title", "abstract", "year")} for r in csv.DictReader(fh)][:6]
    src = tmp_path / "papers.csv"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, fieldnames=["title", "abstract", "year"])
        out.writeheader()
        out.writerows(rows)
    lib = Library(tmp_path / "review.gapscope")
    assert import_file(lib, src).added == 6
    first, second = lib.list_paper_ids()[:2]
    lib.add_note(first, "read the method section")
    files = lib.files_folder()
    files.mkdir(parents=True, exist_ok=True)
    (files / ("ab" * 32 + ".pdf")).write_bytes(b"%PDF-1.4 a stand-in\n")
    lib.add_attachment(second, "ab" * 32, "ab" * 32 + ".pdf", "paper.pdf", source="file", match_how="paper",
                       match_score=None, status="unreadable", message=None, pages=None)
    yield lib
    lib.close()


def _damage(lib) -> tuple[int, int]:
    """The three kinds of damage: returns (the deleted paper's id, the paper whose PDF file is gone)."""
    first, second = lib.list_paper_ids()[:2]
    with lib.transaction() as conn:
        conn.execute("PRAGMA defer_foreign_keys = ON")      # as a tool with foreign keys off would leave it
        conn.execute("DROP INDEX notes_paper")
    lib._conn.execute("PRAGMA foreign_keys = OFF")
    with lib.transaction() as conn:
        conn.execute("DELETE FROM papers WHERE id = ?", (first,))
    lib._conn.execute("PRAGMA foreign_keys = ON")
    for f in lib.files_folder().iterdir():
        f.unlink()
    return first, second


def _rows(lib) -> dict:
    tables = lib.table_names()
    return {t: lib._conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_a_clean_library_reports_nothing(folder_library):
    found = check_library(folder_library)
    assert found.clean, found.to_dict()
    r = CliRunner().invoke(main, ["-L", str(folder_library.path), "check", "--quiet"])
    assert r.exit_code == 0, r.output
    assert "no problems found" in r.stderr and r.stdout == ""
    doc = json.loads(CliRunner().invoke(main, ["-L", str(folder_library.path), "check", "--json"]).stdout)
    assert {k: v for k, v in doc.items() if k != "library"} == {
        "sqlite": [], "foreign_keys": [], "schema": [], "search_index": [], "annotation_index": [],
        "missing_files": [], "reused_ids": [], "markup": [], "facet_corrections": []}


def test_each_damage_is_reported_and_nothing_changed(folder_library):
    lib = folder_library
    gone, without_file = _damage(lib)
    before = _rows(lib)
    found = check_library(lib)
    notes = [f for f in found.foreign_keys if f["table"] == "notes"]
    assert [(f["column"], f["value"], f["parent"]) for f in notes] == [("paper_id", gone, "papers")]
    assert {f["table"] for f in found.foreign_keys} == {"notes", "source_records"}   # its import record too
    assert [(d["kind"], d["table"], d["name"], d["found"]) for d in found.schema] == [
        ("index", "notes", "notes_paper", "missing")]
    assert [(m["kind"], m["paper_id"]) for m in found.missing_files] == [("pdf", without_file)]
    assert found.sqlite == [] and found.reused_ids == []
    r = CliRunner().invoke(main, ["-L", str(lib.path), "check", "--quiet"])
    assert r.exit_code == 3, r.output
    assert f"notes row {notes[0]['rowid']}: paper_id = {gone} names a row of papers" in r.stdout
    assert "index notes_paper of notes is missing" in r.stdout
    assert f"the PDF of paper {without_file}" in r.stdout and "--repair" in r.stdout
    doc = json.loads(CliRunner().invoke(main, ["-L", str(lib.path), "check", "--json"]).stdout)
    assert [d["name"] for d in doc["schema"]] == ["notes_paper"]
    assert len(doc["missing_files"]) == 1 and any(f["table"] == "notes" for f in doc["foreign_keys"])
    assert _rows(lib) == before                      # read only


def test_repair_writes_the_rows_down_then_removes_them_and_makes_the_index_again(folder_library):
    lib = folder_library
    gone, without_file = _damage(lib)
    note = lib._conn.execute("SELECT body FROM notes").fetchone()[0]
    r = CliRunner().invoke(main, ["-L", str(lib.path), "check", "--repair", "--quiet"])
    assert r.exit_code == 3, r.output                # it found problems (and the missing file stays)
    saved = sorted((lib.path / "backups").glob("check-repair-*.json"))
    assert len(saved) == 1 and str(saved[0]) in r.stdout
    rows = json.loads(saved[0].read_text(encoding="utf-8"))["rows"]
    kept = [x["row"] for x in rows if x["table"] == "notes"]
    assert [(n["body"], n["paper_id"]) for n in kept] == [(note, gone)]
    assert "made again 1 index (notes_paper)" in r.stdout
    after = check_library(lib)
    assert after.foreign_keys == [] and after.schema == []
    assert [m["paper_id"] for m in after.missing_files] == [without_file]     # not repairable: said what to do
    assert "attach the PDF again" in r.stdout


def test_a_clean_library_is_not_repaired(folder_library):
    found = check_library(folder_library)
    mended = repair(folder_library, found)
    assert mended.saved_to is None and mended.indexes == []
    assert not (folder_library.path / "backups").exists() or not list(
        (folder_library.path / "backups").glob("check-repair-*"))


def test_read_only_library_is_checked_and_not_repaired(folder_library, tmp_path):
    lib = folder_library
    _damage(lib)
    ro = ReadOnlyLibrary(lib.path, create=False)
    try:
        found = check_library(ro)
    finally:
        ro.close()
    assert found.schema and found.missing_files and found.foreign_keys


def test_cancel_stops_the_check(folder_library):
    token = CancelToken()
    seen = []

    def progress(done, total, message=""):
        seen.append(message)
        if message.startswith("foreign keys"):
            token.cancel()

    with pytest.raises(Cancelled):
        check_library(folder_library, progress=progress, cancel=token)
    assert seen[0] == "SQLite integrity check" and "schema" not in seen


def test_repair_leaves_a_row_that_is_no_longer_an_orphan(folder_library):
    """Another process may change the library between the check and --repair: the orphan note is removed
    and a new note, of a paper that exists, gets its id. The repair must not delete the new note."""
    lib = folder_library
    _damage(lib)
    found = check_library(lib)
    orphan = next(f for f in found.foreign_keys if f["table"] == "notes")
    second = lib.list_paper_ids()[0]
    with lib.transaction() as conn:
        conn.execute("DELETE FROM notes WHERE id = ?", (orphan["rowid"],))
    lib.add_note(second, "a note written after the check")
    assert lib._conn.execute("SELECT id FROM notes WHERE paper_id = ?", (second,)).fetchone()[0] == orphan["rowid"]
    mended = repair(lib, found)
    assert lib._conn.execute("SELECT body FROM notes WHERE paper_id = ?", (second,)).fetchone()[0] == \
        "a note written after the check"
    assert mended.saved_to is None and mended.removed_rows == 0
    assert any("changed since the check" in line for line in mended.not_repaired)
    assert not list((lib.path / "backups").glob("check-repair-*.json"))


def test_repair_of_an_index_made_again_since_the_check_is_no_error(folder_library):
    lib = folder_library
    _damage(lib)
    found = check_library(lib)
    with lib.transaction() as conn:            # another GapScope upgraded or repaired it meanwhile
        conn.execute("CREATE INDEX notes_paper ON notes(paper_id)")
    mended = repair(lib, found)
    assert mended.indexes == [] and mended.not_repaired == []
    assert check_library(lib).schema == []


def test_repair_removes_no_row_of_a_table_whose_parent_table_is_missing(folder_library):
    """With the papers table gone (the library changed outside GapScope), SQLite reports every note as
    naming a missing paper; they are not orphans but the papers are lost: restore, never delete."""
    lib = folder_library
    notes = lib._conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0]
    lib._conn.execute("PRAGMA foreign_keys = OFF")
    with lib.transaction() as conn:
        conn.execute("DROP TABLE papers")
    lib._conn.execute("PRAGMA foreign_keys = ON")
    found = check_library(lib)
    assert any(f["table"] == "notes" for f in found.foreign_keys)
    assert any(d["kind"] == "table" and d["table"] == "papers" for d in found.schema)
    mended = repair(lib, found)
    assert lib._conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == notes == 1
    assert mended.removed_rows == 0 and mended.saved_to is None
    assert any("papers" in line and "restore" in line for line in mended.not_repaired)
    assert not any("--repair" in line for line in found.advice())


# --- the search index ------------------------------------------------------------------------------------

def _found(lib, words: str) -> list[int]:
    return lib.list_paper_ids(query=words)


def test_a_title_changed_behind_a_dropped_trigger_is_reported_and_repaired(folder_library):
    """A tool dropped the trigger that keeps the search index in step, then a title changed: the check
    names the trigger and the paper, --repair makes the trigger again and rebuilds the index, and a
    search finds the paper by its new title."""
    lib = folder_library
    pid = lib.list_paper_ids()[2]
    with lib.transaction() as conn:
        conn.execute("DROP TRIGGER papers_fts_au")
        conn.execute("UPDATE papers SET title = 'Zymurgy of brewing yeasts' WHERE id = ?", (pid,))
    assert _found(lib, "zymurgy") == []
    found = check_library(lib)
    assert found.schema == []               # reported once, with the search index
    assert [(f["problem"], f.get("name") or f.get("paper_id")) for f in found.search_index] == [
        ("trigger", "papers_fts_au"), ("stale", pid)]
    lines = found.lines()["search_index"]
    assert "papers_fts_au" in lines[0] and "missing" in lines[0]
    assert f"paper {pid} 'Zymurgy of brewing yeasts'" in lines[1]
    assert any("--repair" in line for line in found.advice())
    r = CliRunner().invoke(main, ["-L", str(lib.path), "check", "--repair", "--quiet"])
    assert r.exit_code == 3, r.output
    assert "made again 1 trigger (papers_fts_au)" in r.stdout and "rebuilt the search index" in r.stdout
    assert not list((lib.path / "backups").glob("check-repair-*.json"))    # derived: nothing to write down
    assert check_library(lib).clean
    assert _found(lib, "zymurgy") == [pid]
    with lib.transaction() as conn:         # the trigger works again
        conn.execute("UPDATE papers SET title = 'Oenology of grapes' WHERE id = ?", (pid,))
    assert _found(lib, "oenology") == [pid] and check_library(lib).clean


def test_papers_missing_from_the_index_or_indexed_without_a_paper_are_named(folder_library):
    lib = folder_library
    a, b, c = lib.list_paper_ids()[:3]
    title = lib.get_paper(a).title
    with lib.transaction() as conn:
        conn.execute("DROP TRIGGER papers_fts_au")           # and a title changed unseen beside them
        conn.execute("UPDATE papers SET title = 'Zymurgy of brewing yeasts' WHERE id = ?", (c,))
        conn.execute(f"CREATE TRIGGER papers_fts_au {_au_body(lib)}")
        conn.execute("INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors)"
                     " SELECT 'delete', id, title, abstract, authors FROM papers WHERE id = ?", (a,))
        conn.execute("INSERT INTO papers_fts (rowid, title, abstract, authors) VALUES (9999, 'ghost', '', '')")
    assert a not in _found(lib, title.split()[0])
    found = check_library(lib)
    assert [(f["problem"], f["paper_id"]) for f in found.search_index] == [
        ("not_indexed", a), ("not_a_paper", 9999), ("stale", c)]
    lines = found.lines()["search_index"]
    assert f"paper {a}" in lines[0] and "not in the search index" in lines[0] and "9999" in lines[1]
    mended = repair(lib, found)
    assert mended.search_index_rebuilt and mended.triggers == [] and mended.not_repaired == []
    assert check_library(lib).clean
    assert a in _found(lib, title.split()[0]) and _found(lib, "ghost") == [] and _found(lib, "zymurgy") == [c]
    assert b in lib.list_paper_ids()


def test_a_text_changed_keeping_its_word_count_is_seen_by_fts5s_own_check(folder_library):
    """Where the check may write (the CLI), FTS5's integrity-check compares every indexed text; the
    temporary index that names rows compares only token counts, so such a row is reported unnamed."""
    lib = folder_library
    pid = lib.list_paper_ids()[0]
    with lib.transaction() as conn:
        conn.execute("UPDATE papers SET title = 'Brewing with wild yeasts' WHERE id = ?", (pid,))
        conn.execute("DROP TRIGGER papers_fts_au")
        conn.execute("UPDATE papers SET title = 'Zymurgy of wild yeasts' WHERE id = ?", (pid,))
        conn.execute(f"CREATE TRIGGER papers_fts_au {_au_body(lib)}")
    found = check_library(lib)
    assert [f["problem"] for f in found.search_index] == ["unnamed"], found.search_index
    assert "FTS5's integrity-check" in found.lines()["search_index"][0]
    with writes_forbidden():        # where FTS5's check cannot run, token counts alone do not see it
        assert check_library(lib).search_index == []
    assert not repair(lib, found).not_repaired and check_library(lib).clean and _found(lib, "zymurgy") == [pid]


def _au_body(lib) -> str:
    from gapscope.store.integrity import _migrated_sql

    return _migrated_sql("trigger")["papers_fts_au"].split("papers_fts_au", 1)[1]


def test_a_reader_that_must_not_write_still_names_the_stale_paper(folder_library):
    """The desktop's check runs on a reader thread, where FTS5's integrity-check (a write) cannot run:
    the texts tokenized again into a temporary index name the paper all the same."""
    lib = folder_library
    pid = lib.list_paper_ids()[1]
    with lib.transaction() as conn:
        conn.execute("DROP TRIGGER papers_fts_au")
        conn.execute("UPDATE papers SET abstract = abstract || ' and zymurgy besides' WHERE id = ?", (pid,))
    with writes_forbidden():
        found = check_library(lib)
    assert [(f["problem"], f.get("name") or f.get("paper_id")) for f in found.search_index] == [
        ("trigger", "papers_fts_au"), ("stale", pid)]
    ro = ReadOnlyLibrary(lib.path, create=False)
    try:
        assert [f["problem"] for f in check_library(ro).search_index] == ["trigger", "stale"]
    finally:
        ro.close()


def test_an_import_deferral_left_behind_is_reported_and_removed(folder_library):
    lib = folder_library
    with lib.transaction() as conn:
        conn.execute("INSERT INTO fts_deferred (first_id) VALUES (1000)")
    found = check_library(lib)
    assert [(f["problem"], f["paper_id"]) for f in found.search_index] == [("deferred", 1000)]
    repair(lib, found)
    assert check_library(lib).clean


def test_a_missing_text_stamp_trigger_is_made_again_and_the_stamp_moved(folder_library):
    lib = folder_library
    stamp = lib.paper_text_stamp()
    with lib.transaction() as conn:
        conn.execute("DROP TRIGGER papers_text_stamp_au")
    found = check_library(lib)
    assert [(d["kind"], d["name"]) for d in found.schema] == [("trigger", "papers_text_stamp_au")]
    assert any("--repair" in line for line in found.advice())
    assert not any("restore it from a backup" in line for line in found.advice())
    mended = repair(lib, found)
    assert mended.triggers == ["papers_text_stamp_au"] and lib.paper_text_stamp() != stamp
    assert check_library(lib).clean


def test_a_library_upgraded_to_the_text_stamp_checks_clean(tmp_path, monkeypatch):
    """The text stamp's migration on a library of before: one row and three triggers (no paper read);
    the schema comparison finds what the migrations make, and the stamp moves with each text change."""
    from gapscope.store import library as store_lib
    from gapscope.store.schema import MIGRATIONS

    path = tmp_path / "old.gapscope"
    with monkeypatch.context() as m:
        m.setattr(store_lib, "MIGRATIONS", [mg for mg in MIGRATIONS if mg[0] != "1200_paper_text_stamp"])
        old = Library(path)
        old.close()
    lib = Library(path)
    try:
        assert check_library(lib).clean
        stamp = lib.paper_text_stamp()
        assert stamp is not None
        with lib.transaction() as conn:
            conn.execute("INSERT INTO papers (title, norm_title, added_at) VALUES ('A', 'a', '2026-01-01')")
        assert lib.paper_text_stamp() != stamp
    finally:
        lib.close()


def test_papers_past_the_named_hundred_are_counted_as_papers_not_as_one_line(tmp_path):
    """150 papers missing from the search index: 100 named, "... and 50 more", and the count says 150
    problems (before: 101, the "more" line counted as one)."""
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper

    lib = Library(tmp_path / "big.gapscope")
    ingest_papers(lib, [Paper(title=f"Paper number {i}", year=2020, source="t", source_key=str(i)) for i in range(150)],
                  kind="import", source="t", target="t")
    with lib.transaction() as conn:
        conn.execute("INSERT INTO papers_fts (papers_fts) VALUES ('delete-all')")
    found = check_library(lib)
    assert [f["problem"] for f in found.search_index][-1] == "more" and len(found.search_index) == 101
    assert found.count() == found.count_of("search_index") == 150
    r = CliRunner().invoke(main, ["--library", str(lib.path), "check", "-q"])
    assert r.exit_code == 3 and "the search index disagrees with the papers (150):" in r.output
    assert "the search index disagrees with the papers: 150" in r.output
    lib.close()


def test_markup_stored_before_imports_took_it_out_is_reported_and_cleaned(folder_library):
    """An abstract and a title stored with HTML markup (an import before they took it out) are named by the
    check; --repair writes their texts down, then takes the markup out, as an import does now; the source
    record keeps the file's text; a search then finds the words, not the entities."""
    lib = folder_library
    pid, other = lib.list_paper_ids()[2:4]
    abstract = "<p>Teachers&#39; ratings of &lt;i&gt;software&lt;/i&gt; estimation</p><p>p<0.05 stays.</p>"
    title = "Cost <i>estimation</i> &amp; effort"
    records_before = lib._conn.execute("SELECT paper_id, data FROM source_records ORDER BY id").fetchall()
    with lib.transaction() as conn:          # as an import before markup.py left them
        conn.execute("UPDATE papers SET abstract = ? WHERE id = ?", (abstract, pid))
        conn.execute("UPDATE papers SET title = ? WHERE id = ?", (title, other))
    found = check_library(lib)
    assert [(m["paper_id"], m["fields"]) for m in found.markup] == [(pid, ["abstract"]), (other, ["title"])]
    lines = found.lines()["markup"]
    assert f"paper {pid}" in lines[0] and "'<p>'" in lines[0]
    assert any("--repair" in a for a in found.advice())
    r = CliRunner().invoke(main, ["-L", str(lib.path), "check", "--quiet"])
    assert r.exit_code == 3 and "HTML markup" in r.stdout, r.output
    assert lib.get_paper(pid).abstract == abstract                   # the check changes nothing

    r = CliRunner().invoke(main, ["-L", str(lib.path), "check", "--repair", "--quiet"])
    assert r.exit_code == 3, r.output                                # it found them (now repaired)
    saved = sorted((lib.path / "backups").glob("check-repair-*.json"))
    assert len(saved) == 1 and str(saved[0]) in r.stdout and "2 papers" in r.stdout
    kept = {p["paper_id"]: p["old"] for p in json.loads(saved[0].read_text(encoding="utf-8"))["papers"]}
    assert kept == {pid: {"abstract": abstract}, other: {"title": title}}
    assert lib.get_paper(pid).abstract == "Teachers' ratings of software estimation p<0.05 stays."
    assert lib.get_paper(other).title == "Cost estimation & effort"
    assert lib._conn.execute("SELECT paper_id, data FROM source_records ORDER BY id").fetchall() == records_before
    assert check_library(lib).clean
    assert pid in _found(lib, "teachers ratings") and other in _found(lib, "cost estimation")


def test_repairing_markup_moves_highlights_and_corrections_with_their_words(folder_library):
    """Highlights and facet corrections are kept on the abstract's character offsets: when --repair takes
    the markup out of an abstract they move with their words (a highlight's comment still on the words it
    was written about); an abstract where one cannot be placed for sure keeps its markup and is named."""
    lib = folder_library
    pid, other = lib.list_paper_ids()[2:4]
    abstract = "<p>Teachers&#39; ratings of <i>software</i> estimation.</p><p>The key limitation is the small sample.</p>"
    odd = "<p>Teachers&#39; ratings of effort.</p>"
    with lib.transaction() as conn:          # as an import before markup.py left them
        conn.execute("UPDATE papers SET abstract = ? WHERE id = ?", (abstract, pid))
        conn.execute("UPDATE papers SET abstract = ? WHERE id = ?", (odd, other))
    words = "ratings of <i>software</i> estimation"
    hid = lib.add_highlight(pid, abstract.index(words), abstract.index(words) + len(words), comment="cite this")
    sentence = "The key limitation is the small sample."
    at = abstract.index(sentence)
    lib.set_facet_correction(pid, at, at + len(sentence), None, "own", "2026-01-01T00:00:00+00:00")
    lib.add_highlight(other, odd.index("39;"), odd.index(" of"))     # begins inside an entity: no sure place
    r = CliRunner().invoke(main, ["-L", str(lib.path), "check", "--repair", "--quiet"])
    assert r.exit_code == 3, r.output
    new = lib.get_paper(pid).abstract
    assert new == "Teachers' ratings of software estimation. The key limitation is the small sample."
    (h,) = lib.highlights_with_ids(pid)
    assert (h["id"], new[h["start"]:h["end"]], h["comment"]) == (hid, "ratings of software estimation", "cite this")
    (c,) = lib.facet_corrections(pid)
    assert (new[c["start"]:c["end"]], c["shortcoming"]) == (sentence, "own")
    assert lib.get_paper(other).abstract == odd and f"paper {other}: its abstract keeps its markup" in r.output
    (saved,) = (lib.path / "backups").glob("check-repair-*.json")
    kept = {p["paper_id"]: p for p in json.loads(saved.read_text(encoding="utf-8"))["papers"]}
    assert kept[pid]["highlights_at"] == [[hid, abstract.index(words), abstract.index(words) + len(words)]]
    assert other not in kept


def _notes_found(lib, words: str) -> list[tuple[str, int]]:
    return [(h["kind"], h["id"]) for h in lib.search_annotations(words)]


def test_a_note_missing_from_its_index_is_reported_and_repaired(folder_library):
    """A row of annotations_fts lost (a crash, another tool's copy): the check names the note, a search
    of notes misses it, and --repair rebuilds the index as the migration fills it."""
    lib = folder_library
    pid = lib.list_paper_ids()[1]
    note = lib.add_note(pid, "Zymurgy needs a larger sample")
    hl = lib.add_highlight(pid, 0, 5, comment="zymurgy again")
    assert sorted(_notes_found(lib, "zymurgy")) == [("highlight", hl), ("note", note)]
    with lib.transaction() as conn:
        conn.execute("DELETE FROM annotations_fts WHERE rowid = ?", (3 * note,))
        conn.execute("INSERT INTO annotations_fts(rowid, text) VALUES (?, 'left behind')", (3 * 999999,))
    assert _notes_found(lib, "zymurgy") == [("highlight", hl)]
    found = check_library(lib)
    assert [(f["problem"], f["kind"], f["id"]) for f in found.annotation_index] == [
        ("not_indexed", "note", note), ("not_an_annotation", "note", 999999)]
    assert found.count_of("annotation_index") == 2
    lines = found.lines()["annotation_index"]
    assert f"note #{note} of paper {pid} is not in the index" in lines[0] and "note #999999" in lines[1]
    assert any("--repair" in line for line in found.advice())
    r = CliRunner().invoke(main, ["-L", str(lib.path), "check", "--repair", "--quiet"])
    assert r.exit_code == 3, r.output
    assert "rebuilt the index of notes and highlight comments" in r.stdout
    assert check_library(lib).clean
    assert sorted(_notes_found(lib, "zymurgy")) == [("highlight", hl), ("note", note)]


def test_a_note_changed_behind_a_dropped_trigger_is_reported_and_repaired(folder_library):
    lib = folder_library
    pid = lib.list_paper_ids()[1]
    note = lib.add_note(pid, "about brewing")
    with lib.transaction() as conn:
        conn.execute("DROP TRIGGER annotations_fts_note_au")
        conn.execute("UPDATE notes SET body = 'Oenology of grapes' WHERE id = ?", (note,))
    assert _notes_found(lib, "oenology") == []
    found = check_library(lib)
    assert found.schema == []               # reported once, with the index
    assert [(f["problem"], f.get("name") or f.get("id")) for f in found.annotation_index] == [
        ("trigger", "annotations_fts_note_au"), ("stale", note)]
    assert "annotations_fts_note_au" in found.lines()["annotation_index"][0]
    mended = repair(lib, found)
    assert mended.triggers == ["annotations_fts_note_au"] and mended.annotation_index_rebuilt
    assert check_library(lib).clean
    assert _notes_found(lib, "oenology") == [("note", note)]
    with lib.transaction() as conn:         # the trigger works again
        conn.execute("UPDATE notes SET body = 'Viticulture instead' WHERE id = ?", (note,))
    assert _notes_found(lib, "viticulture") == [("note", note)]
