"""The import and collect log (`imports` table): who is importing, how far it got, what was bad,
and the counts the PRISMA flow is built from. A mixin of :class:`~gapscope.store.library.Library`."""

from __future__ import annotations

import json
import os
import platform
from datetime import datetime, timezone
from typing import Any, Iterator, Optional


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: someone else's process, alive
        return True
    return True


class ImportsMixin:
    conn: Any

    def start_import(self, kind: str, source: str, target: str) -> int:
        """A new 'running' row of the log, stamped with this process so that a later one can tell a
        live import from one that was killed."""
        with self.transaction() as conn:  # type: ignore[attr-defined]
            return conn.execute(
                "INSERT INTO imports (kind, source, target, started_at, pid, host) VALUES (?, ?, ?, ?, ?, ?)",
                (kind, source, target, _now(), os.getpid(), platform.node())).lastrowid

    def save_import_progress(self, import_id: int, rep, status: str = "running", message: Optional[str] = None,
                             *, errors_changed: bool = True) -> None:
        """Counters of ``rep`` (an ImportReport). The error, warning and merge lists are capped in the
        report, and only rewritten when they changed: a garbage file costs a counter per batch."""
        lists = ""
        args: list[Any] = [rep.read, rep.added, rep.merged, rep.unchanged, rep.bad, status, message, status, _now()]
        if errors_changed:
            lists = ", errors = ?, warnings = ?, merges = ?"
            args += [json.dumps([str(e) for e in rep.errors]), json.dumps([str(w) for w in rep.warnings]),
                     json.dumps(list(rep.merges))]
        with self.transaction() as conn:  # type: ignore[attr-defined]
            conn.execute(
                "UPDATE imports SET read = ?, added = ?, merged = ?, unchanged = ?, error_count = ?, status = ?,"
                " message = COALESCE(?, message), finished_at = CASE WHEN ? = 'running' THEN NULL ELSE ? END" + lists
                + " WHERE id = ?", (*args, import_id))

    def mark_interrupted_imports(self) -> int:
        """Imports and collects still 'running' whose process is gone from this machine (killed, crashed,
        power cut) become 'interrupted'. Returns how many. Does nothing on a library it cannot write."""
        host = platform.node()
        dead = [(i,) for i, pid, h in self.conn.execute(
            "SELECT id, pid, host FROM imports WHERE status = 'running'")
            if pid is not None and h == host and pid != os.getpid() and not process_alive(pid)]
        if not dead:
            return 0
        import sqlite3

        try:
            with self.transaction() as conn:  # type: ignore[attr-defined]
                conn.executemany(
                    "UPDATE imports SET status = 'interrupted', finished_at = COALESCE(finished_at, ?),"
                    " message = 'stopped without finishing (killed or crashed); the committed batches are kept:"
                    " run the same import again to complete it' WHERE id = ? AND status = 'running'",
                    [(_now(), i) for (i,) in dead])
        except sqlite3.OperationalError:  # read-only, or busy beyond the timeout: say it next time
            return 0
        return len(dead)

    # --- the dedup index of an import, kept up to date with other writers -----------------------
    def dedup_rows(self, after_id: int = 0) -> Iterator[tuple]:
        """(id, arxiv_id, doi, year, first author name, norm_title) of papers with id > after_id."""
        return self.conn.execute(
            "SELECT p.id, p.arxiv_id, p.doi, p.year, a.name, p.norm_title FROM papers p"
            " LEFT JOIN paper_authors pa ON pa.paper_id = p.id AND pa.position = 0"
            " LEFT JOIN authors a ON a.id = pa.author_id WHERE p.id > ? ORDER BY p.id", (after_id,))

    def paper_with_ids(self, arxiv_id: Optional[str], doi: Optional[str]) -> Optional[int]:
        """The paper that holds this arXiv id, else this DOI, or None."""
        for column, value in (("arxiv_id", arxiv_id), ("doi", doi)):
            if value:
                row = self.conn.execute(f"SELECT id FROM papers WHERE {column} = ?", (value,)).fetchone()
                if row:
                    return row[0]
        return None

    def max_paper_id(self) -> int:
        return self.conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0]

    def author_id(self, name: str) -> int:
        """The id of an author, added when new. Another process may have added it since this one
        last looked (two imports at once), so the insert yields to an existing row."""
        self.conn.execute("INSERT OR IGNORE INTO authors (name) VALUES (?)", (name,))
        return self.conn.execute("SELECT id FROM authors WHERE name = ?", (name,)).fetchone()[0]

    # --- PRISMA ----------------------------------------------------------------------------------
    def identified_records(self) -> dict[str, int]:
        """Distinct source records (a record re-read by a re-import or a resumed collect counts once),
        papers that have none (added directly), and unreadable records counted once per file: the
        latest finished read of each import target."""
        q = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "source_records": q("SELECT count(*) FROM source_records"),
            "direct": q("SELECT count(*) FROM papers WHERE id NOT IN (SELECT paper_id FROM source_records)"),
            "unreadable": q(
                "SELECT coalesce(sum(error_count), 0) FROM imports i WHERE i.id = (SELECT max(j.id) FROM imports j"
                " WHERE j.kind = i.kind AND j.source = i.source AND j.target = i.target)"),
        }
