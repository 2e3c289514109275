"""A schema upgrade keeps the old file first: an existing library opened by a newer GapScope is copied
(SQLite's backup API) before any migration runs, the oldest and the last 3 copies of each schema version
are kept, and it is said once."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

import gapscope.store.library as store_lib
from gapscope.cli import main
from gapscope.store import Library, LibraryError
from gapscope.store.errors import UpgradeNotSafe
from gapscope.store.schema import MIGRATIONS


def _old_library(path, monkeypatch, applied=4):
    """A library as a GapScope that knew only the first ``applied`` migrations left it."""
    with monkeypatch.context() as m:
        m.setattr(store_lib, "MIGRATIONS", MIGRATIONS[:applied])
        m.setattr(Library, "mark_interrupted_imports", lambda self: None)   # its columns come later
        Library(path).close()


def _migrations_in(db) -> int:
    conn = sqlite3.connect(str(db))
    try:
        return conn.execute("SELECT count(*) FROM migrations").fetchone()[0]
    finally:
        conn.close()


def test_an_upgrade_keeps_the_old_file_and_says_so_once(tmp_path, monkeypatch):
    path = tmp_path / "old.gapscope"
    _old_library(path, monkeypatch)
    r = CliRunner().invoke(main, ["--library", str(path), "stats"])
    assert r.exit_code == 0, r.output
    kept = list((path / "backups").glob("library-before-schema-4-*.sqlite"))
    assert len(kept) == 1
    assert f"upgraded the library from schema 4 to {len(MIGRATIONS)}; the old file is kept at {kept[0]}" in r.stderr
    assert _migrations_in(kept[0]) == 4 and _migrations_in(path / "library.sqlite") == len(MIGRATIONS)
    again = CliRunner().invoke(main, ["--library", str(path), "stats"])
    assert "upgraded" not in again.stderr                 # once: nothing to upgrade the next time


def test_a_new_library_is_not_copied_and_each_versions_copies_are_kept(tmp_path, monkeypatch):
    path = tmp_path / "lib.gapscope"
    with Library(path) as lib:
        assert lib.notices == []
    assert not (path / "backups").exists()
    for applied in (2, 3, 4, 5):
        (path / "library.sqlite").unlink()
        _old_library(path, monkeypatch, applied)
        with Library(path) as lib:
            assert len(lib.notices) == 1 and f"from schema {applied} " in lib.notices[0]
    kept = sorted(p.name.split("-")[3] for p in (path / "backups").iterdir())
    assert kept == ["2", "3", "4", "5"]                  # pruned per version, not across versions


def test_repeated_failed_upgrades_keep_the_first_copy(tmp_path, monkeypatch):
    """An upgrade that fails is rolled back whole (the file stays at its schema) and tried again at the next
    opening, copying the same version again: the first copy, the file before any try, is never pruned."""
    import os

    path = tmp_path / "old.gapscope"
    _old_library(path, monkeypatch)
    monkeypatch.setattr(store_lib, "MIGRATIONS", MIGRATIONS + [("zz_fails", "CREATE TABLE papers (x);")])
    backups = path / "backups"
    before: set = set()
    for attempt in range(6):
        with pytest.raises(LibraryError):
            Library(path)
        new = set(backups.iterdir()) - before
        assert len(new) == 1
        (copy,) = new
        os.utime(copy, (1_000_000 + attempt, 1_000_000 + attempt))   # one attempt after the other
        before = set(backups.iterdir())
        assert _migrations_in(path / "library.sqlite") == 4
    assert sorted(p.stat().st_mtime for p in before) == [1_000_000, 1_000_003, 1_000_004, 1_000_005]


def test_an_upgrade_made_meanwhile_by_another_process_is_not_made_again(tmp_path, monkeypatch):
    """The pending migrations are read again under the write lock: a library upgraded by another opening
    between this one's first look and its lock is neither copied nor migrated twice."""
    path = tmp_path / "old.gapscope"
    _old_library(path, monkeypatch)
    real_begin = Library._begin_immediate
    other = []

    def another_opening_first(self):
        if not other:
            other.append(None)
            other[0] = Library(path)                      # upgrades the file (and keeps its copy)
            other[0].close()
        real_begin(self)

    monkeypatch.setattr(Library, "_begin_immediate", another_opening_first)
    with Library(path) as lib:
        assert lib.notices == []                          # nothing left to upgrade once it held the lock
    assert other[0].notices and len(list((path / "backups").iterdir())) == 1
    assert _migrations_in(path / "library.sqlite") == len(MIGRATIONS)


def test_a_plain_database_file_keeps_its_copy_beside_it(tmp_path, monkeypatch):
    db = tmp_path / "old.sqlite"
    _old_library(db, monkeypatch)
    with Library(db) as lib:
        assert lib.notices
    assert [p.name.startswith("old-before-schema-4-") for p in tmp_path.glob("*-before-*")] == [True]


def test_no_copy_no_upgrade(tmp_path, monkeypatch):
    path = tmp_path / "old.gapscope"
    _old_library(path, monkeypatch)
    (path / "backups").write_text("a file where the copies would go")
    with pytest.raises(UpgradeNotSafe, match="it was not changed"):
        Library(path)
    assert _migrations_in(path / "library.sqlite") == 4
    r = CliRunner().invoke(main, ["--library", str(path), "stats"])
    assert r.exit_code == 18 and "could not be kept first" in r.output
