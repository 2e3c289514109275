"""Embed and classify on a local Ray (2 CPUs): the same vectors and labels as the local path, bit for
bit, even when a worker process is killed mid-run or the run is cancelled and resumed."""

import functools
import os
import signal

import numpy as np
import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'gapscope[cluster]')")

from gapscope.cluster.library import classify_library_ray, embed_library_ray  # noqa: E402
from gapscope.cluster.pool import RayChunkRunner  # noqa: E402
from gapscope.cluster.workers import embed_worker  # noqa: E402
from gapscope.embed import embed_library  # noqa: E402
from gapscope.embed import store as vstore  # noqa: E402
from gapscope.facets import classify_library, paper_sentences  # noqa: E402
from gapscope.facets.model import load_model  # noqa: E402
from gapscope.jobs import Cancelled, CancelToken  # noqa: E402
from gapscope.store import Library  # noqa: E402

from .facets_helpers import add_papers, arxiv_records  # noqa: E402

N = 300


def _library(path, shared_data):
    lib = Library(path)
    add_papers(lib, arxiv_records(str(shared_data), N))
    return lib


def _vectors(lib):
    ids, vecs = vstore.load(lib, "abstract", "all-MiniLM-L6-v2")
    return ids, vecs


def test_embed_on_ray_is_bit_identical_and_survives_a_killed_worker(local_ray, tmp_path, shared_data):
    here = _library(tmp_path / "here.sqlite", shared_data)
    there = _library(tmp_path / "there.sqlite", shared_data)
    embed_library(here, kinds=("abstract",))

    runner = RayChunkRunner(functools.partial(embed_worker, {"model": None, "device": "cpu"}, "auto", 1), actors=2)
    killed = []

    def progress(done, total, message=""):
        if done and not killed:                   # after the first committed chunk: kill a busy worker
            os.kill(runner.pids[0], signal.SIGKILL)
            killed.append(runner.pids[0])

    stats = embed_library_ray(there, ("abstract",), chunk=50, runner=runner, progress=progress)
    assert killed and stats["embedded"] == N
    ids_a, a = _vectors(here)
    ids_b, b = _vectors(there)
    assert len(ids_a) == N and np.array_equal(ids_a, ids_b)
    assert a.dtype == b.dtype and np.array_equal(a, b)
    assert embed_library_ray(there, ("abstract",), chunk=50)["embedded"] == 0     # nothing left to do
    here.close()
    there.close()


def test_facets_on_ray_are_identical_and_resume_after_cancel(local_ray, tmp_path, shared_data):
    model = load_model()
    here = _library(tmp_path / "here.sqlite", shared_data)
    there = _library(tmp_path / "there.sqlite", shared_data)
    classify_library(here, model=model)

    token = CancelToken()

    def progress(done, total, message=""):
        if done:
            token.cancel()                        # Ctrl-C after the first committed chunk

    with pytest.raises(Cancelled):
        classify_library_ray(there, model=model, actors=2, chunk=100, progress=progress, cancel=token)
    first = classify_library_ray(there, model=model, actors=2, chunk=100)
    assert 0 < first["classified"] < N and first["skipped_up_to_date"] == N - first["classified"]

    ids = [pid for pid, *_ in here.facet_state()]
    assert len(ids) == N
    for pid in ids:
        assert paper_sentences(here, pid) == paper_sentences(there, pid), pid
    ids_a, a = _vectors(here)
    ids_b, b = _vectors(there)
    assert np.array_equal(ids_a, ids_b) and np.array_equal(a, b)
    here.close()
    there.close()


def test_embed_cli_on_ray(local_ray, tmp_path, shared_data):
    """`gapscope embed --ray`: one actor per CPU of the Ray it joins, the counts as JSON, a re-run has nothing to do."""
    import json

    from click.testing import CliRunner

    from gapscope.cli import main

    path = tmp_path / "cli.sqlite"
    lib = Library(path)
    add_papers(lib, arxiv_records(str(shared_data), 12))
    lib.close()
    runner = CliRunner()
    res = runner.invoke(main, ["--library", str(path), "embed", "--kinds", "abstract", "--ray", "--json"],
                        catch_exceptions=False)
    assert res.exit_code == 0, res.output
    stats = json.loads(res.output[res.output.index("{"):])
    assert stats["embedded"] == 12 and stats["kinds"]["abstract"]["to_embed"] == 12
    again = runner.invoke(main, ["--library", str(path), "embed", "--kinds", "abstract", "--ray", "local", "--json"])
    assert json.loads(again.output[again.output.index("{"):])["embedded"] == 0
    lib = Library(path)
    assert len(_vectors(lib)[0]) == 12
    lib.close()
