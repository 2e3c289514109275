"""Gaps in the library: one batch per find_gaps run, with evidence papers and their roles."""

from __future__ import annotations

import json
from typing import Optional

from ..store import LibraryError
from ..store.base import now_iso
from .model import ClusterRef, Gap


def save_gaps(lib, gaps: list[Gap], notices: Optional[list[str]] = None, skipped: Optional[list[dict]] = None) -> int:
    """Store a new batch; returns its number. Evidence ids not in the library are dropped. With
    ``notices`` (a find_gaps run), the run is recorded in the same transaction: its notices (setting
    ``gaps.notices``), the gap types it could not look for (``gaps.skipped``: gaps/needs.py) and {"at", "found",
    "batch"} (``gaps.last_find``; a run that finds none stores no gap, and this says the latest list is empty, not
    the one before it)."""
    rows = []
    for g in gaps:
        details = dict(g.details)
        for side, ref in (("method", g.method), ("problem", g.problem)):
            if ref is not None:
                details[f"{side}_ref"] = {"facet": ref.facet, "label": ref.label, "keywords": ref.keywords}
        rows.append({"type": g.type, "score": float(g.score), "statement": g.statement,
                     "method_map": g.method.map_id if g.method else None,
                     "method_cluster": g.method.cluster if g.method else None,
                     "problem_map": g.problem.map_id if g.problem else None,
                     "problem_cluster": g.problem.cluster if g.problem else None,
                     "details": json.dumps(details),
                     "evidence": [(pid, g.roles.get(pid, "")) for pid in g.evidence]})
    with lib.transaction():
        batch, ids = lib.insert_gap_batch(rows)
        if notices is not None:
            lib.set_setting("gaps.notices", list(notices))
            lib.set_setting("gaps.skipped", list(skipped or []))
            lib.set_setting("gaps.last_find", {"at": now_iso(), "found": len(gaps), "batch": batch})
    for g, gid in zip(gaps, ids):
        g.id = gid
    return batch


def _row_to_gap(lib, row) -> Gap:
    gid, typ, score, statement, mm, mc, pm, pc, details = row
    details = json.loads(details)
    refs = {}
    for side, mid, cid in (("method", mm, mc), ("problem", pm, pc)):
        info = details.pop(f"{side}_ref", None)
        refs[side] = (ClusterRef(facet=info["facet"], map_id=mid, cluster=cid, label=info["label"],
                                 keywords=info["keywords"]) if info is not None and cid is not None else None)
    ev = lib.gap_evidence(gid)
    return Gap(type=typ, score=score, statement=statement, method=refs["method"], problem=refs["problem"],
               evidence=[p for p, _ in ev], roles={p: r for p, r in ev}, details=details, id=gid)


def list_gaps(lib, type: Optional[str] = None, limit: Optional[int] = None) -> list[Gap]:
    """The gaps of the latest find_gaps run, best first (none when that run found none)."""
    if latest_find_found_none(lib):
        return []
    return [_row_to_gap(lib, r) for r in lib.gap_rows(type=type, limit=limit)]


def skipped_types(lib) -> list[dict]:
    """The gap types the latest stored find_gaps run could not look for, each with why and the commands that
    allow it (gaps/needs.py); [] before the first run or from an older GapScope."""
    return list(lib.get_setting("gaps.skipped") or [])


def last_find(lib) -> Optional[dict]:
    """{"at", "found", "batch"} of the latest stored find_gaps run (None before the first, or from an older
    GapScope; "batch" missing before it was recorded); its notices (what was refused and why) are the
    setting ``gaps.notices``."""
    return lib.get_setting("gaps.last_find")


def latest_find_found_none(lib) -> bool:
    """Did the latest find_gaps run find no gap, after the latest stored batch (so that batch is not
    today's list)? A batch saved after that run (by another find, or directly) is shown again."""
    last = last_find(lib) or {}
    if last.get("found") != 0:
        return False
    latest = lib.latest_gap_batch()
    if latest is None:
        return True
    if last.get("batch") is not None:
        return int(last["batch"]) > latest
    created = lib.gap_batch_created(latest)            # recorded before batches were: compare times
    return created is None or str(last.get("at", "")) >= created


def get_gap(lib, gap_id: int) -> Gap:
    try:
        row = lib.gap_row(gap_id)
    except LibraryError:
        from ..steps import missing_for_gaps

        why = missing_for_gaps(lib)
        if why:                      # not a wrong id: there are no gaps at all yet
            from ..store.errors import MissingStep

            raise MissingStep(f"no gap with id {gap_id}: {why}") from None
        raise
    return _row_to_gap(lib, row)


def stored_gap_dict(lib, gap_id) -> Optional[dict]:
    """The gap a run is linked to, as a dict (what a run's data caveat reads: its problem, the data a draft
    proposes for it); None for no gap, or one no longer stored (the run's spec still records its draft)."""
    if gap_id is None:
        return None
    try:
        return get_gap(lib, int(gap_id)).to_dict()
    except (LibraryError, ValueError, TypeError):
        return None
