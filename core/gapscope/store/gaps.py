"""Gaps: one batch per find_gaps run, each gap with its evidence papers and their roles."""

from __future__ import annotations

from typing import Any, Optional, Sequence

from .base import LibraryError, now_iso

_COLS = "id, type, score, statement, method_map, method_cluster, problem_map, problem_cluster, details"


class GapsMixin:
    def insert_gap_batch(self, gaps: Sequence[dict[str, Any]]) -> tuple[int, list[int]]:
        """Store a new batch: each gap a dict of the ``gaps`` columns (details as JSON text) plus
        ``evidence``, a list of (paper_id, role) in order; evidence not in the library is dropped.
        Returns (batch number, the gaps' ids)."""
        ids = []
        with self.transaction() as conn:
            batch = (conn.execute("SELECT coalesce(max(batch), 0) FROM gaps").fetchone()[0] or 0) + 1
            now = now_iso()
            for g in gaps:
                gid = conn.execute(
                    "INSERT INTO gaps (batch, type, score, statement, method_map, method_cluster, problem_map,"
                    " problem_cluster, details, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (batch, g["type"], g["score"], g["statement"], g["method_map"], g["method_cluster"],
                     g["problem_map"], g["problem_cluster"], g["details"], now)).lastrowid
                for pos, (pid, role) in enumerate(g["evidence"]):
                    conn.execute("INSERT OR IGNORE INTO gap_evidence (gap_id, paper_id, position, role)"
                                 " SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM papers WHERE id = ?)",
                                 (gid, pid, pos, role, pid))
                ids.append(gid)
        return batch, ids

    def gap_evidence(self, gap_id: int) -> list[tuple[int, str]]:
        """(paper_id, role) of a gap's evidence, in order."""
        return self._conn.execute("SELECT paper_id, role FROM gap_evidence WHERE gap_id = ? ORDER BY position",
                                  (gap_id,)).fetchall()

    def latest_gap_batch(self) -> Optional[int]:
        """The number of the latest find_gaps run, None before the first."""
        row = self._conn.execute("SELECT max(batch) FROM gaps").fetchone()
        return row[0] if row else None

    def gap_batch_created(self, batch: Optional[int]) -> Optional[str]:
        """When find_gaps run ``batch`` stored its gaps (None: no such batch)."""
        row = self._conn.execute("SELECT min(created_at) FROM gaps WHERE batch = ?", (batch,)).fetchone()
        return row[0] if row else None

    def gap_batch(self, gap_id: int) -> Optional[int]:
        """The find_gaps run (batch) that stored gap ``gap_id`` (None: no such gap)."""
        row = self._conn.execute("SELECT batch FROM gaps WHERE id = ?", (int(gap_id),)).fetchone()
        return row[0] if row else None

    def gap_rows(self, type: Optional[str] = None, limit: Optional[int] = None) -> list[tuple]:
        """The rows (see _COLS) of the latest batch, best first."""
        batch = self.latest_gap_batch()
        if batch is None:
            return []
        sql, args = f"SELECT {_COLS} FROM gaps WHERE batch = ?", [batch]
        if type:
            sql += " AND type = ?"
            args.append(type)
        sql += " ORDER BY score DESC, id"
        if limit:
            sql += " LIMIT ?"
            args.append(int(limit))
        return self._conn.execute(sql, args).fetchall()

    def gap_row(self, gap_id: int) -> tuple:
        row = self._conn.execute(f"SELECT {_COLS} FROM gaps WHERE id = ?", (int(gap_id),)).fetchone()
        if row is None:
            raise LibraryError(f"no gap with id {gap_id}")
        return tuple(row)
