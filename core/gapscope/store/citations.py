"""The citation graph's SQL: works (library papers and outside works), citation edges, and what
enrichment did per paper. A mixin that :class:`Library` inherits; callers use ``lib.method(...)``.

A work is found by any of its ids (DOI, arXiv id, Semantic Scholar id, OpenAlex id): two rows that
turn out to be the same work (one known by DOI, the other by S2 id) are merged, their edges moved to
the one kept, so nothing is doubled. An outside work whose DOI or arXiv id is a library paper's is
linked to that paper.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterable, Optional, Sequence

from .base import now_iso

ID_COLUMNS = ("doi", "arxiv_id", "s2_id", "openalex_id")
META_COLUMNS = ("corpus_id", "title", "year", "venue", "citation_count", "oa_pdf_url")
_WORK_COLUMNS = ("id", "paper_id") + ID_COLUMNS + META_COLUMNS

VIA_S2 = 1
VIA_OPENALEX = 2


class CitationsMixin:
    """Methods over the ``works``, ``citations`` and ``enrich_steps`` tables (migration 0300_citations)."""

    # --- works -----------------------------------------------------------------------------------
    def upsert_work(self, ids: dict[str, Any], meta: Optional[dict[str, Any]] = None, *,
                    paper_id: Optional[int] = None) -> int:
        """The id of the work with any of ``ids`` (created when new), its missing fields filled from
        ``meta``. Rows found by different ids are merged into one. Joins the caller's transaction."""
        ids = {k: v for k, v in ids.items() if k in ID_COLUMNS and v}
        meta = {k: v for k, v in (meta or {}).items() if k in META_COLUMNS and v is not None and v != ""}
        with self.transaction() as conn:
            found: list[int] = []
            if paper_id is not None:
                row = conn.execute("SELECT id FROM works WHERE paper_id = ?", (paper_id,)).fetchone()
                if row:
                    found.append(row[0])
            for col, val in ids.items():
                row = conn.execute(f"SELECT id FROM works WHERE {col} = ?", (val,)).fetchone()
                if row and row[0] not in found:
                    found.append(row[0])
            if paper_id is None:
                paper_id = self._library_paper_for(conn, ids)
            if not found:
                cols = dict(ids, **meta, updated_at=now_iso())
                if paper_id is not None and not conn.execute(
                        "SELECT 1 FROM works WHERE paper_id = ?", (paper_id,)).fetchone():
                    cols["paper_id"] = paper_id
                names = ", ".join(cols)
                return conn.execute(f"INSERT INTO works ({names}) VALUES ({', '.join('?' * len(cols))})",
                                    tuple(cols.values())).lastrowid
            keep = self._merge_works(conn, found)
            row = dict(zip(_WORK_COLUMNS, conn.execute(
                f"SELECT {', '.join(_WORK_COLUMNS)} FROM works WHERE id = ?", (keep,)).fetchone()))
            sets: dict[str, Any] = {}
            for col, val in ids.items():
                if row[col] is None and not conn.execute(f"SELECT 1 FROM works WHERE {col} = ?", (val,)).fetchone():
                    sets[col] = val
            for col, val in meta.items():
                if col == "citation_count":
                    if row[col] is None or int(val) > row[col]:
                        sets[col] = int(val)
                elif row[col] is None:
                    sets[col] = val
            if paper_id is not None and row["paper_id"] is None and not conn.execute(
                    "SELECT 1 FROM works WHERE paper_id = ?", (paper_id,)).fetchone():
                sets["paper_id"] = paper_id
            if sets:
                sets["updated_at"] = now_iso()
                conn.execute(f"UPDATE works SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?",
                             (*sets.values(), keep))
            return keep

    @staticmethod
    def _library_paper_for(conn: sqlite3.Connection, ids: dict[str, Any]) -> Optional[int]:
        for col, pcol in (("doi", "doi"), ("arxiv_id", "arxiv_id")):
            if ids.get(col):
                row = conn.execute(f"SELECT id FROM papers WHERE {pcol} = ?", (ids[col],)).fetchone()
                if row:
                    return row[0]
        return None

    @staticmethod
    def _merge_works(conn: sqlite3.Connection, found: list[int]) -> int:
        """Merge the rows ``found`` into one (the one with a library paper, else the oldest): its
        empty fields take the others' values, their edges move to it, they are deleted."""
        if len(found) == 1:
            return found[0]
        marks = ",".join("?" * len(found))
        rows = {r[0]: dict(zip(_WORK_COLUMNS, r)) for r in conn.execute(
            f"SELECT {', '.join(_WORK_COLUMNS)} FROM works WHERE id IN ({marks})", found)}
        keep = min(rows, key=lambda i: (rows[i]["paper_id"] is None, i))
        merged = dict(rows[keep])
        for wid, r in rows.items():
            if wid == keep:
                continue
            for col in ("paper_id",) + ID_COLUMNS + META_COLUMNS:
                if merged[col] is None and r[col] is not None:
                    merged[col] = r[col]
            if r["citation_count"] is not None and (merged["citation_count"] or 0) < r["citation_count"]:
                merged["citation_count"] = r["citation_count"]
            # edges of the duplicate move to the row kept (a self-citation from the merge is dropped);
            # an edge both rows had keeps the sources of both
            conn.execute("UPDATE citations SET via = via | coalesce((SELECT c.via FROM citations c WHERE c.citing = ?"
                         " AND c.cited = citations.cited), 0) WHERE citing = ?", (wid, keep))
            conn.execute("UPDATE citations SET via = via | coalesce((SELECT c.via FROM citations c WHERE c.cited = ?"
                         " AND c.citing = citations.citing), 0) WHERE cited = ?", (wid, keep))
            conn.execute("INSERT OR IGNORE INTO citations (citing, cited, via) SELECT ?, cited, via FROM citations"
                         " WHERE citing = ? AND cited != ?", (keep, wid, keep))
            conn.execute("INSERT OR IGNORE INTO citations (citing, cited, via) SELECT citing, ?, via FROM citations"
                         " WHERE cited = ? AND citing != ?", (keep, wid, keep))
            conn.execute("DELETE FROM works WHERE id = ?", (wid,))
        cols = [c for c in ("paper_id",) + ID_COLUMNS + META_COLUMNS if merged[c] != rows[keep][c]]
        if cols:
            conn.execute(f"UPDATE works SET {', '.join(f'{c} = ?' for c in cols)}, updated_at = ? WHERE id = ?",
                         (*[merged[c] for c in cols], now_iso(), keep))
        return keep

    def link_work_to_paper(self, work_id: int, paper_id: int) -> None:
        """Say that outside work ``work_id`` is now library paper ``paper_id`` (after a snowball add)."""
        with self.transaction() as conn:
            other = conn.execute("SELECT id FROM works WHERE paper_id = ?", (paper_id,)).fetchone()
            if other and other[0] != work_id:
                self._merge_works(conn, [other[0], work_id])
                return
            conn.execute("UPDATE works SET paper_id = ?, updated_at = ? WHERE id = ?", (paper_id, now_iso(), work_id))

    def work_of_paper(self, paper_id: int) -> Optional[int]:
        row = self._conn.execute("SELECT id FROM works WHERE paper_id = ?", (paper_id,)).fetchone()
        return row[0] if row else None

    def works(self, work_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """Rows of ``works`` by id (unknown ids left out); a library paper's title and year are its own."""
        out: dict[int, dict[str, Any]] = {}
        ids = list(work_ids)
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            marks = ",".join("?" * len(chunk))
            # a library paper's own title and year win over what a source called it
            cols = ", ".join({"title": "coalesce(p.title, w.title)", "year": "coalesce(p.year, w.year)"}.get(c, f"w.{c}")
                             for c in _WORK_COLUMNS)
            for r in self._conn.execute(f"SELECT {cols} FROM works w LEFT JOIN papers p ON p.id = w.paper_id"
                                       f" WHERE w.id IN ({marks})", chunk):
                out[r[0]] = dict(zip(_WORK_COLUMNS, r))
        return out

    def work_ids_of_papers(self) -> dict[int, int]:
        """Library paper id -> its work id, for every paper in the graph."""
        return {p: w for w, p in self._conn.execute("SELECT id, paper_id FROM works WHERE paper_id IS NOT NULL")}

    def count_works(self) -> tuple[int, int, int]:
        """(works, of which library papers, citation edges)."""
        q = self._conn.execute
        return (q("SELECT count(*) FROM works").fetchone()[0],
                q("SELECT count(*) FROM works WHERE paper_id IS NOT NULL").fetchone()[0],
                q("SELECT count(*) FROM citations").fetchone()[0])

    # --- edges -----------------------------------------------------------------------------------
    def add_citations(self, pairs: Iterable[tuple[int, int]], via: int) -> int:
        """Add ``citing -> cited`` edges (self-loops dropped); an edge seen again gains the source
        bit. Returns how many edges are new."""
        pairs = [(a, b) for a, b in pairs if a != b]
        with self.transaction() as conn:
            before = conn.total_changes
            conn.executemany("INSERT OR IGNORE INTO citations (citing, cited, via) VALUES (?, ?, ?)",
                             [(a, b, via) for a, b in pairs])
            added = conn.total_changes - before
            conn.executemany("UPDATE citations SET via = via | ? WHERE citing = ? AND cited = ? AND via & ? = 0",
                             [(via, a, b, via) for a, b in pairs])
            return added

    def citation_arrays(self):
        """All edges as two int64 numpy arrays (citing, cited), for the sparse matrices."""
        import numpy as np

        from itertools import chain

        n = self._conn.execute("SELECT count(*) FROM citations").fetchone()[0]
        flat = np.fromiter(chain.from_iterable(self._conn.execute("SELECT citing, cited FROM citations")),
                           dtype=np.int64, count=2 * n)
        return flat[0::2].copy(), flat[1::2].copy()

    def references_of(self, work_id: int) -> list[int]:
        return [r[0] for r in self._conn.execute("SELECT cited FROM citations WHERE citing = ? ORDER BY cited", (work_id,))]

    def citers_of(self, work_id: int) -> list[int]:
        return [r[0] for r in self._conn.execute("SELECT citing FROM citations WHERE cited = ? ORDER BY citing", (work_id,))]

    def graph_stamp(self) -> tuple[int, int, str]:
        """Changes whenever the graph does: (works, edges, newest work update)."""
        q = self._conn.execute
        return (q("SELECT count(*) FROM works").fetchone()[0], q("SELECT count(*) FROM citations").fetchone()[0],
                q("SELECT coalesce(max(updated_at), '') FROM works").fetchone()[0])

    # --- enrichment bookkeeping ------------------------------------------------------------------
    def papers_to_enrich(self, paper_ids: Optional[Sequence[int]] = None) -> list[tuple[int, Optional[str], Optional[str], str]]:
        """(id, doi, arxiv_id, title) of the given papers, or of every paper with a DOI or arXiv id."""
        if paper_ids is None:
            return [tuple(r) for r in self._conn.execute(
                "SELECT id, doi, arxiv_id, title FROM papers WHERE doi IS NOT NULL OR arxiv_id IS NOT NULL ORDER BY id")]
        out = []
        for pid in paper_ids:
            r = self._conn.execute("SELECT id, doi, arxiv_id, title FROM papers WHERE id = ?", (pid,)).fetchone()
            if r:
                out.append(tuple(r))
        return out

    def enrich_steps_of(self, paper_id: int) -> dict[tuple[str, str], dict[str, Any]]:
        return {(s, st): {"status": status, "count": n, "message": m, "updated_at": u,
                          "raw": json.loads(raw) if raw else None}
                for s, st, status, n, m, raw, u in self._conn.execute(
                    "SELECT source, step, status, count, message, raw, updated_at FROM enrich_steps WHERE paper_id = ?",
                    (paper_id,))}

    def save_enrich_step(self, paper_id: int, source: str, step: str, status: str, *, count: int = 0,
                         message: str = "", raw: Any = None) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO enrich_steps (paper_id, source, step, status, count, message, raw, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(paper_id, source, step) DO UPDATE SET"
                " status = excluded.status, count = excluded.count, message = excluded.message,"
                " raw = coalesce(excluded.raw, enrich_steps.raw), updated_at = excluded.updated_at",
                (paper_id, source, step, status, count, message,
                 json.dumps(raw, ensure_ascii=False) if raw is not None else None, now_iso()))

    def enrich_failures(self, paper_ids: Optional[Sequence[int]] = None) -> list[dict[str, Any]]:
        sql = "SELECT paper_id, source, step, message FROM enrich_steps WHERE status = 'failed'"
        rows = self._conn.execute(sql + " ORDER BY paper_id, source, step").fetchall()
        want = set(paper_ids) if paper_ids is not None else None
        return [dict(paper_id=p, source=s, step=st, message=m) for p, s, st, m in rows if want is None or p in want]

    def citation_counts_of(self, work_id: int) -> tuple[int, int]:
        """(references stored, citing works stored) of one work."""
        q = self._conn.execute
        return (q("SELECT count(*) FROM citations WHERE citing = ?", (work_id,)).fetchone()[0],
                q("SELECT count(*) FROM citations WHERE cited = ?", (work_id,)).fetchone()[0])

    # --- screening -------------------------------------------------------------------------------
    def paper_ids_from_source(self, source: str, keys: Sequence[str]) -> dict[str, int]:
        """source_key -> paper id for records of ``source`` (where ingest put each record)."""
        out: dict[str, int] = {}
        keys = list(keys)
        for start in range(0, len(keys), 900):
            chunk = keys[start:start + 900]
            marks = ",".join("?" * len(chunk))
            for k, p in self._conn.execute(
                    f"SELECT source_key, paper_id FROM source_records WHERE source = ? AND source_key IN ({marks})",
                    (source, *chunk)):
                out[k] = p
        return out
