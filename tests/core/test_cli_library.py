"""The `gapscope` CLI over the library: output, --json, and exit codes that mean something."""

import json

import pytest
from click.testing import CliRunner

from gapscope.cli import main


@pytest.fixture
def run(tmp_path):
    lib = tmp_path / "cli.sqlite"

    def invoke(*args):
        return CliRunner().invoke(main, ["--library", str(lib), *args], catch_exceptions=False)

    return invoke


def test_init_import_stats_search_show_tag(run, shared_data):
    assert "Created library" in run("init").output
    r = run("import", "--quiet", str(shared_data / "arxiv/kaggle-snapshot-head200.jsonl"))
    assert r.exit_code == 0 and "added 200" in r.output
    r = run("import", "--quiet", "--json", str(shared_data / "arxiv/kaggle-snapshot-head200.jsonl"))
    report = json.loads(r.output)[0]
    assert (report["added"], report["unchanged"]) == (0, 200)
    stats = json.loads(run("stats", "--json").output)
    assert stats["papers"] == 200 and stats["arxiv"] == 200
    hits = json.loads(run("papers", "search", "--json", "diphoton").output)
    assert hits[0]["arxiv_id"] == "0704.0001v2"
    shown = json.loads(run("papers", "show", "--json", "0704.0001").output)
    assert shown["title"].startswith("Calculation of prompt diphoton") and shown["sources"][0]["source"] == "arxiv-snapshot"
    assert "tagged 1 paper" in run("tag", "physics", "0704.0001").output
    listed = json.loads(run("papers", "list", "--json", "--tag", "physics").output)
    assert listed["total"] == 1 and listed["papers"][0]["id"] == shown["id"]
    assert run("tag").output.strip() == "physics\t1"


def test_exit_codes(run, tmp_path, shared_data):
    run("init")
    assert run("papers", "show", "9999.99999").exit_code == 4
    assert run("import", str(tmp_path / "nope.bib")).exit_code == 4
    bad = tmp_path / "bad.csv"
    bad.write_text("name\nx\n", encoding="utf-8")
    r = run("import", str(bad))
    assert r.exit_code == 1 and "no title column" in r.output
    r = run("import", "--quiet", str(shared_data / "screening/cohen2006-adhd.csv"))
    assert r.exit_code == 3 and "row has no title" in r.output  # partial: bad rows listed, good ones in


def test_missing_library_is_a_clear_error(tmp_path):
    r = CliRunner().invoke(main, ["--library", str(tmp_path / "none.sqlite"), "stats"])
    assert r.exit_code == 4 and "gapscope init" in r.output


def test_help_lists_the_commands():
    r = CliRunner().invoke(main, ["--help"])
    for cmd in ("init", "import", "papers", "tag", "stats"):
        assert cmd in r.output
