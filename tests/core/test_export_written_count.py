"""An export reports the papers its file holds: the notes formats leave out a paper with nothing to write,
and the count says so (with how many had nothing), in the core result and in the CLI's message."""

from __future__ import annotations

import json

from click.testing import CliRunner

from gapscope.cli import main
from gapscope.ingest import import_file
from gapscope.reports import export_papers
from gapscope.store import Library

_BIB = "".join(f"@misc{{p{i}, title = {{Paper number {i}}}, author = {{Doe, Jane}}, year = {{2020}},"
               f" eprint = {{2301.0000{i}}}, archivePrefix = {{arXiv}}}}\n" for i in range(1, 5))


def _library(tmp_path) -> Library:
    path = tmp_path / "in.bib"
    path.write_text(_BIB, encoding="utf-8")
    lib = Library(tmp_path / "lib.sqlite")
    import_file(lib, path)
    return lib


def test_a_notes_export_counts_only_the_papers_it_writes(tmp_path):
    lib = _library(tmp_path)
    ids = lib.list_paper_ids()
    assert len(ids) == 4
    lib.add_note(ids[1], "Compare with ours")
    out = tmp_path / "notes.json"
    written = export_papers(lib, out, "notes-json")
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 1
    assert (written.papers, written.with_nothing) == (1, 3)
    bib = export_papers(lib, tmp_path / "all.bib", "bibtex")
    assert (bib.papers, bib.with_nothing) == (4, 0)
    lib.close()


def test_the_cli_says_how_many_papers_the_notes_file_holds(tmp_path):
    lib = _library(tmp_path)
    lib.add_note(lib.list_paper_ids()[0], "A note")
    lib.close()
    out = tmp_path / "notes.md"
    r = CliRunner().invoke(main, ["--library", str(tmp_path / "lib.sqlite"), "export", "notes-md", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "wrote 1 paper to" in r.output and "3 papers had no notes or highlights" in r.output


def test_an_empty_list_of_papers_exports_no_paper_not_the_library(tmp_path):
    """export_bibliography's None is the whole library; an empty list chooses no paper, as export_papers'
    ``ids=[]`` does (exports/selection.select_ids): an empty selection never writes every paper."""
    from gapscope.reports import export_bibliography

    lib = _library(tmp_path)
    out = tmp_path / "none.bib"
    assert export_bibliography(lib, out, "bibtex", []) == 0
    assert "Paper number" not in out.read_text(encoding="utf-8")
    assert export_bibliography(lib, tmp_path / "all.bib", "bibtex", None) == 4
    lib.close()
