"""Counts in messages and reports agree with their nouns ("1 map", "2 maps"), never "map(s)"."""

from __future__ import annotations

import pytest

from gapscope.facets.data import DataError, read_limitations
from gapscope.gaps.backtest import filled_definition
from gapscope.gaps.concept_backtest import filled_definition as concept_filled_definition
from gapscope.reports.explain import not_built_line


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
