"""Screening decisions: an append-only log, one committed transaction per decision.

The current decision of a paper in a scope (a collection, or the whole library when collection is
None) is its latest row there that was not undone. Undo marks the latest live row undone, so the
previous decision (if any) becomes current again; nothing is ever deleted.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from ..store.library import LibraryError, now_iso
from ..vocabulary import DECISIONS



def collection_id(lib, collection: Optional[str]) -> Optional[int]:
    return None if collection is None else lib.collection_id(collection)


def scope_paper_ids(lib, collection: Optional[str]) -> list[int]:
    return lib.list_paper_ids(collection=collection)


def list_reasons(lib) -> list[str]:
    return [r[0] for r in lib.conn.execute("SELECT name FROM exclusion_reasons ORDER BY position, name")]


def add_reason(lib, name: str) -> bool:
    name = name.strip()
    if not name:
        raise LibraryError("an exclusion reason needs a name")
    with lib.transaction() as conn:
        pos = conn.execute("SELECT coalesce(max(position), 0) + 1 FROM exclusion_reasons").fetchone()[0]
        return conn.execute("INSERT OR IGNORE INTO exclusion_reasons (name, position) VALUES (?, ?)",
                            (name, pos)).rowcount == 1


def remove_reason(lib, name: str) -> bool:
    """Remove a reason from the list; decisions that used it keep their text."""
    with lib.transaction() as conn:
        return conn.execute("DELETE FROM exclusion_reasons WHERE name = ?", (name,)).rowcount == 1


def decide(lib, paper_id: int, decision: str, reason: Optional[str] = None, collection: Optional[str] = None,
           origin: str = "user") -> int:
    """Record a decision at once (own transaction); returns its log id.

    ``reason`` is only for exclude and must be one of the exclusion reasons (add it first)."""
    if decision not in DECISIONS:
        raise LibraryError(f"unknown decision {decision!r}; choose one of {', '.join(DECISIONS)}")
    if reason is not None and decision != "exclude":
        raise LibraryError("a reason goes with 'exclude' only")
    cid = collection_id(lib, collection)
    with lib.transaction() as conn:
        if conn.execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone() is None:
            raise LibraryError(f"no paper with id {paper_id}")
        if cid is not None and conn.execute(
                "SELECT 1 FROM collection_papers WHERE collection_id = ? AND paper_id = ?", (cid, paper_id)).fetchone() is None:
            raise LibraryError(f"paper {paper_id} is not in collection {collection!r}")
        if reason is not None and conn.execute(
                "SELECT 1 FROM exclusion_reasons WHERE name = ?", (reason,)).fetchone() is None:
            known = ", ".join(list_reasons(lib))
            raise LibraryError(f"unknown exclusion reason {reason!r} (known: {known}; add it with `gapscope triage reasons add`)")
        return conn.execute(
            "INSERT INTO decisions (paper_id, collection_id, decision, reason, origin, decided_at) VALUES (?, ?, ?, ?, ?, ?)",
            (paper_id, cid, decision, reason, origin, now_iso())).lastrowid


def seed(lib, paper_ids: Iterable[int], collection: Optional[str] = None) -> list[int]:
    """Mark known relevant papers (before or during screening): include decisions with origin 'seed'."""
    return [decide(lib, pid, "include", collection=collection, origin="seed") for pid in paper_ids]


def undo(lib, collection: Optional[str] = None) -> Optional[dict[str, Any]]:
    """Undo the latest live decision in the scope; returns it (or None when there is nothing to undo)."""
    cid = collection_id(lib, collection)
    with lib.transaction() as conn:
        row = conn.execute(
            "SELECT id, paper_id, decision, reason, origin, decided_at FROM decisions"
            " WHERE collection_id IS ? AND undone_at IS NULL ORDER BY id DESC LIMIT 1", (cid,)).fetchone()
        if row is None:
            return None
        conn.execute("UPDATE decisions SET undone_at = ? WHERE id = ?", (now_iso(), row[0]))
    return dict(zip(("id", "paper_id", "decision", "reason", "origin", "decided_at"), row))


def current_decisions(lib, collection: Optional[str] = None) -> dict[int, dict[str, Any]]:
    """paper id -> its current decision {decision, reason, origin, decided_at, id}, in decision order."""
    cid = collection_id(lib, collection)
    out: dict[int, dict[str, Any]] = {}
    for did, pid, dec, reason, origin, at in lib.conn.execute(
            "SELECT id, paper_id, decision, reason, origin, decided_at FROM decisions"
            " WHERE collection_id IS ? AND undone_at IS NULL ORDER BY id", (cid,)):
        out.pop(pid, None)  # re-insert so the dict keeps the order of the latest decisions
        out[pid] = {"id": did, "decision": dec, "reason": reason, "origin": origin, "decided_at": at}
    return out


def decision_log(lib, collection: Optional[str] = None, include_undone: bool = True) -> list[dict[str, Any]]:
    cid = collection_id(lib, collection)
    sql = ("SELECT id, paper_id, decision, reason, origin, decided_at, undone_at FROM decisions"
           " WHERE collection_id IS ?" + ("" if include_undone else " AND undone_at IS NULL") + " ORDER BY id")
    cols = ("id", "paper_id", "decision", "reason", "origin", "decided_at", "undone_at")
    return [dict(zip(cols, r)) for r in lib.conn.execute(sql, (cid,))]
