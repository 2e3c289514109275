"""Gaps in the library: one batch per find_gaps run, with evidence papers and their roles."""

from __future__ import annotations

import json
from typing import Optional

from ..store.library import LibraryError, now_iso
from .model import ClusterRef, Gap


def save_gaps(lib, gaps: list[Gap]) -> int:
    """Store a new batch; returns its number. Evidence ids not in the library are dropped."""
    with lib.transaction() as conn:
        batch = (conn.execute("SELECT coalesce(max(batch), 0) FROM gaps").fetchone()[0] or 0) + 1
        now = now_iso()
        for g in gaps:
            details = dict(g.details)
            for side, ref in (("method", g.method), ("problem", g.problem)):
                if ref is not None:
                    details[f"{side}_ref"] = {"facet": ref.facet, "label": ref.label, "keywords": ref.keywords}
            g.id = conn.execute(
                "INSERT INTO gaps (batch, type, score, statement, method_map, method_cluster, problem_map,"
                " problem_cluster, details, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (batch, g.type, float(g.score), g.statement,
                 g.method.map_id if g.method else None, g.method.cluster if g.method else None,
                 g.problem.map_id if g.problem else None, g.problem.cluster if g.problem else None,
                 json.dumps(details), now)).lastrowid
            for pos, pid in enumerate(g.evidence):
                conn.execute("INSERT OR IGNORE INTO gap_evidence (gap_id, paper_id, position, role)"
                             " SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM papers WHERE id = ?)",
                             (g.id, pid, pos, g.roles.get(pid, ""), pid))
    return batch


def _row_to_gap(lib, row) -> Gap:
    gid, typ, score, statement, mm, mc, pm, pc, details = row
    details = json.loads(details)
    refs = {}
    for side, mid, cid in (("method", mm, mc), ("problem", pm, pc)):
        info = details.pop(f"{side}_ref", None)
        refs[side] = (ClusterRef(facet=info["facet"], map_id=mid, cluster=cid, label=info["label"],
                                 keywords=info["keywords"]) if info is not None and cid is not None else None)
    ev = lib.conn.execute("SELECT paper_id, role FROM gap_evidence WHERE gap_id = ? ORDER BY position", (gid,)).fetchall()
    return Gap(type=typ, score=score, statement=statement, method=refs["method"], problem=refs["problem"],
               evidence=[p for p, _ in ev], roles={p: r for p, r in ev}, details=details, id=gid)


_COLS = "id, type, score, statement, method_map, method_cluster, problem_map, problem_cluster, details"


def list_gaps(lib, type: Optional[str] = None, limit: Optional[int] = None) -> list[Gap]:
    """The gaps of the latest find_gaps run, best first."""
    row = lib.conn.execute("SELECT max(batch) FROM gaps").fetchone()
    if not row or row[0] is None:
        return []
    sql, args = f"SELECT {_COLS} FROM gaps WHERE batch = ?", [row[0]]
    if type:
        sql += " AND type = ?"
        args.append(type)
    sql += " ORDER BY score DESC, id"
    if limit:
        sql += " LIMIT ?"
        args.append(int(limit))
    return [_row_to_gap(lib, r) for r in lib.conn.execute(sql, args).fetchall()]


def get_gap(lib, gap_id: int) -> Gap:
    row = lib.conn.execute(f"SELECT {_COLS} FROM gaps WHERE id = ?", (int(gap_id),)).fetchone()
    if row is None:
        from ..steps import missing_for_gaps

        why = missing_for_gaps(lib)
        if why:                      # not a wrong id: there are no gaps at all yet
            from ..store.errors import MissingStep

            raise MissingStep(f"no gap with id {gap_id}: {why}")
        raise LibraryError(f"no gap with id {gap_id}")
    return _row_to_gap(lib, row)
