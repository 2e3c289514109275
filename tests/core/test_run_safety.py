"""Issue 17 #9 and #11: a live run cannot be resumed a second time, a run killed while it finished is
ended by --resume, a killed run's library row does not read 'running' forever, an unreadable resume.pt
and a nonsense learning rate give messages, and `run -q` still says why it failed."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.experiments.process import RunProcess
from gapscope.experiments.runner import RunError, RunFolder, resume_run, run_spec
from gapscope.experiments.spec import load_spec
from gapscope.store import Library

from ._experiments_helpers import SMALL_IRIS, write_spec

LONG = ("train.epochs=100000", "train.early_stopping=0", "budget.max_minutes=1")


def _started(tmp_path, lib=None):
    spec = write_spec(tmp_path, SMALL_IRIS)
    events = []
    proc = RunProcess(spec, library=str(lib) if lib else None, runs_dir=str(tmp_path / "runs"), overrides=LONG,
                      on_event=events.append, env={"HF_HUB_OFFLINE": "1"}).start()
    while not any(e["event"] == "epoch" for e in events) and proc.returncode is None:
        time.sleep(0.05)
    assert proc.returncode is None, proc.stderr
    return proc, events


def _row_status(lib_path, run_id):
    lib = Library(lib_path)
    try:
        return lib._conn.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()[0]
    finally:
        lib.close()


def test_resume_of_a_live_run_is_refused(tmp_path):
    proc, events = _started(tmp_path)
    try:
        with pytest.raises(RunError, match="is still running"):
            resume_run(proc.run_id, runs_dir=tmp_path / "runs")
        r = CliRunner().invoke(main, ["--library", str(tmp_path / "lib.sqlite"), "run", "--resume", proc.run_id,
                                      "--runs-dir", str(tmp_path / "runs")])
        assert r.exit_code != 0 and "is still running" in r.output
    finally:
        proc.cancel()
        proc.wait(timeout=120)
    metrics = RunFolder(events[0]["folder"]).records()
    epochs = [(m["fold"], m["epoch"]) for m in metrics if m["kind"] == "epoch"]
    assert len(epochs) == len(set(epochs))  # one trainer wrote the folder


def test_kill_9_then_the_row_settles_and_resume_finishes(tmp_path):
    lib = tmp_path / "lib.sqlite"
    Library(lib).close()
    proc, events = _started(tmp_path, lib)
    os.kill(proc._proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert _row_status(lib, proc.run_id) == "running"
    listed = CliRunner().invoke(main, ["--library", str(lib), "runs", "list", "--json"])
    assert [r["status"] for r in json.loads(listed.stdout)] == ["interrupted"]
    assert _row_status(lib, proc.run_id) == "interrupted"  # the library row says so too, from now on
    done = resume_run(proc.run_id, runs_dir=tmp_path / "runs", library_path=str(lib))
    assert done["status"] == "done" and _row_status(lib, proc.run_id) == "done"


class Killed(BaseException):
    """The process dies here (kill -9): nothing after this line runs."""


def test_killed_while_finishing_is_ended_by_resume(tmp_path, monkeypatch):
    lib = tmp_path / "lib.sqlite"
    Library(lib).close()
    spec = write_spec(tmp_path, SMALL_IRIS)
    real = RunFolder.write_json

    def dies_while_writing_the_result(self, name, obj):
        if name == "result.json":
            raise Killed()
        real(self, name, obj)

    monkeypatch.setattr(RunFolder, "write_json", dies_while_writing_the_result)
    with pytest.raises(Killed):
        run_spec(load_spec(spec), runs_dir=tmp_path / "runs", library_path=str(lib))
    monkeypatch.setattr(RunFolder, "write_json", real)
    [folder] = [RunFolder(p) for p in (tmp_path / "runs").iterdir()]
    assert folder.read_json("status.json")["status"] != "done"  # never 'done' without result.json
    done = resume_run(folder.run_id, runs_dir=tmp_path / "runs", library_path=str(lib))
    assert done["status"] == "done" and (folder.path / "result.json").is_file()
    assert _row_status(lib, folder.run_id) == "done"


def test_done_without_result_json_is_completed_by_resume(tmp_path):
    """What the old finish order left after a kill -9: status.json 'done', no result.json, the row 'running'."""
    lib = tmp_path / "lib.sqlite"
    Library(lib).close()
    s = run_spec(load_spec(write_spec(tmp_path, SMALL_IRIS)), runs_dir=tmp_path / "runs", library_path=str(lib))
    folder = RunFolder(s["folder"])
    (folder.path / "result.json").unlink()
    with Library(lib) as l:
        with l.transaction() as conn:
            conn.execute("UPDATE runs SET status = 'running' WHERE id = ?", (s["run_id"],))
    done = resume_run(s["run_id"], runs_dir=tmp_path / "runs", library_path=str(lib))
    assert done["metrics"] == s["metrics"]
    assert json.loads((folder.path / "result.json").read_text())["metrics"] == s["metrics"]
    assert _row_status(lib, s["run_id"]) == "done"


class CancelAfter:
    def __init__(self, n: int) -> None:
        self.n, self.asked = n, 0

    @property
    def cancelled(self) -> bool:
        self.asked += 1
        return self.asked > self.n


def test_an_unreadable_resume_checkpoint_restarts_its_fold_with_a_warning(tmp_path):
    spec = write_spec(tmp_path, SMALL_IRIS)
    base = run_spec(load_spec(spec), runs_dir=tmp_path / "a")
    c = run_spec(load_spec(spec), runs_dir=tmp_path / "b", cancel=CancelAfter(40))
    folder = RunFolder(c["folder"])
    ckpt = folder.ckpt / "resume.pt"
    ckpt.write_bytes(ckpt.read_bytes()[:100])  # a checkpoint cut short (disk full, a copy interrupted)
    events = []
    done = resume_run(c["run_id"], runs_dir=tmp_path / "b", emit=events.append)
    assert done["status"] == "done"
    warnings = [e["message"] for e in events if e["event"] == "warning"]
    assert any("resume.pt cannot be read" in w and "starts again" in w for w in warnings)
    assert [f["metrics"] for f in done["folds"]] == [f["metrics"] for f in base["folds"]]


@pytest.mark.parametrize("value, message", [("1e300", "train.lr: must be <= 1000000000.0"),
                                            ("nan", "train.lr: must be a finite number")])
def test_a_nonsense_learning_rate_is_a_spec_error(tmp_path, value, message):
    spec = write_spec(tmp_path, SMALL_IRIS)
    r = CliRunner().invoke(main, ["--library", str(tmp_path / "l.sqlite"), "run", str(spec), "--set",
                                  f"train.lr={value}", "--runs-dir", str(tmp_path / "runs")])
    assert r.exit_code == 1 and message in r.output
    assert "Traceback" not in r.output


def test_run_quiet_still_says_why_it_failed(tmp_path):
    spec = write_spec(tmp_path, "[data]\ndataset='csv'\npath='missing.csv'\ntarget='label'\n"
                                "[model]\nfamily='linear'\n[eval]\nsplit='holdout'\n")
    r = CliRunner().invoke(main, ["--library", str(tmp_path / "l.sqlite"), "run", str(spec), "-q",
                                  "--runs-dir", str(tmp_path / "runs")])
    assert r.exit_code == 1
    assert "missing.csv" in r.output
