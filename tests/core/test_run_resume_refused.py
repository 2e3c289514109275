"""`gapscope run --resume RUN` of a run that cannot be resumed says why, with an exit code of its own:
6 for a run still running or already finished, 4 (not found) only for a run id that does not exist."""

from __future__ import annotations

import json
import os
import platform

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.commands.common import EXIT_NOT_FOUND, EXIT_NOT_NOW


def _run_folder(runs, run_id: str, status: str, pid: int) -> dict:
    folder = runs / run_id
    (folder / "checkpoints").mkdir(parents=True)
    st = {"run_id": run_id, "status": status, "name": "iris", "folder": str(folder.resolve()), "spec_path": None,
          "library": None, "gap_id": None, "papers": [], "started_at": "2026-01-05T10:00:00+00:00",
          "finished_at": None if status == "running" else "2026-01-05T10:01:00+00:00", "message": None,
          "folds": [], "seconds": 0.0, "pid": pid, "host": platform.node()}
    (folder / "status.json").write_text(json.dumps(st), encoding="utf-8")
    if status == "done":
        (folder / "result.json").write_text(json.dumps({"run_id": run_id, "status": "done"}), encoding="utf-8")
    return st


def _resume(tmp_path, run_id: str, *extra: str):
    return CliRunner().invoke(main, ["-L", str(tmp_path / "lib.sqlite"), "run", "--resume", run_id,
                                     "--runs-dir", str(tmp_path / "runs"), *extra])


@pytest.mark.parametrize("status, said", [
    ("running", "is still running (pid {pid} "),
    ("done", "already finished; nothing to resume")])
def test_a_run_that_cannot_be_resumed_says_why_with_its_own_exit_code(tmp_path, status, said):
    pid = os.getppid()       # a live process other than this one: the run's trainer, as far as the check can tell
    _run_folder(tmp_path / "runs", "20260105-100000-iris-ab12", status, pid)
    before = (tmp_path / "runs" / "20260105-100000-iris-ab12" / "status.json").read_text(encoding="utf-8")
    r = _resume(tmp_path, "20260105-100000-iris-ab12")
    assert r.exit_code == EXIT_NOT_NOW != EXIT_NOT_FOUND, r.output
    assert f"run 20260105-100000-iris-ab12 {said.format(pid=pid)}" in r.stderr
    assert "no run" not in r.stderr
    assert (tmp_path / "runs" / "20260105-100000-iris-ab12" / "status.json").read_text(encoding="utf-8") == before
    streamed = _resume(tmp_path, "20260105-100000-iris-ab12", "--events", "jsonl")
    assert streamed.exit_code == EXIT_NOT_NOW
    event = json.loads(streamed.stdout.splitlines()[0])
    assert event["event"] == "error" and event["refused"] and said.format(pid=pid) in event["message"]


def test_an_unknown_run_is_still_not_found(tmp_path):
    (tmp_path / "runs").mkdir()
    r = _resume(tmp_path, "20260105-100000-nope-0000")
    assert r.exit_code == EXIT_NOT_FOUND and "no run '20260105-100000-nope-0000'" in r.stderr
