"""Concepts in the library: one batch per extraction run, each concept with its papers (and the side of the
abstract that named it), plus the library fingerprint that tells gaps when they went stale."""

from __future__ import annotations

import json
from typing import Any, Optional

import numpy as np


class ConceptsMixin:
    """Concept batches (a Library mixin): reads on ``self._conn``, writes in ``self.transaction()``."""

    def papers_fingerprint(self) -> str:
        """Changes when papers are added or removed (the start of :meth:`library_fingerprint`)."""
        n, last = self._conn.execute("SELECT count(*), coalesce(max(added_at), '') FROM papers").fetchone()
        return f"papers={n};last={last}"

    def library_fingerprint(self) -> str:
        """Changes when papers are added or removed, or facet labels are (re)classified or corrected."""
        nf, lf = self._conn.execute("SELECT count(*), coalesce(max(classified_at), '') FROM paper_facets").fetchone()
        nc, lc = self._conn.execute("SELECT count(*), coalesce(max(corrected_at), '') FROM facet_corrections").fetchone()
        return f"{self.papers_fingerprint()};facets={nf};classified={lf};corrections={nc};corrected={lc}"

    def save_concepts(self, concepts: list[dict[str, Any]], params: dict[str, Any], created_at: str) -> int:
        """``concepts``: dicts with kind, phrase, synonyms, vector, papers [(paper_id, side, score)].
        Returns the new batch number; ``concept["id"]`` is set on each."""
        fp = self.library_fingerprint()
        with self.transaction() as conn:
            batch = (conn.execute("SELECT coalesce(max(batch), 0) FROM concept_runs").fetchone()[0] or 0) + 1
            conn.execute("INSERT INTO concept_runs (batch, created_at, params, fingerprint) VALUES (?,?,?,?)",
                         (batch, created_at, json.dumps(params), fp))
            for c in concepts:
                vec = np.asarray(c["vector"], dtype=np.float32).tobytes() if c.get("vector") is not None else None
                papers = c["papers"]
                c["id"] = conn.execute(
                    "INSERT INTO concepts (batch, kind, phrase, synonyms, n_papers, vector) VALUES (?,?,?,?,?,?)",
                    (batch, c["kind"], c["phrase"], json.dumps(c.get("synonyms", [])),
                     len({p for p, _, _ in papers}), vec)).lastrowid
                conn.executemany("INSERT OR IGNORE INTO concept_papers (concept_id, paper_id, side, score)"
                                 " VALUES (?,?,?,?)", [(c["id"], int(p), s, float(sc)) for p, s, sc in papers])
        return batch

    def latest_concept_batch(self) -> Optional[int]:
        row = self._conn.execute("SELECT max(batch) FROM concept_runs").fetchone()
        return row[0] if row and row[0] is not None else None

    def concept_run(self, batch: int) -> Optional[dict[str, Any]]:
        row = self._conn.execute("SELECT batch, created_at, params, fingerprint FROM concept_runs WHERE batch = ?",
                                (int(batch),)).fetchone()
        if row is None:
            return None
        return {"batch": row[0], "created_at": row[1], "params": json.loads(row[2]), "fingerprint": row[3]}

    def concepts_of_papers(self, batch: int, paper_ids) -> dict[int, set[int]]:
        """{paper id: the ids of the concepts of ``batch`` it is one of the papers of}."""
        ids = [int(p) for p in paper_ids]
        out: dict[int, set[int]] = {p: set() for p in ids}
        if not ids:
            return out
        marks = ",".join("?" * len(ids))
        for cid, pid in self._conn.execute(
                f"SELECT cp.concept_id, cp.paper_id FROM concept_papers cp JOIN concepts c ON c.id = cp.concept_id"
                f" WHERE c.batch = ? AND cp.paper_id IN ({marks})", (int(batch), *ids)):
            out[int(pid)].add(int(cid))
        return out

    def concept_names(self, batch: int, *, ids=(), phrases=()) -> list[dict[str, Any]]:
        """The concepts of ``batch`` with one of ``ids`` or ``phrases``: id, kind, phrase and synonyms (no
        papers, no vector)."""
        ids, phrases = [int(i) for i in ids], [str(p) for p in phrases]
        if not ids and not phrases:
            return []
        cond = " OR ".join(([f"id IN ({','.join('?' * len(ids))})"] if ids else [])
                           + ([f"phrase IN ({','.join('?' * len(phrases))})"] if phrases else []))
        return [{"id": cid, "kind": kind, "phrase": phrase, "synonyms": json.loads(syn)}
                for cid, kind, phrase, syn in self._conn.execute(
                    f"SELECT id, kind, phrase, synonyms FROM concepts WHERE batch = ? AND ({cond})",
                    (int(batch), *ids, *phrases))]

    def load_concepts(self, batch: Optional[int] = None) -> list[dict[str, Any]]:
        """Concepts of ``batch`` (default: the latest), each with its papers [(paper_id, side, score)]."""
        batch = self.latest_concept_batch() if batch is None else batch
        if batch is None:
            return []
        out: dict[int, dict[str, Any]] = {}
        for cid, kind, phrase, syn, n, vec in self._conn.execute(
                "SELECT id, kind, phrase, synonyms, n_papers, vector FROM concepts WHERE batch = ? ORDER BY id",
                (int(batch),)):
            out[cid] = {"id": cid, "kind": kind, "phrase": phrase, "synonyms": json.loads(syn), "n_papers": n,
                        "vector": np.frombuffer(vec, dtype=np.float32) if vec is not None else None, "papers": []}
        for cid, pid, side, score in self._conn.execute(
                "SELECT cp.concept_id, cp.paper_id, cp.side, cp.score FROM concept_papers cp"
                " JOIN concepts c ON c.id = cp.concept_id WHERE c.batch = ? ORDER BY cp.concept_id, cp.score DESC",
                (int(batch),)):
            out[cid]["papers"].append((pid, side, score))
        return list(out.values())
