"""Annotations on an abstract: highlights (a span, a colour, a comment) and facet label corrections."""

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

    # --- facet corrections ---------------------------------------------------------------------------
    def sentence_spans(self, paper_id: int) -> list[tuple[int, int]]:
        """(start, end) of the sentences the facet pipeline split a paper's abstract into (none yet: [])."""
        return [(s, e) for s, e in self._conn.execute(
            'SELECT start, "end" FROM sentences WHERE paper_id = ? ORDER BY start', (paper_id,))]

    def set_facet_correction(self, paper_id: int, start: int, end: int, label: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO facet_corrections (paper_id, start, end, label, corrected_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(paper_id, start, end) DO UPDATE SET label = excluded.label,"
                " corrected_at = excluded.corrected_at", (paper_id, start, end, label, now_iso()))

    def remove_facet_correction(self, paper_id: int, start: int, end: int) -> bool:
        with self.transaction() as conn:
            return conn.execute('DELETE FROM facet_corrections WHERE paper_id = ? AND start = ? AND "end" = ?',
                                (paper_id, start, end)).rowcount == 1

    def facet_corrections_of(self, paper_id: int) -> list[dict[str, Any]]:
        cols = ("start", "end", "label", "corrected_at")
        return [dict(zip(cols, r)) for r in self._conn.execute(
            'SELECT start, "end", label, corrected_at FROM facet_corrections WHERE paper_id = ? ORDER BY start',
            (paper_id,))]
