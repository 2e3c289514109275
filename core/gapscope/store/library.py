"""The Library: one SQLite file that holds papers, their sources, and everything the user decides.

The one API to it (calibre's ``db/cache.py`` is the model): every read and write is a method of
:class:`Library`, grouped by area in the mixins of ``store/<area>.py``; no module outside ``store/``
holds the connection or writes SQL (tests/core/test_sql_only_in_store.py). A new query goes in the
area's mixin, using ``self._conn`` for reads and ``with self.transaction() as conn:`` for writes.

One writer, many readers (WAL). Every write goes through :meth:`Library.transaction`, which takes
SQLite's write lock up front (``BEGIN IMMEDIATE``), so a crash leaves either all of a batch or none,
and which raises in a thread marked as one that must not write (store.base: the desktop's GUI
thread and its reader workers). The connection runs in autocommit mode: do not call sqlite-utils'
write helpers inside a transaction (they would commit it early); use ``conn.execute`` there.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import sqlite_utils

from .analysis import AnalysisMixin
from .annotations import AnnotationsMixin
from .collect import CollectMixin
from .base import LibraryError, WriteFromForbiddenThread, check_writer, now_iso
from .experiments import ExperimentsMixin
from .facets import FacetsMixin
from .gaps import GapsMixin
from .imports import ImportsMixin
from .maps import MapsMixin
from .notes import NotesMixin
from .papers import PapersMixin, fts_query, row_to_paper
from .reports import ReportsMixin
from .schema import MIGRATIONS
from .tags import TagsMixin
from .triage import TriageMixin
from .vectors import VectorsMixin

APP_NAME = "GapScope"

__all__ = ["Library", "LibraryError", "WriteFromForbiddenThread", "default_library_path", "fts_query", "now_iso",
           "row_to_paper"]


def default_library_path() -> Path:
    """``$GAPSCOPE_LIBRARY`` or ``<user data dir>/GapScope/library.sqlite``."""
    env = os.environ.get("GAPSCOPE_LIBRARY")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "library.sqlite"


class Library(PapersMixin, TagsMixin, NotesMixin, ImportsMixin, FacetsMixin, VectorsMixin, MapsMixin, GapsMixin,
              ExperimentsMixin, ReportsMixin, TriageMixin, AnnotationsMixin,
              AnalysisMixin, CollectMixin):
    """A GapScope library file: the one API to it (every read and write is a method, grouped by area in
    the mixins of ``store/<area>.py``; no SQL outside ``store/``). Thread use: one Library object per
    thread (open another for a worker); SQLite's WAL lets readers run while the one writer writes."""

    def __init__(self, path: str | os.PathLike, *, create: bool = True) -> None:
        self.path = Path(path).expanduser()
        new = not self.path.exists() or self.path.stat().st_size == 0
        if not self.path.exists():
            if not create:
                raise LibraryError(f"no library at {self.path} (run `gapscope init` first)")
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None,
                                   check_same_thread=False)
            if new:
                # Rows here are large (abstracts, source records): 8 KiB pages cut the import of the
                # cs snapshot by ~12% CPU and the file by ~10%. Only settable before the first write.
                conn.execute("PRAGMA page_size=8192")
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            raise LibraryError(f"{self.path} is not a GapScope library: {exc}") from exc
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")  # durable at each commit in WAL except on power loss
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache: bulk imports touch many index pages
        self._conn = conn
        self._db = sqlite_utils.Database(conn)
        self._lock = threading.RLock()
        self._depth = 0
        self.migrate()

    # --- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All writes inside commit together or not at all. Nested calls join the outer one.

        Outside ``store/`` use it only to group method calls (``with lib.transaction():``); the
        connection it yields is for the store's own SQL. Raises WriteFromForbiddenThread in a thread
        marked as one that must not write (see store.base)."""
        check_writer()
        with self._transaction() as conn:
            yield conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """The transaction itself, without the writer-thread check (migrations on open)."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._conn
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._depth = 0

    def applied_migrations(self) -> list[str]:
        if "migrations" not in self._db.table_names():
            return []
        return [r[0] for r in self._conn.execute("SELECT name FROM migrations ORDER BY id")]

    def migrate(self) -> list[str]:
        """Apply every migration not applied yet; returns the names applied now."""
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
            " applied_at TEXT NOT NULL)"
        )
        done = set(self.applied_migrations())
        applied = []
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            # Opening a library brings it up to date wherever it is opened (the desktop opens it on its
            # GUI thread, before any worker runs): not a user's write, so not checked against the guard.
            with self._transaction() as conn:
                # executescript would COMMIT our transaction; run statement by statement instead.
                for stmt in _split_sql(sql):
                    conn.execute(stmt)
                conn.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, now_iso()))
            applied.append(name)
        known = {n for n, _ in MIGRATIONS}
        unknown = [n for n in self.applied_migrations() if n not in known]
        if unknown:
            raise LibraryError(
                f"{self.path} was written by a newer GapScope (migrations {', '.join(unknown)}); upgrade GapScope"
            )
        return applied

    # --- settings --------------------------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self._conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def all_settings(self) -> dict[str, Any]:
        """Every setting stored in the library, {key: value}."""
        return {k: json.loads(v) for k, v in self._conn.execute("SELECT key, value FROM settings")}

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                         (key, json.dumps(value)))

def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, keeping CREATE TRIGGER ... END; bodies whole."""
    stmts, buf = [], []
    for line in script.splitlines():
        stripped = line.split("--", 1)[0] if "'" not in line else line
        buf.append(line)
        candidate = "\n".join(buf).strip()
        if stripped.rstrip().endswith(";") and sqlite3.complete_statement(candidate):
            stmts.append(candidate)
            buf = []
    rest = "\n".join(buf).strip()
    if rest:
        stmts.append(rest)
    return stmts
