"""Notes on papers."""

from __future__ import annotations

from typing import Any, Optional

from .base import LibraryError, now_iso


class NoteChanged(LibraryError):
    """A note edited or deleted from what the user saw has since been changed or deleted by another
    process: written over, that change would be lost without a word."""


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

    def update_note(self, note_id: int, body: str, *, expected: Optional[str] = None) -> None:
        """Replace the note's text. ``expected``: the text the user saw when they began the edit; when the
        note holds another text now (changed or deleted by another window or the gapscope command
        meanwhile), :class:`NoteChanged` is raised and nothing is written over it."""
        with self.transaction() as conn:
            self._check_note(conn, note_id, expected, "changed")
            if conn.execute("UPDATE notes SET body = ?, updated_at = ? WHERE id = ?",
                            (body, now_iso(), note_id)).rowcount != 1:
                raise LibraryError(f"no note with id {note_id}")

    def delete_note(self, note_id: int, *, expected: Optional[str] = None) -> None:
        """Delete the note; with ``expected`` (the text the user was shown) only while it still holds it."""
        with self.transaction() as conn:
            self._check_note(conn, note_id, expected, "deleted")
            if conn.execute("DELETE FROM notes WHERE id = ?", (note_id,)).rowcount != 1:
                raise LibraryError(f"no note with id {note_id}")

    @staticmethod
    def _check_note(conn, note_id: int, expected: Optional[str], doing: str) -> None:
        if expected is None:
            return
        row = conn.execute("SELECT body FROM notes WHERE id = ?", (note_id,)).fetchone()
        if row is None:
            raise NoteChanged(f"note {note_id} was deleted elsewhere (another window or the gapscope command)"
                              f" since it was opened; it was not {doing}")
        if row[0] != expected:
            raise NoteChanged(f"note {note_id} was changed elsewhere (another window or the gapscope command)"
                              f" since it was opened; it was not {doing}, so that change is kept")
