"""Runs in the library: the `runs` and `run_papers` tables (migration 0700_runs).

Each call opens the library for a short transaction, so the runner subprocess and the desktop can
both hold it open (SQLite WAL: one writer at a time, readers never blocked).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional


def specs_dir(library_path: str | Path) -> Path:
    """Where the specs launched from the desktop are kept: inside the library folder
    (``NAME.gapscope/experiments/``), so each library keeps its own; for a library that is a plain database
    file (as before folders), ``NAME-experiments/`` beside it. Not created here. A run records a spec inside
    the library folder relative to it, so a moved library still finds it (store/experiments.py)."""
    from ..store.library import is_library_folder

    p = Path(library_path).expanduser()
    return p / "experiments" if is_library_folder(p) else p.with_name(p.stem + "-experiments")


def default_runs_dir(library_path: str | Path) -> Path:
    """Where run folders go unless --runs-dir says otherwise: inside the library folder
    (``NAME.gapscope/runs/``), so libraries that share a parent folder do not share their runs; for a plain
    database file (as before folders), ``runs/`` beside it. A run folder inside the library folder is
    recorded relative to it ("runs/ID") and found wherever the library is now; one outside it (made before,
    or with --runs-dir) keeps its absolute path."""
    from ..store.library import is_library_folder

    p = Path(library_path).expanduser()
    return p / "runs" if is_library_folder(p) else p.parent / "runs"


def _open(library_path: str):
    from ..store import Library

    return Library(library_path, create=True)


def record_run(library_path: str, status: dict[str, Any], spec) -> list[int]:
    """Insert the run and link it to the spec's papers; returns paper ids not in the library (not linked)."""
    lib = _open(library_path)
    try:
        return lib.insert_run(run_id=status["run_id"], name=status["name"], spec_path=status["spec_path"],
                              spec=spec.to_toml(), folder=status["folder"], status=status["status"],
                              gap_id=status["gap_id"], created_at=status["started_at"],
                              papers=status.get("papers") or [])
    finally:
        lib.close()


def update_run(library_path: str, status: dict[str, Any], metrics: dict[str, float]) -> None:
    lib = _open(library_path)
    try:
        lib.finish_run(status["run_id"], status=status["status"], metrics=metrics, message=status.get("message"),
                       finished_at=status.get("finished_at"))
    finally:
        lib.close()


def _with_setup(lib, row: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
    """The row with "setup": the data set, model and metric its spec names (run_links.run_setup)."""
    if row is None:
        return None
    from .run_links import run_setup

    return dict(row, setup=run_setup(lib.run_spec_text(row["id"])))


def list_runs(lib, gap_id: Optional[int] = None, paper_id: Optional[int] = None) -> list[dict[str, Any]]:
    """Runs newest first, optionally only those of a gap or linked to a paper (the link back), each with its
    "setup" (what it ran: data set, model, metric)."""
    return [_with_setup(lib, r) for r in lib.list_runs(gap_id=gap_id, paper_id=paper_id)]


def get_run(lib, run_id: str) -> Optional[dict[str, Any]]:
    return _with_setup(lib, lib.get_run(run_id))


def get_run_row(library_path: str, run_id: str) -> Optional[dict[str, Any]]:
    from ..store import Library

    lib = Library(library_path, create=False)
    try:
        return get_run(lib, run_id)
    finally:
        lib.close()
