"""A step that needs an earlier one says which and what to run (exit 10), never a traceback."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.store import Library

HEAD200 = "arxiv/kaggle-snapshot-head200.jsonl"


def cli(library, *args):
    return CliRunner().invoke(main, ["--library", str(library), *args], catch_exceptions=False)


@pytest.fixture
def imported(tmp_path, shared_data):
    path = tmp_path / "review.gapscope"
    assert cli(path, "import", "--quiet", str(shared_data / HEAD200)).exit_code == 0
    return path


def _abstract_vectors_only(path):
    """What `gapscope embed` leaves when it ran before `gapscope facets`: abstract vectors, nothing else."""
    from gapscope.embed.library import library_model
    from gapscope.embed.store import put_mapping, put_vectors

    lib = Library(path)
    ids = lib.list_paper_ids()
    rng = np.random.default_rng(0)
    vecs = rng.standard_normal((len(ids), 16)).astype(np.float32)
    hashes = [f"h{i:030d}" for i in ids]
    with lib.transaction():
        put_vectors(lib, library_model(lib), hashes, vecs)
        put_mapping(lib, library_model(lib), [(i, "abstract", h) for i, h in zip(ids, hashes)])
    lib.close()


def test_nothing_run_yet(imported):
    r = cli(imported, "map")
    assert r.exit_code == 10 and "no abstract vectors: run `gapscope embed`" in r.output
    r = cli(imported, "gaps", "find")
    assert r.exit_code == 10 and "no maps yet: run `gapscope embed` then `gapscope map`" in r.output
    r = cli(imported, "runs", "draft", "--gap", "1", "-o", str(imported.parent / "g.toml"))
    assert r.exit_code == 10 and "no maps yet" in r.output


def test_embed_before_facets(imported):
    _abstract_vectors_only(imported)
    r = cli(imported, "gaps", "backtest", "--before", "2008-01-01")     # concepts: they need the facets
    assert r.exit_code == 10, r.output
    assert "no concepts yet: run `gapscope facets` then `gapscope concepts`" in r.output
    r = cli(imported, "gaps", "backtest", "--level", "clusters", "--before", "2008-01-01")
    assert r.exit_code == 10, r.output
    assert "no method vectors: run `gapscope facets` then `gapscope embed`" in r.output
    r = cli(imported, "map", "--facet", "method")
    assert r.exit_code == 10 and "no method vectors: run `gapscope facets` then `gapscope embed`" in r.output
    r = cli(imported, "map")            # the topic map builds; the others say what they need
    assert r.exit_code == 0, r.output
    assert "method: not mapped (no method vectors: run `gapscope facets` then `gapscope embed`)" in r.output
    assert "have method text" not in r.output


def test_backtest_with_no_vectors_at_all_is_no_numpy_crash():
    from gapscope.gaps.backtest import backtest_arrays

    empty = (np.zeros(0, dtype=np.int64), np.zeros((0, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="too few papers before"):
        backtest_arrays(empty, empty, {}, "2026-01-01")


def test_commands_that_read_a_map_say_to_build_it_with_exit_10(imported):
    """README: exit 10 when an earlier step has not run; a missing map is such a step, not "not found"."""
    for args in (["map", "show"], ["map", "show", "--facet", "method", "--cluster", "2"], ["map", "list"],
                 ["map", "relabel"], ["map", "export"], ["citations", "cores"],
                 ["triage", "next", "--cluster", "topic:3"], ["triage", "stats", "--cluster", "topic:3"]):
        r = cli(imported, *args)
        assert r.exit_code == 10, (args, r.output)
        assert "gapscope map" in r.output, (args, r.output)
