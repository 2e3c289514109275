"""Counts in messages and reports agree with their nouns ("1 map", "2 maps"), never "map(s)"."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from gapscope.analyze import AnalysisReport, _gaps_step
from gapscope.cli import main
from gapscope.commands.reports import summary_line
from gapscope.facets.data import DataError, read_limitations
from gapscope.gaps.backtest import filled_definition
from gapscope.gaps.concept_backtest import filled_definition as concept_filled_definition
from gapscope.reports.explain import not_built_line

from .facets_helpers import add_papers


def test_the_maps_not_built_yet_are_counted():
    assert not_built_line(["method"]) == "Not built yet: method map (run `gapscope map`)."
    assert not_built_line(["method", "result"]) == "Not built yet: method, result maps (run `gapscope map`)."


def test_the_backtests_say_what_filled_means_in_agreeing_words():
    one = filled_definition(1, 1)
    assert "at most 1 paper with both" in one and "at least 1 paper listed on or after DATE has their" in one
    many = filled_definition(2, 0)
    assert "at most 0 papers with both" in many and "at least 2 papers listed on or after DATE have their" in many
    assert "named by >= 1 paper before" in concept_filled_definition(1, 0, 1)
    assert ">= 1 paper listed on or after DATE names both" in concept_filled_definition(1, 0, 5)
    assert ">= 3 papers listed on or after DATE name both" in concept_filled_definition(3, 0, 5)
    assert not any("(s)" in text for text in (one, many, concept_filled_definition(1, 0, 1)))


@pytest.mark.parametrize("header,words", [("label\tother", "missing column sentence"),
                                          ("other\tthing", "missing columns label, sentence")])
def test_a_limitation_file_names_the_columns_it_lacks(tmp_path, header, words):
    path = tmp_path / "limits.tsv"
    path.write_text(f"{header}\nPOS\tx\n", encoding="utf-8")
    with pytest.raises(DataError, match=f"{path}:1: {words}$"):
        read_limitations(path)


def test_the_report_summary_counts_one_of_each_in_the_singular():
    line = summary_line({"output": "r.html", "format": "html", "papers": 1, "screened": 1, "included": 1,
                         "maps": ["topic"], "gaps": 1, "runs": 1})
    assert line == "wrote r.html (html): 1 paper, 1 screened, 1 included, 1 map, 1 gap, 1 run"
    many = summary_line({"output": "r.md", "format": "md", "papers": 1200, "screened": 0, "included": 0,
                         "maps": [], "gaps": 25, "runs": 2})
    assert many == "wrote r.md (md): 1,200 papers, 0 screened, 0 included, 0 maps, 25 gaps, 2 runs"


def test_analyze_says_one_gap_found(library, monkeypatch):
    import gapscope.gaps

    monkeypatch.setattr(gapscope.gaps, "find_gaps", lambda lib, **kw: ["a gap"])
    out = AnalysisReport(maps={"topic": 1})
    _gaps_step(library, out, "result", None, None)
    assert out.steps[-1].detail == "1 gap found"


def test_collection_list_counts_one_paper(library):
    (pid,) = add_papers(library, [("A paper", "Its abstract.")])
    library.add_to_collection("review", [pid])
    res = CliRunner().invoke(main, ["-L", str(library.path), "collection", "list"])
    assert res.exit_code == 0, res.output
    assert res.output.strip() == "review  (1 paper)"
