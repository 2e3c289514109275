"""Annotations on an abstract: highlights (a span, a colour, a comment) and facet label corrections."""

from __future__ import annotations

from typing import Any


class AnnotationsMixin:
    def highlights_with_ids(self, paper_id: int) -> list[dict[str, Any]]:
        """A paper's highlights by position: id, start, end, color, comment, created_at."""
        return [dict(id=i, start=s, end=e, color=c, comment=cm, created_at=t)
                for i, s, e, c, cm, t in self._conn.execute(
                    "SELECT id, start, end, color, comment, created_at FROM highlights WHERE paper_id = ?"
                    " ORDER BY start, id", (paper_id,))]
