"""A built map says when it may be out of date: papers added, facet labels corrected, or built before
GapScope recorded what maps are made from; `map show --json` carries the reasons and `map list` marks
the map. Real papers from the shared cs file, stand-in vectors (maps_fixtures); the labelled-PDF case
with the shipped models is in test_fulltext_map.py."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from .maps_fixtures import cs_rows, facet_data, insert_papers  # noqa: F401 (cs_rows is a fixture)


@pytest.fixture
def mapped(tmp_path, cs_rows):
    from gapscope.maps import build_maps
    from gapscope.store import Library

    rows = cs_rows[:120]
    lib = Library(tmp_path / "stale.gapscope")
    ids = insert_papers(lib, rows)
    build_maps(lib, facets=("topic", "method"), data=facet_data(ids, rows), k=6, stability_seeds=0)
    yield lib, ids
    lib.close()


def _cli(lib, *args):
    from gapscope.cli import main

    return CliRunner().invoke(main, ["--library", str(lib.path), "map", *args])


def test_a_map_is_current_after_its_build_and_stale_once_papers_are_added(mapped, cs_rows):
    from gapscope.maps import latest_map
    from gapscope.maps.stale import PAPERS_CHANGED, latest_maps_stale, stale_reasons

    lib, _ids = mapped
    assert stale_reasons(lib, latest_map(lib, "topic")) == []
    assert latest_maps_stale(lib) == {"topic": [], "method": [], "result": None, "shortcoming": None}
    insert_papers(lib, cs_rows[120:125])
    assert stale_reasons(lib, latest_map(lib, "topic")) == [PAPERS_CHANGED]
    assert stale_reasons(lib, latest_map(lib, "method")) == [PAPERS_CHANGED]


def test_a_facet_correction_makes_the_facet_maps_stale_not_the_topic_map(mapped):
    from gapscope.maps import latest_map
    from gapscope.maps.stale import LABELS_CHANGED, stale_reasons
    from gapscope.store.library import now_iso

    lib, ids = mapped
    lib.set_facet_correction(ids[0], 0, 40, "method", None, now_iso())
    assert stale_reasons(lib, latest_map(lib, "method")) == [LABELS_CHANGED]
    assert stale_reasons(lib, latest_map(lib, "topic")) == []          # it reads whole abstracts


def test_a_map_built_before_the_record_says_so(mapped):
    from gapscope.maps import latest_map, save_labels
    from gapscope.maps.stale import NOT_RECORDED, stale_reasons

    lib, _ids = mapped
    m = latest_map(lib, "topic")
    del m.params["made_from"]                   # as maps from before it was recorded are stored
    save_labels(lib, m)
    assert stale_reasons(lib, latest_map(lib, "topic")) == [NOT_RECORDED]


def test_map_show_json_has_the_stale_reasons_and_map_list_marks_the_stale_map(mapped, cs_rows):
    from gapscope.maps.stale import PAPERS_CHANGED

    lib, _ids = mapped
    show = _cli(lib, "show", "--facet", "topic", "--json")
    assert show.exit_code == 0, show.output
    assert json.loads(show.output)["stale"] == []
    listed = _cli(lib, "list", "--json")
    assert [(r["facet"], r["stale"]) for r in json.loads(listed.output)] == [("topic", []), ("method", [])]
    assert "STALE" not in _cli(lib, "list").output

    insert_papers(lib, cs_rows[120:122])
    show = _cli(lib, "show", "--facet", "method", "--json")
    assert json.loads(show.output)["stale"] == [PAPERS_CHANGED]
    cluster = _cli(lib, "show", "--facet", "method", "--cluster", "0", "--json")
    assert json.loads(cluster.output)["stale"] == [PAPERS_CHANGED]
    text = _cli(lib, "show", "--facet", "method")
    assert f"STALE: {PAPERS_CHANGED}" in text.output
    lines = _cli(lib, "list").output.splitlines()
    assert len(lines) == 2 and all(line.endswith("STALE") for line in lines), lines
