"""The Library: one SQLite file that holds papers, their sources, and everything the user decides.

One writer, many readers (WAL). Every write goes through :meth:`Library.transaction`, which takes
SQLite's write lock up front (``BEGIN IMMEDIATE``), so a crash leaves either all of a batch or none.
The connection runs in autocommit mode: do not call sqlite-utils' write helpers inside a
transaction (they would commit it early); use ``conn.execute`` there.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence

import sqlite_utils

from ..models import Paper
from .concepts import ConceptsStore
from .schema import MIGRATIONS

APP_NAME = "GapScope"


class LibraryError(Exception):
    """A library that cannot be opened or a request it cannot answer (unknown paper, bad query)."""


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def default_library_path() -> Path:
    """``$GAPSCOPE_LIBRARY`` or ``<user data dir>/GapScope/library.sqlite``."""
    env = os.environ.get("GAPSCOPE_LIBRARY")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "library.sqlite"


_PAPER_COLUMNS = (
    "id, title, abstract, abstract_truncated, authors, year, published, updated, arxiv_id, "
    "arxiv_version, doi, primary_category, categories, venue, url"
)


def row_to_paper(row: sqlite3.Row | tuple) -> Paper:
    (pid, title, abstract, trunc, authors, year, published, updated, arxiv_id, arxiv_version, doi,
     _primary, categories, venue, url) = tuple(row)
    return Paper(
        id=pid, title=title, abstract=abstract, abstract_truncated=bool(trunc),
        authors=[a for a in authors.split("; ") if a], year=year, published=published,
        updated=updated, arxiv_id=arxiv_id, arxiv_version=arxiv_version, doi=doi,
        categories=categories.split() if categories else [], venue=venue, url=url,
    )


# FTS5 treats - : ^ * ( ) and bare AND/OR/NOT specially. A user's plain words are quoted term by
# term (prefix search on the last one) unless the query already uses FTS5 syntax deliberately.
_FTS_SYNTAX = re.compile(r'"|\b(?:AND|OR|NOT|NEAR)\b|\*|\b(?:title|abstract|authors):')


def fts_query(text: str) -> str:
    text = text.strip()
    if not text:
        raise LibraryError("empty search")
    if _FTS_SYNTAX.search(text):
        return text
    terms = re.findall(r"[\w][\w\-']*", text, flags=re.UNICODE)
    if not terms:
        raise LibraryError(f"nothing to search for in {text!r}")
    quoted = ['"' + t.replace('"', '""') + '"' for t in terms]
    quoted[-1] += "*"
    return " ".join(quoted)


class Library(ConceptsStore):
    """A GapScope library file. Thread use: one Library object per thread (open another for a
    worker); SQLite's WAL lets readers run while the one writer writes."""

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
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self._lock = threading.RLock()
        self._depth = 0
        self.migrate()

    # --- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All writes inside commit together or not at all. Nested calls join the outer one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")
            finally:
                self._depth = 0

    def applied_migrations(self) -> list[str]:
        if "migrations" not in self.db.table_names():
            return []
        return [r[0] for r in self.conn.execute("SELECT name FROM migrations ORDER BY id")]

    def migrate(self) -> list[str]:
        """Apply every migration not applied yet; returns the names applied now."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
            " applied_at TEXT NOT NULL)"
        )
        done = set(self.applied_migrations())
        applied = []
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            with self.transaction() as conn:
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

    # --- papers ----------------------------------------------------------------------------------
    def count_papers(self) -> int:
        return self.conn.execute("SELECT count(*) FROM papers").fetchone()[0]

    def get_paper(self, paper_id: int) -> Paper:
        row = self.conn.execute(f"SELECT {_PAPER_COLUMNS} FROM papers WHERE id = ?", (paper_id,)).fetchone()
        if row is None:
            raise LibraryError(f"no paper with id {paper_id}")
        return row_to_paper(row)

    def get_papers(self, ids: Sequence[int]) -> list[Paper]:
        """Papers in the order of ``ids`` (unknown ids are skipped)."""
        out: dict[int, Paper] = {}
        ids = list(ids)
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT {_PAPER_COLUMNS} FROM papers WHERE id IN ({marks})", chunk):
                p = row_to_paper(row)
                out[p.id] = p
        return [out[i] for i in ids if i in out]

    def resolve(self, ident: str | int) -> int:
        """A library id from a library id, an arXiv id (any version) or a DOI."""
        s = str(ident).strip()
        if s.isdigit():
            row = self.conn.execute("SELECT id FROM papers WHERE id = ?", (int(s),)).fetchone()
            if row:
                return row[0]
        from ..models import normalize_doi, split_arxiv_id

        try:
            bare, _ = split_arxiv_id(s)
            row = self.conn.execute("SELECT id FROM papers WHERE arxiv_id = ?", (bare,)).fetchone()
            if row:
                return row[0]
        except ValueError:
            pass
        doi = normalize_doi(s)
        if doi:
            row = self.conn.execute("SELECT id FROM papers WHERE doi = ?", (doi,)).fetchone()
            if row:
                return row[0]
        raise LibraryError(f"no paper matches {ident!r} (give a library id, an arXiv id or a DOI)")

    _ORDERS = {
        "id": "id", "title": "title COLLATE NOCASE", "year": "year", "published": "published",
        "authors": "authors COLLATE NOCASE", "category": "primary_category",
    }

    def list_paper_ids(self, *, order: str = "id", descending: bool = False, tag: Optional[str] = None,
                       collection: Optional[str] = None, query: Optional[str] = None) -> list[int]:
        """Ids of papers, filtered by tag / collection / full-text query, sorted by ``order``."""
        if order not in self._ORDERS:
            raise LibraryError(f"cannot sort by {order!r}; choose one of {', '.join(self._ORDERS)}")
        where, args = [], []
        if tag is not None:
            where.append("id IN (SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = ?)")
            args.append(tag)
        if collection is not None:
            where.append("id IN (SELECT cp.paper_id FROM collection_papers cp JOIN collections c"
                         " ON c.id = cp.collection_id WHERE c.name = ?)")
            args.append(collection)
        if query:
            where.append("id IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)")
            args.append(fts_query(query))
        sql = "SELECT id FROM papers"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {self._ORDERS[order]} {'DESC' if descending else 'ASC'}, id"
        try:
            return [r[0] for r in self.conn.execute(sql, args)]
        except sqlite3.OperationalError as exc:
            raise LibraryError(f"bad search {query!r}: {exc}") from exc

    def search(self, query: str, limit: int = 50, offset: int = 0) -> list[tuple[int, float]]:
        """Full-text search over title, abstract and authors: ``(paper id, bm25 rank)``, best first.

        Title matches weigh most (bm25 column weights 10 / 1 / 3)."""
        try:
            return [
                (r[0], r[1])
                for r in self.conn.execute(
                    "SELECT rowid, bm25(papers_fts, 10.0, 1.0, 3.0) AS rank FROM papers_fts"
                    " WHERE papers_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?",
                    (fts_query(query), limit, offset),
                )
            ]
        except sqlite3.OperationalError as exc:
            raise LibraryError(f"bad search {query!r}: {exc}") from exc

    def source_records(self, paper_id: int) -> list[dict[str, Any]]:
        return [
            {"source": s, "source_key": k, "seen_at": t, "import_id": i, "data": json.loads(d)}
            for s, k, t, i, d in self.conn.execute(
                "SELECT source, source_key, seen_at, import_id, data FROM source_records"
                " WHERE paper_id = ? ORDER BY id", (paper_id,))
        ]

    def versions(self, paper_id: int) -> list[tuple[int, Optional[str]]]:
        return [tuple(r) for r in self.conn.execute(
            "SELECT version, date FROM paper_versions WHERE paper_id = ? ORDER BY version", (paper_id,))]

    # --- tags ------------------------------------------------------------------------------------
    def _tag_id(self, conn: sqlite3.Connection, name: str) -> int:
        name = name.strip()
        if not name:
            raise LibraryError("a tag needs a name")
        conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (name,))
        return conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()[0]

    def add_tag(self, paper_ids: Iterable[int], name: str) -> int:
        """Tag papers; returns how many gained the tag."""
        with self.transaction() as conn:
            tid = self._tag_id(conn, name)
            n = 0
            for pid in paper_ids:
                n += conn.execute("INSERT OR IGNORE INTO paper_tags (paper_id, tag_id, added_at) VALUES (?, ?, ?)",
                                  (pid, tid, now_iso())).rowcount
            return n

    def remove_tag(self, paper_ids: Iterable[int], name: str) -> int:
        with self.transaction() as conn:
            row = conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
            if not row:
                return 0
            return sum(conn.execute("DELETE FROM paper_tags WHERE paper_id = ? AND tag_id = ?", (pid, row[0])).rowcount
                       for pid in paper_ids)

    def tags_of(self, paper_id: int) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.paper_id = ? ORDER BY t.name",
            (paper_id,))]

    def list_tags(self) -> list[tuple[str, int]]:
        return [tuple(r) for r in self.conn.execute(
            "SELECT t.name, count(pt.paper_id) FROM tags t LEFT JOIN paper_tags pt ON pt.tag_id = t.id"
            " GROUP BY t.id ORDER BY t.name")]

    # --- collections -----------------------------------------------------------------------------
    def create_collection(self, name: str, description: str = "") -> int:
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO collections (name, description, created_at) VALUES (?, ?, ?)",
                         (name, description, now_iso()))
            return conn.execute("SELECT id FROM collections WHERE name = ?", (name,)).fetchone()[0]

    def collection_id(self, name: str) -> int:
        row = self.conn.execute("SELECT id FROM collections WHERE name = ?", (name,)).fetchone()
        if not row:
            raise LibraryError(f"no collection named {name!r}")
        return row[0]

    def add_to_collection(self, name: str, paper_ids: Iterable[int]) -> int:
        cid = self.create_collection(name)
        with self.transaction() as conn:
            return sum(conn.execute(
                "INSERT OR IGNORE INTO collection_papers (collection_id, paper_id, added_at) VALUES (?, ?, ?)",
                (cid, pid, now_iso())).rowcount for pid in paper_ids)

    def list_collections(self) -> list[tuple[str, int]]:
        return [tuple(r) for r in self.conn.execute(
            "SELECT c.name, count(cp.paper_id) FROM collections c LEFT JOIN collection_papers cp"
            " ON cp.collection_id = c.id GROUP BY c.id ORDER BY c.name")]

    # --- notes -----------------------------------------------------------------------------------
    def add_note(self, paper_id: int, body: str) -> int:
        with self.transaction() as conn:
            t = now_iso()
            return conn.execute("INSERT INTO notes (paper_id, body, created_at, updated_at) VALUES (?, ?, ?, ?)",
                                (paper_id, body, t, t)).lastrowid

    def notes_of(self, paper_id: int) -> list[dict[str, Any]]:
        return [dict(id=i, body=b, created_at=c, updated_at=u) for i, b, c, u in self.conn.execute(
            "SELECT id, body, created_at, updated_at FROM notes WHERE paper_id = ? ORDER BY id", (paper_id,))]

    # --- settings --------------------------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                         (key, json.dumps(value)))

    # --- overview --------------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        q = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "path": str(self.path),
            "papers": q("SELECT count(*) FROM papers"),
            "with_abstract": q("SELECT count(*) FROM papers WHERE abstract != ''"),
            "arxiv": q("SELECT count(*) FROM papers WHERE arxiv_id IS NOT NULL"),
            "doi": q("SELECT count(*) FROM papers WHERE doi IS NOT NULL"),
            "authors": q("SELECT count(*) FROM authors"),
            "source_records": q("SELECT count(*) FROM source_records"),
            "imports": q("SELECT count(*) FROM imports"),
            "tags": q("SELECT count(*) FROM tags"),
            "collections": q("SELECT count(*) FROM collections"),
            "notes": q("SELECT count(*) FROM notes"),
            "years": {str(y): n for y, n in self.conn.execute(
                "SELECT year, count(*) FROM papers WHERE year IS NOT NULL GROUP BY year ORDER BY year")},
            "top_categories": {c: n for c, n in self.conn.execute(
                "SELECT primary_category, count(*) AS n FROM papers WHERE primary_category IS NOT NULL"
                " GROUP BY primary_category ORDER BY n DESC LIMIT 10")},
        }

    def imports_log(self, limit: int = 50) -> list[dict[str, Any]]:
        cols = ["id", "kind", "source", "target", "started_at", "finished_at", "status", "read", "added",
                "merged", "unchanged", "errors", "message"]
        out = []
        for row in self.conn.execute(f"SELECT {', '.join(cols)} FROM imports ORDER BY id DESC LIMIT ?", (limit,)):
            d = dict(zip(cols, row))
            d["errors"] = json.loads(d["errors"])
            out.append(d)
        return out


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
