"""Annotations on an abstract: highlights (a span, a colour, a comment). Facet label corrections are in
store/facets.py."""

from __future__ import annotations

from typing import Any

from .base import LibraryError, now_iso


class AnnotationsMixin:
    def paper_abstract(self, paper_id: int) -> str:
        row = self._conn.execute("SELECT abstract FROM papers WHERE id = ?", (paper_id,)).fetchone()
        if row is None:
            raise LibraryError(f"no paper with id {paper_id}")
        return row[0] or ""

    # --- highlights --------------------------------------------------------------------------------
    def add_highlight(self, paper_id: int, start: int, end: int, color: str = "yellow", comment: str = "") -> int:
        with self.transaction() as conn:
            return conn.execute(
                "INSERT INTO highlights (paper_id, start, end, color, comment, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (paper_id, start, end, color, comment, now_iso())).lastrowid

    def remove_highlight(self, highlight_id: int) -> None:
        with self.transaction() as conn:
            if conn.execute("DELETE FROM highlights WHERE id = ?", (highlight_id,)).rowcount != 1:
                raise LibraryError(f"no highlight with id {highlight_id}")

    def highlights_with_ids(self, paper_id: int) -> list[dict[str, Any]]:
        """A paper's highlights by position: id, start, end, color, comment, created_at."""
        return [dict(id=i, start=s, end=e, color=c, comment=cm, created_at=t)
                for i, s, e, c, cm, t in self._conn.execute(
                    "SELECT id, start, end, color, comment, created_at FROM highlights WHERE paper_id = ?"
                    " ORDER BY start, id", (paper_id,))]
