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
import re
import sqlite3
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from .analysis import AnalysisMixin
from .annotation_search import AnnotationSearchMixin
from .annotations import AnnotationsMixin
from .backup import BackupMixin
from .citations import CitationsMixin
from .base import LibraryError, WriteFromForbiddenThread, check_writer, now_iso
from .collect import CollectMixin
from .concepts import ConceptsMixin
from .edits import EditsMixin
from .errors import (DiskIOError, LibraryDamaged, LibraryFault, LibraryReadOnly, NewerLibrary, NotALibrary,  # noqa: F401
                     SQLiteTooOld, UpgradeNotSafe, is_busy, library_fault)
from .experiments import ExperimentsMixin
from .facets import FacetsMixin
from .fulltext import FulltextMixin
from .gaps import GapsMixin
from .imports import ImportsMixin
from .integrity import IntegrityMixin
from .interrupt import InterruptMixin
from .maps import MapsMixin
from .mentions import MentionsMixin
from .notes import NotesMixin
from .papers import PapersMixin, fts_query, row_to_paper
from .reports import ReportsMixin
from .schema import MIGRATIONS
from .sqlite_support import require_sqlite
from .steps import StepsMixin
from .tags import TagsMixin
from .triage import TriageMixin
from .vectors import VectorsMixin

APP_NAME = "GapScope"

# A library is a folder NAME.gapscope/ holding the database (see docs/architecture.md, "Library file
# safety"): file dialogs pick the folder and never list, sniff or open the database inside it.
LIBRARY_SUFFIX = ".gapscope"
MIGRATIONS_TABLE = ("CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
                    " applied_at TEXT NOT NULL)")
DATABASE_NAME = "library.sqlite"

__all__ = ["Library", "LibraryError", "WriteFromForbiddenThread", "default_library_path", "database_file",
           "fts_query", "now_iso", "row_to_paper", "LIBRARY_SUFFIX"]


def _fill_title_sort(conn: sqlite3.Connection) -> None:
    from ..textfmt import title_sort_key

    conn.executemany("UPDATE papers SET title_sort = ? WHERE id = ?",
                     [(title_sort_key(t), pid) for pid, t in conn.execute("SELECT id, title FROM papers")])


# what a migration's SQL cannot compute, filled in Python right after it (in its transaction)
FILL_AFTER = {"1520_paper_title_sort": _fill_title_sort, "1530_title_sort_stale": _fill_title_sort}


def default_library_path() -> Path:
    """``$GAPSCOPE_LIBRARY`` or ``<user data dir>/GapScope/library.gapscope`` (the older
    ``library.sqlite`` there when it exists)."""
    env = os.environ.get("GAPSCOPE_LIBRARY")
    if env:
        return Path(env).expanduser()
    import platformdirs

    base = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    legacy = base / "library.sqlite"
    return legacy if legacy.exists() else base / ("library" + LIBRARY_SUFFIX)


def is_library_folder(path: str | os.PathLike) -> bool:
    p = Path(path).expanduser()
    return p.suffix == LIBRARY_SUFFIX or p.is_dir()


def database_file(path: str | os.PathLike) -> Path:
    """The SQLite file of a library: ``PATH/library.sqlite`` for a library folder (``*.gapscope`` or
    any existing folder), else PATH itself (a plain database file, as libraries were before folders)."""
    p = Path(path).expanduser()
    return p / DATABASE_NAME if is_library_folder(p) else p


def _writable(db: Path) -> bool:
    """Can this process write the database and create its -wal / -shm files beside it?"""
    folder = db.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if db.exists() and not os.access(db, os.W_OK):
        return False
    return os.access(folder, os.W_OK)


class Library(PapersMixin, TagsMixin, NotesMixin, ImportsMixin, FacetsMixin, VectorsMixin, MapsMixin,
              GapsMixin, ExperimentsMixin, ReportsMixin, TriageMixin, AnnotationsMixin, AnnotationSearchMixin,
              AnalysisMixin, CollectMixin, StepsMixin, BackupMixin, CitationsMixin, ConceptsMixin, FulltextMixin,
              MentionsMixin, IntegrityMixin, InterruptMixin, EditsMixin):
    """A GapScope library: the one API to it (every read and write is a method, grouped by area in the
    mixins of ``store/<area>.py``; no SQL outside ``store/``). Thread use: one Library object per thread
    (open another for a worker); SQLite's WAL lets readers run while the one writer writes."""

    opened_read_only = False           # ReadOnlyLibrary: never writes, even where the file is writable
    kept_before_upgrade = 3            # latest copies kept per schema version (and its oldest)

    def __init__(self, path: str | os.PathLike, *, create: bool = True, busy_timeout_s: float = 30.0,
                 lock_patience_s: float = 120.0) -> None:
        self.path = Path(path).expanduser()
        # An SQLite too old for the schema's SQL would fail in the middle of an upgrade: refused before
        # the file (or its folder) is touched, nothing created, copied or migrated.
        require_sqlite(self.path)
        self.db_path = database_file(self.path)
        # What the user should hear once about this opening (an upgrade and where the old file is kept,
        # recent changes that cannot be read): the CLI prints them on stderr, the window shows them.
        self.notices: list[str] = []
        db = self.db_path
        if db.parent == self.path and self.path.is_file():
            raise NotALibrary(
                f"{self.path} is a file, not a library folder (a library is a folder NAME{LIBRARY_SUFFIX} holding"
                f" {DATABASE_NAME}); it was left untouched. Give a new name to create a library, or, if it is a"
                " library database from before folders, rename it to NAME.sqlite and open that.")
        exists = db.exists()
        if not exists and not create:
            raise LibraryError(f"no library at {self.path} (run `gapscope init` first)")
        self.read_only = self.opened_read_only or not _writable(db)
        if not exists and self.read_only:
            raise LibraryReadOnly(f"cannot create a library at {self.path}: its folder is not writable")
        # os.stat never opens the file (opening and closing any other descriptor of it would drop
        # SQLite's POSIX locks); everything else about the file is asked of SQLite.
        new = not exists or db.stat().st_size == 0
        if not exists:
            db.parent.mkdir(parents=True, exist_ok=True)
        self.busy_timeout_s = busy_timeout_s
        self.lock_patience_s = lock_patience_s
        self.lock_retries = 0          # BEGIN IMMEDIATE attempts that found the library still locked
        self.lock_wait_s = 0.0         # time spent waiting for the write lock, all transactions
        # called (on the writing thread) when a transaction finds the write lock taken by another
        # connection, before it waits: a window says "waiting for the library" instead of nothing
        self.on_lock_wait: Optional[Callable[[], None]] = None
        # called (on the writing thread) once a transaction that waited has the lock: the "waiting"
        # said above is over while the write itself may go on for long
        self.on_lock_taken: Optional[Callable[[], None]] = None
        try:
            conn, tables = self._connect(db)
        except sqlite3.Error as exc:
            raise self._open_error(exc) from exc
        try:
            self._refuse_foreign(conn, tables)
            if new and not tables and not self.read_only:
                # Rows here are large (abstracts, source records): 8 KiB pages cut the import of the
                # cs snapshot by ~12% CPU and the file by ~10%. Only settable before the first write.
                conn.execute("PRAGMA page_size=8192")
            if not self.read_only:
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")  # durable at each commit in WAL except on power loss
            conn.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache: bulk imports touch many index pages
        except BaseException as exc:
            conn.close()
            if isinstance(exc, sqlite3.Error):
                raise self._open_error(exc) from exc
            raise
        self._conn = conn
        self._lock = threading.RLock()
        self._depth = 0
        try:
            self.migrate()
            if not self.read_only:
                self.mark_interrupted_imports()  # an import killed last time says so from now on
                self.repair_title_sort()         # titles written by another SQLite client since last time
        except sqlite3.Error as exc:
            conn.close()
            raise self._open_error(exc) from exc
        except BaseException:
            conn.close()
            raise

    def _open_error(self, exc: sqlite3.Error) -> LibraryError:
        """The fault to raise for an open that failed; a damaged file is also checked for a stray -wal
        (store.salvage reads it through SQLite, so other connections' locks are kept)."""
        fault = library_fault(exc, self.db_path)
        if isinstance(fault, LibraryDamaged):
            from .salvage import stray_wal_hint

            hint = stray_wal_hint(self.db_path)
            if hint:
                fault = LibraryDamaged(str(fault) + hint)
        return fault or LibraryError(f"cannot open {self.path}: {exc}")

    def _connect(self, db: Path) -> tuple[sqlite3.Connection, set[str]]:
        """A connection and the names of the database's tables (the first read: a file that is not
        SQLite fails here, before anything is written)."""
        def connect(target: str, uri: bool) -> tuple[sqlite3.Connection, set[str]]:
            conn = sqlite3.connect(target, uri=uri, timeout=self.busy_timeout_s, isolation_level=None,
                                   check_same_thread=False)
            try:
                conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_s * 1000)}")
                tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            except BaseException:
                conn.close()
                raise
            return conn, tables

        if not self.read_only:
            return connect(str(db), False)
        uri = "file:" + urllib.parse.quote(str(db.resolve()))
        try:
            return connect(uri + "?mode=ro", True)
        except sqlite3.OperationalError as exc:
            # A WAL library in a folder we cannot write, with no -shm file to share: SQLite can only
            # read it as immutable (safe here: this process never writes it).
            if not isinstance(library_fault(exc), (LibraryReadOnly, DiskIOError)):
                raise
            wal = Path(f"{db}-wal")
            if wal.exists() and wal.stat().st_size > 0:     # immutable reads the main file only
                self.notices.append(
                    f"recent changes in {wal.name} cannot be read from a read-only folder ({db.parent}): what"
                    " you see may be older than the library; copy the library folder somewhere writable to"
                    " see them")
            return connect(uri + "?mode=ro&immutable=1", True)

    def _refuse_foreign(self, conn: sqlite3.Connection, tables: set[str]) -> None:
        """Another program's SQLite database is left exactly as it is: no schema, no WAL switch."""
        if not tables:
            return
        ours = "migrations" in tables and conn.execute(
            "SELECT 1 FROM migrations WHERE name = ?", (MIGRATIONS[0][0],)).fetchone() is not None
        if not ours:
            shown = ", ".join(sorted(tables)[:5]) + (" ..." if len(tables) > 5 else "")
            raise NotALibrary(
                f"{self.db_path} is an SQLite database but not a GapScope library (it holds tables {shown});"
                " GapScope leaves it untouched. Give a new file or folder to create a library.")

    # --- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self._conn.close()

    def holds_file(self, path: str | os.PathLike) -> bool:
        """Is ``path`` this library's database or one of its -wal / -shm files? (``stat`` only: opening
        it to compare would drop SQLite's locks.)"""
        try:
            st = os.stat(path)
        except OSError:
            return False
        for own in (self.db_path, Path(str(self.db_path) + "-wal"), Path(str(self.db_path) + "-shm")):
            try:
                o = os.stat(own)
            except OSError:
                continue
            if (o.st_dev, o.st_ino) == (st.st_dev, st.st_ino):
                return True
        return False

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
    def _transaction(self, *, wait: bool = True) -> Iterator[sqlite3.Connection]:
        """The transaction itself, without the writer-thread check (migrations on open). ``wait=False``: the
        lock at once or sqlite3.OperationalError "database is locked", for housekeeping on opening that can
        wait for the next opening rather than hold the window for the busy timeout and the lock patience."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._conn
                finally:
                    self._depth -= 1
                return
            with self._uninterrupted():     # a Cancel would roll the whole transaction back (store/interrupt.py)
                if wait:
                    self._begin_immediate()
                elif not self._begin_at_once():
                    raise sqlite3.OperationalError("database is locked")
                self._depth = 1
                try:
                    yield self._conn
                except BaseException:
                    if self._conn.in_transaction:   # SQLite has already rolled back after SQLITE_FULL, IOERR ...
                        self._conn.execute("ROLLBACK")
                    raise
                else:
                    self._conn.execute("COMMIT")
                finally:
                    self._depth = 0

    def _begin_immediate(self) -> None:
        """Take the write lock. SQLite's busy timeout waits first; a writer that holds the lock longer
        (a long import batch, a checkpoint) is waited out with backoff up to ``lock_patience_s``, so a
        user's decision or note is never lost to "database is locked"."""
        start = time.monotonic()
        delay = 0.05
        try:
            if self.on_lock_wait is not None:
                if self._begin_at_once():
                    return
                self.on_lock_wait()
            while True:
                try:
                    self._conn.execute("BEGIN IMMEDIATE")
                    if self.on_lock_wait is not None and self.on_lock_taken is not None:
                        self.on_lock_taken()
                    return
                except sqlite3.OperationalError as exc:
                    if not is_busy(exc) or time.monotonic() - start + delay > self.lock_patience_s:
                        raise
                    self.lock_retries += 1
                    time.sleep(delay)
                    delay = min(delay * 2, 0.5)   # short steps: the lock is taken soon after it is free
        finally:
            self.lock_wait_s += time.monotonic() - start

    def _begin_at_once(self) -> bool:
        """BEGIN IMMEDIATE without SQLite's busy wait: False when another connection holds the lock."""
        self._conn.execute("PRAGMA busy_timeout = 0")
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            return True
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
            return False
        finally:
            self._conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")

    def applied_migrations(self) -> list[str]:
        if self._conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
                              ).fetchone() is None:
            return []
        return [r[0] for r in self._conn.execute("SELECT name FROM migrations ORDER BY id")]

    def migrate(self) -> list[str]:
        """Apply every migration not applied yet, all in one transaction; returns the names applied now."""
        if not self.read_only:
            self._conn.execute(MIGRATIONS_TABLE)
        pending = self._pending_migrations()
        if not pending:
            return []
        if self.read_only:
            raise LibraryReadOnly(
                f"{self.path} is read-only and needs an upgrade to this GapScope's schema"
                f" ({', '.join(pending)}); make it writable once and open it again")
        # Opening a library brings it up to date wherever it is opened (the desktop opens it on its GUI
        # thread, before any worker runs): not a user's write, so not checked against the guard. Under
        # the write lock the list is read again: another process may have upgraded the file meanwhile
        # (it is then neither copied nor migrated twice), and no other can start until this one ends.
        with self._transaction() as conn:
            pending = self._pending_migrations()
            done = len(self.applied_migrations())
            if pending and done:               # an existing library: keep its file as it was first
                kept = self._keep_before_upgrade(done)
                self.notices.append(f"upgraded the library from schema {done} to {done + len(pending)};"
                                    f" the old file is kept at {kept}")
            for name, sql in MIGRATIONS:
                if name not in pending:
                    continue
                # executescript would COMMIT our transaction; run statement by statement instead.
                for stmt in _split_sql(sql):
                    conn.execute(stmt)
                if name in FILL_AFTER:
                    FILL_AFTER[name](conn)
                conn.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, now_iso()))
        return pending

    def _pending_migrations(self) -> list[str]:
        """The migrations not applied yet, in order; NewerLibrary when the file has some we do not know."""
        known = {n for n, _ in MIGRATIONS}
        applied = self.applied_migrations()
        unknown = [n for n in applied if n not in known]
        if unknown:
            raise NewerLibrary(
                f"{self.path} was written by a newer GapScope (migrations {', '.join(unknown)}); upgrade"
                " GapScope to open it. It was not changed.")
        done = set(applied)
        return [name for name, _ in MIGRATIONS if name not in done]

    def upgrade_backups_folder(self) -> Path:
        """Where the copies made before schema upgrades go: ``NAME.gapscope/backups/``; beside the file
        for a plain database file."""
        return self.path / "backups" if is_library_folder(self.path) else self.db_path.parent

    def _keep_before_upgrade(self, version: int) -> Path:
        """Copy the database (SQLite's online backup) before its schema is upgraded, so that an older
        GapScope can still open the copy. Called under the write lock, so the copy is read through a
        second connection (a connection cannot back up while it holds a write transaction). A copy that
        cannot be made stops the upgrade: the library is left unchanged. See :meth:`_prune_upgrade_copies`."""
        folder = self.upgrade_backups_folder()
        stem = self._upgrade_copy_stem()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        dest = folder / f"{stem}-before-schema-{version}-{stamp}.sqlite"
        n = 1
        while dest.exists():
            n += 1
            dest = folder / f"{stem}-before-schema-{version}-{stamp}-{n}.sqlite"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            src = sqlite3.connect(str(self.db_path), timeout=self.busy_timeout_s)
            try:
                out = sqlite3.connect(str(dest))
                try:
                    src.backup(out)
                finally:
                    out.close()
            finally:
                src.close()
        except (OSError, sqlite3.Error) as exc:
            try:
                dest.unlink()
            except OSError:
                pass
            raise UpgradeNotSafe(
                f"{self.path} needs a schema upgrade, and a copy of it could not be kept first at {dest}"
                f" ({exc}); it was not changed. Free some space or make the folder writable, then open it"
                " again.") from exc
        self._prune_upgrade_copies()
        return dest

    def _upgrade_copy_stem(self) -> str:
        return "library" if is_library_folder(self.path) else self.db_path.stem

    def _prune_upgrade_copies(self) -> None:
        """Per schema version, keep the oldest copy (the file as that version left it, before any upgrade
        was tried: repeated failed upgrades copy the same version again) and the last
        ``kept_before_upgrade``; remove the others."""
        stem = self._upgrade_copy_stem()
        pattern = re.compile(rf"{re.escape(stem)}-before-schema-(\d+)-(\d{{8}}-\d{{6}})(?:-(\d+))?\.sqlite")
        by_version: dict[str, list[tuple]] = {}
        for path in self.upgrade_backups_folder().glob(f"{stem}-before-schema-*.sqlite"):
            m = pattern.fullmatch(path.name)
            if m is None:
                continue
            try:
                mtime = path.stat().st_mtime
            except OSError:
                continue
            by_version.setdefault(m.group(1), []).append((mtime, m.group(2), int(m.group(3) or 1), path))
        for copies in by_version.values():
            copies.sort()
            for *_key, old in copies[1:-self.kept_before_upgrade]:
                try:
                    old.unlink()
                except OSError:
                    pass

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


class ReadOnlyLibrary(Library):
    """A library opened only to read (a reference corpus for gaps), even where its file is writable."""

    opened_read_only = True


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
