"""Notes on papers."""

from __future__ import annotations

from typing import Any

from .base import LibraryError, now_iso


class NotesMixin:
    def add_note(self, paper_id: int, body: str) -> int:
        with self.transaction() as conn:
            t = now_iso()
            return conn.execute("INSERT INTO notes (paper_id, body, created_at, updated_at) VALUES (?, ?, ?, ?)",
                                (paper_id, body, t, t)).lastrowid

    def notes_of(self, paper_id: int) -> list[dict[str, Any]]:
        return [dict(id=i, body=b, created_at=c, updated_at=u) for i, b, c, u in self._conn.execute(
            "SELECT id, body, created_at, updated_at FROM notes WHERE paper_id = ? ORDER BY id", (paper_id,))]

    def get_note(self, note_id: int) -> dict[str, Any]:
        """paper_id, body, created_at, updated_at of a note; LibraryError when there is none."""
        row = self._conn.execute("SELECT paper_id, body, created_at, updated_at FROM notes WHERE id = ?",
                                 (note_id,)).fetchone()
        if row is None:
            raise LibraryError(f"no note with id {note_id}")
        return dict(id=note_id, paper_id=row[0], body=row[1], created_at=row[2], updated_at=row[3])

    def update_note(self, note_id: int, body: str) -> None:
        with self.transaction() as conn:
            if conn.execute("UPDATE notes SET body = ?, updated_at = ? WHERE id = ?",
                            (body, now_iso(), note_id)).rowcount != 1:
                raise LibraryError(f"no note with id {note_id}")

    def delete_note(self, note_id: int) -> None:
        with self.transaction() as conn:
            if conn.execute("DELETE FROM notes WHERE id = ?", (note_id,)).rowcount != 1:
                raise LibraryError(f"no note with id {note_id}")
