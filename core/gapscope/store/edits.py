"""The history of the user's own edits of papers' titles and abstracts (table ``paper_edits``): each edit
with the text it replaced, so that it can be undone, in this process or after a restart. editing.py
decides what an edit, its undo and its redo do; this is only where the rows are kept."""

from __future__ import annotations

import json
from typing import Any, Optional

from .base import LibraryError, now_iso

_COLS = ("id", "paper_id", "old_title", "new_title", "old_abstract", "new_abstract", "old_abstract_truncated",
         "marks", "edited_at", "undone_at", "redo_dropped_at")


def _row(r) -> dict[str, Any]:
    d = dict(zip(_COLS, r))
    d["old_abstract_truncated"] = bool(d["old_abstract_truncated"])
    d["marks"] = json.loads(d["marks"] or "{}")
    return d


class EditsMixin:
    def record_paper_edit(self, paper_id: int, *, old_title: Optional[str] = None, new_title: Optional[str] = None,
                          old_abstract: Optional[str] = None, new_abstract: Optional[str] = None,
                          old_abstract_truncated: bool = False, marks: Optional[dict] = None) -> int:
        """Keep one edit of the paper (None: that field was not edited), in the caller's transaction when
        there is one (the edit's own); returns its id. The paper's undone edits can no longer be redone: a
        new edit closes the redo path, as in any editor."""
        with self.transaction() as conn:
            conn.execute("UPDATE paper_edits SET redo_dropped_at = ? WHERE paper_id = ? AND undone_at IS NOT NULL"
                         " AND redo_dropped_at IS NULL", (now_iso(), paper_id))
            return conn.execute(
                "INSERT INTO paper_edits (paper_id, old_title, new_title, old_abstract, new_abstract,"
                " old_abstract_truncated, marks, edited_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (paper_id, old_title, new_title, old_abstract, new_abstract, int(old_abstract_truncated),
                 json.dumps(marks or {}), now_iso())).lastrowid

    def paper_edits(self, paper_id: int, *, include_undone: bool = True) -> list[dict[str, Any]]:
        """The paper's edits, latest first: the columns of ``paper_edits`` (``marks`` read as JSON)."""
        sql = f"SELECT {', '.join(_COLS)} FROM paper_edits WHERE paper_id = ?"
        if not include_undone:
            sql += " AND undone_at IS NULL"
        return [_row(r) for r in self._conn.execute(sql + " ORDER BY id DESC", (paper_id,))]

    def edited_fields(self, paper_id: int) -> set[str]:
        """The fields of the paper the user set by hand ("title", "abstract"; a cleared abstract too) in an
        edit not undone: an import or collect of a record of the paper leaves them as they are (ingest.py)."""
        fields = set()
        for new_title, new_abstract in self._conn.execute(
                "SELECT new_title, new_abstract FROM paper_edits WHERE paper_id = ? AND undone_at IS NULL",
                (paper_id,)):
            fields |= {"title"} if new_title is not None else set()
            fields |= {"abstract"} if new_abstract is not None else set()
        return fields

    def latest_paper_edit(self, paper_id: int) -> Optional[dict[str, Any]]:
        """The paper's latest edit not undone (what an undo takes back next), or None."""
        edits = self.paper_edits(paper_id, include_undone=False)
        return edits[0] if edits else None

    def next_paper_redo(self, paper_id: int) -> Optional[dict[str, Any]]:
        """The paper's edit a redo brings back next, or None: the earliest undone edit made after its latest
        edit in force, while no new edit has closed the redo path (undos go latest first, redos back up)."""
        latest = self.latest_paper_edit(paper_id)
        r = self._conn.execute(
            f"SELECT {', '.join(_COLS)} FROM paper_edits WHERE paper_id = ? AND id > ? AND undone_at IS NOT NULL"
            " AND redo_dropped_at IS NULL ORDER BY id LIMIT 1", (paper_id, latest["id"] if latest else 0)).fetchone()
        return _row(r) if r else None

    def paper_edit_stamps(self) -> dict[int, str]:
        """{paper id: a stamp of its edits (each one's id and whether and when it was undone)}: the papers whose
        title or abstract an edit or its undo changed between two reads are those whose stamp differs."""
        rows: dict[int, list[str]] = {}
        for pid, eid, undone in self._conn.execute(
                "SELECT paper_id, id, coalesce(undone_at, '') FROM paper_edits ORDER BY paper_id, id"):
            rows.setdefault(int(pid), []).append(f"{eid}:{undone}")
        return {pid: ",".join(r) for pid, r in rows.items()}

    def paper_edit_texts(self, paper_ids) -> dict[int, str]:
        """{paper id: every title and abstract its edits replaced or set, joined}: what it read as before."""
        out: dict[int, list[str]] = {}
        for pid in paper_ids:
            for e in self.paper_edits(int(pid)):
                out.setdefault(int(pid), []).extend(
                    t for t in (e["old_title"], e["new_title"], e["old_abstract"], e["new_abstract"]) if t)
        return {pid: "\n".join(t) for pid, t in out.items()}

    def mark_paper_edit_undone(self, edit_id: int, undone_at: str, marks: Optional[dict] = None) -> None:
        """The edit undone at ``undone_at``; ``marks`` (given): what it keeps for its redo, in place of its own."""
        with self.transaction() as conn:
            if conn.execute("UPDATE paper_edits SET undone_at = ?, marks = coalesce(?, marks)"
                            " WHERE id = ? AND undone_at IS NULL",
                            (undone_at, None if marks is None else json.dumps(marks), edit_id)).rowcount != 1:
                raise LibraryError(f"edit {edit_id} is not in the library or was undone already")

    def mark_paper_edit_redone(self, edit_id: int, marks: dict) -> None:
        """The undone edit in force again, keeping ``marks`` (what this redo took off) for its next undo."""
        with self.transaction() as conn:
            if conn.execute("UPDATE paper_edits SET undone_at = NULL, marks = ? WHERE id = ?"
                            " AND undone_at IS NOT NULL AND redo_dropped_at IS NULL",
                            (json.dumps(marks), edit_id)).rowcount != 1:
                raise LibraryError(f"edit {edit_id} is not in the library, is in force or can no longer be redone")

    def put_back_highlight(self, paper_id: int, highlight: dict[str, Any]) -> int:
        """A highlight an edit took off, back as it was (its place, colour, note and date); returns its id."""
        with self.transaction() as conn:
            return conn.execute(
                "INSERT INTO highlights (paper_id, start, end, color, comment, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (paper_id, highlight["start"], highlight["end"], highlight["color"], highlight["comment"],
                 highlight["created_at"])).lastrowid
