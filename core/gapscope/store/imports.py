"""Imports and collects: the log (one row per run, with its counts, errors and the process that ran it),
the writes of one import batch, and the counts the PRISMA flow is built from.

The batch methods (marked "inside a transaction") are the importer's inner loop: ingest opens one
``with lib.transaction():`` per batch and calls them per record, so they run their statement on the
connection directly (no nested transaction per row: the bulk import's speed is in this loop).
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
from typing import Any, Iterable, Iterator, Optional, Sequence

from ..bibfields import biblio_from_json, biblio_json, clean_biblio
from ..csvcells import join_authors
from ..models import OWN_EXPORT_SOURCE, UNTITLED_MARK, Paper
from ..textfmt import title_sort_key
from .base import LibraryError, chunks, now_iso
from .papers import HIGHEST_DELETED_ID

_MERGE_COLUMNS = ("abstract", "abstract_truncated", "arxiv_id", "arxiv_version", "doi", "pmid", "year", "published",
                  "venue", "url", "categories", "primary_category", "authors", "title", "norm_title", "biblio")
_LOG_COLUMNS = ["id", "kind", "source", "target", "started_at", "finished_at", "status", "read", "added",
                "merged", "unchanged", "errors", "message", "error_count", "warnings", "merges"]
_LOG_LISTS = ("errors", "warnings", "merges")
_PROCESS = ["pid", "host"]       # the process that ran it: a 'running' row whose process is gone was killed


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: someone else's process, alive
        return True
    return True


def own_export_only_sql(where: str = "1") -> str:
    """Counts the papers (of those ``where`` keeps) whose only source records were read back from GapScope's
    own exports: there, such a record is the paper's source. Two parameters: OWN_EXPORT_SOURCE twice."""
    return (f"SELECT count(DISTINCT paper_id) FROM source_records s WHERE {where} AND source = ? AND NOT EXISTS"
            " (SELECT 1 FROM source_records o WHERE o.paper_id = s.paper_id AND o.source != ?)")


def interrupted_message(kind: str, source: str) -> str:
    """What a run killed before it finished says in the log: what it kept, and how to complete it."""
    if source == "pdf":        # a folder (or pick) of PDFs attached: each PDF's paper is committed with it
        return ("stopped without finishing (killed or crashed); the PDFs attached before are kept: attach the"
                " same folder or files again to complete it (those are skipped as already attached)")
    again = "collect again with the same query" if kind == "collect" else "import the same file again"
    return f"stopped without finishing (killed or crashed); the committed batches are kept: {again} to complete it"


def _gone(pid: Optional[int], host: Optional[str]) -> bool:
    """The process that ran a 'running' row is no more: it ran on this machine, is not this process,
    and no process has its id. (A row from another machine cannot be told: it stays running.)"""
    return pid is not None and host == platform.node() and pid != os.getpid() and not process_alive(pid)


class ImportsMixin:
    def imports_log(self, limit: int = 50, *, lists: bool = True) -> list[dict[str, Any]]:
        """The newest ``limit`` imports and collects, newest first. ``lists=False`` leaves out the kept
        errors, warnings and merges (up to a thousand each per run): a listing of the runs alone."""
        cols = _LOG_COLUMNS if lists else [c for c in _LOG_COLUMNS if c not in _LOG_LISTS]
        rows = self._conn.execute(f"SELECT {', '.join(cols + _PROCESS)} FROM imports ORDER BY id DESC LIMIT ?",
                                  (limit,))
        return [self._log_entry(dict(zip(cols + _PROCESS, row))) for row in rows]

    def import_entry(self, import_id: int) -> Optional[dict[str, Any]]:
        """One run of the log, with its kept errors, warnings and merges; None when there is no such run."""
        cols = _LOG_COLUMNS + _PROCESS
        row = self._conn.execute(f"SELECT {', '.join(cols)} FROM imports WHERE id = ?", (import_id,)).fetchone()
        return self._log_entry(dict(zip(cols, row))) if row else None

    @staticmethod
    def _log_entry(d: dict[str, Any]) -> dict[str, Any]:
        for k in _LOG_LISTS:
            if k in d:
                d[k] = json.loads(d[k])
        d["error_count"] = max(d["error_count"], len(d.get("errors", ())))
        pid, host = d.pop("pid"), d.pop("host")
        if d["status"] == "running" and _gone(pid, host):
            # killed since this connection opened (the desktop's), or in a library this process cannot
            # write (read-only, or another writer holding it): it reads as what the next open will mark
            d["status"], d["message"] = "interrupted", interrupted_message(d["kind"], d["source"])
        return d

    # --- the log ---------------------------------------------------------------------------------
    def start_import(self, kind: str, source: str, target: str) -> int:
        """A new 'running' row of the log, stamped with this process so that a later one can tell a
        live import from one that was killed."""
        with self.transaction() as conn:
            return conn.execute(
                "INSERT INTO imports (kind, source, target, started_at, pid, host) VALUES (?, ?, ?, ?, ?, ?)",
                (kind, source, target, now_iso(), os.getpid(), platform.node())).lastrowid

    def save_import_progress(self, import_id: int, rep, status: str = "running", message: Optional[str] = None,
                             *, errors_changed: bool = True) -> None:
        """Counters of ``rep`` (an ImportReport; joins the batch's transaction); a status other than
        running ends it. The error, warning and merge lists are capped in the report, and only
        rewritten when they changed: a garbage file costs a counter per batch."""
        lists = ""
        args: list[Any] = [rep.read, rep.added, rep.merged, rep.unchanged, rep.bad, status, message, status, now_iso()]
        if errors_changed:
            lists = ", errors = ?, warnings = ?, merges = ?"
            args += [json.dumps([str(e) for e in rep.errors]), json.dumps([str(w) for w in rep.warnings]),
                     json.dumps(list(rep.merges))]
        with self.transaction() as conn:
            conn.execute(
                "UPDATE imports SET read = ?, added = ?, merged = ?, unchanged = ?, error_count = ?, status = ?,"
                " message = COALESCE(?, message), finished_at = CASE WHEN ? = 'running' THEN NULL ELSE ? END" + lists
                + " WHERE id = ?", (*args, import_id))

    def end_import(self, import_id: int, status: str, message: str) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE imports SET status = ?, message = ?, finished_at = ? WHERE id = ?",
                         (status, message, now_iso(), import_id))

    def mark_interrupted(self, kind: str, source: str, target: str, before_id: int, message: str) -> None:
        """Runs of the same import or collect before ``before_id`` still 'running' in the log died
        without a word (killed, crashed): mark them interrupted with ``message``."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE imports SET status = 'interrupted', finished_at = COALESCE(finished_at, ?),"
                " message = ? WHERE kind = ? AND source = ? AND target = ? AND status = 'running' AND id < ?",
                (now_iso(), message, kind, source, target, before_id))

    def mark_interrupted_imports(self) -> int:
        """Imports and collects still 'running' whose process is gone from this machine (killed, crashed,
        power cut) become 'interrupted', with what they kept and how to complete them
        (:func:`interrupted_message`); their counts stay as last committed. Returns how many. Does nothing
        on a library it cannot write (the log still reads them as interrupted: :meth:`imports_log`)."""
        dead = [(now_iso(), interrupted_message(kind, source), i) for i, kind, source, pid, host in self._conn.execute(
            "SELECT id, kind, source, pid, host FROM imports WHERE status = 'running'") if _gone(pid, host)]
        if not dead:
            return 0
        try:
            # on open, like the migrations: not a user's write, so allowed from any thread
            with self._transaction(wait=False) as conn:     # never holds up the opening
                conn.executemany(
                    "UPDATE imports SET status = 'interrupted', finished_at = COALESCE(finished_at, ?), message = ?"
                    " WHERE id = ? AND status = 'running'", dead)
        except sqlite3.OperationalError:  # read-only, or another writer holds the lock: say it next time
            return 0
        return len(dead)

    # --- what an import matches records against, kept up to date with other writers ------------
    def dedup_rows(self, after_id: int = 0) -> Iterator[tuple]:
        """(id, arxiv_id, doi, year, first author's name, normalised title, pmid) of papers with id > after_id."""
        return iter(self._conn.execute(
            "SELECT p.id, p.arxiv_id, p.doi, p.year, a.name, p.norm_title, p.pmid FROM papers p"
            " LEFT JOIN paper_authors pa ON pa.paper_id = p.id AND pa.position = 0"
            " LEFT JOIN authors a ON a.id = pa.author_id WHERE p.id > ? ORDER BY p.id", (after_id,)))

    def untitled_abstracts(self, after_id: int = 0) -> Iterator[tuple[int, str]]:
        """(id, abstract) of the papers with id > after_id under a placeholder title ("[untitled] ..."):
        the dedup index matches them by abstract."""
        return iter(self._conn.execute(
            "SELECT id, abstract FROM papers WHERE id > ? AND (trim(title) = '' OR substr(title, 1, 11) = ?)"
            " ORDER BY id", (after_id, UNTITLED_MARK)))

    def data_version(self) -> int:
        """SQLite's data_version: it changes when another connection commits (another import, a collect)."""
        return self._conn.execute("PRAGMA data_version").fetchone()[0]

    def paper_with_ids(self, arxiv_id: Optional[str], doi: Optional[str], pmid: Optional[str] = None) -> Optional[int]:
        """The paper that holds this arXiv id, else this DOI, else this PubMed id, or None."""
        for column, value in (("arxiv_id", arxiv_id), ("doi", doi), ("pmid", pmid)):
            if value:
                pid = self.paper_with(column, value)
                if pid is not None:
                    return pid
        return None

    def max_paper_id(self) -> int:
        return self._conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0]

    def author_ids(self) -> dict[str, int]:
        return {n: i for i, n in self._conn.execute("SELECT id, name FROM authors")}

    def author_id(self, name: str) -> int:
        """Inside a transaction: the id of an author, added when new. Another process may have added it
        since this one last looked (two imports at once), so the insert yields to an existing row."""
        self._in_transaction()
        self._conn.execute("INSERT OR IGNORE INTO authors (name) VALUES (?)", (name,))
        return self._conn.execute("SELECT id FROM authors WHERE name = ?", (name,)).fetchone()[0]

    # --- one batch (inside a transaction) -------------------------------------------------------
    def _in_transaction(self) -> None:
        if not self._depth:
            raise LibraryError("an import batch writes inside `with lib.transaction():`")

    def defer_search_index(self) -> int:
        """Inside a transaction: papers added from here on are indexed for search by
        :meth:`write_batch_rows` at the batch's end (migration 0900), not row by row by the triggers.
        Returns the first id they get."""
        self._in_transaction()
        first_id = self._conn.execute("SELECT coalesce(max(id), 0) + 1 FROM papers").fetchone()[0]
        self._conn.execute("INSERT INTO fts_deferred (first_id) VALUES (?)", (first_id,))
        return first_id

    def source_record_papers(self, source: str, keys: Sequence[str]) -> dict[tuple[str, str], int]:
        """{(source, key): paper id} of the records of ``source`` with those keys imported before."""
        out = {}
        for chunk in chunks(list(keys)):
            marks = ",".join("?" * len(chunk))
            for key, pid in self._conn.execute(
                    f"SELECT source_key, paper_id FROM source_records WHERE source = ? AND source_key IN ({marks})",
                    (source, *chunk)):
                out[(source, key)] = pid
        return out

    def write_batch_rows(self, *, authors: list[tuple], categories: list[tuple], versions: list[tuple],
                         sources: list[tuple], first_id: int) -> None:
        """Inside a transaction, at a batch's end: the new papers' authors (paper_id, position,
        author_id), categories (paper_id, category, position), versions (paper_id, version, date),
        source records (paper_id, source, source_key, import_id, seen_at, data), and their search index."""
        self._in_transaction()
        c = self._conn
        c.executemany("INSERT OR IGNORE INTO paper_authors (paper_id, position, author_id) VALUES (?, ?, ?)", authors)
        c.executemany("INSERT OR IGNORE INTO paper_categories (paper_id, category, position) VALUES (?, ?, ?)",
                      categories)
        c.executemany("INSERT OR IGNORE INTO paper_versions (paper_id, version, date) VALUES (?, ?, ?)", versions)
        c.executemany("INSERT INTO source_records (paper_id, source, source_key, import_id, seen_at, data)"
                      " VALUES (?, ?, ?, ?, ?, ?)", sources)
        c.execute("INSERT INTO papers_fts (rowid, title, abstract, authors)"
                  " SELECT id, title, abstract, authors FROM papers WHERE id >= ?", (first_id,))
        c.execute("DELETE FROM fts_deferred")

    def insert_paper(self, p: Paper, norm_title: str, added_at: str) -> int:
        """Inside a transaction: a new paper row (its authors, categories and versions come with the batch)."""
        self._in_transaction()
        return self._conn.execute(
            "INSERT INTO papers (id, title, abstract, abstract_truncated, authors, year, published, updated, arxiv_id,"
            " arxiv_version, doi, pmid, primary_category, categories, venue, url, norm_title, added_at, biblio,"
            " title_sort) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self._next_paper_id(), p.title, p.abstract or "", int(p.abstract_truncated), join_authors(p.authors),
             p.year, p.published, p.updated, p.arxiv_id, p.arxiv_version, p.doi, p.pmid, p.primary_category,
             " ".join(p.categories), p.venue, p.url, norm_title, added_at, biblio_json(clean_biblio(p.biblio)),
             title_sort_key(p.title)),
        ).lastrowid

    def _next_paper_id(self) -> Optional[int]:
        """An id above every paper's and every deleted paper's, so an id never names two papers; None
        (SQLite's own choice, the same) when no deleted id lies above the papers'."""
        row = self._conn.execute(
            "SELECT (SELECT CAST(value AS INTEGER) FROM settings WHERE key = ?), (SELECT max(id) FROM papers)",
            (HIGHEST_DELETED_ID,)).fetchone()
        deleted, top = row[0] or 0, row[1] or 0
        return deleted + 1 if deleted > top else None

    def refresh_source_record(self, source: str, key: str, data: str, seen_at: str, import_id: int) -> None:
        """Inside a transaction: what a record seen before says now."""
        self._in_transaction()
        self._conn.execute("UPDATE source_records SET data = ?, seen_at = ?, import_id = ? WHERE source = ? AND source_key = ?",
                           (data, seen_at, import_id, source, key))

    def merge_fields(self, paper_id: int) -> tuple:
        """(abstract, abstract_truncated, arxiv_id, arxiv_version, doi, year, published, venue, url,
        categories, authors, title, pmid) of a paper: what a merge may fill, and the title it goes into."""
        return self._conn.execute(
            "SELECT abstract, abstract_truncated, arxiv_id, arxiv_version, doi, year, published, venue, url,"
            " categories, authors, title, pmid FROM papers WHERE id = ?", (paper_id,)).fetchone()

    def paper_biblio(self, paper_id: int) -> dict[str, str]:
        """A paper's bibliographic fields beyond its venue (bibfields.py)."""
        row = self._conn.execute("SELECT biblio FROM papers WHERE id = ?", (paper_id,)).fetchone()
        return biblio_from_json(row[0]) if row else {}

    def update_paper_fields(self, paper_id: int, fields: dict[str, Any]) -> None:
        """Inside a transaction: set some of a paper's bibliographic fields (a merge)."""
        self._in_transaction()
        unknown = set(fields) - set(_MERGE_COLUMNS)
        if unknown:
            raise LibraryError(f"not a paper field a merge sets: {', '.join(sorted(unknown))}")
        if "title" in fields:
            fields = dict(fields, title_sort=title_sort_key(fields["title"]))
        cols = ", ".join(f"{k} = ?" for k in fields)
        self._conn.execute(f"UPDATE papers SET {cols} WHERE id = ?", (*fields.values(), paper_id))

    def add_paper_versions(self, rows: Iterable[tuple]) -> None:
        self._in_transaction()
        self._conn.executemany("INSERT OR IGNORE INTO paper_versions (paper_id, version, date) VALUES (?, ?, ?)", rows)

    def add_paper_categories(self, rows: Iterable[tuple]) -> None:
        self._in_transaction()
        self._conn.executemany("INSERT OR IGNORE INTO paper_categories (paper_id, category, position) VALUES (?, ?, ?)",
                               rows)

    def add_paper_authors(self, rows: Iterable[tuple]) -> None:
        self._in_transaction()
        self._conn.executemany("INSERT OR IGNORE INTO paper_authors (paper_id, position, author_id) VALUES (?, ?, ?)",
                               rows)

    def paper_with(self, column: str, value: str) -> Optional[int]:
        """The id of the paper whose ``arxiv_id``, ``doi`` or ``pmid`` is ``value``, or None."""
        if column not in ("arxiv_id", "doi", "pmid"):
            raise LibraryError(f"cannot look papers up by {column!r}")
        row = self._conn.execute(f"SELECT id FROM papers WHERE {column} = ? ORDER BY id LIMIT 1", (value,)).fetchone()
        return row[0] if row else None

    # --- PRISMA ----------------------------------------------------------------------------------
    def identified_records(self) -> dict[str, int]:
        """Distinct source records (a record re-read by a re-import or a resumed collect counts once),
        papers that have none (added directly), and unreadable records counted once per file: the
        latest finished read of each import target."""
        q = lambda sql, *args: self._conn.execute(sql, args).fetchone()[0]  # noqa: E731
        return {
            "source_records": q("SELECT count(*) FROM source_records"),
            # records read back from GapScope's own exports, and those of them that are the only record of
            # their paper (an export imported into another library: there, it is the paper's source)
            "own_export": q("SELECT count(*) FROM source_records WHERE source = ?", OWN_EXPORT_SOURCE),
            "own_export_only": q(own_export_only_sql(), OWN_EXPORT_SOURCE, OWN_EXPORT_SOURCE),
            "direct": q("SELECT count(*) FROM papers WHERE id NOT IN (SELECT paper_id FROM source_records)"),
            "unreadable": q(
                "SELECT coalesce(sum(error_count), 0) FROM imports i WHERE i.id = (SELECT max(j.id) FROM imports j"
                " WHERE j.kind = i.kind AND j.source = i.source AND j.target = i.target)"),
        }
