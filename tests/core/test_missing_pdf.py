"""A stored PDF that is missing (deleted by hand, a library copied without its files/) is named, never a
traceback, by every command that reads it; the failure reaches the log `gapscope diagnostics` reads."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.diagnostics import last_errors
from gapscope.store import Library

from .library_files import PDFS, library_with_files


def cli(library, *args):
    return CliRunner().invoke(main, ["--library", str(library), *args], catch_exceptions=False)


@pytest.fixture
def library(tmp_path, shared_data):
    return library_with_files(tmp_path, shared_data)


def test_a_missing_stored_pdf_is_named_not_a_traceback(library, tmp_path, shared_data):
    path, pids, _run = library
    with Library(path) as lib:
        gone = lib.files_folder() / lib.attachments_of(pids[0])[0]["stored_name"]
    gone.unlink()
    want = f"the PDF file of paper {pids[0]} is missing: {gone} (re-attach it with `gapscope attach`)"
    r = cli(path, "pdf", "export", str(pids[0]), "-o", str(tmp_path / "x.pdf"))
    assert r.exit_code == 4 and want in r.output
    r = cli(path, "export", "annotated-pdf", "--ids", str(pids[0]), "-o", str(tmp_path / "a.pdf"))
    assert r.exit_code == 4 and want in r.output
    r = cli(path, "export", "annotated-pdf", "-o", str(tmp_path / "all"))       # the others are still written
    assert r.exit_code == 3 and want in r.output
    assert [p.name for p in (tmp_path / "all").iterdir()] == [f"{pids[1]}.pdf"]
    assert "this file is missing" in cli(path, "pdf", "show", str(pids[0])).output
    # the failures reach the log that `gapscope diagnostics` reads
    assert sum(want in e for e in last_errors()) == 3
    # attaching the same file again puts the stored copy back
    r = cli(path, "attach", str(shared_data / "pdfs" / PDFS[0]), "--no-facets")
    assert gone.is_file() and "put back" in r.output
    assert cli(path, "pdf", "export", str(pids[0]), "-o", str(tmp_path / "x.pdf")).exit_code == 0
