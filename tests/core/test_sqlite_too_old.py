"""An SQLite older than the library needs is refused before the library is touched: no upgrade starts (nor
the copy kept before one), nothing is created, and the message names the version found and the one needed."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

import gapscope.store.library as store_lib
import gapscope.store.sqlite_support as support
from gapscope.cli import main
from gapscope.store import Library, SQLiteTooOld
from gapscope.store.library import ReadOnlyLibrary
from gapscope.store.schema import MIGRATIONS
from gapscope.store.sqlite_support import MIN_SQLITE_TEXT

OLD_SQLITE = "3.22.0"


def _files(folder) -> dict[str, bytes]:
    """Every file under ``folder`` (the database, its -wal / -shm, backups) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def old_schema_library(tmp_path, monkeypatch):
    """A library two migrations behind: opening it would copy it and upgrade it."""
    path = tmp_path / "lib.gapscope"
    with monkeypatch.context() as m:
        m.setattr(store_lib, "MIGRATIONS", MIGRATIONS[:-2])
        with Library(path) as lib:
            lib.add_note(_a_paper(lib), "a note")
    return path


def _a_paper(lib) -> int:
    with lib.transaction() as conn:
        return conn.execute("INSERT INTO papers (title, norm_title, added_at) VALUES ('A paper', 'a paper',"
                            " '2020-01-01')").lastrowid


def test_an_old_sqlite_is_refused_and_the_library_is_left_byte_for_byte(old_schema_library, monkeypatch):
    before = _files(old_schema_library)
    monkeypatch.setattr(sqlite3, "sqlite_version", OLD_SQLITE)
    for opener in (Library, ReadOnlyLibrary):
        with pytest.raises(SQLiteTooOld) as err:
            opener(old_schema_library)
        assert f"SQLite {MIN_SQLITE_TEXT} or newer" in str(err.value) and f"SQLite {OLD_SQLITE}" in str(err.value)
        assert str(old_schema_library) in str(err.value) and "not changed" in str(err.value)
    assert _files(old_schema_library) == before                  # no -wal, no backups/ copy, no migration
    monkeypatch.undo()
    with Library(old_schema_library) as lib:                     # the same file opens with a new enough SQLite
        assert lib.applied_migrations() == [name for name, _ in MIGRATIONS]


def test_no_library_is_created_with_an_old_sqlite(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite3, "sqlite_version", OLD_SQLITE)
    with pytest.raises(SQLiteTooOld):
        Library(tmp_path / "new.gapscope")
    assert list(tmp_path.iterdir()) == []


def test_the_cli_says_so_with_its_own_exit_code(old_schema_library, monkeypatch):
    before = _files(old_schema_library)
    monkeypatch.setattr(sqlite3, "sqlite_version", OLD_SQLITE)
    r = CliRunner().invoke(main, ["--library", str(old_schema_library), "stats"])
    assert r.exit_code == SQLiteTooOld.exit_code, r.output
    assert OLD_SQLITE in r.stderr and MIN_SQLITE_TEXT in r.stderr
    assert _files(old_schema_library) == before


def test_an_sqlite_without_fts5_is_refused_naming_what_it_lacks(tmp_path, monkeypatch):
    monkeypatch.setattr(support, "_missing_features", lambda version: ("FTS5 (full-text search)",))
    with pytest.raises(SQLiteTooOld, match=r"built without FTS5"):
        Library(tmp_path / "new.gapscope")
    assert list(tmp_path.iterdir()) == []


def test_the_sqlite_running_the_tests_passes_and_versions_compare_as_numbers():
    assert support.unsupported_sqlite() is None
    assert support.parse_version("3.31") == (3, 31, 0) >= support.MIN_SQLITE
    assert support.parse_version("3.9.2") < support.parse_version("3.31.0") < support.parse_version("3.100.0")


def test_diagnostics_names_the_sqlite_found_and_the_one_needed(old_schema_library, monkeypatch, tmp_path):
    import json

    before = _files(old_schema_library)
    monkeypatch.setattr(sqlite3, "sqlite_version", OLD_SQLITE)
    out = tmp_path / "diag.json"
    r = CliRunner().invoke(main, ["--library", str(old_schema_library), "diagnostics", "-o", str(out)])
    assert r.exit_code == SQLiteTooOld.exit_code, r.output
    info = json.loads(out.read_text(encoding="utf-8"))
    assert info["sqlite"]["version"] == OLD_SQLITE and info["sqlite"]["minimum"] == MIN_SQLITE_TEXT
    assert OLD_SQLITE in info["library"]["error"]
    assert _files(old_schema_library) == before


# Every sqlite3.connect of the core and the desktop, and why it needs no check of its own: a library is
# opened only by Library.__init__, which checks the SQLite first.
_CONNECTS = {
    "core/gapscope/store/library.py": "Library._connect, and the copy kept before an upgrade (after the check)",
    "core/gapscope/store/backup.py": "the new backup's own file, written by an open Library",
    "core/gapscope/store/salvage.py": "a read-only, immutable look at a file that will not open (never writes)",
    "core/gapscope/store/integrity.py": "an in-memory database",
    "core/gapscope/store/sqlite_support.py": "an in-memory database (the check itself)",
}


def test_libraries_are_opened_in_one_place():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = set()
    for base in (root / "core" / "gapscope", root / "desktop" / "gapscope_desktop"):
        for path in base.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "connect"
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "sqlite3"):
                    found.add(path.relative_to(root).as_posix())
    assert found <= set(_CONNECTS), f"a new sqlite3.connect: does it open a library without the check? {found - set(_CONNECTS)}"
