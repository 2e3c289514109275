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
    assert lib.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
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
    lib.conn.execute("INSERT INTO migrations (name, applied_at) VALUES ('9999_future', 'x')")
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
