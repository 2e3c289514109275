"""One concept listed under two names: an acronym end of one gap ("LoRA", defined as "low-rank adaptation")
and its spelled-out form as an end of another. The extractor keeps the two apart (their phrase vectors are
far apart), so each gap counts only the papers that use its own name ("55 papers use LoRA", "39 use
low-rank adaptation"); the reader is told, the ranking is left as it is."""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional


def _ends(details: Mapping[str, Any]) -> list[str]:
    return [str(details[k]) for k in ("method_concept", "problem_concept") if details.get(k)]


def other_names(gaps: Iterable[tuple[Optional[int], Mapping[str, Any]]]) -> dict[int, list[str]]:
    """{gap id: notes} for the listed gaps ((id, details) pairs) one of whose ends another lists under its
    other name: "“low-rank adaptation” is also listed as “LoRA” (gap #328): each counts only the papers
    that use its own name"."""
    gaps = [(gid, d or {}) for gid, d in gaps if gid is not None]
    named: dict[str, list[tuple[int, str]]] = {}        # a name, lower-cased -> (gap id, the name as listed)
    for gid, d in gaps:
        for end in _ends(d):
            named.setdefault(end.lower(), []).append((gid, end))
    notes: dict[int, list[str]] = {}

    def note(gid: int, name: str, other: str, other_gid: int) -> None:
        text = (f"“{name}” is also listed as “{other}” (gap #{other_gid}): each counts only the papers that "
                "use its own name")
        if other_gid != gid and text not in notes.get(gid, []):
            notes.setdefault(gid, []).append(text)

    for gid, d in gaps:
        for acronym, expansion in (d.get("expansions") or {}).items():
            if not expansion or acronym not in _ends(d):
                continue
            for other_gid, spelled in named.get(str(expansion).lower(), []):
                note(gid, acronym, spelled, other_gid)
                note(other_gid, spelled, acronym, gid)
    return notes
