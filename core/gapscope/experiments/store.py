"""Runs in the library: the `runs` and `run_papers` tables (migration 0700_runs).

Each call opens the library for a short transaction, so the runner subprocess and the desktop can
both hold it open (SQLite WAL: one writer at a time, readers never blocked).
"""

from __future__ import annotations

import json
from typing import Any, Optional


def _open(library_path: str):
    from ..store import Library

    return Library(library_path, create=True)


def record_run(library_path: str, status: dict[str, Any], spec) -> list[int]:
    """Insert the run and link it to the spec's papers; returns paper ids not in the library (not linked)."""
    lib = _open(library_path)
    try:
        papers = [int(p) for p in status.get("papers") or []]
        known = {r[0] for r in lib.conn.execute(
            f"SELECT id FROM papers WHERE id IN ({','.join('?' * len(papers))})", papers)} if papers else set()
        with lib.transaction() as conn:
            conn.execute(
                "INSERT INTO runs (id, name, spec_path, spec, folder, status, gap_id, metrics, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, '{}', ?)",
                (status["run_id"], status["name"], status["spec_path"], spec.to_toml(), status["folder"],
                 status["status"], status["gap_id"], status["started_at"]))
            for pid in papers:
                if pid in known:
                    conn.execute("INSERT OR IGNORE INTO run_papers (run_id, paper_id) VALUES (?, ?)",
                                 (status["run_id"], pid))
        return [p for p in papers if p not in known]
    finally:
        lib.close()


def update_run(library_path: str, status: dict[str, Any], metrics: dict[str, float]) -> None:
    lib = _open(library_path)
    try:
        with lib.transaction() as conn:
            conn.execute("UPDATE runs SET status = ?, metrics = ?, message = ?, finished_at = ? WHERE id = ?",
                         (status["status"], json.dumps(metrics), status.get("message"), status.get("finished_at"),
                          status["run_id"]))
    finally:
        lib.close()


def _row(lib, r) -> dict[str, Any]:
    cols = ("id", "name", "spec_path", "folder", "status", "gap_id", "metrics", "message", "created_at", "finished_at")
    d = dict(zip(cols, r))
    d["metrics"] = json.loads(d["metrics"] or "{}")
    d["papers"] = [p for (p,) in lib.conn.execute(
        "SELECT paper_id FROM run_papers WHERE run_id = ? ORDER BY paper_id", (d["id"],))]
    return d


_COLS = "id, name, spec_path, folder, status, gap_id, metrics, message, created_at, finished_at"


def list_runs(lib, gap_id: Optional[int] = None, paper_id: Optional[int] = None) -> list[dict[str, Any]]:
    """Runs newest first, optionally only those of a gap or linked to a paper (the link back)."""
    q, args = f"SELECT {_COLS} FROM runs WHERE 1=1", []
    if gap_id is not None:
        q += " AND gap_id = ?"
        args.append(gap_id)
    if paper_id is not None:
        q += " AND id IN (SELECT run_id FROM run_papers WHERE paper_id = ?)"
        args.append(paper_id)
    return [_row(lib, r) for r in lib.conn.execute(q + " ORDER BY created_at DESC, id DESC", args)]


def get_run(lib, run_id: str) -> Optional[dict[str, Any]]:
    r = lib.conn.execute(f"SELECT {_COLS} FROM runs WHERE id = ?", (run_id,)).fetchone()
    return _row(lib, r) if r else None


def get_run_row(library_path: str, run_id: str) -> Optional[dict[str, Any]]:
    from ..store import Library

    lib = Library(library_path, create=False)
    try:
        return get_run(lib, run_id)
    finally:
        lib.close()
