"""Annotations on an abstract: highlights (a span, a colour, a comment). Facet label corrections are in
store/facets.py."""

from __future__ import annotations

import json
from typing import Any, Optional, Sequence

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

    def get_highlight(self, highlight_id: int, *, pdf: bool = False) -> dict[str, Any]:
        """paper_id, color and comment of an abstract highlight (``pdf``: one made in an attached PDF);
        LibraryError when there is none."""
        table, what = ("pdf_highlights", "PDF highlight") if pdf else ("highlights", "highlight")
        row = self._conn.execute(f"SELECT paper_id, color, comment FROM {table} WHERE id = ?",
                                 (highlight_id,)).fetchone()
        if row is None:
            raise LibraryError(f"no {what} with id {highlight_id}")
        return dict(id=highlight_id, paper_id=row[0], color=row[1], comment=row[2])

    def highlights_with_ids(self, paper_id: int) -> list[dict[str, Any]]:
        """A paper's highlights by position: id, start, end, color, comment, created_at."""
        return [dict(id=i, start=s, end=e, color=c, comment=cm, created_at=t)
                for i, s, e, c, cm, t in self._conn.execute(
                    "SELECT id, start, end, color, comment, created_at FROM highlights WHERE paper_id = ?"
                    " ORDER BY start, id", (paper_id,))]

    # --- the spans of highlights and facet corrections, moved with their abstract's words ---------------
    def move_abstract_spans(self, paper_id: int, highlights: Sequence[tuple], corrections: Sequence[tuple]) -> bool:
        """After the paper's abstract changed (in the same transaction): its highlights ``(id, start, end,
        new_start, new_end)`` and facet corrections ``(start, end, new_start, new_end)`` to their new
        offsets, provided the paper holds exactly these now. False (nothing moved) when it does not."""
        with self.transaction() as conn:
            if not self._annotation_spans_held(conn, paper_id, highlights, corrections):
                return False
            self._move_annotation_spans(conn, paper_id, highlights, corrections)
            return True

    @staticmethod
    def _annotation_spans_held(conn, paper_id: int, highlights: Sequence[tuple], corrections: Sequence[tuple]) -> bool:
        """Does the paper hold exactly these highlights and facet corrections, at these offsets?"""
        held = {(i, s, e) for i, s, e in conn.execute('SELECT id, start, "end" FROM highlights WHERE paper_id = ?',
                                                      (paper_id,))}
        spans = {(s, e) for s, e in conn.execute('SELECT start, "end" FROM facet_corrections WHERE paper_id = ?',
                                                 (paper_id,))}
        return held == {tuple(h[:3]) for h in highlights} and spans == {tuple(k[:2]) for k in corrections}

    @staticmethod
    def _move_annotation_spans(conn, paper_id: int, highlights: Sequence[tuple], corrections: Sequence[tuple]) -> None:
        for hid, _s, _e, start, end in highlights:
            conn.execute('UPDATE highlights SET start = ?, "end" = ? WHERE id = ?', (start, end, hid))
        if corrections:      # all out, then all in: a moved span may be another's old one
            rows = {(s, e): r for s, e, *r in conn.execute(
                'SELECT start, "end", label, shortcoming, corrected_at FROM facet_corrections WHERE paper_id = ?',
                (paper_id,))}
            conn.execute("DELETE FROM facet_corrections WHERE paper_id = ?", (paper_id,))
            conn.executemany(
                'INSERT INTO facet_corrections (paper_id, start, "end", label, shortcoming, corrected_at)'
                ' VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(paper_id, start, "end") DO UPDATE SET'
                " label = coalesce(excluded.label, label), shortcoming = coalesce(excluded.shortcoming, shortcoming)",
                [(paper_id, start, end, *rows[(s, e)]) for s, e, start, end in corrections])

    # --- highlights in an attached PDF -----------------------------------------------------------------------
    def add_pdf_highlight(self, paper_id: int, attachment_id: int, page: int, text: str,
                          rects: Sequence[Sequence[float]] = (), color: str = "yellow", comment: str = "") -> int:
        with self.transaction() as conn:
            return conn.execute(
                "INSERT INTO pdf_highlights (paper_id, attachment_id, page, text, rects, color, comment, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (paper_id, attachment_id, page, text, json.dumps([list(map(float, r)) for r in rects]), color,
                 comment, now_iso())).lastrowid

    def pdf_highlights(self, paper_id: Optional[int] = None) -> list[dict[str, Any]]:
        cols = ("id", "paper_id", "attachment_id", "page", "text", "rects", "color", "comment", "created_at")
        sql = f"SELECT {', '.join(cols)} FROM pdf_highlights"
        args: list[Any] = []
        if paper_id is not None:
            sql += " WHERE paper_id = ?"
            args.append(paper_id)
        out = [dict(zip(cols, r)) for r in self._conn.execute(sql + " ORDER BY paper_id, page, id", args)]
        for h in out:
            h["rects"] = json.loads(h["rects"])
        return out

    def remove_pdf_highlight(self, highlight_id: int) -> None:
        with self.transaction() as conn:
            if conn.execute("DELETE FROM pdf_highlights WHERE id = ?", (highlight_id,)).rowcount != 1:
                raise LibraryError(f"no PDF highlight with id {highlight_id}")
