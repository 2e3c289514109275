"""Small read-only queries the sidebar needs that the core Library does not offer as methods.
Reads only; every write goes through the core."""

from __future__ import annotations

from gapscope.vocabulary import DECISIONS


def decision_counts(lib) -> dict[str, int]:
    from gapscope.triage import current_decisions

    from gapscope.triage import conflicts

    counts = {d: 0 for d in DECISIONS}
    for d in current_decisions(lib).values():
        counts[d["decision"]] = counts.get(d["decision"], 0) + 1
    counts["conflict"] = len(conflicts(lib))  # two reviewers disagree and nobody resolved it yet
    return counts


def ids_with_decision(lib, decision: str) -> list[int]:
    from gapscope.triage import conflicts, current_decisions

    if decision == "conflict":
        return [c["paper_id"] for c in conflicts(lib)]
    return [pid for pid, d in current_decisions(lib).items() if d["decision"] == decision]


def saved_searches(lib) -> list[tuple[str, str]]:
    return lib.saved_searches()


def exclusion_reasons(lib) -> list[str]:
    from gapscope.triage import list_reasons

    return list(list_reasons(lib))
