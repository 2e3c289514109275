"""Small read-only queries the sidebar needs that the core Library does not offer as methods.
Reads only; every write goes through the core."""

from __future__ import annotations

DECISIONS = ("include", "exclude", "maybe", "postpone")

# The current decision of a paper is its latest decision row that was not undone (whole library scope).
_CURRENT = ("SELECT paper_id, decision FROM decisions d WHERE undone_at IS NULL AND collection_id IS NULL"
            " AND id = (SELECT max(id) FROM decisions d2 WHERE d2.paper_id = d.paper_id"
            " AND d2.collection_id IS NULL AND d2.undone_at IS NULL)")


def _triage(name):
    from .core_access import core_function

    return core_function("triage", name)


def decision_counts(lib) -> dict[str, int]:
    counts = {d: 0 for d in DECISIONS}
    current = _triage("current_decisions")
    if current is not None:
        for d in current(lib).values():
            counts[d["decision"]] = counts.get(d["decision"], 0) + 1
        return counts
    for decision, n in lib.conn.execute(f"SELECT decision, count(*) FROM ({_CURRENT}) GROUP BY decision"):
        counts[decision] = n
    return counts


def ids_with_decision(lib, decision: str) -> list[int]:
    current = _triage("current_decisions")
    if current is not None:
        return [pid for pid, d in current(lib).items() if d["decision"] == decision]
    return [r[0] for r in lib.conn.execute(f"SELECT paper_id FROM ({_CURRENT}) WHERE decision = ?", (decision,))]


def saved_searches(lib) -> list[tuple[str, str]]:
    return [tuple(r) for r in lib.conn.execute("SELECT name, query FROM saved_searches ORDER BY name")]


def exclusion_reasons(lib) -> list[str]:
    list_reasons = _triage("list_reasons")
    if list_reasons is not None:
        return list(list_reasons(lib))
    return [r[0] for r in lib.conn.execute("SELECT name FROM exclusion_reasons ORDER BY position")]
