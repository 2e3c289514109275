"""The library file: migrations, WAL, FTS5 search, tags, collections, notes, transactions."""

import sqlite3

import pytest

from gapscope.models import Paper
from gapscope.ingest import ingest_papers
from gapscope.store import Library, LibraryError
from gapscope.store.schema import MIGRATIONS


def _papers():
    return [
        Paper(title="Graph neural networks for molecule property prediction", abstract="We study message passing.",
              authors=["Ada Lovelace", "Alan Turing"], year=2024, arxiv_id="2401.00001", source="t", source_key="1"),
        Paper(title="Diffusion models for image synthesis", abstract="Denoising score matching at scale.",
              authors=["Grace Hopper"], year=2025, doi="10.1000/xyz", source="t", source_key="2"),
        Paper(title="Sparse attention for long documents", abstract="Transformers with linear attention.",
              authors=["Alan Turing"], year=2023, source="t", source_key="3"),
    ]


def test_new_library_has_every_migration_and_wal(tmp_path):
    lib = Library(tmp_path / "a.sqlite")
    assert lib.applied_migrations() == [name for name, _ in MIGRATIONS]
    assert lib._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert lib._conn.execute("PRAGMA page_size").fetchone()[0] == 8192
    assert lib.migrate() == []  # idempotent
    lib.close()


def test_migrations_upgrade_an_old_library(tmp_path):
    """A library made by an older version (only the first migration) is upgraded in place, data kept."""
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE migrations (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, applied_at TEXT NOT NULL)")
    name, sql = MIGRATIONS[0]
    conn.executescript(sql)
    conn.execute("INSERT INTO migrations (name, applied_at) VALUES (?, 'then')", (name,))
    conn.execute("INSERT INTO papers (title, norm_title, added_at) VALUES ('Old paper', 'old paper', 'then')")
    conn.commit()
    conn.close()
    lib = Library(path)
    assert lib.applied_migrations() == [n for n, _ in MIGRATIONS]
    assert lib.count_papers() == 1
    assert lib.search("old")[0][0] == 1
    lib.add_tag([1], "kept")  # tables of later migrations work
    assert lib.tags_of(1) == ["kept"]


def test_library_from_a_newer_version_is_refused(tmp_path):
    lib = Library(tmp_path / "n.sqlite")
    lib._conn.execute("INSERT INTO migrations (name, applied_at) VALUES ('9999_future', 'x')")
    lib.close()
    with pytest.raises(LibraryError, match="newer GapScope"):
        Library(tmp_path / "n.sqlite")


def test_not_a_library(tmp_path):
    bad = tmp_path / "x.sqlite"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(LibraryError, match="not a GapScope library"):
        Library(bad)


def test_fts_search_ranks_title_matches_and_supports_syntax(library):
    ingest_papers(library, _papers(), kind="import", source="t", target="test")
    ids = {p.title.split()[0]: p.id for p in library.get_papers(library.list_paper_ids())}
    assert [h[0] for h in library.search("attention")] == [ids["Sparse"]]
    assert [h[0] for h in library.search("Turing")][:2] and set(h[0] for h in library.search("turing")) == {ids["Graph"], ids["Sparse"]}
    assert library.search('"score matching"')[0][0] == ids["Diffusion"]
    assert library.search("diffus")[0][0] == ids["Diffusion"]  # prefix on the last word
    assert library.search("title:graph")[0][0] == ids["Graph"]
    assert library.search("networks") and library.search("network")  # porter stemming
    with pytest.raises(LibraryError):
        library.search("   ")


def test_a_minus_word_leaves_papers_out_and_a_short_last_word_is_no_prefix(library):
    """As in a web search, "-word" after a space leaves out the papers with that word (it used to be
    required instead); a hyphen inside a word stays part of it. The last word is a prefix only from
    three letters on: "C++" or "AI" as a prefix finds every word starting with c or ai."""
    ingest_papers(library, _papers() + [
        Paper(title="Teaching C++ to first-year students", abstract="A course report.", source="t", source_key="4"),
        Paper(title="AI planning with graph search", abstract="Classical planning.", source="t", source_key="5"),
    ], kind="import", source="t", target="test")
    ids = {p.title.split()[0]: p.id for p in library.get_papers(library.list_paper_ids())}
    found = lambda q: set(library.list_paper_ids(query=q))      # noqa: E731
    assert found("graph") == {ids["Graph"], ids["AI"]}
    assert found("graph -planning") == found("graph NOT planning") == {ids["Graph"]}
    assert found("attention -graph") == {ids["Sparse"]}
    assert found("first-year") == {ids["Teaching"]}                 # a hyphen inside a word
    assert found("C++") == {ids["Teaching"]}                        # not Classical, course, Crossing ...
    assert found("AI") == {ids["AI"]}
    assert found("diffus") == {ids["Diffusion"]}                    # still a prefix from three letters on
    with pytest.raises(LibraryError, match="leaves papers out"):
        library.search("-graph")


def test_field_names_from_arxiv_and_pubmed_searches_name_the_index_columns(library):
    """au:, author:, ti: and abs: (as typed in arXiv's or PubMed's search) search the authors, title
    and abstract; before, "author:turing" looked for the words "author" and "turing" and found nothing."""
    ingest_papers(library, _papers(), kind="import", source="t", target="test")
    ids = {p.title.split()[0]: p.id for p in library.get_papers(library.list_paper_ids())}
    found = lambda q: set(library.list_paper_ids(query=q))      # noqa: E731
    assert found("author:turing") == found("au:Turing") == found("authors:turing") == {ids["Graph"], ids["Sparse"]}
    assert found("ti:diffusion") == found("Title:diffusion") == {ids["Diffusion"]}
    assert found("abs:transformers") == {ids["Sparse"]} and found("ti:transformers") == set()
    assert found("au:hopper AND ti:diffusion") == {ids["Diffusion"]}


def test_a_field_name_before_a_hyphenated_or_quoted_word_is_no_search_error(library):
    """"ti:covid-19" and "au:O'Brien" search the title and authors for those words; before, the field name
    sent the query to FTS5 unquoted, which read "-19" as a column and the apostrophe as a syntax error."""
    ingest_papers(library, _papers() + [
        Paper(title="COVID-19 in schools", abstract="Closures.", authors=["Mary O'Brien"], year=2021, source="t",
              source_key="4")], kind="import", source="t", target="test")
    ids = {p.title.split()[0]: p.id for p in library.get_papers(library.list_paper_ids())}
    found = lambda q: set(library.list_paper_ids(query=q))      # noqa: E731
    assert found("ti:covid-19") == found("ti:COVID-19 schools") == {ids["COVID-19"]}
    assert found("au:O'Brien") == {ids["COVID-19"]}
    assert found("au:turing -ti:graph") == found("au:turing -graph") == {ids["Sparse"]}
    assert found("ti:(sparse OR graph)") == {ids["Sparse"], ids["Graph"]}      # FTS5's own syntax as before


def test_fts_follows_updates_and_deletes(library):
    ingest_papers(library, _papers(), kind="import", source="t", target="test")
    pid = library.search("diffusion")[0][0]
    with library.transaction() as conn:
        conn.execute("UPDATE papers SET title = 'Flow matching' WHERE id = ?", (pid,))
    assert library.search("diffusion") == []
    assert library.search("flow")[0][0] == pid
    with library.transaction() as conn:
        conn.execute("DELETE FROM papers WHERE id = ?", (pid,))
    assert library.search("flow") == []


def _fts_integrity(library):
    # rank 1: compare the index with the papers table itself (a missing or stale row fails).
    library._conn.execute("INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)")


def test_import_indexes_each_batch_with_its_final_text(library):
    """New papers are indexed at the end of their batch: a paper merged in the same batch is found
    by the text the merge gave it, and a merge into an older paper re-indexes that one."""
    title = "Sparse mixture of experts routing for long context models"
    rep = ingest_papers(library, [
        Paper(title="Older paper on contrastive pretraining", authors=["Kim Park"], source="a", source_key="o"),
    ], kind="import", source="a", target="test")
    old_id = rep.added_ids[0]
    rep = ingest_papers(library, [
        Paper(title=title, authors=["Ann Lee"], year=2025, source="b", source_key="1"),
        Paper(title=title + ".", authors=["Lee, Ann"], year=2025, abstract="Zebrafish routing tables.",
              source="b", source_key="2"),  # same paper, same batch: fills the abstract
        Paper(title="Older paper on contrastive pretraining", authors=["Kim Park"], abstract="Quokka embeddings.",
              source="b", source_key="3"),  # merges into the paper of the first import
    ], kind="import", source="b", target="test")
    assert (rep.added, rep.merged) == (1, 2)
    assert [h[0] for h in library.search("zebrafish")] == rep.added_ids
    assert [h[0] for h in library.search("quokka")] == [old_id]
    assert library._conn.execute("SELECT count(*) FROM fts_deferred").fetchone()[0] == 0
    _fts_integrity(library)


def test_failed_batch_leaves_search_index_as_it_was(library):
    """The second batch fails after its first paper was written: that batch is gone, index included."""
    broken = Paper(title=None, source="t", source_key="broken")  # type: ignore[arg-type]  # NOT NULL fails
    with pytest.raises(sqlite3.IntegrityError):
        ingest_papers(library, [*_papers(), broken], kind="import", source="t", target="test", batch_size=2)
    assert library.count_papers() == 2
    assert library.search("attention") == []  # the third paper was in the failed batch
    assert len(library.search("graph OR diffusion")) == 2
    assert library._conn.execute("SELECT count(*) FROM fts_deferred").fetchone()[0] == 0
    _fts_integrity(library)


def test_transaction_rolls_back_on_error(library):
    with pytest.raises(RuntimeError):
        with library.transaction() as conn:
            conn.execute("INSERT INTO tags (name) VALUES ('x')")
            raise RuntimeError("boom")
    assert library.list_tags() == []


def test_tags_collections_notes_settings(library):
    ingest_papers(library, _papers(), kind="import", source="t", target="test")
    a, b, c = library.list_paper_ids()
    assert library.add_tag([a, b], "to-read") == 2
    assert library.add_tag([a], "to-read") == 0
    assert library.list_paper_ids(tag="to-read") == [a, b]
    assert library.remove_tag([a], "to-read") == 1
    assert library.add_to_collection("review", [b, c]) == 2
    assert library.list_collections() == [("review", 2)]
    assert library.list_paper_ids(collection="review", query="attention") == [c]
    library.add_note(c, "check the ablation")
    assert [n["body"] for n in library.notes_of(c)] == ["check the ablation"]
    library.set_setting("proxy", {"http": "http://p:1"})
    assert library.get_setting("proxy") == {"http": "http://p:1"}
    assert library.get_setting("missing", 5) == 5


def test_resolve_by_id_arxiv_and_doi(library):
    ingest_papers(library, _papers(), kind="import", source="t", target="test")
    pid = library.list_paper_ids(query="graph")[0]
    assert library.resolve(str(pid)) == pid
    assert library.resolve("2401.00001v3") == pid
    assert library.resolve("https://arxiv.org/abs/2401.00001") == pid
    assert library.resolve("https://doi.org/10.1000/XYZ") == library.list_paper_ids(query="diffusion")[0]
    with pytest.raises(LibraryError):
        library.resolve("2999.99999")


def test_a_file_named_like_a_library_folder_is_refused_with_a_message(tmp_path):
    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.store import NotALibrary

    path = tmp_path / "X.gapscope"
    path.write_bytes(b"not a folder")
    with pytest.raises(NotALibrary, match="X.gapscope is a file, not a library folder"):
        Library(path)
    r = CliRunner().invoke(main, ["--library", str(path), "import", str(tmp_path / "none.bib")])
    assert "is a file, not a library folder" in r.output and "Traceback" not in r.output
    assert r.exit_code == 14, r.output
    assert path.read_bytes() == b"not a folder"
