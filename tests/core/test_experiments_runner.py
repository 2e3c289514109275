"""The runner: identical metrics on a second run, k-fold results, the run folder, NaN detection,
cancel in the middle of an epoch then resume to the same numbers as an uninterrupted run."""

from __future__ import annotations

import json

import pytest

from gapscope.experiments.runner import RunError, RunFolder, resume_run, run_spec
from gapscope.experiments.spec import load_spec

from ._experiments_helpers import SMALL_IRIS, write_spec


class CancelAfter:
    """A CancelToken stand-in that reports cancelled from the n-th time it is asked (after n optimiser steps)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.asked = 0

    @property
    def cancelled(self) -> bool:
        self.asked += 1
        return self.asked > self.n


def _epochs(folder) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "seconds"} for r in RunFolder(folder).records()
            if r["kind"] == "epoch"]


def test_same_spec_twice_gives_identical_metrics(tmp_path):
    spec = write_spec(tmp_path, SMALL_IRIS)
    a = run_spec(load_spec(spec), runs_dir=tmp_path / "runs")
    b = run_spec(load_spec(spec), runs_dir=tmp_path / "runs")
    assert a["status"] == b["status"] == "done"
    assert a["run_id"] != b["run_id"]
    assert [f["metrics"] for f in a["folds"]] == [f["metrics"] for f in b["folds"]]  # to the last digit
    assert a["metrics"] == b["metrics"]
    assert _epochs(a["folder"]) == _epochs(b["folder"])  # every epoch's losses too


def test_kfold_metrics_per_fold_and_run_folder_contents(tmp_path):
    spec = write_spec(tmp_path, SMALL_IRIS)
    events = []
    s = run_spec(load_spec(spec), runs_dir=tmp_path / "runs", emit=events.append)
    assert [(f["seed"], f["fold"]) for f in s["folds"]] == [(0, 0), (0, 1), (0, 2)]
    assert sum(f["n_test"] for f in s["folds"]) == 150  # the folds partition the data
    for f in s["folds"]:
        assert set(f["metrics"]) == {"accuracy", "macro_f1"}
        assert 0.0 <= f["metrics"]["accuracy"] <= 1.0
    mean = sum(f["metrics"]["accuracy"] for f in s["folds"]) / 3
    assert s["metrics"]["accuracy"] == pytest.approx(mean)
    folder = RunFolder(s["folder"])
    for name in ("spec.toml", "spec.source.toml", "env.json", "metrics.jsonl", "events.jsonl", "curves.png",
                 "best.pt", "MODEL_CARD.md", "status.json", "result.json"):
        assert (folder.path / name).is_file(), name
    assert (folder.path / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in folder.ckpt.iterdir()) == ["best-s0-f0.pt", "best-s0-f1.pt", "best-s0-f2.pt"]
    env = folder.read_json("env.json")
    assert env["device"] == "cpu" and env["torch"] and env["deterministic_algorithms"] is True
    card = (folder.path / "MODEL_CARD.md").read_text()
    for section in ("## Data", "## Intended use", "## Limitations", "## Metrics"):
        assert section in card
    assert load_spec(folder.path / "spec.toml").data == load_spec(spec).data
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "done"
    assert kinds.count("fold_end") == 3 and "epoch" in kinds and "checkpoint" in kinds
    assert json.loads((folder.path / "result.json").read_text())["metrics"] == s["metrics"]


def test_nan_divergence_stops_with_a_clear_message(tmp_path):
    spec = write_spec(tmp_path, """
[data]
dataset = "diabetes"
standardize = false
[model]
family = "linear"
[train]
optimizer = "sgd"
lr = 1e6
epochs = 5
early_stopping = 0
[eval]
folds = 2
""")
    events = []
    s = run_spec(load_spec(spec), runs_dir=tmp_path / "runs", emit=events.append)
    assert s["status"] == "diverged"
    assert "lower train.lr" in s["message"] and "fold 0" in s["message"]
    assert events[-1]["event"] == "error" and events[-1]["kind"] == "diverged"
    status = RunFolder(s["folder"]).read_json("status.json")
    assert status["status"] == "diverged"
    assert (RunFolder(s["folder"]).path / "MODEL_CARD.md").is_file()


@pytest.mark.parametrize("steps", [4, 40])
def test_cancel_mid_epoch_then_resume_matches_uninterrupted(tmp_path, steps):
    text = SMALL_IRIS + "\n" + "" 
    spec = write_spec(tmp_path, text.replace("dropout = 0.1", "dropout = 0.2"))  # dropout: the RNG state matters
    base = run_spec(load_spec(spec, ["train.grad_accum=2"]), runs_dir=tmp_path / "a")
    cancel = CancelAfter(steps)
    c = run_spec(load_spec(spec, ["train.grad_accum=2"]), runs_dir=tmp_path / "b", cancel=cancel)
    assert c["status"] == "cancelled"
    folder = RunFolder(c["folder"])
    status = folder.read_json("status.json")  # readable, marked cancelled, says how to resume
    assert status["status"] == "cancelled" and "--resume" in status["message"]
    assert (folder.ckpt / "resume.pt").is_file()
    assert len(status["folds"]) < 3
    done = resume_run(c["run_id"], runs_dir=tmp_path / "b")
    assert done["status"] == "done"
    assert [f["metrics"] for f in done["folds"]] == [f["metrics"] for f in base["folds"]]
    assert [(f["best_epoch"], f["epochs"]) for f in done["folds"]] == [(f["best_epoch"], f["epochs"]) for f in base["folds"]]
    assert _epochs(done["folder"]) == _epochs(base["folder"])
    assert not (folder.ckpt / "resume.pt").exists()
    with pytest.raises(RunError, match="already finished; nothing to resume"):
        resume_run(c["run_id"], runs_dir=tmp_path / "b")


def test_regression_run_reports_mae_and_rmse(tmp_path):
    spec = write_spec(tmp_path, """
[data]
dataset = "diabetes"
[model]
family = "mlp"
hidden = [16]
[train]
epochs = 4
batch_size = 32
lr = 0.01
warmup_epochs = 1
schedule = "step"
step_size = 2
[eval]
split = "holdout"
test_fraction = 0.25
seeds = [0, 1]
""")
    s = run_spec(load_spec(spec), runs_dir=tmp_path / "runs")
    assert s["status"] == "done"
    assert [(f["seed"], f["fold"]) for f in s["folds"]] == [(0, 0), (1, 0)]
    assert set(s["metrics"]) == {"mae", "rmse"}
    assert 0 < s["metrics"]["mae"] <= s["metrics"]["rmse"]
    lrs = [r["lr"] for r in RunFolder(s["folder"]).records() if r["kind"] == "epoch" and r["seed"] == 0]
    assert lrs[0] < lrs[1] and lrs[3] < lrs[2]  # warm-up then step decay


def test_csv_dataset_with_bad_cell_names_file_and_line(tmp_path):
    csv = tmp_path / "data.csv"
    csv.write_text("a,b,label\n1,2,x\n3,oops,y\n", encoding="utf-8")
    spec = write_spec(tmp_path, "[data]\ndataset='csv'\npath='data.csv'\ntarget='label'\nfeatures=['a','b']\n"
                                "[model]\nfamily='linear'\n[eval]\nsplit='holdout'\n")
    from gapscope.experiments.datasets import DatasetError

    # refused before the run exists: no run folder, nothing to list as a failed run
    with pytest.raises(DatasetError, match="data.csv:3: column 'b' is not a number"):
        run_spec(load_spec(spec), runs_dir=tmp_path / "runs")
    assert not (tmp_path / "runs").exists()


@pytest.mark.parametrize("content, said", [
    (b"a,b,label\n1,2,x\n\n3,4,y,extra\n", "data.csv:4: 4 fields, the header has 3"),
    (b"a,b,label\n1,2,x\n3,4\n", "data.csv:3: 2 fields, the header has 3"),
    (b"a,b,label\n1,2,\"x\ny\"\n5,oops,z\n", "data.csv:4: column 'b' is not a number"),
    (b"a,b,label\n1,2,x\n3,4,caf\xe9\n", "data.csv:3: not UTF-8 text"),
])
def test_an_unreadable_csv_row_is_named_by_file_and_line(tmp_path, content, said):
    """A malformed row (too many or too few fields, a value not in UTF-8) is named by its line as the file
    counts them (blank lines and a quoted value over two lines included), not a traceback or a shifted column."""
    from gapscope.experiments.datasets import DatasetError, load_csv

    (tmp_path / "data.csv").write_bytes(content)
    with pytest.raises(DatasetError) as err:
        load_csv(tmp_path / "data.csv", "label", ["a", "b"])
    assert said in str(err.value) and str(tmp_path / "data.csv") in str(err.value)


def test_csv_classification_runs(tmp_path):
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = np.where(X[:, 0] + X[:, 1] > 0, "pos", "neg")
    lines = ["f1,f2,f3,label"] + [f"{a:.4f},{b:.4f},{c:.4f},{l}" for (a, b, c), l in zip(X, y)]
    (tmp_path / "t.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = write_spec(tmp_path, "[data]\ndataset='csv'\npath='t.csv'\ntarget='label'\n"
                                "[model]\nfamily='linear'\n[train]\nepochs=30\nlr=0.05\n[eval]\nfolds=3\n")
    s = run_spec(load_spec(spec), runs_dir=tmp_path / "runs")
    assert s["status"] == "done", s["message"]
    assert s["metrics"]["accuracy"] > 0.8  # a linearly separable rule


class Crash(Exception):
    pass


def test_crash_resumes_from_the_last_periodic_checkpoint(tmp_path):
    spec = write_spec(tmp_path, SMALL_IRIS)
    over = ["train.epochs=7", "train.early_stopping=0", "train.checkpoint_minutes=0"]
    base = run_spec(load_spec(spec, over), runs_dir=tmp_path / "a")
    seen = []

    def emit(ev):  # the process "dies" in fold 1 after epoch 5 (checkpoints after every epoch)
        seen.append(ev)
        if ev["event"] == "epoch" and ev["fold"] == 1 and ev["epoch"] == 5:
            raise Crash()

    with pytest.raises(Crash):
        run_spec(load_spec(spec, over), runs_dir=tmp_path / "b", emit=emit)
    run_id = seen[0]["run_id"]
    folder = RunFolder(tmp_path / "b" / run_id)
    assert folder.read_json("status.json")["status"] == "failed"
    assert any(e["event"] == "checkpoint" and e.get("reason") == "periodic" and e.get("epoch") == 4 and e["fold"] == 1 for e in seen)
    done = resume_run(run_id, runs_dir=tmp_path / "b")
    assert done["status"] == "done"
    assert [f["metrics"] for f in done["folds"]] == [f["metrics"] for f in base["folds"]]
    assert _epochs(done["folder"]) == _epochs(base["folder"])  # the lost epoch 5 is not there twice


def test_budget_stops_each_fold_after_its_current_epoch(tmp_path):
    spec = write_spec(tmp_path, SMALL_IRIS)
    s = run_spec(load_spec(spec, ["budget.max_minutes=0.000001", "train.early_stopping=0"]), runs_dir=tmp_path / "r")
    assert s["status"] == "done"
    assert all(f["budget_stopped"] and f["epochs"] == 1 for f in s["folds"])


def test_torch_global_settings_are_restored(tmp_path):
    import torch

    before = (torch.are_deterministic_algorithms_enabled(), torch.get_num_threads())
    run_spec(load_spec(write_spec(tmp_path, SMALL_IRIS), ["train.epochs=1"]), runs_dir=tmp_path / "r")
    assert (torch.are_deterministic_algorithms_enabled(), torch.get_num_threads()) == before


def test_a_run_whose_process_is_gone_reads_as_interrupted(tmp_path):
    import subprocess
    import sys

    from gapscope.experiments.runner import effective_status

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    import platform

    st = {"run_id": "x", "status": "running", "pid": dead.pid, "host": platform.node(), "folder": "f", "folds": []}
    assert effective_status(st) == "interrupted"
    import os

    assert effective_status(dict(st, pid=os.getpid())) == "running"
    # a library row still "running" takes its folder's word (the window's History lists it so, resumable)
    from gapscope.experiments.runner import row_status

    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "status.json").write_text(json.dumps(st), encoding="utf-8")
    assert row_status({"id": "x", "status": "running", "folder": str(folder)}) == "interrupted"
    assert row_status({"id": "x", "status": "cancelled", "folder": str(folder)}) == "cancelled"
    assert row_status({"id": "x", "status": "running", "folder": str(tmp_path / "gone")}) == "running"


def test_resume_reads_a_relative_csv_path_beside_the_spec_not_the_run_folder(tmp_path, library):
    """A spec kept beside its data (`path = "data/t.csv"`): the resumed run reads the CSV the first session read,
    not a "t.csv" under the run folder, which holds only a copy of the spec."""
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    (tmp_path / "project" / "data").mkdir(parents=True)
    rows = ["f1,f2,label"] + [f"{a:.4f},{b:.4f},{'pos' if a > 0 else 'neg'}" for a, b in X]
    (tmp_path / "project" / "data" / "t.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    spec = write_spec(tmp_path / "project", "[data]\ndataset='csv'\npath='data/t.csv'\ntarget='label'\n"
                                            "[model]\nfamily='linear'\n[train]\nepochs=6\nearly_stopping=0\n"
                                            "[eval]\nfolds=2\n")
    c = run_spec(load_spec(spec), runs_dir=tmp_path / "runs", library_path=str(library.path), cancel=CancelAfter(3))
    assert c["status"] == "cancelled"
    done = resume_run(c["run_id"], runs_dir=tmp_path / "runs", library_path=str(library.path))
    assert done["status"] == "done", done["message"]
    assert len(done["folds"]) == 2


@pytest.mark.parametrize("extra, said", [
    ("[eval]\nfolds=2\n", "12 rows cannot be split as the spec asks (eval.folds = 2, train.val_fraction = 0.1)"),
    ("[eval]\nsplit='holdout'\ntest_fraction=0.1\n", "12 rows cannot be split as the spec asks (eval.test_fraction"),
])
def test_data_too_small_for_the_validation_or_holdout_split_is_refused_before_the_run(tmp_path, library, extra, said):
    """Enough rows per class for the folds, too few for a fold's validation part (a stratified split needs a
    row of each class there): that was a ValueError traceback and a "failed" run in the history."""
    from gapscope.experiments.datasets import DatasetError

    (tmp_path / "t.csv").write_text("f1,label\n" + "".join(f"{i},{'a' if i % 2 else 'b'}\n" for i in range(12)),
                                    encoding="utf-8")
    spec = write_spec(tmp_path, "[data]\ndataset='csv'\npath='t.csv'\ntarget='label'\n[model]\nfamily='linear'\n"
                                "[train]\nepochs=1\n" + extra)
    with pytest.raises(DatasetError) as err:
        run_spec(load_spec(spec), runs_dir=tmp_path / "runs", library_path=str(library.path))
    assert said in str(err.value) and "give more rows" in str(err.value)
    assert not (tmp_path / "runs").exists() and library.list_runs() == []


def test_a_run_resumed_in_a_library_names_that_library_when_it_stops_again(tmp_path, library):
    """A backup's copy of a run names no library (and a moved library is elsewhere): resumed with one and
    cancelled again, the resume command it prints must name the library this session recorded in, or a
    plain `gapscope run --resume` would record the rest of the run in the default library."""
    spec = write_spec(tmp_path, SMALL_IRIS)
    c = run_spec(load_spec(spec), runs_dir=tmp_path / "runs", library_path=str(library.path), cancel=CancelAfter(3))
    folder = RunFolder(c["folder"])
    status = folder.read_json("status.json")
    status.pop("library")                            # as a backup writes its copy
    folder.write_json("status.json", status)
    again = resume_run(c["run_id"], runs_dir=tmp_path / "runs", library_path=str(library.path),
                       cancel=CancelAfter(3))
    assert again["status"] == "cancelled"
    assert f"gapscope -L {library.path.resolve()} run --resume {c['run_id']}" in again["message"]
    assert folder.read_json("status.json")["library"] == str(library.path.resolve())
