"""`gapscope search` finds the researcher's own words: notes and highlight comments, each hit saying what it
is and whose paper; kept in step as notes are edited and deleted, and found in a library upgraded from
before they were indexed. Full-text hits keep their page however long the section name."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.ingest import ingest_papers
from gapscope.models import Paper
from gapscope.store import Library
from gapscope.store.library import MIGRATIONS_TABLE, _split_sql
from gapscope.store.schema import MIGRATIONS

NOTE = "Key dataset for my related-work section; compare with CORD-19"


@pytest.fixture
def path(tmp_path):
    return tmp_path / "review.gapscope"


def _add(lib, title: str, abstract: str = "We study things.") -> int:
    rep = ingest_papers(lib, [Paper(source="test", source_key=title, title=title, abstract=abstract)],
                        kind="import", source="test", target="test")
    return rep.added_ids[0]


def _search(path, *query: str) -> list[dict]:
    r = CliRunner().invoke(main, ["-L", str(path), "search", *query, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _note_hits(path, query: str) -> list[dict]:
    return [h for h in _search(path, query) if h["where"].startswith("note")]


def test_a_note_is_found_by_a_word_only_it_holds_and_says_it_is_a_note(path):
    lib = Library(path)
    pid = _add(lib, "Screening biomedical papers")
    note = lib.add_note(pid, NOTE)
    lib.close()
    for query in ("CORD-19", '"related-work section"', "NEAR(dataset compare, 5)"):
        [hit] = _note_hits(path, query)
        assert (hit["paper_id"], hit["note_id"], hit["text"]) == (pid, note, NOTE)
        assert hit["where"] == f"note #{note}"
    text = CliRunner().invoke(main, ["-L", str(path), "search", "CORD-19"]).output
    assert f"note #{note}" in text and "compare with CORD-19" in text
    assert _note_hits(path, "title:CORD-19") == []        # a paper's column: no note is a title


def test_an_edited_note_is_found_by_its_new_words_only(path):
    lib = Library(path)
    note = lib.add_note(_add(lib, "Screening biomedical papers"), NOTE)
    lib.update_note(note, "Compare with the TREC-COVID collection instead")
    lib.close()
    assert _note_hits(path, "CORD-19") == []
    assert [h["note_id"] for h in _note_hits(path, "TREC-COVID")] == [note]


def test_a_deleted_note_is_no_longer_found(path):
    lib = Library(path)
    pid = _add(lib, "Screening biomedical papers")
    note = lib.add_note(pid, NOTE)
    kept = lib.add_note(pid, "CORD-19 again, in a second note")
    lib.delete_note(note)
    lib.close()
    assert [h["note_id"] for h in _note_hits(path, "CORD-19")] == [kept]


def test_notes_of_a_deleted_paper_are_no_longer_found(path):
    lib = Library(path)
    pid = _add(lib, "Screening biomedical papers")
    lib.add_note(pid, NOTE)
    lib._conn.execute("DELETE FROM papers WHERE id = ?", (pid,))     # the notes go with it (cascade)
    assert lib.search_annotations("CORD-19") == []
    lib.close()


def test_highlight_comments_are_found_and_named(path):
    lib = Library(path)
    pid = _add(lib, "Screening biomedical papers", "We study the screening of papers.")
    hid = lib.add_highlight(pid, 3, 8, comment="quokka sampling idea")
    lib.close()
    [hit] = [h for h in _search(path, "quokka") if h["where"].startswith("highlight")]
    assert (hit["paper_id"], hit["highlight_id"], hit["text"]) == (pid, hid, "quokka sampling idea")
    lib = Library(path)
    lib.remove_highlight(hid)
    assert lib.search_annotations("quokka") == []
    lib.close()


def test_an_upgraded_library_finds_the_notes_it_held(path):
    """A library last written before notes were indexed gets them indexed by the upgrade."""
    names = [name for name, _ in MIGRATIONS]
    before = MIGRATIONS[:names.index("1500_annotation_search")]
    path.mkdir()
    conn = sqlite3.connect(path / "library.sqlite")
    conn.execute(MIGRATIONS_TABLE)
    for name, sql in before:
        for statement in _split_sql(sql):
            conn.execute(statement)
        conn.execute("INSERT INTO migrations (name, applied_at) VALUES (?, '2026-01-01')", (name,))
    conn.execute("INSERT INTO papers (id, title, norm_title, added_at) VALUES (7, 'Old paper', 'old paper', '2026')")
    conn.execute("INSERT INTO notes (paper_id, body, created_at, updated_at) VALUES (7, ?, '2026', '2026')", (NOTE,))
    conn.commit()
    conn.close()
    [hit] = _note_hits(path, "CORD-19")
    assert (hit["paper_id"], hit["text"]) == (7, NOTE)


def _attach_text(lib, pid: int, section: str, sentences: list[tuple[int, str]]) -> None:
    """A PDF's text without a PDF: one section, sentences (page, text)."""
    att = lib.add_attachment(pid, f"sha-{pid}", f"sha-{pid}.pdf", "paper.pdf", source="file", match_how="paper",
                             match_score=None, status="extracted", message=None, pages=20)
    lib.put_fulltext(att, pid, [dict(position=0, name=section, kind="other", page=1)],
                     [dict(section_pos=0, page=page, paragraph=n, start=0, end=len(text), text=text)
                      for n, (page, text) in enumerate(sentences)])


def test_a_long_section_name_is_shortened_and_its_page_kept(path):
    lib = Library(path)
    pid = _add(lib, "Annotating papers")
    _attach_text(lib, pid, "Prompt for Paper Selection and Screening by Large Language Models",
                 [(12, "We report inter-annotator agreement of 0.8.")])
    lib.close()
    out = CliRunner().invoke(main, ["-L", str(path), "search", '"inter-annotator agreement"']).output
    [line] = [x for x in out.splitlines() if x.strip().startswith(str(pid))]
    assert "Prompt for Paper" in line and "…, p. 12 " in line
    [hit] = _search(path, '"inter-annotator agreement"')
    assert hit["section"] == "Prompt for Paper Selection and Screening by Large Language Models"
    assert hit["page"] == 12 and hit["where"].endswith(", p. 12")


def test_full_text_hits_are_capped_per_paper_and_the_rest_counted(path):
    lib = Library(path)
    busy = _add(lib, "A long paper")
    other = _add(lib, "A short paper")
    _attach_text(lib, busy, "Results", [(n, f"Agreement was measured in round {n}.") for n in range(1, 9)])
    _attach_text(lib, other, "Method", [(2, "Agreement between two annotators.")])
    lib.close()
    hits = _search(path, "agreement", "--per-paper", "3")
    assert sorted(h["paper_id"] for h in hits) == [busy] * 3 + [other]
    assert {h["paper_hits"] for h in hits if h["paper_id"] == busy} == {8}
    out = CliRunner().invoke(main, ["-L", str(path), "search", "agreement", "--per-paper", "3"]).output
    assert "and 5 more sentences in this paper" in out
    assert len(_search(path, "agreement", "--per-paper", "0")) == 9


def test_triage_search_within_finds_a_paper_by_its_note_as_the_library_search_does(path):
    from gapscope.triage.scope import Scope
    lib = Library(path)
    by_text = _add(lib, "CORD-19 literature mining")
    by_note = _add(lib, "Screening biomedical papers")
    other = _add(lib, "Graph neural networks")
    lib.add_note(by_note, NOTE)
    lib.add_note(other, NOTE)
    lib.add_tag([by_text, by_note], "covid")
    assert sorted(Scope(query="CORD-19").paper_ids(lib)) == sorted([by_text, by_note, other])
    assert sorted(Scope(query="CORD-19", tag="covid").paper_ids(lib)) == sorted([by_text, by_note])
    assert Scope(query="title:CORD-19").paper_ids(lib) == [by_text]   # a paper's column: no note is a title
    lib.close()


def test_a_search_within_a_tag_lists_its_matches_that_rank_low_in_the_library(tmp_path):
    """Relevance order ranks the tag's matches among themselves: the library's top matches are elsewhere."""
    from gapscope.store.search_listing import search_paper_ids

    lib = Library(tmp_path / "rank.gapscope")
    for i in range(6):
        _add(lib, f"Learning learning learning {i}", "learning")
    weak = _add(lib, "A survey of robots", "Robots; some learning in long text " + "x " * 200)
    lib.add_tag([weak], "mine")
    ids, _ = search_paper_ids(lib, "learning", tag="mine", order="relevance")
    assert ids == [weak]
    lib.close()


def test_note_search_reads_its_hits_in_parts_an_old_sqlite_takes(tmp_path):
    """SQLite builds before 3.32 bind at most 999 variables a statement."""
    lib = Library(tmp_path / "many.gapscope")
    pid = _add(lib, "Zebrafish heart", "Regeneration.")
    for i in range(1200):
        lib.add_note(pid, f"zebrafish note {i}")
    lib._conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    assert len(lib.search_annotations("zebrafish", limit=5000)) == 1200
    lib.close()
