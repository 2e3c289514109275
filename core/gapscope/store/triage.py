"""Screening decisions: an append-only log per paper (and per collection), the latest one not undone counts."""

from __future__ import annotations

from typing import Any, Optional

from .base import LibraryError, now_iso


class TriageMixin:
    def included_paper_ids(self, collection: Optional[str] = None) -> list[int]:
        """Papers whose current decision is 'include' (the latest decision not undone), in the
        whole-library triage or, with ``collection``, in that collection's triage; by id."""
        if collection is None:
            scope, args = "d.collection_id IS NULL", []
        else:
            self.collection_id(collection)   # a clear error for an unknown collection
            scope, args = "d.collection_id = (SELECT id FROM collections WHERE name = ?)", [collection]
        return [r[0] for r in self._conn.execute(
            f"""SELECT d.paper_id FROM decisions d
                WHERE {scope} AND d.undone_at IS NULL AND d.decision = 'include'
                  AND d.id = (SELECT max(d2.id) FROM decisions d2 WHERE d2.paper_id = d.paper_id
                              AND d2.collection_id IS d.collection_id AND d2.undone_at IS NULL)
                ORDER BY d.paper_id""", args)]

    # --- exclusion reasons -------------------------------------------------------------------------
    def exclusion_reasons(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT name FROM exclusion_reasons ORDER BY position, name")]

    def add_exclusion_reason(self, name: str) -> bool:
        """Append a reason to the list; False when it is there already."""
        with self.transaction() as conn:
            pos = conn.execute("SELECT coalesce(max(position), 0) + 1 FROM exclusion_reasons").fetchone()[0]
            return conn.execute("INSERT OR IGNORE INTO exclusion_reasons (name, position) VALUES (?, ?)",
                                (name, pos)).rowcount == 1

    def remove_exclusion_reason(self, name: str) -> bool:
        with self.transaction() as conn:
            return conn.execute("DELETE FROM exclusion_reasons WHERE name = ?", (name,)).rowcount == 1

    # --- the decision log --------------------------------------------------------------------------
    def record_decision(self, paper_id: int, collection_id: Optional[int], decision: str, reason: Optional[str],
                        origin: str, *, collection: Optional[str] = None) -> int:
        """Append a decision (its own transaction); returns its log id. The paper must exist (and be
        in the collection, when there is one) and the reason must be a known exclusion reason."""
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone() is None:
                raise LibraryError(f"no paper with id {paper_id}")
            if collection_id is not None and conn.execute(
                    "SELECT 1 FROM collection_papers WHERE collection_id = ? AND paper_id = ?",
                    (collection_id, paper_id)).fetchone() is None:
                raise LibraryError(f"paper {paper_id} is not in collection {collection!r}")
            if reason is not None and conn.execute(
                    "SELECT 1 FROM exclusion_reasons WHERE name = ?", (reason,)).fetchone() is None:
                known = ", ".join(self.exclusion_reasons())
                raise LibraryError(f"unknown exclusion reason {reason!r} (known: {known};"
                                   " add it with `gapscope triage reasons add`)")
            return conn.execute(
                "INSERT INTO decisions (paper_id, collection_id, decision, reason, origin, decided_at)"
                " VALUES (?, ?, ?, ?, ?, ?)", (paper_id, collection_id, decision, reason, origin, now_iso())).lastrowid

    def undo_latest_decision(self, collection_id: Optional[int]) -> Optional[dict[str, Any]]:
        """Mark the latest live decision of the scope undone; returns it (None: nothing to undo)."""
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT id, paper_id, decision, reason, origin, decided_at FROM decisions"
                " WHERE collection_id IS ? AND undone_at IS NULL ORDER BY id DESC LIMIT 1", (collection_id,)).fetchone()
            if row is None:
                return None
            conn.execute("UPDATE decisions SET undone_at = ? WHERE id = ?", (now_iso(), row[0]))
        return dict(zip(("id", "paper_id", "decision", "reason", "origin", "decided_at"), row))

    def decision_rows(self, collection_id: Optional[int], include_undone: bool = True) -> list[dict[str, Any]]:
        """The decision log of a scope (a collection's id, None: the whole library), oldest first."""
        sql = ("SELECT id, paper_id, decision, reason, origin, decided_at, undone_at FROM decisions"
               " WHERE collection_id IS ?" + ("" if include_undone else " AND undone_at IS NULL") + " ORDER BY id")
        return [dict(zip(_DECISION_COLS, r)) for r in self._conn.execute(sql, (collection_id,))]


_DECISION_COLS = ("id", "paper_id", "decision", "reason", "origin", "decided_at", "undone_at")
