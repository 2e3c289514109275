"""The `gapscope` CLI over the library: output, --json, and exit codes that mean something."""

import json

import click
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
    rows = tmp_path / "rows.csv"
    rows.write_text("title,abstract,year\nA title,An abstract,2020\n,,2021\n", encoding="utf-8")
    r = run("import", "--quiet", str(rows))
    assert r.exit_code == 3 and "row has no title, abstract or identifier" in r.output  # partial: bad rows listed


def test_missing_library_is_a_clear_error(tmp_path):
    r = CliRunner().invoke(main, ["--library", str(tmp_path / "none.sqlite"), "stats"])
    assert r.exit_code == 4 and "gapscope init" in r.output


def test_help_lists_the_commands():
    r = CliRunner().invoke(main, ["--help"])
    for cmd in ("init", "import", "papers", "tag", "stats"):
        assert cmd in r.output


@pytest.mark.parametrize("args", [("triage", "next", "--n", "0"), ("triage", "next", "--n", "-1"),
                                  ("papers", "list", "--limit", "-1"), ("papers", "list", "--limit", "0"),
                                  ("papers", "search", "--limit", "0", "photon"), ("imports", "--limit", "-1"),
                                  ("export", "bibtex", "-o", "-", "--ids", ",,"),
                                  ("export", "bibtex", "-o", "-", "--ids", " , ")])
def test_counts_below_one_and_an_empty_id_list_are_refused(run, shared_data, args, tmp_path):
    # Before: `--n 0` said "nothing left to screen" with every paper unseen, `--limit -1` listed all
    # but the last paper, and `--ids ",,"` exported the whole library.
    run("import", "--quiet", str(shared_data / "arxiv/kaggle-snapshot-head200.jsonl"))
    r = CliRunner().invoke(main, ["--library", str(tmp_path / "cli.sqlite"), *args])
    assert r.exit_code == 2, r.output
    assert "@" not in r.output and "nothing left" not in r.output
    if "--ids" in args:
        assert "--ids: no paper ids given" in r.output


def test_collection_delete_asks_and_keeps_the_papers(run, shared_data, tmp_path):
    run("import", "--quiet", str(shared_data / "arxiv/kaggle-snapshot-head200.jsonl"))
    assert run("collection", "add", "typo", "0704.0001", "0704.0002").exit_code == 0
    assert run("triage", "decide", "0704.0001", "exclude", "--collection", "typo").exit_code == 0
    r = CliRunner().invoke(main, ["--library", str(tmp_path / "cli.sqlite"), "collection", "delete", "typo"],
                           input="n\n")
    # a "no" is a cancel (130, as `papers delete` answers it), not a failure
    assert r.exit_code == 130 and "2 papers stay in the library" in r.output and "1 screening decision" in r.output
    assert "not deleted" in r.output
    assert "typo" in run("collection", "list").output
    r = run("collection", "delete", "typo", "--yes")
    assert r.exit_code == 0 and "deleted collection 'typo'" in r.output
    assert "typo" not in run("collection", "list").output
    assert json.loads(run("stats", "--json").output)["papers"] == 200
    r = CliRunner().invoke(main, ["--library", str(tmp_path / "cli.sqlite"), "collection", "delete", "typo", "--yes"])
    assert r.exit_code == 4 and "no collection named 'typo'" in r.output


def test_abstracts_with_hard_line_wraps_print_as_one_paragraph(run, shared_data):
    """arXiv abstracts often keep their hard line wraps; `papers show`, `triage next` and `annotate terms`
    join them before wrapping, instead of printing ragged half-empty lines."""
    run("import", "--quiet", str(shared_data / "arxiv/kaggle-snapshot-head200.jsonl"))
    abstract = json.loads(run("papers", "show", "--json", "0704.0001").output)["abstract"]
    assert "\n" in abstract.strip()                      # the record keeps its wraps
    joined = " ".join(abstract.split())
    assert click.wrap_text(joined, 100) in run("papers", "show", "0704.0001").output
    shown = run("triage", "next").output
    first = json.loads(run("triage", "next", "--json").output)[0]
    assert click.wrap_text(" ".join(first["abstract"].split()), 100, initial_indent="    ",
                           subsequent_indent="    ") in shown
    assert click.wrap_text(joined, 100) in run("annotate", "terms", "0704.0001", "zzzz").output


def test_triage_next_takes_dash_n_for_how_many(run, shared_data):
    """`triage next -n 3` (as head -n) shows three papers, as `--n 3` does."""
    run("import", "--quiet", str(shared_data / "arxiv/kaggle-snapshot-head200.jsonl"))
    short = run("triage", "next", "-n", "3", "--json")
    assert short.exit_code == 0, short.output
    assert json.loads(short.output) == json.loads(run("triage", "next", "--n", "3", "--json").output)
    assert len(json.loads(short.output)) == 3


def test_listings_with_nothing_to_list_say_so(run, shared_data):
    """An empty answer names what is missing instead of printing nothing (exit 0: nothing failed)."""
    run("import", "--quiet", str(shared_data / "arxiv/kaggle-snapshot-head200.jsonl"))
    r = run("collect", "cursors")
    assert r.exit_code == 0 and "no saved collect cursors" in r.output
    r = run("collect", "log")                            # the README's step 1 after an import or `sample`
    assert r.exit_code == 0 and "no collect yet" in r.output and "gapscope imports" in r.output
    assert json.loads(run("collect", "log", "--json").output) == []
    r = run("citations", "refs")
    assert r.exit_code == 0 and "no reference is cited by 2 or more of the 200 papers" in r.output
    assert "run `gapscope enrich`" in r.output
    run("collection", "create", "empty")
    r = run("citations", "refs", "-c", "empty")          # an empty collection, not the whole library
    assert r.exit_code == 0 and "the collection 'empty' has no papers" in r.output and "200" not in r.output
    assert json.loads(run("citations", "refs", "-c", "empty", "--json").output) == []
    r = run("annotate", "show", "0704.0001")
    assert r.exit_code == 0 and "no notes, tags, highlights or facet corrections" in r.output
    assert json.loads(run("annotate", "show", "--json", "0704.0001").output)["notes"] == []


def test_pdf_show_lists_the_sections_it_promises(run, shared_data):
    r = run("attach", "--no-facets", str(shared_data / "pdfs/cs/1903.10676.pdf"))
    assert r.exit_code == 0, r.output
    sections = json.loads(run("pdf", "show", "--json").output)[0]["sections"]
    assert sections and "sections: " + ", ".join(sections[:3]) in run("pdf", "show").output


def test_triage_stats_says_what_ranks_the_queue_in_a_sentence(run, shared_data):
    run("import", "--quiet", str(shared_data / "arxiv/kaggle-snapshot-head200.jsonl"))
    assert "queue ranked by library order (no include yet)" in run("triage", "stats").output
    run("triage", "decide", "0704.0001", "include")
    assert "queue ranked by similarity to the included papers" in run("triage", "stats").output


def test_papers_delete_json_without_yes_is_a_usage_error(run, shared_data):
    run("import", "--quiet", str(shared_data / "arxiv/kaggle-snapshot-head200.jsonl"))
    r = run("papers", "delete", "0704.0001", "--json")
    assert r.exit_code == 2 and "give --yes as well" in r.output       # README: 2 bad arguments
    assert json.loads(run("stats", "--json").output)["papers"] == 200


def test_search_help_says_the_limit_is_per_kind_of_hit(run):
    assert "of each kind" in " ".join(run("search", "--help").output.split())


def test_papers_list_keeps_its_columns_aligned_when_the_id_is_a_long_doi(run, tmp_path):
    """The id column is as wide as its longest DOI (up to 40 characters; a longer one is cut with "…"), so
    the year and the title start at the same column on every line."""
    doi_long = "10.1016/j.neubiorev.2019.104567.supplementary-material"      # past 40: cut
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a, title = {Short arXiv paper}, year = {2020}, eprint = {2101.00001}, archiveprefix = {arXiv}}\n"
                   "@article{b, title = {Paper with a long DOI}, year = {2019}, doi = {10.1001/jamapsychiatry.2019.1234}}\n"
                   "@article{c, title = {Paper with a very long DOI}, year = {2018}, doi = {" + doi_long + "}}\n",
                   encoding="utf-8")
    assert run("import", "--quiet", str(bib)).exit_code == 0
    lines = run("papers", "list").stdout.splitlines()
    titles = ("Short arXiv paper", "Paper with a long DOI", "Paper with a very long DOI")
    assert len(lines) == 3 and len({line.index(t) for line, t in zip(lines, titles)}) == 1
    assert len({line.index(f" {y} ") for line, y in zip(lines, ("2020", "2019", "2018"))}) == 1
    assert "10.1001/jamapsychiatry.2019.1234 " in lines[1] and doi_long[:30] in lines[2] and "… 2018" in lines[2]


def test_search_save_keeps_the_query_by_name_and_refuses_a_broken_one(tmp_path):
    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.store import Library

    path = str(tmp_path / "saved.gapscope")
    r = CliRunner()
    assert r.invoke(main, ["-L", path, "init"]).exit_code == 0
    res = r.invoke(main, ["-L", path, "search", "--save", "GNN", "graph", "neural"])
    assert res.exit_code == 0, res.output
    res = r.invoke(main, ["-L", path, "search", "--save", "GNN", "graph", "attention"])   # the same name: updated
    assert res.exit_code == 0
    res = r.invoke(main, ["-L", path, "search", "--save", "broken", "title:("])
    assert res.exit_code != 0
    lib = Library(tmp_path / "saved.gapscope")
    try:
        assert lib.saved_searches() == [("GNN", "graph attention")]
    finally:
        lib.close()


def test_report_refuses_a_gap_count_that_is_not_a_plain_number(tmp_path):
    """`--gaps ²` (a digit to Python's isdigit, not a number to int) is a usage error, not a traceback."""
    from click.testing import CliRunner

    from gapscope.cli import main

    path = str(tmp_path / "gaps.gapscope")
    r = CliRunner()
    assert r.invoke(main, ["-L", path, "init"]).exit_code == 0
    for bad in ("²", "٣x", "-1", "0"):
        res = r.invoke(main, ["-L", path, "report", "-q", "-o", str(tmp_path / "r.md"), "--gaps", bad])
        assert res.exit_code == 2 and "--gaps" in res.output, (bad, res.output, res.exception)
        assert not (tmp_path / "r.md").exists()
