"""Every date option of the CLI takes an ISO day and refuses anything else by name: dates are compared as
text, so "2025-3-1" or "yesterday" silently mapped every paper (and replaced the latest map)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from .maps_fixtures import cs_rows, insert_papers  # noqa: F401 (cs_rows is a fixture)


@pytest.fixture
def empty_lib(tmp_path):
    from gapscope.store import Library

    path = tmp_path / "lib.gapscope"
    Library(path).close()
    return path


@pytest.mark.parametrize("args, option", [
    (["map", "--facet", "topic", "--before", "{d}"], "--before"),
    (["gaps", "backtest", "--before", "{d}"], "--before"),
    (["gaps", "backtest", "--level", "clusters", "--before", "{d}"], "--before"),
    (["collect", "arxiv", "--since", "{d}", "abs:x"], "--since"),
    (["collect", "arxiv", "--until", "{d}", "abs:x"], "--until"),
])
@pytest.mark.parametrize("bad", ["2025-3-1", "yesterday", "2025-02-30", "2025-03"])
def test_a_date_option_refuses_what_is_not_an_iso_day(empty_lib, args, option, bad):
    from gapscope.cli import main

    r = CliRunner().invoke(main, ["--library", str(empty_lib)] + [a.format(d=bad) for a in args])
    assert r.exit_code == 2, r.output
    assert f"{option}: {bad!r} is not a date (YYYY-MM-DD" in r.output


def test_map_before_selects_by_day_and_a_bad_date_maps_nothing(tmp_path, cs_rows):
    from gapscope.maps import build_maps
    from gapscope.maps.build import scope_paper_ids
    from gapscope.store import Library

    lib = Library(tmp_path / "lib.gapscope")
    ids = insert_papers(lib, cs_rows[:60])
    cut = sorted(r["published"] for r in cs_rows[:60])[30]
    got, scope = scope_paper_ids(lib, before=f" {cut} ")
    assert set(got) == {p for p, r in zip(ids, cs_rows[:60]) if r["published"] < cut}
    assert scope == {"before": cut}
    for bad in ("2025-3-1", "yesterday"):
        with pytest.raises(ValueError, match="is not a date"):
            build_maps(lib, facets=("topic",), before=bad)
    lib.close()


def test_iso_day_and_the_collect_window_with_a_time():
    from gapscope.dates import iso_day, iso_day_or_time

    assert iso_day("2025-03-01") == "2025-03-01"
    assert iso_day_or_time("2024-05-01T12:30") == "2024-05-01T12:30"
    for bad in ("2025-3-1", "20250301", "2025", "2025-13-01", "", "2024-05-01T25:00"):
        with pytest.raises(ValueError, match="is not a date"):
            (iso_day_or_time if "T" in bad else iso_day)(bad)
