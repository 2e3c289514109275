"""Maps: one row per clustering run of a facet, its clusters and each paper's assignment."""

from __future__ import annotations

from typing import Optional, Sequence

from .base import LibraryError, chunks, now_iso


class MapsMixin:
    def insert_map(self, *, facet: str, scope: str, params: str, model: Optional[str], n_papers: int,
                   clusters: Sequence[tuple], assignments: Sequence[tuple]) -> tuple[int, str]:
        """Store a map (scope and params as JSON text). ``clusters``: (cluster, label, keywords JSON,
        representative, representative_paper, size, stability, sizes_by_year JSON, sizes_by_month JSON,
        x, y, centroid blob); ``assignments``: (paper_id, cluster, sim, x, y). Returns (id, created_at)."""
        with self.transaction() as conn:
            created = now_iso()
            mid = conn.execute(
                "INSERT INTO maps (facet, scope, params, model, n_papers, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (facet, scope, params, model, n_papers, created)).lastrowid
            conn.executemany(
                "INSERT INTO clusters (map_id, cluster, label, keywords, representative, representative_paper, size,"
                " stability, sizes_by_year, sizes_by_month, x, y, centroid) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(mid, *c) for c in clusters])
            conn.executemany(
                "INSERT INTO map_assignments (map_id, paper_id, cluster, sim, x, y) VALUES (?,?,?,?,?,?)",
                [(mid, *a) for a in assignments])
        return mid, created

    def update_map_labels(self, map_id: int, params: str, labels: Sequence[tuple[int, str]]) -> None:
        """Replace a map's cluster labels, ``labels``: (cluster, label), and its params JSON (which say what
        the labels are made of); nothing else of the map changes."""
        with self.transaction() as conn:
            if conn.execute("UPDATE maps SET params = ? WHERE id = ?", (params, map_id)).rowcount == 0:
                raise LibraryError(f"no map with id {map_id}")
            conn.executemany("UPDATE clusters SET label = ? WHERE map_id = ? AND cluster = ?",
                             [(label, map_id, c) for c, label in labels])

    def map_row(self, map_id: int) -> tuple[str, str, str, str]:
        """(facet, scope JSON, params JSON, created_at) of a map."""
        row = self._conn.execute("SELECT facet, scope, params, created_at FROM maps WHERE id = ?", (map_id,)).fetchone()
        if row is None:
            raise LibraryError(f"no map with id {map_id}")
        return tuple(row)

    def map_clusters(self, map_id: int) -> list[tuple]:
        """The clusters of a map as stored (see insert_map), by cluster number."""
        return self._conn.execute(
            "SELECT cluster, label, keywords, representative, representative_paper, size, stability, sizes_by_year,"
            " sizes_by_month, x, y, centroid FROM clusters WHERE map_id = ? ORDER BY cluster", (map_id,)).fetchall()

    def map_assignments(self, map_id: int) -> list[tuple[int, int, Optional[float], Optional[float], Optional[float]]]:
        """(paper_id, cluster, sim, x, y) of every paper in a map."""
        return self._conn.execute(
            "SELECT paper_id, cluster, sim, x, y FROM map_assignments WHERE map_id = ?", (map_id,)).fetchall()

    def latest_map_id(self, facet: str) -> Optional[int]:
        row = self._conn.execute("SELECT max(id) FROM maps WHERE facet = ?", (facet,)).fetchone()
        return row[0] if row and row[0] is not None else None

    def map_rows(self) -> list[tuple[int, str, int, str, str, str]]:
        """(id, facet, n_papers, params JSON, scope JSON, created_at) of every map, newest first."""
        return self._conn.execute(
            "SELECT id, facet, n_papers, params, scope, created_at FROM maps ORDER BY id DESC").fetchall()

    def arxiv_ids(self, paper_ids) -> dict[int, Optional[str]]:
        """{paper id: its arXiv id or None}."""
        out: dict[int, Optional[str]] = {}
        for chunk in chunks(list(paper_ids)):
            for pid, ax in self._conn.execute(
                    f"SELECT id, arxiv_id FROM papers WHERE id IN ({','.join('?' * len(chunk))})", chunk):
                out[pid] = ax
        return out

    def ids_published_before(self, before: str) -> set[int]:
        return {r[0] for r in self._conn.execute("SELECT id FROM papers WHERE published < ?", (before,))}

    def paper_dates(self) -> list[tuple[int, Optional[str], Optional[int]]]:
        """(id, published, year) of every paper."""
        return self._conn.execute("SELECT id, published, year FROM papers").fetchall()
