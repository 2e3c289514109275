"""Screening decisions: an append-only log, one committed transaction per decision.

The current decision of a paper in a scope (a collection, or the whole library when collection is
None) is its latest row there that was not undone. Undo marks the latest live row undone, so the
previous decision (if any) becomes current again; nothing is ever deleted.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from ..store.library import LibraryError
from ..vocabulary import DECISIONS



def collection_id(lib, collection: Optional[str]) -> Optional[int]:
    return None if collection is None else lib.collection_id(collection)


def scope_paper_ids(lib, collection: Optional[str]) -> list[int]:
    return lib.list_paper_ids(collection=collection)


def list_reasons(lib) -> list[str]:
    return lib.exclusion_reasons()


def add_reason(lib, name: str) -> bool:
    name = name.strip()
    if not name:
        raise LibraryError("an exclusion reason needs a name")
    return lib.add_exclusion_reason(name)


def remove_reason(lib, name: str) -> bool:
    """Remove a reason from the list; decisions that used it keep their text."""
    return lib.remove_exclusion_reason(name)


def decide(lib, paper_id: int, decision: str, reason: Optional[str] = None, collection: Optional[str] = None,
           origin: str = "user") -> int:
    """Record a decision at once (own transaction); returns its log id.

    ``reason`` is only for exclude and must be one of the exclusion reasons (add it first)."""
    if decision not in DECISIONS:
        raise LibraryError(f"unknown decision {decision!r}; choose one of {', '.join(DECISIONS)}")
    if reason is not None and decision != "exclude":
        raise LibraryError("a reason goes with 'exclude' only")
    cid = collection_id(lib, collection)
    return lib.record_decision(paper_id, cid, decision, reason, origin, collection=collection)


def seed(lib, paper_ids: Iterable[int], collection: Optional[str] = None) -> list[int]:
    """Mark known relevant papers (before or during screening): include decisions with origin 'seed'."""
    return [decide(lib, pid, "include", collection=collection, origin="seed") for pid in paper_ids]


def undo(lib, collection: Optional[str] = None) -> Optional[dict[str, Any]]:
    """Undo the latest live decision in the scope; returns it (or None when there is nothing to undo)."""
    return lib.undo_latest_decision(collection_id(lib, collection))


def current_decisions(lib, collection: Optional[str] = None) -> dict[int, dict[str, Any]]:
    """paper id -> its current decision {decision, reason, origin, decided_at, id}, in decision order."""
    out: dict[int, dict[str, Any]] = {}
    for d in lib.decision_rows(collection_id(lib, collection), include_undone=False):
        out.pop(d["paper_id"], None)  # re-insert so the dict keeps the order of the latest decisions
        out[d["paper_id"]] = {"id": d["id"], "decision": d["decision"], "reason": d["reason"],
                              "origin": d["origin"], "decided_at": d["decided_at"]}
    return out


def decision_log(lib, collection: Optional[str] = None, include_undone: bool = True) -> list[dict[str, Any]]:
    return lib.decision_rows(collection_id(lib, collection), include_undone=include_undone)
