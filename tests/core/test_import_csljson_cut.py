"""A CSL-JSON file cut short after a whole item (its closing ']' missing) keeps the items before the cut
and reports where the file ends."""

from __future__ import annotations

from gapscope.ingest import import_file

CUT = """[{"id":"a","type":"article","title":"Good one","author":[{"family":"X","given":"Y"}],"issued":{"date-parts":[[2020]]}},
 {"id":"b","type":"article","title":"Second"},
 {"id":"c","type":"article","title":"Third","issued":{"date-parts":[["2021"]]}}
"""


def test_a_csl_json_array_without_its_closing_bracket_is_reported(library, tmp_path):
    path = tmp_path / "cut.json"
    path.write_text(CUT, encoding="utf-8")
    rep = import_file(library, path)
    assert rep.added == 3
    (err,) = rep.errors
    assert err.location == f"{path}:3"
    assert "without the ']'" in err.message and "3 items before are read" in err.message


def test_a_whole_csl_json_array_reports_nothing(library, tmp_path):
    path = tmp_path / "whole.json"
    path.write_text(CUT.rstrip() + "]\n", encoding="utf-8")
    rep = import_file(library, path)
    assert (rep.added, rep.errors) == (3, [])
