"""The vector cache: ``embeddings`` (model, text hash -> vector) and ``paper_texts`` (paper, kind -> hash).

Vectors go in and out as raw blobs with their dim and dtype; embed.store turns them into arrays."""

from __future__ import annotations

from typing import Iterable


class VectorsMixin:
    def cached_text_hashes(self, model: str) -> set[str]:
        return {r[0] for r in self._conn.execute("SELECT text_hash FROM embeddings WHERE model = ?", (model,))}

    def put_vector_blobs(self, model: str, rows: Iterable[tuple[str, int, str, bytes]]) -> None:
        """(text hash, dim, dtype, blob) rows; an existing (model, hash) keeps its row."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO embeddings (model, text_hash, dim, dtype, vector) VALUES (?, ?, ?, ?, ?)",
                [(model, h, dim, dtype, blob) for h, dim, dtype, blob in rows])

    def put_text_mapping(self, model: str, rows: Iterable[tuple[int, str, str]]) -> None:
        """(paper_id, kind, text_hash) rows; an empty hash removes the paper's row."""
        rows = list(rows)
        with self.transaction() as conn:
            conn.executemany("DELETE FROM paper_texts WHERE kind = ? AND model = ? AND paper_id = ?",
                             [(k, model, p) for p, k, h in rows if not h])
            conn.executemany(
                "INSERT INTO paper_texts (paper_id, kind, model, text_hash) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(kind, model, paper_id) DO UPDATE SET text_hash = excluded.text_hash",
                [(p, k, model, h) for p, k, h in rows if h])

    def text_mapping(self, model: str, kind: str) -> dict[int, str]:
        """{paper id: text hash} of one kind under one model."""
        return {p: h for p, h in self._conn.execute(
            "SELECT paper_id, text_hash FROM paper_texts WHERE kind = ? AND model = ?", (kind, model))}

    def vector_blobs(self, kind: str, model: str) -> list[tuple[int, int, str, bytes]]:
        """(paper id, dim, dtype, blob) of every paper's vector of one kind, by paper id."""
        return self._conn.execute(
            "SELECT pt.paper_id, e.dim, e.dtype, e.vector FROM paper_texts pt JOIN embeddings e"
            " ON e.model = pt.model AND e.text_hash = pt.text_hash WHERE pt.kind = ? AND pt.model = ?"
            " ORDER BY pt.paper_id", (kind, model)).fetchall()

    def papers_with_vector(self, kind: str, model: str) -> set[int]:
        """The papers that have a stored vector of one kind (what ``vector_blobs`` would return, without
        reading the vectors)."""
        return {r[0] for r in self._conn.execute(
            "SELECT pt.paper_id FROM paper_texts pt JOIN embeddings e ON e.model = pt.model AND"
            " e.text_hash = pt.text_hash WHERE pt.kind = ? AND pt.model = ?", (kind, model))}

    def vector_mapping_count(self, kind: str, model: str) -> int:
        """How many papers have a text of one kind mapped under one model: a cheap sign that vectors were
        added or removed since it was last read."""
        return self._conn.execute("SELECT count(*) FROM paper_texts WHERE kind = ? AND model = ?",
                                  (kind, model)).fetchone()[0]

    def vector_blobs_by_hash(self, model: str, hashes: Iterable[str]) -> dict[str, tuple[int, str, bytes]]:
        """{text hash: (dim, dtype, blob)} of the cached vectors among ``hashes``."""
        hashes = list(dict.fromkeys(hashes))
        out: dict[str, tuple[int, str, bytes]] = {}
        for s in range(0, len(hashes), 500):
            part = hashes[s:s + 500]
            out.update({h: (d, t, b) for h, d, t, b in self._conn.execute(
                f"SELECT text_hash, dim, dtype, vector FROM embeddings WHERE model = ? AND text_hash IN"
                f" ({', '.join('?' * len(part))})", [model, *part])})
        return out

    def embed_models_used(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT DISTINCT model FROM paper_texts") if r[0]]
