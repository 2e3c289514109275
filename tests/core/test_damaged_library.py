"""A damaged library still has a way out: `diagnostics` says what it can (versions, the file's sizes,
whether the main file alone is intact) and exits with the damage's code; `backup` saves the PDFs, runs
and specs without the database; a stray -wal beside an intact main file is named as a possible cause."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.store import Library
from gapscope.store.salvage import stray_wal_hint

from .library_files import library_with_files


def cli(library, *args):
    return CliRunner().invoke(main, ["--library", str(library), *args], catch_exceptions=False)


@pytest.fixture
def damaged(tmp_path, shared_data):
    path, pids, _outside_run = library_with_files(tmp_path, shared_data)
    run = path / "runs" / "r1"
    run.mkdir(parents=True)
    (run / "status.json").write_text("{}")
    db = path / "library.sqlite"
    size = db.stat().st_size
    with open(db, "r+b") as fh:                  # pages past the first overwritten: malformed
        fh.seek(8192)
        fh.write(b"\x5a" * (size - 8192))
    return path


def test_diagnostics_of_a_damaged_library_has_versions_and_exits_with_its_code(damaged):
    r = cli(damaged, "diagnostics")
    assert r.exit_code == 17, r.output
    info = json.loads(r.stdout)
    assert info["gapscope"] and info["python"] and "packages" in info
    assert "is damaged" in info["library"]["error"]
    assert info["library"]["file"]["bytes"] == (damaged / "library.sqlite").stat().st_size
    assert info["library"]["file"]["main_file_alone"]["sqlite_header"] is True
    assert "is damaged" in r.stderr


def test_backup_of_a_damaged_library_saves_its_files_and_says_the_database_was_not_copied(damaged, tmp_path):
    dest = tmp_path / "saved.gapscope"
    r = cli(damaged, "backup", str(dest))
    assert r.exit_code == 17, r.output
    assert "the database was not copied" in r.stderr and "2 PDFs" in r.stdout
    assert len(list((dest / "files").glob("*.pdf"))) == 2
    assert (dest / "runs" / "r1" / "status.json").is_file() and (dest / "experiments" / "iris.toml").is_file()
    assert not (dest / "library.sqlite").exists()


def test_files_only_backup_of_a_sound_library(tmp_path, shared_data):
    path, _pids, _run = library_with_files(tmp_path, shared_data)
    (path / "backups").mkdir()
    kept = path / "backups" / "library-before-schema-4-20260101-000000.sqlite"   # the file before an upgrade
    shutil.copyfile(path / "library.sqlite", kept)
    dest = tmp_path / "files.gapscope"
    r = cli(path, "backup", "--files-only", str(dest), "--json")
    assert r.exit_code == 0, r.output
    done = json.loads(r.stdout)
    assert done["database_copied"] is False and done["upgrade_copies"] == 1
    assert len(list((dest / "files").glob("*.pdf"))) == 2 and not (dest / "library.sqlite").exists()
    assert (dest / "backups" / kept.name).read_bytes() == kept.read_bytes()
    r = cli(path, "backup", "--files-only", str(tmp_path / "again.gapscope"))
    assert "1 database copies from before schema upgrades" in r.stdout
    assert "run folders kept outside the library folder are not saved" in r.stderr


def test_a_stray_wal_beside_an_intact_main_file_is_named(tmp_path, monkeypatch):
    path = tmp_path / "a.gapscope"
    Library(path).close()
    db = path / "library.sqlite"
    assert stray_wal_hint(db) == ""                      # no -wal: nothing to say
    keeper = sqlite3.connect(str(db))                    # another user of the library: its -wal stays
    keeper.execute("SELECT count(*) FROM sqlite_master").fetchone()
    (path / "library.sqlite-wal").write_bytes(b"\1" * 4096)   # not this database's (SQLite ignores it)

    def malformed(self, *a, **k):
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(Library, "stats", malformed)
    try:
        r = cli(path, "stats")
        assert r.exit_code == 17
        assert "library.sqlite-wal may be a stray file from another database" in r.output
        assert (path / "library.sqlite-wal").exists()    # the user decides; nothing is moved
    finally:
        keeper.close()


def test_the_damage_check_keeps_the_locks_of_connections_open_in_this_process(tmp_path):
    """Closing any plain descriptor of the file would drop this process's SQLite locks: another process
    closing its connection would then think it the last one and remove the -wal under ours."""
    import os
    import subprocess
    import sys

    from gapscope.store.salvage import probe_database

    path = tmp_path / "a.gapscope"
    db = path / "library.sqlite"
    lib = Library(path)
    try:
        lib.set_setting("k", 1)                           # a -wal in use by this process
        info = probe_database(db)
        assert info["main_file_alone"]["sqlite_header"] is True
        assert "alone is intact" in stray_wal_hint(db)   # read through SQLite, not copied
        other = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
                 " c.execute('SELECT count(*) FROM settings').fetchone(); c.close()")
        subprocess.run([sys.executable, "-c", other, str(db)], check=True)
        assert os.path.exists(f"{db}-wal")               # our shared lock kept it from being removed
        assert lib.get_setting("k") == 1
    finally:
        lib.close()
