"""A map's clusters per month as `gapscope map show` prints them: the partial months at either end of the
library read by the report's rule (reports/coverage.py), so a month the papers cover for a day is not taken
for a month's count (the 10,653-paper library ends on 2026-07-01)."""

from __future__ import annotations

from typing import Any, Mapping

MARKED = "given as ~N a whole month after its count"


def map_months(lib, m):
    """coverage.Steps of map ``m``'s months: which of its end months its papers cover only in part."""
    from ..reports.coverage import month_steps

    return month_steps((mo for c in m.clusters for mo in c.sizes_by_month),
                       ((d, y) for pid, d, y in lib.paper_dates() if pid in m.assignments))


def months_text(sizes: Mapping[str, int], s) -> str:
    """A cluster's papers per month as a reader takes them in: "2025-03: 2 (~3 a whole month), 2025-04: 12";
    a month left out as partial after the others, with its count ("; partial, left out: 2026-07: 3")."""
    from ..reports.coverage import left_out

    out = []
    for month, n in sorted(sizes.items()):
        if month in s.scale:
            out.append(f"{month}: {n:,} (~{round(n * s.scale[month]):,} a whole month)")
        elif month not in left_out(s):
            out.append(f"{month}: {n:,}")
    dropped = [f"{month}: {sizes[month]:,}" for month in left_out(s) if month in sizes]
    text = ", ".join(out) or "no dated papers"
    return text + (f"; partial, left out: {', '.join(dropped)}" if dropped else "")


def months_note(s) -> str:
    """Which end months are partial and how they are read ("" when none is)."""
    from ..reports.coverage import partial_note

    return partial_note(s, "month", marked=MARKED)


def months_json(s) -> dict[str, Any]:
    """The partial months for --json: each with the days it covers and how it is read, and the note."""
    return {"partial_months": [{"month": p.step, "end": p.end, "covered_days": p.covered, "days": p.days,
                                "treated": "scaled up" if p.scaled else "left out"} for p in s.partial],
            "partial_months_note": months_note(s)}


def cluster_json(c, s) -> dict[str, Any]:
    """A cluster's --json record with its months as a trend reads them (``sizes_by_whole_month``: a partial
    month scaled up, one left out absent) beside the counts as stored (``sizes_by_month``)."""
    from ..reports.coverage import whole_counts

    whole = {k: round(v, 1) for k, v in whole_counts(c.sizes_by_month, s).items()}
    return {**c.to_dict(), "sizes_by_whole_month": whole}
