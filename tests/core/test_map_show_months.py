"""`gapscope map show` reads the months at either end of the library as the report's time chart does
(reports/coverage.py): the 10,653-paper library ends on 2026-07-01, and `map show --cluster` printed that
month's one day of papers as a month's count, which read as a collapse of the field. A partial end month
covering half its days or more is given with its whole-month estimate; one covering less is left out of the
months (its count still said, as left out), in text and in --json."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
from click.testing import CliRunner

from .maps_fixtures import insert_papers

# the papers start on 2025-03-10 (22 of March's 31 days: scaled up) and end on 2025-09-02 (2 of
# September's 30 days: left out)
DATES = ["2025-03-10", "2025-03-20", "2025-04-05", "2025-04-15", "2025-05-05", "2025-05-06", "2025-05-07",
         "2025-06-05", "2025-06-25", "2025-07-05", "2025-08-05", "2025-08-06", "2025-09-02"]


@pytest.fixture(scope="module")
def lib_path(tmp_path_factory):
    from gapscope.maps.model import Cluster, Map
    from gapscope.maps.store import save_map
    from gapscope.store import Library

    lib = Library(tmp_path_factory.mktemp("months") / "lib.sqlite")
    rows = [{"title": f"Paper {i} on sensors", "abstract": "We study sensors.", "published": d,
             "arxiv_id": f"2503.{i:05d}", "categories": "cs.LG"} for i, d in enumerate(DATES)]
    ids = insert_papers(lib, rows)
    months = dict(sorted(Counter(d[:7] for d in DATES).items()))
    cluster = Cluster(id=0, label="sensors", keywords=["sensors"], representative="We study sensors.",
                      size=len(ids), stability=1.0, sizes_by_year={"2025": len(ids)}, sizes_by_month=months,
                      centroid=np.ones(4, dtype=np.float32) / 2)
    save_map(lib, Map(facet="topic", params={"k": 1}, scope={"library": True}, clusters=[cluster],
                      assignments={i: 0 for i in ids}, coords={}))
    path = lib.path
    lib.close()
    return path


def _show(path, *args) -> str:
    from gapscope.cli import main

    res = CliRunner().invoke(main, ["--library", str(path), "map", "show", *args])
    assert res.exit_code == 0, res.output
    return res.output


def test_map_show_marks_a_partial_month_and_leaves_out_one_covered_under_half(lib_path):
    one = _show(lib_path, "--cluster", "0")
    months = next(line for line in one.splitlines() if line.startswith("by month: "))
    assert months.startswith("by month: 2025-03: 2 (~3 a whole month), 2025-04: 2,"), months
    assert "2025-09" not in months.split(";")[0], months      # not read as a month's count
    assert months.endswith("2025-08: 2; partial, left out: 2025-09: 1"), months
    assert "2025-09 is left out (the papers end on 2025-09-02: 2 of its 30 days)" in one, one
    assert "2025-03 is scaled up to a whole month" in one and "(the papers start on 2025-03-10: 22 of its 31 days)" in one
    whole = _show(lib_path)                                # the map's summary says which months are partial
    assert "2025-09 is left out (the papers end on 2025-09-02: 2 of its 30 days)" in whole, whole


def test_map_show_json_gives_the_whole_month_counts_beside_the_raw_ones(lib_path):
    for out in (json.loads(_show(lib_path, "--json")), json.loads(_show(lib_path, "--cluster", "0", "--json"))):
        partial = {p["month"]: p for p in out["partial_months"]}
        assert partial["2025-09"]["treated"] == "left out" and partial["2025-09"]["covered_days"] == 2
        assert partial["2025-03"]["treated"] == "scaled up" and partial["2025-03"]["days"] == 31
        assert "would otherwise read as a fall or a rise" in out["partial_months_note"]
        c = out["clusters"][0] if "clusters" in out else out
        assert c["sizes_by_month"]["2025-09"] == 1                       # the count as stored, nothing lost
        assert "2025-09" not in c["sizes_by_whole_month"]
        assert c["sizes_by_whole_month"]["2025-03"] == round(2 * 31 / 22, 1)
        assert c["sizes_by_whole_month"]["2025-05"] == 3
