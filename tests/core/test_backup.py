"""`gapscope backup`: a library you can open and restore from (database, attached PDFs, run folders),
built beside the destination and renamed into place, so a cancelled backup leaves nothing."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.diagnostics import last_errors
from gapscope.jobs import Cancelled, CancelToken
from gapscope.store import Library

from .library_files import library_with_files


def cli(library, *args):
    return CliRunner().invoke(main, ["--library", str(library), *args], catch_exceptions=False)


@pytest.fixture
def library(tmp_path, shared_data):
    return library_with_files(tmp_path, shared_data)


def test_backup_holds_the_pdfs_and_runs_and_opens_as_a_library(library, tmp_path):
    path, pids, run_dir = library
    dest = tmp_path / "back up ü.gapscope"
    r = cli(path, "backup", str(dest))
    assert r.exit_code == 0, r.output
    assert "2 papers, 2 PDFs, 1 runs" in r.output
    shown = json.loads(cli(dest, "pdf", "show", str(pids[0]), "--json").output)
    assert Path(shown[0]["path"]).is_file()
    assert Path(shown[0]["path"]).parent == dest / "files"
    shutil.rmtree(path / "files")                       # the backup does not lean on the original
    out = tmp_path / "out.pdf"
    assert cli(dest, "pdf", "export", str(pids[1]), "-o", str(out)).exit_code == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    assert (dest / "experiments" / "iris.toml").read_text() == 'name = "iris"\n'
    copied = dest / "runs" / run_dir.name
    assert (copied / "checkpoints" / "best-s0-f0.pt").stat().st_size == 5000
    status = json.loads((copied / "status.json").read_text())
    assert "library" not in status and status["folder"] == str(copied)   # not where the backup was made
    with Library(dest) as lib:
        assert lib.get_run(run_dir.name)["folder"] == str(copied)
    shown = json.loads(cli(dest, "runs", "show", run_dir.name, "--json").output)
    assert shown["folder"] == str(copied)


def test_backup_json_counts_and_refuses_a_non_empty_destination(library, tmp_path):
    path, _pids, run_dir = library
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine")
    r = cli(path, "backup", str(full))
    assert r.exit_code == 1 and "not empty" in r.output
    assert [p.name for p in full.iterdir()] == ["keep.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    r = cli(path, "backup", str(empty), "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    sizes = sum(f.stat().st_size for f in empty.rglob("*") if f.is_file())
    assert (data["pdfs"], data["runs"], data["missing"], data["bytes"]) == (2, 1, [], sizes)


def test_cancelled_backup_leaves_no_destination(library, tmp_path):
    path, _pids, _run = library
    dest = tmp_path / "cancelled.gapscope"
    token = CancelToken()
    seen = []

    def progress(done, total, message=""):
        seen.append(message)
        if message.startswith("PDF"):                # the database is in, the files are being copied
            token.cancel()

    with Library(path) as lib, pytest.raises(Cancelled):
        lib.backup_to(dest, progress=progress, cancel=token)
    assert "database" in seen and any(m.startswith("PDF") for m in seen)
    assert not dest.exists()
    assert not [p.name for p in tmp_path.iterdir() if "cancelled" in p.name]       # no half backup either


def test_a_missing_pdf_is_named_and_the_rest_backed_up(library, tmp_path):
    path, pids, run_dir = library
    with Library(path) as lib:
        gone = lib.files_folder() / lib.attachments_of(pids[0])[0]["stored_name"]
    gone.unlink()
    dest = tmp_path / "copy.gapscope"
    r = cli(path, "backup", str(dest))
    assert r.exit_code == 3, r.output
    assert f"the PDF file of paper {pids[0]} is missing: {gone}" in r.output
    assert "1 PDFs, 1 runs" in r.output
    assert "1 referenced file was missing and is not in the backup" in r.output
    with Library(dest) as lib:
        kept = lib.files_folder() / lib.attachments_of(pids[1])[0]["stored_name"]
    assert kept.is_file() and (dest / "runs" / run_dir.name / "status.json").is_file()
    assert any(f"paper {pids[0]} is missing" in e for e in last_errors())


def test_a_full_destination_disk_is_named_as_such_and_leaves_nothing(library, tmp_path, monkeypatch):
    import sqlite3

    from gapscope.store import backup as backup_module

    path, _pids, _run = library
    dest = tmp_path / "kill" / "a.gapscope"

    def full_disk(src, dst, *args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backup_module, "_copy_file", full_disk)
    r = cli(path, "backup", str(dest))
    assert r.exit_code == 1, r.output
    assert f"backup not made: the destination's disk is full ({dest})" in r.output
    assert "the last change was not written" not in r.output
    assert not dest.exists() and not [p for p in dest.parent.iterdir() if p.name.endswith(".partial")]


def test_the_partial_folder_of_a_killed_backup_is_removed_by_the_next(library, tmp_path):
    from gapscope.store.backup import _MARKER, _PartialMarker

    path, _pids, _run = library
    killed = tmp_path / ".new.gapscope.x1y2.partial"      # its backup died: its marker is not locked
    (killed / "files").mkdir(parents=True)
    (killed / _MARKER).write_text("999999 elsewhere\n")
    live = tmp_path / ".new.gapscope.a1b2.partial"       # a backup still in progress holds its marker
    live.mkdir()
    marker = _PartialMarker(live)
    marker.take()
    unmarked = tmp_path / ".new.gapscope.c3d4.partial"   # no marker (yet): never taken for a killed one
    (unmarked / "files").mkdir(parents=True)
    os.utime(unmarked, (0, 0))
    elsewhere = tmp_path / ".other.gapscope.e5f6.partial"   # a backup to another destination: its own business
    (elsewhere / "files").mkdir(parents=True)
    (elsewhere / _MARKER).write_text("999999 elsewhere\n")
    foreign = tmp_path / ".mine.partial"                 # not a backup's folder: never touched
    (foreign / "notes.txt").parent.mkdir()
    (foreign / "notes.txt").write_text("keep")
    try:
        assert cli(path, "backup", str(tmp_path / "new.gapscope")).exit_code == 0
        assert not killed.exists()
        assert live.is_dir() and unmarked.is_dir() and elsewhere.is_dir()
        assert (foreign / "notes.txt").read_text() == "keep"
    finally:
        marker.release()
    assert not (tmp_path / "new.gapscope" / _MARKER).exists()


@pytest.mark.skipif(sys.platform == "win32", reason="the marker is a flock")
def test_a_partial_folders_marker_appears_only_once_locked(tmp_path, monkeypatch):
    import fcntl

    from gapscope.store.backup import _MARKER, _PartialMarker

    seen = []
    real_flock = fcntl.flock
    monkeypatch.setattr(fcntl, "flock", lambda fh, op: (seen.append((tmp_path / _MARKER).exists()), real_flock(fh, op)))
    marker = _PartialMarker(tmp_path)
    marker.take()
    try:
        assert seen == [False] and (tmp_path / _MARKER).is_file()
        assert [p.name for p in tmp_path.iterdir()] == [_MARKER]
        assert not _PartialMarker.is_stale(tmp_path)
    finally:
        marker.release()
    assert _PartialMarker.is_stale(tmp_path)


def test_a_backup_inside_the_library_folder_is_refused(library):
    path, _pids, _run = library
    r = cli(path, "backup", str(path / "inner.gapscope"))
    assert r.exit_code == 1 and "a backup inside the library dies with it" in r.output
    assert not (path / "inner.gapscope").exists()
    assert not [p for p in path.iterdir() if p.name.endswith(".partial")]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names the synced files through /proc")
def test_the_backup_is_synced_before_it_is_renamed_into_place(library, tmp_path, monkeypatch):
    import os

    path, _pids, _run = library
    synced, renamed = [], []
    real_fsync, real_rename = os.fsync, os.rename
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(os.readlink(f"/proc/self/fd/{fd}")), real_fsync(fd)))
    monkeypatch.setattr(os, "rename", lambda a, b: (renamed.append((len(synced), str(b))), real_rename(a, b)))
    dest = tmp_path / "synced.gapscope"
    assert cli(path, "backup", str(dest)).exit_code == 0
    before = synced[:renamed[-1][0]]
    assert any(p.endswith("library.sqlite") for p in before)
    assert sum(".pdf" in p for p in before) == 2
    assert synced[renamed[-1][0]:] == [str(tmp_path)]     # the parent folder, after the rename


def test_a_run_that_changes_while_copied_is_backed_up_and_named(library, tmp_path, monkeypatch):
    """A run in progress replaces its checkpoints and appends to its logs: a file that vanishes or grows
    during the copy is taken as it is, and the report says the run's copy may be partial."""
    from gapscope.store import backup as backup_module

    path, _pids, run_dir = library
    real_copy = backup_module._copy_file

    def runner_writes_meanwhile(src, dst, *args, **kwargs):
        if src.name == "best-s0-f0.pt":
            src.unlink()                                  # a checkpoint replaced by a better one
        elif src.name == "spec.toml":
            with open(src, "a") as fh:                    # a log appended to
                fh.write("# more\n")
        return real_copy(src, dst, *args, **kwargs)

    monkeypatch.setattr(backup_module, "_copy_file", runner_writes_meanwhile)
    dest = tmp_path / "during.gapscope"
    r = cli(path, "backup", str(dest))
    assert r.exit_code == 0, r.output
    assert f"run {run_dir.name} was running; its copy may be partial" in r.stderr
    copied = dest / "runs" / run_dir.name
    assert (copied / "status.json").is_file() and not (copied / "checkpoints" / "best-s0-f0.pt").exists()
    assert (copied / "spec.toml").read_text().endswith("# more\n")
    with Library(dest) as lib:
        assert lib.get_run(run_dir.name) is not None


def test_a_pdf_that_changes_while_copied_still_fails_the_backup(library, tmp_path, monkeypatch):
    from gapscope.store import backup as backup_module

    path, _pids, _run = library
    real_copy = backup_module._copy_file

    def grows(src, dst, *args, **kwargs):
        if src.suffix == ".pdf":
            with open(src, "ab") as fh:
                fh.write(b"\0")
        return real_copy(src, dst, *args, **kwargs)

    monkeypatch.setattr(backup_module, "_copy_file", grows)
    dest = tmp_path / "bad.gapscope"
    r = cli(path, "backup", str(dest))
    assert r.exit_code == 1 and "bytes" in r.output
    assert not dest.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="run.lock is a flock")
def test_a_run_holding_its_lock_is_named_as_running(library, tmp_path):
    from gapscope.experiments.runner import RunFolder, RunLock

    path, _pids, run_dir = library
    lock = RunLock(RunFolder(run_dir))
    assert lock.acquire()
    try:
        r = cli(path, "backup", "--json", str(tmp_path / "live.gapscope"))
    finally:
        lock.release()
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["notes"] == [f"run {run_dir.name} was running; its copy may be partial"]


def test_the_database_is_copied_in_steps_that_cancel_can_stop(library, tmp_path, monkeypatch):
    """A big database is seconds of copying: progress and Cancel between steps, not after the copy."""
    from gapscope.store import backup as backup_module

    monkeypatch.setattr(backup_module, "BACKUP_STEP_PAGES", 2)
    path, _pids, _run = library
    dest = tmp_path / "stopped.gapscope"
    token = CancelToken()
    steps = []

    def progress(done, total, message=""):
        if message == "database" and done:
            steps.append((done, total))
            if len(steps) == 2:
                token.cancel()

    with Library(path) as lib, pytest.raises(Cancelled):
        lib.backup_to(dest, progress=progress, cancel=token)
    assert len(steps) == 2 and steps[0][0] < steps[1][0] < steps[1][1]     # stopped half-way through
    assert not dest.exists()


def test_a_commit_during_the_database_copy_neither_restarts_it_nor_enters_it(library, tmp_path, monkeypatch):
    from gapscope.store import backup as backup_module

    monkeypatch.setattr(backup_module, "BACKUP_STEP_PAGES", 2)
    path, pids, _run = library
    dest = tmp_path / "snapshot.gapscope"
    steps = []

    def progress(done, total, message=""):
        if message == "database" and done:
            steps.append(done)
            if len(steps) == 1:                     # another process tags a paper between two steps
                with Library(path) as other:
                    other.add_tag([pids[0]], "added-meanwhile")

    with Library(path) as lib:
        lib.backup_to(dest, progress=progress)
    assert steps == sorted(steps) and len(steps) == len(set(steps))     # never started over
    with Library(dest) as copy:
        assert "added-meanwhile" not in copy.tags_of(pids[0])
    with Library(path) as lib:
        assert "added-meanwhile" in lib.tags_of(pids[0])
