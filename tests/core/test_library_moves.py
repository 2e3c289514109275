"""A library folder can be moved, or a backup put in its place, without cutting off its experiment runs:
run folders and launched specs inside the library are recorded relative to it ("runs/ID") and found where
the library is now; older absolute records into a library folder that moved are found there too."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from gapscope.cli import main
from gapscope.store import Library


def cli(library, *args):
    return CliRunner().invoke(main, ["--library", str(library), *args], catch_exceptions=False)


def _run_folder(lib_path: Path, run_id: str, status: str = "done") -> Path:
    """A run folder as the runner leaves it, inside the library (killed while it finished: no result.json)."""
    folder = lib_path / "runs" / run_id
    (folder / "checkpoints").mkdir(parents=True)
    (folder / "status.json").write_text(json.dumps({
        "run_id": run_id, "status": status, "name": "iris", "folder": str(folder.resolve()),
        "library": str(lib_path), "folds": [], "gap_id": None, "papers": []}))
    (folder / "spec.toml").write_text('name = "iris"\n')
    return folder


def _library_with_run(tmp_path, name="mv1.gapscope", run_id="20260101-000000-iris-ab12"):
    path = tmp_path / name
    with Library(path) as lib:
        folder = _run_folder(path, run_id)
        (path / "experiments").mkdir()
        spec = path / "experiments" / "spec-1.toml"
        spec.write_text('name = "iris"\n')
        lib.insert_run(run_id=run_id, name="iris", spec_path=str(spec), spec='name = "iris"\n',
                       folder=str(folder.resolve()), status="done", gap_id=None,
                       created_at="2026-01-01T00:00:00+00:00", papers=[])
    return path, run_id


def _raw_paths(path, run_id):
    with Library(path) as lib, lib.transaction() as conn:
        return tuple(conn.execute("SELECT folder, spec_path FROM runs WHERE id = ?", (run_id,)).fetchone())


def test_runs_are_recorded_relative_and_found_after_the_library_moves(tmp_path):
    path, run_id = _library_with_run(tmp_path)
    assert _raw_paths(path, run_id) == (f"runs/{run_id}", "experiments/spec-1.toml")
    moved = tmp_path / "moved.gapscope"
    path.rename(moved)
    with Library(moved) as lib:
        row = lib.get_run(run_id)
        assert row["folder"] == str(moved.absolute() / "runs" / run_id)
        assert row["spec_path"] == str(moved.absolute() / "experiments" / "spec-1.toml")
        assert [r["folder"] for r in lib.list_runs()] == [row["folder"]]
        assert lib.report_run_rows()[0][7] == row["folder"]
    shown = json.loads(cli(moved, "runs", "show", run_id, "--json").output)
    assert shown["folder"] == str((moved / "runs" / run_id).absolute())
    r = cli(moved, "run", "--resume", run_id, "--json", "-q")       # killed while it finished: completes it
    assert r.exit_code == 0, r.output
    assert (moved / "runs" / run_id / "result.json").is_file()
    r = cli(moved, "backup", str(tmp_path / "bk3.gapscope"))
    assert r.exit_code == 0, r.output
    assert "1 runs" in r.output


def test_a_restored_backup_finds_its_runs_under_its_new_name(tmp_path):
    path, run_id = _library_with_run(tmp_path)
    bk = tmp_path / "bk.gapscope"
    assert cli(path, "backup", str(bk)).exit_code == 0
    assert _raw_paths(bk, run_id) == (f"runs/{run_id}", "experiments/spec-1.toml")
    restored = tmp_path / "r.gapscope"
    bk.rename(restored)                                    # restore: the backup in the library's place
    with Library(restored) as lib:
        assert lib.get_run(run_id)["folder"] == str(restored.absolute() / "runs" / run_id)
    r = cli(restored, "backup", str(tmp_path / "again.gapscope"))
    assert r.exit_code == 0 and "1 runs" in r.output, r.output


def test_old_absolute_records_into_a_moved_library_folder_are_found(tmp_path):
    path, run_id = _library_with_run(tmp_path)
    with Library(path) as lib, lib.transaction() as conn:   # as recorded before paths were relative
        conn.execute("UPDATE runs SET folder = ?, spec_path = ?", (str(path / "runs" / run_id),
                                                                   str(path / "experiments" / "spec-1.toml")))
    moved = tmp_path / "moved.gapscope"
    shutil.move(str(path), str(moved))
    with Library(moved) as lib:
        row = lib.get_run(run_id)
    assert row["folder"] == str(moved.absolute() / "runs" / run_id)
    assert row["spec_path"] == str(moved.absolute() / "experiments" / "spec-1.toml")
    dest = tmp_path / "bk3.gapscope"
    r = cli(moved, "backup", str(dest))
    assert r.exit_code == 0 and "1 runs" in r.output, r.output
    assert _raw_paths(dest, run_id) == (f"runs/{run_id}", "experiments/spec-1.toml")


def test_a_run_folder_outside_the_library_stays_absolute(tmp_path):
    path = tmp_path / "a.gapscope"
    outside = tmp_path / "elsewhere" / "r1"
    outside.mkdir(parents=True)
    with Library(path) as lib:
        lib.insert_run(run_id="r1", name="x", spec_path=None, spec="", folder=str(outside), status="done",
                       gap_id=None, created_at="2026", papers=[])
        assert lib.get_run("r1")["folder"] == str(outside)
    assert _raw_paths(path, "r1") == (str(outside), None)
