"""A folder of PDFs being attached when its process is killed: its run of the import log reads
"interrupted" with the PDFs it had attached (never "running" for ever), in a connection opened before
the kill (the desktop's), in a library opened read-only, after the next open, and in `gapscope imports`;
its message says to attach the folder again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from gapscope.store import Library
from gapscope.store.library import ReadOnlyLibrary

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PDFS = ("cs/2304.02623v1.pdf", "cs/2020.acl-main.447.pdf", "cs/papermage.pdf")

# attach the folder, and die (SIGKILL, as a crash in the PDF parser or a kill would) at its third PDF
_CHILD = """
import os, signal, sys
from gapscope.fulltext import attach
from gapscope.store import Library

real, seen = attach.attach_file, []
def attach_file(*args, **kwargs):
    seen.append(args)
    if len(seen) == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)
attach.attach_file = attach_file
attach.attach_paths(Library(sys.argv[1]), [sys.argv[2]])
"""


@pytest.fixture
def killed(tmp_path, shared_data):
    """(library path, folder, a Library opened before the kill)."""
    folder = tmp_path / "pdfs"
    folder.mkdir()
    for rel in PDFS:
        shutil.copyfile(shared_data / "pdfs" / rel, folder / rel.split("/")[-1])
    path = tmp_path / "review.gapscope"
    held = Library(path, create=True)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(ROOT, "core"), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(folder)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == -9, proc.stderr
    yield path, folder, held
    held.close()


def _check(run, folder):
    assert run["status"] == "interrupted"
    assert (run["target"], run["read"], run["added"]) == (str(folder.resolve()), 2, 2)   # what it had attached
    assert "attach the same folder or files again" in run["message"]


def test_a_connection_opened_before_the_kill_reads_it_interrupted(killed):
    path, folder, held = killed
    [run] = held.imports_log()
    _check(run, folder)
    _check(held.import_entry(run["id"]), folder)
    assert held.count_papers() == 2


def test_a_library_opened_read_only_reads_it_interrupted(killed):
    path, folder, _held = killed
    ro = ReadOnlyLibrary(path)
    try:
        [run] = ro.imports_log(lists=False)
        _check(run, folder)
    finally:
        ro.close()


def test_the_next_open_marks_it_and_the_cli_shows_it(killed):
    from gapscope.cli import main

    path, folder, held = killed
    held.close()
    lib = Library(path)
    try:
        [run] = lib.imports_log()
        _check(run, folder)
        assert lib._conn.execute("SELECT status FROM imports").fetchone()[0] == "interrupted"   # stored, too
    finally:
        lib.close()
    listed = CliRunner().invoke(main, ["--library", str(path), "imports"])
    assert listed.exit_code == 0 and f"pdf {folder.resolve()}: interrupted, read 2, added 2" in listed.output
    shown = CliRunner().invoke(main, ["--library", str(path), "imports", str(run["id"])])
    assert "attach the same folder or files again" in shown.output


def test_attaching_the_folder_again_completes_it(killed):
    from gapscope.fulltext import attach as attach_mod

    path, folder, held = killed
    results = attach_mod.attach_paths(held, [folder])
    assert sorted(r.status for r in results) == ["already-attached", "already-attached", "new-paper"]
    assert held.count_papers() == 3
    runs = held.imports_log()
    assert [r["status"] for r in runs] == ["done", "interrupted"]
