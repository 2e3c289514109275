"""The sample library: the shipped slice is what write_sample_slice makes from the shared data, and
`gapscope sample` builds a library from it offline."""

from __future__ import annotations

import gzip

from click.testing import CliRunner

from gapscope.sample import SAMPLE_FILE, SAMPLE_SIZE, write_sample_slice


def test_shipped_sample_is_the_documented_slice(shared_data, tmp_path):
    made = tmp_path / "slice.jsonl.gz"
    assert write_sample_slice(shared_data / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz", made) == SAMPLE_SIZE
    with gzip.open(made, "rt", encoding="utf-8") as a, gzip.open(SAMPLE_FILE, "rt", encoding="utf-8") as b:
        assert a.read() == b.read()


def test_sample_spans_the_time_every_gap_kind_needs(library):
    """The dates the gap finder reads span enough days for the learnt ranker (60 before a date, 30 after),
    the unaddressed shortcomings (60) and thin and growing regions (90): the first 300 papers spanned 9 days
    and each of them was refused."""
    from gapscope.gaps.span import (MIN_BACKTEST_AFTER_DAYS, MIN_BACKTEST_BEFORE_DAYS, MIN_GROWTH_SPAN_DAYS,
                                    MIN_SHORTCOMING_SPAN_DAYS, corpus_span)
    from gapscope.maps.build import paper_dates
    from gapscope.sample import build_sample_library

    build_sample_library(library)
    _first, _last, days = corpus_span(paper_dates(library).values())
    assert days >= max(MIN_GROWTH_SPAN_DAYS, MIN_SHORTCOMING_SPAN_DAYS, MIN_BACKTEST_BEFORE_DAYS + MIN_BACKTEST_AFTER_DAYS)


def test_cli_sample_builds_the_library(tmp_path):
    from gapscope.cli import main
    from gapscope.store import Library

    path = tmp_path / "try.gapscope"
    result = CliRunner().invoke(main, ["--library", str(path), "sample", "--quiet"])
    assert result.exit_code == 0, result.output
    assert f"added {SAMPLE_SIZE} sample papers" in result.output
    lib = Library(path)
    try:
        assert lib.count_papers() == SAMPLE_SIZE
        assert len(lib.list_paper_ids(collection="sample")) == SAMPLE_SIZE
    finally:
        lib.close()


def test_sample_build_reports_progress_and_stops_when_cancelled(library):
    """Cancelled after its first batch: the committed papers stay, the rest is not imported; a second
    run completes it."""
    from gapscope.jobs import CancelToken
    from gapscope.sample import build_sample_library

    token, seen = CancelToken(), []

    def progress(done, total, message=""):
        seen.append((done, total))
        token.cancel()

    report = build_sample_library(library, progress=progress, cancel=token)
    assert report.cancelled
    assert seen[0][1] == SAMPLE_FILE.stat().st_size and 0 <= seen[0][0] < seen[0][1]    # bytes of the file
    assert 0 < library.count_papers() < SAMPLE_SIZE
    again = build_sample_library(library)
    assert not again.cancelled and library.count_papers() == SAMPLE_SIZE


def test_sample_into_a_library_with_papers_of_its_own_is_refused_without_force(tmp_path):
    """`sample` would mix ~300 unrelated papers into a real library: refused (saying how many, nothing
    written) unless --force; a library holding only the sample may run it again."""
    from gapscope.cli import main
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper
    from gapscope.store import Library

    path = tmp_path / "real.gapscope"
    with Library(path) as lib:
        ingest_papers(lib, [Paper(source="test", source_key=f"p{i}", title=f"My own paper {i}") for i in range(3)],
                      kind="import", source="test", target="test")
    runner = CliRunner()
    result = runner.invoke(main, ["--library", str(path), "sample", "--quiet"])
    assert result.exit_code != 0
    assert "already holds 3 papers of its own" in result.output
    assert f"up to {SAMPLE_SIZE} unrelated sample papers" in result.output and "--force" in result.output
    with Library(path) as lib:
        assert lib.count_papers() == 3
    result = runner.invoke(main, ["--library", str(path), "sample", "--quiet", "--yes"])
    assert result.exit_code == 0, result.output
    with Library(path) as lib:
        assert lib.count_papers() == 3 + SAMPLE_SIZE

    only_sample = tmp_path / "try.gapscope"
    for _ in range(2):                                    # the second run adds nothing and is not refused
        result = runner.invoke(main, ["--library", str(only_sample), "sample", "--quiet"])
        assert result.exit_code == 0, result.output


def test_a_slice_asked_for_more_papers_than_the_category_holds_takes_them_all(tmp_path):
    import json

    source, made = tmp_path / "source.jsonl.gz", tmp_path / "made.jsonl.gz"
    with gzip.open(source, "wt", encoding="utf-8") as f:
        for i in range(5):
            f.write(json.dumps({"id": f"2501.0000{i}", "categories": "cs.CL cs.AI"}) + "\n")
        f.write(json.dumps({"id": "2501.00009", "categories": "cs.CV"}) + "\n")
    assert write_sample_slice(source, made, n=8) == 5
    with gzip.open(made, "rt", encoding="utf-8") as g:
        assert [json.loads(line)["id"] for line in g] == [f"2501.0000{i}" for i in range(5)]
