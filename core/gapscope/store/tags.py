"""Tags and collections: the user's own grouping of papers."""

from __future__ import annotations

import sqlite3
from typing import Iterable

from .base import LibraryError, now_iso


class TagsMixin:
    def _tag_id(self, conn: sqlite3.Connection, name: str) -> int:
        name = name.strip()
        if not name:
            raise LibraryError("a tag needs a name")
        conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (name,))
        return conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()[0]

    def add_tag(self, paper_ids: Iterable[int], name: str) -> int:
        """Tag papers; returns how many gained the tag."""
        with self.transaction() as conn:
            tid = self._tag_id(conn, name)
            n = 0
            for pid in paper_ids:
                n += conn.execute("INSERT OR IGNORE INTO paper_tags (paper_id, tag_id, added_at) VALUES (?, ?, ?)",
                                  (pid, tid, now_iso())).rowcount
            return n

    def remove_tag(self, paper_ids: Iterable[int], name: str) -> int:
        with self.transaction() as conn:
            row = conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
            if not row:
                return 0
            return sum(conn.execute("DELETE FROM paper_tags WHERE paper_id = ? AND tag_id = ?", (pid, row[0])).rowcount
                       for pid in paper_ids)

    def has_tag(self, name: str) -> bool:
        """Whether the library has a tag of this name (on any paper or none)."""
        return self._conn.execute("SELECT 1 FROM tags WHERE name = ?", (name.strip(),)).fetchone() is not None

    def tags_of(self, paper_id: int) -> list[str]:
        return [r[0] for r in self._conn.execute(
            "SELECT t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.paper_id = ? ORDER BY t.name",
            (paper_id,))]

    def list_tags(self) -> list[tuple[str, int]]:
        return [tuple(r) for r in self._conn.execute(
            "SELECT t.name, count(pt.paper_id) FROM tags t LEFT JOIN paper_tags pt ON pt.tag_id = t.id"
            " GROUP BY t.id ORDER BY t.name")]

    def create_collection(self, name: str, description: str = "") -> int:
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO collections (name, description, created_at) VALUES (?, ?, ?)",
                         (name, description, now_iso()))
            return conn.execute("SELECT id FROM collections WHERE name = ?", (name,)).fetchone()[0]

    def collection_id(self, name: str) -> int:
        row = self._conn.execute("SELECT id FROM collections WHERE name = ?", (name,)).fetchone()
        if not row:
            raise LibraryError(f"no collection named {name!r}")
        return row[0]

    def add_to_collection(self, name: str, paper_ids: Iterable[int]) -> int:
        cid = self.create_collection(name)
        with self.transaction() as conn:
            return sum(conn.execute(
                "INSERT OR IGNORE INTO collection_papers (collection_id, paper_id, added_at) VALUES (?, ?, ?)",
                (cid, pid, now_iso())).rowcount for pid in paper_ids)

    def list_collections(self) -> list[tuple[str, int]]:
        return [tuple(r) for r in self._conn.execute(
            "SELECT c.name, count(cp.paper_id) FROM collections c LEFT JOIN collection_papers cp"
            " ON cp.collection_id = c.id GROUP BY c.id ORDER BY c.name")]


    def saved_searches(self) -> list[tuple[str, str]]:
        """(name, query) of the saved searches, by name."""
        return [tuple(r) for r in self._conn.execute("SELECT name, query FROM saved_searches ORDER BY name")]

    def save_search(self, name: str, query: str) -> None:
        """Keep ``query`` under ``name`` (a name already used gets the new query)."""
        name, query = name.strip(), query.strip()
        if not name or not query:
            raise LibraryError("a saved search needs a name and a query")
        with self.transaction() as conn:
            conn.execute("INSERT INTO saved_searches (name, query) VALUES (?, ?)"
                         " ON CONFLICT(name) DO UPDATE SET query = excluded.query", (name, query))

    def delete_saved_search(self, name: str) -> None:
        with self.transaction() as conn:
            if conn.execute("DELETE FROM saved_searches WHERE name = ?", (name,)).rowcount != 1:
                raise LibraryError(f"no saved search named {name!r}")

    def add_to_collection_id(self, collection_id: int, paper_ids: Iterable[int]) -> None:
        """Papers into a collection by its id, all in one statement (joins the caller's transaction)."""
        now = now_iso()
        with self.transaction() as conn:
            conn.executemany("INSERT OR IGNORE INTO collection_papers (collection_id, paper_id, added_at) VALUES (?, ?, ?)",
                             [(collection_id, pid, now) for pid in paper_ids])
