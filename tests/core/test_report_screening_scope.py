"""The report of a library whose screening was done in a collection: the bundled sample puts every paper
in collection "sample", and a first report must count the screening done there; where the collection
holds only part of the library, the report says where the decisions are."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.reports.data import build_report_data
from gapscope.triage import decide


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GAPSCOPE_TRIAGE_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def sample(library):
    from gapscope.sample import SAMPLE_COLLECTION, build_sample_library

    build_sample_library(library)
    return library, SAMPLE_COLLECTION


def test_the_report_counts_a_screening_done_in_a_collection_holding_every_paper(sample, tmp_path):
    lib, name = sample
    ids = lib.list_paper_ids(collection=name)
    decide(lib, ids[0], "include", collection=name)
    decide(lib, ids[1], "exclude", reason="off topic", collection=name)
    d = build_report_data(lib)
    assert (d.prisma.screened, d.prisma.included, d.prisma.excluded) == (2, 1, 1)
    assert d.prisma.not_screened_line is None
    assert d.included.total == 1
    assert any(f"collection {name!r}" in line and "every paper" in line for line in d.prisma.how_counted)
    assert d.prisma.triage_stats["screened"] == 2
    res = CliRunner().invoke(main, ["--library", str(lib.path), "report", "-o", str(tmp_path / "r.md"), "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert (summary["screened"], summary["included"]) == (2, 1) and "screening" not in summary["not_run"]


def test_a_collection_holding_part_of_the_library_is_named_not_counted(sample, tmp_path):
    lib, name = sample
    ids = lib.list_paper_ids(collection=name)
    lib.add_to_collection("mine", ids[:10])
    decide(lib, ids[0], "include", collection="mine")
    d = build_report_data(lib)
    assert d.prisma.screened == 0
    line = d.prisma.not_screened_line
    assert line is not None and "1 screening decision is in collection 'mine'" in line
    assert "gapscope report --collection mine" in line
    res = CliRunner().invoke(main, ["--library", str(lib.path), "report", "-o", str(tmp_path / "r.md"), "--json"])
    assert "--collection mine" in json.loads(res.output)["not_run"]["screening"]
    assert build_report_data(lib, collection="mine").prisma.screened == 1


def test_whole_library_decisions_stay_the_whole_librarys(sample):
    lib, name = sample
    ids = lib.list_paper_ids(collection=name)
    decide(lib, ids[0], "include")
    decide(lib, ids[1], "include", collection=name)
    decide(lib, ids[2], "exclude", collection=name)
    d = build_report_data(lib)
    assert (d.prisma.screened, d.prisma.included) == (1, 1)



def test_the_markdown_notes_on_how_screening_was_counted_set_commands_as_code(sample, tmp_path):
    """The screening section's notes and measures name commands in backticks (the ranking model: run
    `gapscope embed`; unresolved conflicts: `gapscope triage conflicts`): in the Markdown report they are
    code spans, not escaped backticks shown as typed."""
    from gapscope.reports.markdown import render_markdown

    lib, name = sample
    ids = lib.list_paper_ids(collection=name)
    decide(lib, ids[0], "include", collection=name)
    decide(lib, ids[1], "exclude", reason="off topic", collection=name)
    d = build_report_data(lib)
    said = [h for h in d.prisma.how_counted if "`" in h] + [v for _k, v in d.prisma.triage_stats.items()
                                                             if "`" in str(v)]
    assert said                      # the report does name a command here
    text = render_markdown(d, {}, "r_files")
    assert "\\`" not in text, [line for line in text.splitlines() if "\\`" in line]
    assert "run `gapscope embed` to add sentence embeddings" in text
