"""Which SQLite the library needs, checked before a library file is touched.

Python uses the SQLite it was built with, not one of ours: Ubuntu 20.04's system Python has 3.31, other
distributions' and older installers' Pythons 3.3x. The store's SQL keeps to what SQLite 3.31 reads
(tests/core/test_sqlite_compat.py scans it for newer syntax: UPDATE ... FROM, RETURNING, ``->``, ...);
3.31 is the floor because Ubuntu 20.04 is the oldest system still common under a Python 3.11 (deadsnakes'
and pyenv's link its libsqlite3), and nothing the SQL needs is newer (upsert 3.24, json_patch 3.18, FTS5).
FTS5 and the JSON functions are compile-time options before 3.38: a build without them is refused as well.

An SQLite that is too old is refused in :class:`~gapscope.store.library.Library`'s constructor, before
the file is opened, so that no migration (nor the copy kept before one) can start and fail half-way.
"""

from __future__ import annotations

import functools
import sqlite3
from pathlib import Path
from typing import Optional

from .errors import SQLiteTooOld

MIN_SQLITE = (3, 31, 0)
MIN_SQLITE_TEXT = ".".join(map(str, MIN_SQLITE[:2] if MIN_SQLITE[2] == 0 else MIN_SQLITE))   # "3.31"

# what to do about it, said with every refusal
_REMEDY = ("Run GapScope with a Python whose SQLite is newer: the python.org installers (macOS, Windows), a"
           " conda or pyenv Python, or a system with a newer libsqlite3; the packaged GapScope carries its own"
           " SQLite (the one it was built with).")


def parse_version(text: str) -> tuple[int, int, int]:
    """``"3.31.1"`` -> ``(3, 31, 1)``, ``"3.31"`` -> ``(3, 31, 0)``; parts that are not numbers count as 0."""
    parts = [int(p) if p.isdigit() else 0 for p in text.split(".")[:3]]
    return tuple(parts + [0] * (3 - len(parts)))  # type: ignore[return-value]


@functools.lru_cache(maxsize=None)
def _missing_features(version: str) -> tuple[str, ...]:
    """The compile-time parts the schema needs that this SQLite lacks (asked of an in-memory database;
    ``version`` keys the cache only)."""
    missing = []
    conn = sqlite3.connect(":memory:")
    try:
        for name, sql in (("FTS5 (full-text search)", "CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x)"),
                          ("JSON functions (json_extract, json_each)", "SELECT json_extract('{\"a\": 1}', '$.a')")):
            try:
                conn.execute(sql)
            except sqlite3.Error:
                missing.append(name)
    finally:
        conn.close()
    return tuple(missing)


def unsupported_sqlite(where: Optional[Path] = None) -> Optional[SQLiteTooOld]:
    """The refusal to raise when this process's SQLite cannot hold a library, else None."""
    found = sqlite3.sqlite_version
    subject = f"{where} was not opened" if where is not None else "no library can be opened"
    if parse_version(found) < MIN_SQLITE:
        return SQLiteTooOld(
            f"{subject}: GapScope needs SQLite {MIN_SQLITE_TEXT} or newer, and this Python ({_python()}) has"
            f" SQLite {found}. The library was not changed. {_REMEDY}")
    missing = _missing_features(found)
    if missing:
        return SQLiteTooOld(
            f"{subject}: this Python's SQLite {found} was built without {' and '.join(missing)}, which GapScope"
            f" needs. The library was not changed. {_REMEDY}")
    return None


def sqlite_summary() -> dict:
    """This SQLite for a problem report: its version, the minimum, what it lacks of what the schema needs."""
    return {"version": sqlite3.sqlite_version, "minimum": MIN_SQLITE_TEXT,
            "lacks": list(_missing_features(sqlite3.sqlite_version))}


def require_sqlite(where: Optional[Path] = None) -> None:
    """Raise :class:`SQLiteTooOld` unless this SQLite can hold a library; touches no file."""
    refusal = unsupported_sqlite(where)
    if refusal is not None:
        raise refusal


def _python() -> str:
    import sys

    return f"{sys.executable}, {sys.version.split()[0]}"
