"""The import log as a history: each run's refused records with file, line and reason (`gapscope imports
ID`), the PRISMA counts of the screening report (`gapscope imports --prisma`), and an import's progress
over the bytes of its file, so that a bar fills where the record count is unknown."""

from __future__ import annotations

import gzip
import itertools
import json

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.ingest import import_file
from gapscope.models import RecordError
from gapscope.reports.data import prisma_flow

from .input_files import arxiv_records, bib_entry


@pytest.fixture
def bib_with_a_broken_entry(shared_data, tmp_path):
    recs = arxiv_records(shared_data, 3)
    path = tmp_path / "refs.bib"
    # the file is cut off inside the last entry's title: refused with its line, the others imported
    cut = bib_entry(recs[1], "two")
    path.write_text(bib_entry(recs[0], "one") + bib_entry(recs[2], "three") + cut[:cut.index("title = {") + 15],
                    encoding="utf-8")
    return path


def test_a_runs_refused_records_come_back_with_file_line_and_reason(library, bib_with_a_broken_entry):
    rep = import_file(library, bib_with_a_broken_entry)
    assert rep.bad == 1
    entry = library.import_entry(rep.import_id)
    assert entry["error_count"] == 1 and entry["added"] == rep.added
    err = RecordError.from_text(entry["errors"][0])
    assert err == rep.errors[0]                      # the location and the reason, as the importer gave them
    assert err.location.endswith("refs.bib:" + err.location.rsplit(":", 1)[1]) and err.message
    assert library.import_entry(rep.import_id + 1) is None
    [listed] = library.imports_log(lists=False)      # a listing of the runs leaves the kept lists out
    assert "errors" not in listed and listed["error_count"] == 1


@pytest.mark.parametrize("location, message", [
    ("/data/refs.bib:12", "unreadable BibTeX entry: '@article{x'"),
    (r"C:\Users\me\refs: old.ris:7", "field TI outside a record (no 'TY  -' before it)"),
    ("arXiv id 2501.0", "not an arXiv id (e.g. 2501.01234, 2501.01234v2, hep-th/9901001)"),
    ("arXiv entry http://arxiv.org/abs/1605.08386v1", "no title: the entry: is empty"),
])
def test_a_logged_error_splits_back_into_location_and_reason(location, message):
    assert RecordError.from_text(str(RecordError(location, message))) == RecordError(location, message)


def test_the_cli_shows_a_run_with_its_refused_records_and_the_prisma_counts(tmp_path, bib_with_a_broken_entry):
    lib_path = tmp_path / "cli.sqlite"

    def run(*args):
        return CliRunner().invoke(main, ["--library", str(lib_path), *args], catch_exceptions=False)

    run("import", "--quiet", str(bib_with_a_broken_entry))
    listed = run("imports").output
    assert listed.startswith("#1 ") and "bad 1" in listed
    shown = run("imports", "1")
    assert shown.exit_code == 0
    lines = shown.output.splitlines()
    [at] = [i for i, line in enumerate(lines) if line.startswith("  bad: ")]
    assert "refs.bib:" in lines[at] and "cut off at the end of the file" in lines[at]
    # the entry's text as written, its later lines indented under the bad record's
    assert lines[at].endswith("As written: @article{two,") and lines[at + 1].startswith("        title = {")
    assert run("imports", "99").exit_code != 0

    from gapscope.store import Library

    with Library(lib_path) as lib:
        flow = prisma_flow(lib)
    text = run("imports", "--prisma").output
    assert text == flow.as_text()
    rows = dict(line.split("\t") for line in text.splitlines()[1:])
    assert int(rows["Records identified"]) == flow.identified and int(rows["Included"]) == flow.included
    data = json.loads(run("imports", "--prisma", "--json").output)
    assert [(r["step"], r["records"]) for r in data["rows"]] == [(s.strip(), n) for s, n in flow.rows()]


def _gz_slice(shared_data, path, n):
    with gzip.open(shared_data / "arxiv/arxiv-cs-2025-2026.jsonl.gz", "rt", encoding="utf-8") as f, \
            gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines(itertools.islice(f, n))
    return path


@pytest.mark.parametrize("compressed", [True, False])
def test_a_snapshot_import_reports_bytes_read_of_the_file_so_the_bar_fills(library, shared_data, tmp_path, compressed):
    path = _gz_slice(shared_data, tmp_path / "slice.jsonl.gz", 1500)
    if not compressed:
        plain = tmp_path / "slice.jsonl"
        plain.write_bytes(gzip.decompress(path.read_bytes()))
        path = plain
    seen = []
    rep = import_file(library, path, batch_size=300, progress=lambda d, t, m="": seen.append((d, t, m)))
    assert rep.added == 1500
    size = path.stat().st_size           # the compressed size of the .gz: what the position is counted in
    assert seen and all(t == size for _, t, _ in seen)
    done = [d for d, _, _ in seen]
    assert done == sorted(done) and done[-1] == size and len(set(done)) >= 4   # the committed part, batch by batch
    assert seen[-1][2] == "1,500 read, 1,500 new, 0 merged"    # the counts, as before, in the message
