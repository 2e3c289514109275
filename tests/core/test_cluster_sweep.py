"""`gapscope sweep`: a 2x2 grid of the digits spec, on a local Ray and one by one, gives four linked runs
with the same per-fold metrics."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.experiments.runner import run_spec
from gapscope.experiments.spec import SpecError, load_spec
from gapscope.experiments.sweep import grid_points, split_values
from gapscope.store import Library

SPEC = Path(__file__).resolve().parents[2] / "resources" / "examples" / "digits-mlp.toml"
GRID = ("train.lr=0.001,0.01", "model.hidden=[32],[64,32]")
SMALL = ("train.epochs=3", "eval.folds=2")


def test_grid_values_keep_their_commas():
    assert split_values("[64],[128,64], 'a,b'") == ["[64]", "[128,64]", "'a,b'"]
    assert grid_points(GRID) == [["train.lr=0.001", "model.hidden=[32]"], ["train.lr=0.001", "model.hidden=[64,32]"],
                                 ["train.lr=0.01", "model.hidden=[32]"], ["train.lr=0.01", "model.hidden=[64,32]"]]
    with pytest.raises(SpecError, match="KEY=V1,V2"):
        grid_points(["train.lr"])


def test_sweep_on_ray_gives_the_runs_one_by_one(local_ray, tmp_path):
    lib_path = tmp_path / "lib.sqlite"
    Library(lib_path).close()
    args = ["--library", str(lib_path), "sweep", str(SPEC), "--runs-dir", str(tmp_path / "runs"), "--json",
            "--ray", "local", "--ray-actors", "2"]
    for g in GRID:
        args += ["--grid", g]
    for s in SMALL:
        args += ["--set", s]
    res = CliRunner().invoke(main, args, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    result = json.loads(res.output[res.output.index("{"):])
    trials = result["trials"]
    assert [t["settings"] for t in trials] == grid_points(GRID)
    assert result["best"] in {t["run_id"] for t in trials} and len(result["comparisons"]) == 3

    lib = Library(lib_path)
    try:
        rows = {r["id"]: r for r in lib.list_runs()}
    finally:
        lib.close()
    assert set(rows) == {t["run_id"] for t in trials}
    for t in trials:
        assert rows[t["run_id"]]["status"] == "done"
        folder = Path(rows[t["run_id"]]["folder"])
        assert folder.parent == tmp_path / "runs" and (folder / "result.json").is_file()
        status = json.loads((folder / "status.json").read_text())
        assert status["library"] == str(lib_path) and status["status"] == "done"

    for t in trials:     # the same trial run here, one by one, gives the same metrics on every fold
        alone = run_spec(load_spec(SPEC, list(SMALL) + t["settings"]), runs_dir=tmp_path / "alone")
        got = json.loads((Path(rows[t["run_id"]]["folder"]) / "result.json").read_text())
        assert [f["metrics"] for f in got["folds"]] == [f["metrics"] for f in alone["folds"]]
        assert got["metrics"] == alone["metrics"]


def test_sweep_refuses_a_trial_whose_data_cannot_be_read_before_any_trial_runs(tmp_path):
    """As `gapscope run` does: a grid point whose data k-fold cannot split (or a CSV with a bad row) stops the
    sweep before its first trial, naming the problem, instead of failing trials half-way through the grid."""
    (tmp_path / "t.csv").write_text("f1,label\n" + "".join(f"{i},{'a' if i % 3 else 'b'}\n" for i in range(9)),
                                    encoding="utf-8")
    spec = tmp_path / "spec.toml"
    spec.write_text("[data]\ndataset='csv'\npath='t.csv'\ntarget='label'\n[model]\nfamily='linear'\n"
                    "[train]\nepochs=1\nval_fraction=0\nearly_stopping=0\n", encoding="utf-8")   # folds = 2 can run
    lib_path = tmp_path / "lib.sqlite"
    Library(lib_path).close()
    runs = tmp_path / "runs"
    res = CliRunner().invoke(main, ["--library", str(lib_path), "sweep", str(spec), "--runs-dir", str(runs),
                                    "--grid", "eval.folds=2,4", "-q"])
    assert res.exit_code == 1 and "Not started: eval.folds = 4 but the smallest class has 3 rows" in res.output
    assert not runs.exists() or not any(runs.iterdir())
    with Library(lib_path) as lib:
        assert lib.list_runs() == []


def test_data_gone_during_a_sweep_stops_it_saying_the_finished_trials_are_kept(tmp_path, monkeypatch):
    """Checked before the first trial, the data can still go (or change) while the trials run: the sweep then
    stops naming the file, and does not say that no trial was run while the finished ones are recorded."""
    from gapscope.experiments import runner

    data = tmp_path / "t.csv"
    data.write_text("f1,label\n" + "".join(f"{i},{'a' if i % 2 else 'b'}\n" for i in range(40)), encoding="utf-8")
    spec = tmp_path / "spec.toml"
    spec.write_text("[data]\ndataset='csv'\npath='t.csv'\ntarget='label'\n[model]\nfamily='linear'\n"
                    "[train]\nepochs=1\n[eval]\nfolds=2\nseeds=[0]\n", encoding="utf-8")
    lib_path = tmp_path / "lib.sqlite"
    Library(lib_path).close()
    real = runner.run_spec

    def then_the_data_goes(*args, **kwargs):
        try:
            return real(*args, **kwargs)
        finally:
            data.unlink(missing_ok=True)

    monkeypatch.setattr(runner, "run_spec", then_the_data_goes)
    res = CliRunner().invoke(main, ["--library", str(lib_path), "sweep", str(spec), "--runs-dir",
                                    str(tmp_path / "runs"), "--grid", "train.lr=0.01,0.1", "-q"])
    assert res.exit_code == 1 and f"Stopped: {data}: no such CSV file" in res.output, res.output
    assert "No trial was run" not in res.output and "trials that finished before are recorded" in res.output
    with Library(lib_path) as lib:
        assert [r["status"] for r in lib.list_runs()] == ["done"]
