"""Collect cursors (where an interrupted collect continues) and what a Scholar collect fills in from arXiv."""

from __future__ import annotations

import json
from typing import Any, Optional

from .base import now_iso


class CollectMixin:
    def collect_cursor(self, key: str) -> Optional[dict]:
        row = self._conn.execute("SELECT state FROM collect_cursors WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def save_collect_cursor(self, key: str, source: str, query: str, state: dict) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO collect_cursors (key, source, query, state, updated_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                (key, source, query, json.dumps(state, default=str), now_iso()))

    def collect_cursors(self) -> list[dict[str, Any]]:
        """Every saved cursor, the latest first."""
        return [dict(key=k, source=s, query=q, state=json.loads(st), updated_at=u) for k, s, q, st, u in
                self._conn.execute("SELECT key, source, query, state, updated_at FROM collect_cursors"
                                   " ORDER BY updated_at DESC")]

    def scholar_snippets(self, import_id: int) -> list[tuple[int, str, Optional[str], str]]:
        """(id, title, arxiv_id, authors) of the papers a Scholar collect brought whose abstract is a
        snippet (truncated) or missing."""
        return self._conn.execute(
            "SELECT DISTINCT p.id, p.title, p.arxiv_id, p.authors FROM source_records s JOIN papers p ON p.id = s.paper_id"
            " WHERE s.source = 'scholar' AND s.import_id = ? AND (p.abstract_truncated = 1 OR p.abstract = '')"
            " ORDER BY p.id", (import_id,)).fetchall()

    def claim_arxiv_id(self, paper_id: int, arxiv_id: str) -> None:
        """Give a paper without an arXiv id this one, unless another paper has it already."""
        with self.transaction() as conn:
            if not conn.execute("SELECT 1 FROM papers WHERE arxiv_id = ?", (arxiv_id,)).fetchone():
                conn.execute("UPDATE papers SET arxiv_id = ? WHERE id = ? AND arxiv_id IS NULL", (arxiv_id, paper_id))
