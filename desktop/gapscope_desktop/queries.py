"""Small read-only queries the sidebar needs that the core Library does not offer as methods.
Reads only; every write goes through the core."""

from __future__ import annotations

from typing import Optional

from gapscope.vocabulary import DECISIONS


def decision_counts(lib, collection=None) -> dict[str, int]:
    """The resolved decisions of a screening scope (the whole library or ``collection``) by decision,
    and its open conflicts ("conflict") and papers awaiting a second reviewer ("awaiting")."""
    from gapscope.triage import awaiting_second, conflicts, current_decisions

    counts = {d: 0 for d in DECISIONS}
    for d in current_decisions(lib, collection).values():
        counts[d["decision"]] = counts.get(d["decision"], 0) + 1
    counts["conflict"] = len(conflicts(lib, collection))  # two reviewers disagree and nobody resolved it yet
    counts["awaiting"] = len(awaiting_second(lib, collection))  # dual screening: one reviewer has screened it
    return counts


def ids_with_decision(lib, decision: str, collection=None) -> list[int]:
    from gapscope.triage import awaiting_second, conflicts, current_decisions

    if decision == "conflict":
        return [c["paper_id"] for c in conflicts(lib, collection)]
    if decision == "awaiting":
        return [a["paper_id"] for a in awaiting_second(lib, collection)]
    return [pid for pid, d in current_decisions(lib, collection).items() if d["decision"] == decision]


def screened_collection(lib, chosen=None):
    """The collection whose screening the sidebar counts: ``chosen`` (what the Triage view screens), or,
    when that is the whole library and it has no decisions while one collection has, that collection."""
    from gapscope.store import LibraryError
    from gapscope.triage.decisions import decisions_elsewhere

    if chosen is not None:
        try:
            lib.collection_id(chosen)
            return chosen
        except LibraryError:   # renamed or deleted meanwhile
            return None
    where = decisions_elsewhere(lib)
    return next(iter(where)) if len(where) == 1 else None


def saved_searches(lib) -> list[tuple[str, str]]:
    return lib.saved_searches()


def saved_search_named(lib, query: str) -> Optional[str]:
    """The name of the saved search whose query this is (the sidebar lists it by that name), or None."""
    return next((n for n, q in lib.saved_searches() if q == query), None) if query else None


def exclusion_reasons(lib) -> list[str]:
    from gapscope.triage import list_reasons

    return list(list_reasons(lib))
