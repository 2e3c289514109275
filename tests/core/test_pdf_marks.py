"""Which papers have a PDF, for the Library table and `gapscope papers list --sort pdf`: a page of rows
read in one query, the papers with one listed first."""

from __future__ import annotations

import json

from click.testing import CliRunner

from gapscope.fulltext import attach_file
from gapscope.store import Library

from .facets_helpers import add_papers


def test_pdfs_of_papers_and_the_pdf_order(tmp_path, shared_data):
    lib = Library(tmp_path / "lib.gapscope")
    try:
        add_papers(lib, [(f"Paper number {i} about graphs", "An abstract.") for i in range(3)])
        res = attach_file(lib, shared_data / "pdfs" / "cs" / "2023.eacl-main.121.pdf")
        assert res.status == "new-paper"
        ids = lib.list_paper_ids()
        assert lib.paper_ids_with_pdf() == [res.paper_id]
        marks = lib.pdfs_of_papers(ids)
        assert marks == {res.paper_id: [(str(shared_data / "pdfs" / "cs" / "2023.eacl-main.121.pdf"), 20)]}
        assert lib.list_paper_ids(order="pdf")[0] == res.paper_id
        assert lib.list_paper_ids(order="pdf", descending=True)[-1] == res.paper_id
    finally:
        lib.close()

    from gapscope.cli import main

    out = CliRunner().invoke(main, ["-L", str(tmp_path / "lib.gapscope"), "papers", "list", "--sort", "pdf", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["papers"][0]["id"] == res.paper_id
