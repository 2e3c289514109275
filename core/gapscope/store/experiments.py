"""Experiment runs: the ``runs`` and ``run_papers`` tables, and the labels an experiment learns from."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Optional, Sequence

_COLS = ("id", "name", "spec_path", "folder", "status", "gap_id", "metrics", "message", "created_at", "finished_at")


# The folders inside a library folder that runs point into: recorded relative to the library, so that a
# moved library, or a backup put in its place, still finds them.
_OWN_FOLDERS = ("runs", "experiments")


class ExperimentsMixin:
    def _library_folder(self) -> Optional[Path]:
        from .library import is_library_folder

        return Path(self.path).absolute() if is_library_folder(self.path) else None

    def recorded_path(self, path: Optional[str | os.PathLike]) -> Optional[str]:
        """How a run's folder or spec path is recorded: relative to the library folder ("runs/ID") when it
        lies inside it, else as given (absolute)."""
        if not path:
            return None if path is None else str(path)
        home = self._library_folder()
        if home is not None:
            p = Path(path)
            for base, target in ((home, p.absolute()), (home.resolve(), p.resolve())):
                try:
                    return target.relative_to(base).as_posix()
                except ValueError:
                    continue
        return str(path)

    def resolved_path(self, stored: Optional[str]) -> Optional[str]:
        """The absolute path of a recorded run folder or spec, against where the library is now. A
        relative record is the library folder's; an absolute one that is gone and pointed into the
        ``runs/`` or ``experiments/`` folder of a library folder (recorded before paths were relative,
        the library since moved or restored from a backup) is looked for in this library's own."""
        if not stored:
            return stored
        home = self._library_folder()
        p = Path(stored)
        if not p.is_absolute():
            return str((home if home is not None else Path(self.path).absolute().parent) / p)
        if home is None or p.exists():
            return stored
        parts = p.parts
        for i in range(len(parts) - 2, 0, -1):
            if parts[i].endswith(".gapscope") and parts[i + 1] in _OWN_FOLDERS:
                moved = home.joinpath(*parts[i + 1:])
                if moved.exists():
                    return str(moved)
                break
        return stored

    def insert_run(self, *, run_id: str, name: str, spec_path: Optional[str], spec: str, folder: str, status: str,
                   gap_id: Optional[int], created_at: str, papers: Sequence[int]) -> list[int]:
        """Record a run and link it to its papers; returns the paper ids not in the library (not linked)."""
        papers = [int(p) for p in papers]
        known = {r[0] for r in self._conn.execute(
            f"SELECT id FROM papers WHERE id IN ({','.join('?' * len(papers))})", papers)} if papers else set()
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO runs (id, name, spec_path, spec, folder, status, gap_id, metrics, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, '{}', ?)",
                (run_id, name, self.recorded_path(spec_path), spec, self.recorded_path(folder), status, gap_id,
                 created_at))
            for pid in papers:
                if pid in known:
                    conn.execute("INSERT OR IGNORE INTO run_papers (run_id, paper_id) VALUES (?, ?)", (run_id, pid))
        return [p for p in papers if p not in known]

    def finish_run(self, run_id: str, *, status: str, metrics: dict[str, float], message: Optional[str],
                   finished_at: Optional[str]) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE runs SET status = ?, metrics = ?, message = ?, finished_at = ? WHERE id = ?",
                         (status, json.dumps(metrics), message, finished_at, run_id))

    def _run_dict(self, r) -> dict[str, Any]:
        d = dict(zip(_COLS, r))
        d["metrics"] = json.loads(d["metrics"] or "{}")
        d["folder"], d["spec_path"] = self.resolved_path(d["folder"]), self.resolved_path(d["spec_path"])
        d["papers"] = self.run_paper_ids(d["id"])
        return d

    def run_paper_ids(self, run_id: str) -> list[int]:
        return [p for (p,) in self._conn.execute(
            "SELECT paper_id FROM run_papers WHERE run_id = ? ORDER BY paper_id", (run_id,))]

    def list_runs(self, gap_id: Optional[int] = None, paper_id: Optional[int] = None) -> list[dict[str, Any]]:
        """Runs newest first, optionally only those of a gap or linked to a paper (the link back)."""
        q, args = f"SELECT {', '.join(_COLS)} FROM runs WHERE 1=1", []
        if gap_id is not None:
            q += " AND gap_id = ?"
            args.append(gap_id)
        if paper_id is not None:
            q += " AND id IN (SELECT run_id FROM run_papers WHERE paper_id = ?)"
            args.append(paper_id)
        return [self._run_dict(r) for r in self._conn.execute(q + " ORDER BY created_at DESC, id DESC", args).fetchall()]

    def get_run(self, run_id: str) -> Optional[dict[str, Any]]:
        r = self._conn.execute(f"SELECT {', '.join(_COLS)} FROM runs WHERE id = ?", (run_id,)).fetchone()
        return self._run_dict(r) if r else None

    def run_spec_text(self, run_id: str) -> str:
        """The spec a run was started with (TOML, as validated), "" for none."""
        r = self._conn.execute("SELECT spec FROM runs WHERE id = ?", (run_id,)).fetchone()
        return (r[0] or "") if r else ""

    def count_tags_with(self, at_least: int) -> int:
        """How many tags have at least ``at_least`` papers."""
        return self._conn.execute("SELECT count(*) FROM (SELECT t.id FROM tags t JOIN paper_tags pt ON pt.tag_id = t.id"
                                  " GROUP BY t.id HAVING count(*) >= ?)", (at_least,)).fetchone()[0]

    def count_distinct_screening_decisions(self) -> int:
        """How many of include / exclude occur among the decisions not undone (0, 1 or 2)."""
        return self._conn.execute("SELECT count(DISTINCT decision) FROM decisions WHERE undone_at IS NULL"
                                  " AND decision IN ('include', 'exclude')").fetchone()[0]

    def paper_label_rows(self, labels: str, collection: Optional[str] = None) -> list[tuple[int, str]]:
        """(paper id, label) rows to learn from: ``labels`` is "tags" (every tag of a paper), "category"
        (primary category) or "triage" (the current include / exclude / maybe decision), over the
        library or one collection."""
        scope, args = "", []
        if collection:
            cid = self.collection_id(collection)
            scope, args = " AND p.id IN (SELECT paper_id FROM collection_papers WHERE collection_id = ?)", [cid]
        if labels == "tags":
            q = ("SELECT p.id, t.name FROM papers p JOIN paper_tags pt ON pt.paper_id = p.id JOIN tags t ON t.id = pt.tag_id"
                 " WHERE 1=1" + scope)
        elif labels == "category":
            q = "SELECT p.id, p.primary_category FROM papers p WHERE p.primary_category IS NOT NULL" + scope
        else:  # triage: the latest decision that was not undone (include / exclude / maybe)
            ccond = "d.collection_id = ?" if collection else "d.collection_id IS NULL"
            q = ("SELECT d.paper_id, d.decision FROM decisions d WHERE d.undone_at IS NULL AND " + ccond +
                 " AND d.decision IN ('include', 'exclude', 'maybe') AND d.id = (SELECT max(d2.id) FROM decisions d2"
                 " WHERE d2.paper_id = d.paper_id AND d2.undone_at IS NULL AND "
                 + ccond.replace("d.", "d2.") + ")")
            args = ([self.collection_id(collection)] * 2) if collection else []
        return self._conn.execute(q, args).fetchall()
