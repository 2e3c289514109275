"""Screening SQL: the decision log (with reviewers), exclusion reasons, and the papers of a scope.

A mixin of :class:`~gapscope.store.library.Library`. The decision log is append-only: a decision is
one row; undo stamps ``undone_at``; re-deciding a paper adds a row (the latest live row of a reviewer
is that reviewer's current decision). ``collection_id`` NULL is the whole library's screening.
"""

from __future__ import annotations

from typing import Any, Optional

from .base import LibraryError

_DECISION_COLS = ("id", "paper_id", "decision", "reason", "origin", "reviewer", "decided_at", "undone_at")

class NotLiveDecision(LibraryError):
    """The decision asked to be undone is no longer the paper's decision in force: it was undone, or the
    paper was decided again since (in another window or process). Nothing was written."""

    def __init__(self, decision: dict[str, Any], why: str) -> None:
        self.decision = decision
        self.why = why                     # "was decided again since (exclude at …)", "was undone already …"
        super().__init__(f"decision {decision['id']} ({decision['decision']} of paper {decision['paper_id']}) "
                         f"was not undone: the paper {why}")


# ``seen`` of insert_decision when the caller does not say what it saw (the CLI, seeding): no check
NOT_CHECKED = object()


class DecidedElsewhere(LibraryError):
    """The reviewer's decision on the paper is no longer the one they were shown: another window or
    process decided it (or undid it) since. Nothing was written. ``current``: the decision row now in
    force for that reviewer, or None."""

    def __init__(self, paper_id: int, current: Optional[dict[str, Any]]) -> None:
        self.paper_id = paper_id
        self.current = current
        what = (f"was decided elsewhere since it was shown ({current['decision']} at {current['decided_at']})"
                if current is not None else "had its decision undone elsewhere since it was shown")
        super().__init__(f"paper {paper_id} {what}; nothing was recorded")


class TriageMixin:
    # --- exclusion reasons ------------------------------------------------------------------------
    def exclusion_reasons(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT name FROM exclusion_reasons ORDER BY position, name")]

    def has_exclusion_reason(self, name: str) -> bool:
        return self._conn.execute("SELECT 1 FROM exclusion_reasons WHERE name = ?", (name,)).fetchone() is not None

    def add_exclusion_reason(self, name: str) -> bool:
        with self.transaction() as conn:
            pos = conn.execute("SELECT coalesce(max(position), 0) + 1 FROM exclusion_reasons").fetchone()[0]
            return conn.execute("INSERT OR IGNORE INTO exclusion_reasons (name, position) VALUES (?, ?)",
                                (name, pos)).rowcount == 1

    def remove_exclusion_reason(self, name: str) -> bool:
        with self.transaction() as conn:
            return conn.execute("DELETE FROM exclusion_reasons WHERE name = ?", (name,)).rowcount == 1

    # --- the decision log -------------------------------------------------------------------------
    def own_decision(self, paper_id: int, collection_id: Optional[int], reviewer: str) -> Optional[dict[str, Any]]:
        """``reviewer``'s decision in force on the paper in the scope (their latest live row), or None."""
        row = self._conn.execute(
            "SELECT " + ", ".join(_DECISION_COLS) + " FROM decisions WHERE paper_id = ? AND collection_id IS ?"
            " AND reviewer = ? AND undone_at IS NULL ORDER BY id DESC LIMIT 1",
            (paper_id, collection_id, reviewer)).fetchone()
        return dict(zip(_DECISION_COLS, row)) if row is not None else None

    def insert_decision(self, paper_id: int, collection_id: Optional[int], decision: str, reason: Optional[str],
                        origin: str, reviewer: str, decided_at: str, seen: Any = NOT_CHECKED) -> int:
        """One decision in its own transaction; checks the paper (and its collection) exist. ``seen``:
        the id of the reviewer's decision in force that the caller was shown (None: none); when it is
        no longer the one in force, :class:`DecidedElsewhere` and nothing is written. The check runs
        under the write lock, so two processes cannot both pass it."""
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone() is None:
                raise LibraryError(f"no paper with id {paper_id}")
            if collection_id is not None and conn.execute(
                    "SELECT 1 FROM collection_papers WHERE collection_id = ? AND paper_id = ?",
                    (collection_id, paper_id)).fetchone() is None:
                raise LibraryError(f"paper {paper_id} is not in that collection")
            if seen is not NOT_CHECKED:
                now = self.own_decision(paper_id, collection_id, reviewer)
                if (now["id"] if now is not None else None) != seen:
                    raise DecidedElsewhere(paper_id, now)
            return conn.execute(
                "INSERT INTO decisions (paper_id, collection_id, decision, reason, origin, reviewer, decided_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (paper_id, collection_id, decision, reason, origin, reviewer, decided_at)).lastrowid

    def undo_latest_decision(self, collection_id: Optional[int], reviewer: Optional[str],
                             undone_at: str) -> Optional[dict[str, Any]]:
        """Stamp the latest live decision in the scope (of ``reviewer``, or of anyone when None) undone; returns
        it as it is then (``undone_at`` set), or None when there is none."""
        sql = "SELECT " + ", ".join(_DECISION_COLS) + " FROM decisions WHERE collection_id IS ? AND undone_at IS NULL"
        args: list[Any] = [collection_id]
        if reviewer is not None:
            sql += " AND reviewer = ?"
            args.append(reviewer)
        with self.transaction() as conn:
            row = conn.execute(sql + " ORDER BY id DESC LIMIT 1", args).fetchone()
            if row is None:
                return None
            conn.execute("UPDATE decisions SET undone_at = ? WHERE id = ?", (undone_at, row[0]))
        # the record as it is now (undone), as `triage log` shows it: a caller checks undone_at
        return dict(zip(_DECISION_COLS, row), undone_at=undone_at)

    def latest_live_decision(self, collection_id: Optional[int]) -> Optional[dict[str, Any]]:
        """The scope's latest decision not undone (anyone's), or None."""
        row = self._conn.execute("SELECT " + ", ".join(_DECISION_COLS) + " FROM decisions WHERE collection_id IS ?"
                                 " AND undone_at IS NULL ORDER BY id DESC LIMIT 1", (collection_id,)).fetchone()
        return None if row is None else dict(zip(_DECISION_COLS, row))

    def undo_decision(self, decision_id: int, undone_at: str) -> dict[str, Any]:
        """Stamp this one decision undone, only while it is the live one: :class:`NotLiveDecision` when
        it was undone already or its paper was decided again since (by the same reviewer, or resolved)
        in the same scope. The check runs under the write lock."""
        cols = ", ".join(_DECISION_COLS)
        with self.transaction() as conn:
            row = conn.execute(f"SELECT {cols}, collection_id FROM decisions WHERE id = ?", (int(decision_id),)).fetchone()
            if row is None:
                raise LibraryError(f"no decision with id {decision_id}")
            d = dict(zip(_DECISION_COLS + ("collection_id",), row))
            if d["undone_at"] is not None:
                raise NotLiveDecision(d, f"had that decision undone already (at {d['undone_at']})")
            later = conn.execute(
                f"SELECT {cols} FROM decisions WHERE paper_id = ? AND collection_id IS ? AND id > ?"
                " AND undone_at IS NULL AND (reviewer = ? OR origin = 'resolution') ORDER BY id DESC LIMIT 1",
                (d["paper_id"], d["collection_id"], d["id"], d["reviewer"])).fetchone()
            if later is not None:
                now = dict(zip(_DECISION_COLS, later))
                raise NotLiveDecision(d, f"was decided again since ({now['decision']} at {now['decided_at']})")
            conn.execute("UPDATE decisions SET undone_at = ? WHERE id = ?", (undone_at, d["id"]))
        d.pop("collection_id")
        return dict(d, undone_at=undone_at)

    def decision_rows(self, collection_id: Optional[int], *, include_undone: bool = False,
                      reviewer: Optional[str] = None, paper_id: Optional[int] = None) -> list[dict[str, Any]]:
        """The scope's decision log in the order it was written."""
        sql = "SELECT " + ", ".join(_DECISION_COLS) + " FROM decisions WHERE collection_id IS ?"
        args: list[Any] = [collection_id]
        if not include_undone:
            sql += " AND undone_at IS NULL"
        if reviewer is not None:
            sql += " AND reviewer = ?"
            args.append(reviewer)
        if paper_id is not None:
            sql += " AND paper_id = ?"
            args.append(paper_id)
        return [dict(zip(_DECISION_COLS, r)) for r in self._conn.execute(sql + " ORDER BY id", args)]

    def live_decisions_by_collection(self) -> dict[Optional[str], int]:
        """Live decisions per screening scope: {collection name (None: the whole library): count}."""
        return {name: n for name, n in self._conn.execute(
            "SELECT c.name, count(*) FROM decisions d LEFT JOIN collections c ON c.id = d.collection_id"
            " WHERE d.undone_at IS NULL GROUP BY d.collection_id ORDER BY count(*) DESC")}

    def reviewers(self, collection_id: Optional[int]) -> list[str]:
        """Reviewers with a live screening decision in the scope (resolutions do not make a reviewer)."""
        return [r[0] for r in self._conn.execute(
            "SELECT DISTINCT reviewer FROM decisions WHERE collection_id IS ? AND undone_at IS NULL"
            " AND origin != 'resolution' ORDER BY reviewer", (collection_id,))]

    # --- scopes -----------------------------------------------------------------------------------
    def cluster_paper_ids(self, map_id: int, cluster: int) -> list[int]:
        if self._conn.execute("SELECT 1 FROM clusters WHERE map_id = ? AND cluster = ?", (map_id, cluster)).fetchone() is None:
            raise LibraryError(f"map {map_id} has no cluster {cluster}")
        return [r[0] for r in self._conn.execute(
            "SELECT paper_id FROM map_assignments WHERE map_id = ? AND cluster = ? ORDER BY paper_id", (map_id, cluster))]

    def latest_map_of_facet(self, facet: str) -> Optional[int]:
        row = self._conn.execute("SELECT max(id) FROM maps WHERE facet = ?", (facet,)).fetchone()
        return row[0] if row else None

    def rename_collection(self, old: str, new: str) -> None:
        new = new.strip()
        if not new:
            raise LibraryError("a collection needs a name")
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM collections WHERE name = ?", (new,)).fetchone() is not None:
                raise LibraryError(f"there is already a collection named {new!r}")
            if conn.execute("UPDATE collections SET name = ? WHERE name = ?", (new, old)).rowcount != 1:
                raise LibraryError(f"no collection named {old!r}")

    def collection_contents(self, name: str) -> tuple[int, int]:
        """(papers, screening decisions) of a collection; LibraryError when there is none by that name."""
        cid = self.collection_id(name)
        papers = self._conn.execute("SELECT count(*) FROM collection_papers WHERE collection_id = ?", (cid,)).fetchone()
        decisions = self._conn.execute("SELECT count(*) FROM decisions WHERE collection_id = ?", (cid,)).fetchone()
        return papers[0], decisions[0]

    def delete_collection(self, name: str) -> None:
        """Delete a collection and its own screening decisions; its papers stay in the library."""
        with self.transaction() as conn:
            if conn.execute("DELETE FROM collections WHERE name = ?", (name,)).rowcount != 1:
                raise LibraryError(f"no collection named {name!r}")

    def remove_from_collection(self, name: str, paper_ids) -> int:
        cid = self.collection_id(name)
        with self.transaction() as conn:
            return sum(conn.execute("DELETE FROM collection_papers WHERE collection_id = ? AND paper_id = ?",
                                    (cid, pid)).rowcount for pid in paper_ids)
