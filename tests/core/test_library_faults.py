"""A failure of the library itself says what happened, with its own exit code, and changes nothing:
a disk I/O error, a locked database, a full disk, a read-only library, a file that is not SQLite,
another program's SQLite database, a library from a newer GapScope, a damaged file."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.store import (DiskFull, DiskIOError, Library, LibraryDamaged, LibraryLocked, LibraryReadOnly,
                            NewerLibrary, NotALibrary, library_fault)

ROOT = Path(__file__).resolve().parents[2]
HEAD200 = "arxiv/kaggle-snapshot-head200.jsonl"


def cli(library: Path, *args: str):
    return CliRunner().invoke(main, ["--library", str(library), *args], catch_exceptions=False)


@pytest.fixture
def small_library(tmp_path, shared_data) -> Path:
    path = tmp_path / "review.gapscope"
    assert cli(path, "import", "--quiet", str(shared_data / HEAD200)).exit_code == 0
    return path


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_library_folder_and_a_plain_file_both_open(tmp_path, shared_data):
    folder = tmp_path / "new.gapscope"
    assert "Created library" in cli(folder, "init").output
    assert (folder / "library.sqlite").exists()
    plain = tmp_path / "old.sqlite"                  # libraries made before folders keep working
    assert cli(plain, "import", "--quiet", str(shared_data / HEAD200)).exit_code == 0
    assert json.loads(cli(plain, "stats", "--json").output)["papers"] == 200


def test_another_programs_database_is_refused_and_left_untouched(tmp_path):
    db = tmp_path / "zotero.sqlite"
    conn = sqlite3.connect(db)
    conn.executescript("CREATE TABLE items (id INTEGER PRIMARY KEY, title TEXT);"
                       "INSERT INTO items (title) VALUES ('a paper');")
    conn.close()
    before = _files(tmp_path)
    for args in (("stats",), ("init",), ("papers", "list"), ("annotate", "note", "1", "x")):
        r = cli(db, *args)
        assert r.exit_code == 14, (args, r.output)
        assert "not a GapScope library" in r.output and "items" in r.output and "untouched" in r.output
    assert _files(tmp_path) == before           # no schema added, no WAL switch, no -wal / -shm left
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["items"]


def test_a_file_that_is_not_sqlite_is_refused(tmp_path, shared_data):
    bib = tmp_path / "refs.bib"
    shutil.copy(shared_data / HEAD200, bib)
    before = bib.read_bytes()
    r = cli(bib, "stats")
    assert r.exit_code == 14 and "not an SQLite database" in r.output
    assert bib.read_bytes() == before


def test_a_library_from_a_newer_gapscope_is_refused(small_library):
    lib = Library(small_library)
    with lib.transaction() as conn:
        conn.execute("INSERT INTO migrations (name, applied_at) VALUES ('9900_from_the_future', 'x')")
    lib.close()
    r = cli(small_library, "stats")
    assert r.exit_code == 15 and "newer GapScope" in r.output and "9900_from_the_future" in r.output


def test_a_disk_io_error_is_not_called_a_missing_library(small_library, monkeypatch):
    def broken(self):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Library, "stats", broken)
    r = cli(small_library, "stats")
    assert r.exit_code == 16
    assert "failed at the disk" in r.output and "not a GapScope library" not in r.output


def test_a_damaged_library_says_so(small_library):
    import gc

    gc.collect()                             # the CLI runs above left no connection open
    db = small_library / "library.sqlite"
    Library(small_library).close()          # the last connection checkpoints: everything is in the main file
    assert not Path(str(db) + "-wal").exists()
    os.truncate(db, 16384)                  # an interrupted copy: the first two pages only
    r = cli(small_library, "stats")
    assert r.exit_code == 17 and "damaged" in r.output


def test_a_full_disk_keeps_what_was_committed(small_library, monkeypatch):
    """SQLITE_FULL injected with max_page_count: the note is refused whole, the library stays sound."""
    real_connect = Library._connect

    def capped(self, db):
        conn, tables = real_connect(self, db)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count={pages + 2}")
        return conn, tables

    assert cli(small_library, "annotate", "note", "1", "a short note").exit_code == 0
    monkeypatch.setattr(Library, "_connect", capped)
    r = cli(small_library, "annotate", "note", "1", "x" * 200_000)
    assert r.exit_code == 12 and "is full" in r.output
    monkeypatch.undo()
    lib = Library(small_library)
    assert [n["body"] for n in lib.notes_of(1)] == ["a short note"]
    assert lib._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    lib.close()


def test_a_library_locked_past_our_patience_says_so(small_library, monkeypatch):
    Library(small_library).close()
    holder = sqlite3.connect(small_library / "library.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        monkeypatch.setattr(Library.__init__, "__kwdefaults__",
                            {"create": True, "busy_timeout_s": 0.05, "lock_patience_s": 0.3})
        r = cli(small_library, "annotate", "note", "1", "while locked")
        assert r.exit_code == 11 and "locked by another GapScope process" in r.output
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_write_that_finds_the_lock_taken_says_so_before_it_waits(small_library):
    lib = Library(small_library, lock_patience_s=30)
    told: list[str] = []
    lib.on_lock_wait = lambda: told.append("waiting")
    lib.add_note(1, "no one else writes")
    assert told == []                                   # a free lock: nothing to say
    holder = sqlite3.connect(small_library / "library.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")

    def other_process_done():                           # told first, then the other writer finishes
        told.append("waiting")
        holder.execute("ROLLBACK")

    lib.on_lock_wait = other_process_done
    lib.on_lock_taken = lambda: told.append("taken")
    try:
        lib.add_note(1, "written once the lock is free")
    finally:
        holder.close()
    assert told == ["waiting", "taken"]                 # the wait is over before the write goes on
    lib.add_note(1, "a free lock again")
    assert told == ["waiting", "taken"]                 # no wait, nothing to say
    assert [n["body"] for n in lib.notes_of(1)] == ["no one else writes", "written once the lock is free",
                                                    "a free lock again"]
    lib.close()


def _read_only_copy(small_library: Path) -> tuple[Path, list[str]]:
    """A library this test's second process cannot write, and the command prefix that runs it so:
    as root (permissions do not bind root) the process runs as nobody over root's files."""
    Library(small_library).close()
    top = Path(tempfile.mkdtemp(prefix="gapscope-ro-"))
    os.chmod(top, 0o755)
    folder = top / "shared.gapscope"
    shutil.copytree(small_library, folder)
    for p in folder.iterdir():
        os.chmod(p, 0o444)
    os.chmod(folder, 0o555)
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: cannot make a file read-only for this test")
        return folder, ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    return folder, []


def test_a_read_only_library_can_be_read_not_changed(small_library):
    folder, prefix = _read_only_copy(small_library)
    try:
        before = _files(folder)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "core"), os.environ.get("PYTHONPATH", "")]))
        run = lambda *a: subprocess.run([*prefix, sys.executable, "-m", "gapscope", "--library", str(folder), *a],  # noqa: E731
                                        env=env, capture_output=True, text=True, timeout=120, cwd="/")
        r = run("stats", "--json")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["papers"] == 200
        r = run("papers", "search", "--json", "diphoton")
        assert r.returncode == 0 and "0704.0001" in r.stdout
        r = run("annotate", "note", "1", "a note")
        assert r.returncode == 13 and "read-only" in r.stderr, r.stderr
        assert _files(folder) == before
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder.parent)


@pytest.mark.parametrize("text,kind,code", [
    ("database is locked", LibraryLocked, 11), ("database or disk is full", DiskFull, 12),
    ("attempt to write a readonly database", LibraryReadOnly, 13), ("file is not a database", NotALibrary, 14),
    ("disk I/O error", DiskIOError, 16), ("database disk image is malformed", LibraryDamaged, 17),
])
def test_each_sqlite_failure_has_its_own_kind_and_code(text, kind, code):
    fault = library_fault(sqlite3.OperationalError(text), "lib.gapscope")
    assert type(fault) is kind and fault.exit_code == code and "lib.gapscope" in str(fault)
    assert library_fault(sqlite3.IntegrityError("UNIQUE constraint failed: tags.name")) is None
    assert NewerLibrary.exit_code == 15


def test_importing_the_library_itself_is_refused_without_reading_it(small_library):
    db = small_library / "library.sqlite"
    r = cli(small_library, "import", "--quiet", str(db))
    assert r.exit_code != 0 and "library's own database" in r.output
    assert json.loads(cli(small_library, "stats", "--json").output)["papers"] == 200


def test_backup_goes_through_sqlite_while_the_library_is_open(small_library, tmp_path):
    holder = Library(small_library)           # the window, say: its locks must survive the backup
    holder.add_note(1, "kept in the backup")
    r = cli(small_library, "backup", str(tmp_path / "copy.gapscope"))
    assert r.exit_code == 0, r.output
    assert (small_library / "library.sqlite-wal").exists()
    copy = Library(tmp_path / "copy.gapscope")
    assert copy.count_papers() == 200 and [n["body"] for n in copy.notes_of(1)] == ["kept in the backup"]
    assert copy._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()
    assert cli(small_library, "backup", str(tmp_path / "copy.gapscope")).exit_code == 1
    holder.close()


def test_a_read_only_folder_whose_wal_holds_changes_says_they_cannot_be_read(tmp_path, monkeypatch):
    """Opened as immutable (no -shm, folder not writable), SQLite reads the main file only: changes still
    in the -wal are not shown, and the library says so. (The read-only folder is simulated: tests may
    run as root, where chmod does not stop writes.)"""
    import gapscope.store.library as store_lib
    from gapscope.store import Library

    src = tmp_path / "src.gapscope"
    Library(src).close()
    writer = sqlite3.connect(str(src / "library.sqlite"), isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("INSERT INTO settings (key, value) VALUES ('recent', '1')")   # committed, still in the -wal
    copy = tmp_path / "ro.gapscope"
    copy.mkdir()
    shutil.copyfile(src / "library.sqlite", copy / "library.sqlite")
    shutil.copyfile(src / "library.sqlite-wal", copy / "library.sqlite-wal")     # no -shm, as on a read-only share
    writer.close()
    assert (copy / "library.sqlite-wal").stat().st_size > 0

    real_connect = sqlite3.connect

    def read_only_folder(target, *args, **kwargs):   # what SQLite says without -shm in a folder it cannot write
        if "mode=ro" in str(target) and "immutable" not in str(target):
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return real_connect(target, *args, **kwargs)

    monkeypatch.setattr(store_lib, "_writable", lambda db: False)
    monkeypatch.setattr(store_lib.sqlite3, "connect", read_only_folder)
    with Library(copy) as lib:
        assert lib.read_only
        assert lib.get_setting("recent") is None                     # the -wal's change is not seen ...
        assert any("recent changes in library.sqlite-wal cannot be read from a read-only folder" in n
                   for n in lib.notices)                             # ... and the library says so
    r = _cli_in_process(copy, "stats")
    assert "note: recent changes in library.sqlite-wal cannot be read" in r.stderr


def _cli_in_process(library, *args):
    from click.testing import CliRunner

    from gapscope.cli import main

    return CliRunner().invoke(main, ["--library", str(library), *args], catch_exceptions=False)
