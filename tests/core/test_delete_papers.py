"""Deleting papers: everything that references them goes in one transaction (the schema's cascades),
their PDFs leave the storage folder only when no other attachment keeps the file, analyses built from
them go stale, and the CLI asks first and names an unknown paper."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from gapscope.cli import main

BIB = """@article{one, title={Alpha paper about parsing}, author={Ann One}, year={2020}, doi={10.1000/one}}
@article{two, title={Beta paper about tagging}, author={Bob Two}, year={2021}, doi={10.1000/two}}
@article{three, title={Gamma paper about chunking}, author={Cy Three}, year={2022}, doi={10.1000/three}}
"""


@pytest.fixture
def filled(library, tmp_path):
    from gapscope.ingest import import_file

    bib = tmp_path / "three.bib"
    bib.write_text(BIB, encoding="utf-8")
    import_file(library, str(bib))
    ids = library.list_paper_ids()
    assert len(ids) == 3
    return library, ids


def _attach(lib, paper_id, name, sha):
    folder = lib.files_folder()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(b"%PDF-1.4 " + sha.encode())
    return lib.add_attachment(paper_id, sha, name, f"/somewhere/{name}", source="file", match_how="paper",
                              match_score=None, status="unreadable", message=None, pages=None)


def _count(lib, table, paper_id):
    return lib._conn.execute(f"SELECT count(*) FROM {table} WHERE paper_id = ?", (paper_id,)).fetchone()[0]


def test_delete_cascades_removes_unshared_files_and_changes_the_fingerprint(filled):
    from gapscope.deletion import delete_papers
    from gapscope.triage import decide

    lib, (a, b, c) = filled
    assert lib._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    decide(lib, a, "include")
    lib.add_note(a, "keep reading")
    lib.add_tag([a, b], "look")
    lib.add_to_collection("picked", [a])
    _attach(lib, a, "aaa.pdf", "aaa")
    before, papers_before = lib.library_fingerprint(), lib.papers_fingerprint()

    report = delete_papers(lib, [a, 999])
    assert report.papers == 1 and report.ids == [a]
    assert (report.counts["decisions"], report.counts["notes"], report.counts["attachments"],
            report.counts["tags"], report.counts["collection_entries"]) == (1, 1, 1, 1, 1)
    for table in ("papers_fts",):
        assert lib._conn.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH 'alpha'").fetchone()[0] == 0
    for table in ("decisions", "notes", "attachments", "paper_tags", "collection_papers", "paper_authors",
                  "source_records"):
        assert _count(lib, table, a) == 0, table
    assert lib.list_paper_ids() == [b, c] and lib.tags_of(b) == ["look"]
    assert report.files_removed == ["aaa.pdf"] and not (lib.files_folder() / "aaa.pdf").exists()
    assert lib.library_fingerprint() != before and lib.papers_fingerprint() != papers_before


def test_a_file_still_attached_elsewhere_is_kept(filled, monkeypatch):
    from gapscope.deletion import delete_papers

    lib, (a, b, _c) = filled
    _attach(lib, a, "shared.pdf", "s1")
    # Attachments are unique by hash, so a second reference to one stored file is made by hand: the
    # check is what keeps a file another paper still opens.
    lib._conn.execute("INSERT INTO attachments (paper_id, sha256, stored_name, original_name, source, status,"
                      " added_at) VALUES (?, 's2', 'shared.pdf', 'x', 'file', 'unreadable', 'now')", (b,))
    report = delete_papers(lib, [a])
    assert report.files_kept == ["shared.pdf"] and report.files_removed == []
    assert (lib.files_folder() / "shared.pdf").exists()


def test_a_failed_delete_keeps_papers_and_files(filled, monkeypatch):
    lib, (a, _b, _c) = filled
    _attach(lib, a, "aaa.pdf", "aaa")
    real = lib.deletion_summary

    def boom(ids):
        real(ids)
        raise RuntimeError("disk gone")
    monkeypatch.setattr(lib, "deletion_summary", boom)
    from gapscope.deletion import delete_papers

    with pytest.raises(RuntimeError):
        delete_papers(lib, [a])
    assert a in lib.list_paper_ids() and (lib.files_folder() / "aaa.pdf").exists()
    assert lib.attachments_of(a)


# --- the CLI ----------------------------------------------------------------------------------------
def _cli(lib, *args, input=None):
    return CliRunner().invoke(main, ["--library", str(lib.path), "papers", "delete", *args], input=input)


def test_cli_lists_asks_and_deletes_only_when_confirmed(filled):
    lib, (a, b, _c) = filled
    lib.add_note(a, "n")
    r = _cli(lib, str(a), "10.1000/two", input="n\n")
    assert r.exit_code == 130 and "nothing deleted" in r.output
    assert "2 papers will be deleted, with 1 note" in r.output and "Alpha paper" in r.output
    assert set(lib.list_paper_ids()) >= {a, b}

    r = _cli(lib, str(a), "10.1000/two", input="y\n")
    assert r.exit_code == 0 and "deleted 2 papers with 1 note" in r.output
    assert a not in lib.list_paper_ids() and b not in lib.list_paper_ids()


def test_cli_yes_json_and_an_unknown_id(filled):
    lib, (a, b, c) = filled
    r = _cli(lib, str(a), "2401.99999")
    assert r.exit_code == 4 and "2401.99999" in r.output and "no paper was deleted" in r.output
    assert a in lib.list_paper_ids()
    r = _cli(lib, "--yes", "--json", str(c))
    assert r.exit_code == 0 and json.loads(r.output)["ids"] == [c]
    assert lib.list_paper_ids() == [a, b]


def test_cli_refuses_a_read_only_library(filled, monkeypatch):
    import gapscope.store.library as store_library

    lib, (a, _b, _c) = filled
    monkeypatch.setattr(store_library, "_writable", lambda db: False)
    r = _cli(lib, "--yes", str(a))
    assert r.exit_code == 13 and "read-only" in r.output
    assert a in lib.list_paper_ids()


def test_a_pdf_the_system_keeps_is_named_and_the_rest_goes(filled):
    """A file that cannot be removed (its folder read-only; for root, which ignores permission bits, a
    non-empty folder under the stored name) is reported by path and reason; the papers are gone."""
    import os

    lib, (a, b, _c) = filled
    _attach(lib, a, "stuck.pdf", "s1")
    _attach(lib, b, "gone.pdf", "g1")
    folder = lib.files_folder()
    if os.geteuid() != 0:
        folder.chmod(0o555)
    else:
        (folder / "stuck.pdf").unlink()
        (folder / "stuck.pdf").mkdir()
        (folder / "stuck.pdf" / "kept").write_bytes(b"x")
    try:
        r = _cli(lib, str(a), str(b), "--yes")
    finally:
        folder.chmod(0o755)
    assert r.exit_code == 0 and "removed 1 PDF file\n" in r.output
    assert f"could not remove {folder / 'stuck.pdf'}: " in r.output
    assert not {a, b} & set(lib.list_paper_ids())


def test_a_deleted_papers_id_is_never_given_to_another_paper(filled, tmp_path):
    """SQLite gives the next row max(id) + 1: without the library's own mark, the paper imported after the
    top one was deleted would take its id, and a run, log or export naming that id would name it."""
    from gapscope.deletion import delete_papers
    from gapscope.ingest import import_file

    lib, (a, b, c) = filled
    delete_papers(lib, [b, c])
    delete_papers(lib, [a])                       # a later, lower deletion keeps the highest mark
    bib = tmp_path / "more.bib"
    bib.write_text("@article{four, title={Delta paper about parsing trees}, author={Di Four}, year={2023}}\n"
                   "@article{five, title={Epsilon paper about segmenting}, author={Ed Five}, year={2024}}\n",
                   encoding="utf-8")
    import_file(lib, str(bib))
    new = lib.list_paper_ids()
    assert new == [c + 1, c + 2]
    assert [pid for pid, _ in lib.search("segmenting")] == [c + 2]      # the search index follows


def test_stats_count_only_the_authors_of_the_papers_left(filled):
    """`gapscope stats`, the report's reproducibility table and the diagnostics count authors; after a
    delete the count is of the papers that are left, not of every name ever imported."""
    from gapscope.deletion import delete_papers

    lib, ids = filled
    assert lib.stats()["authors"] == 3
    delete_papers(lib, ids[:2])
    assert lib.stats()["authors"] == 1
