"""Screening decisions: an append-only log per paper (and per collection), the latest one not undone counts."""

from __future__ import annotations

from typing import Optional


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
