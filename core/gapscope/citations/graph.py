"""The citation graph as sparse matrices, and the similarities read from it.

``A[i, j] = 1`` when work i cites work j (rows: citing, columns: cited), over every work in the
library's graph (library papers and outside works). For works i and j:

- bibliographic coupling: references they share, ``(A A^T)[i, j]``;
- co-citation: works citing both, ``(A^T A)[i, j]``;
- Adamic-Adar: over the undirected graph U = A + A^T, ``sum_z 1 / log(deg z)`` over common neighbours z
  (as networkx.adamic_adar_index; neighbours of degree 1 cannot be common, so log 1 = 0 never divides).

One query touches only the rows of the works involved (CSR row slices), never the whole product, so a
related-papers query on a 75k-paper graph takes milliseconds (benchmarks/bench_citations.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

import numpy as np

MEASURES = ("combined", "coupling", "cocitation", "adamic_adar")


def _cache_path(lib):
    import hashlib
    import os
    from pathlib import Path

    env = os.environ.get("GAPSCOPE_CITATIONS_CACHE")
    if env:
        root = Path(env)
    else:
        import platformdirs

        root = Path(platformdirs.user_cache_dir("GapScope", appauthor=False)) / "citations"
    key = hashlib.sha1(str(Path(lib.path).resolve()).encode()).hexdigest()[:16]
    return root / f"graph-{key}.npz"


@dataclass
class CitationGraph:
    work_ids: np.ndarray        # sorted work ids; the matrix index of a work is its position here
    paper_of: np.ndarray        # library paper id per index, -1 for an outside work
    A: "object"                 # scipy.sparse.csr_matrix (n, n), float32: citing -> cited
    AT: "object"                # its transpose, CSR (rows: cited -> citing)

    @classmethod
    def from_edges(cls, citing: np.ndarray, cited: np.ndarray, work_ids: Optional[np.ndarray] = None,
                   paper_of: Optional[dict[int, int]] = None) -> "CitationGraph":
        """The graph of the edges ``citing -> cited`` (work ids). Work ids index the matrix directly
        (rowid-like ids are dense): a deleted id is an empty row, never reached."""
        import scipy.sparse as sp

        citing = np.asarray(citing, dtype=np.int64)
        cited = np.asarray(cited, dtype=np.int64)
        extra = np.asarray(work_ids if work_ids is not None else [], dtype=np.int64)
        n = int(max([a.max() for a in (citing, cited, extra) if len(a)], default=-1)) + 1
        A = sp.csr_matrix((np.ones(len(citing), dtype=np.float32), (citing, cited)), shape=(n, n))
        A.sum_duplicates()
        A.data[:] = 1.0
        pp = np.full(n, -1, dtype=np.int64)
        if paper_of:
            wid = np.fromiter(paper_of.values(), dtype=np.int64, count=len(paper_of))
            pp[wid] = np.fromiter(paper_of.keys(), dtype=np.int64, count=len(paper_of))
        return cls(np.arange(n, dtype=np.int64), pp, A, A.T.tocsr())

    @classmethod
    def load(cls, lib, *, cache_from: int = 200_000) -> "CitationGraph":
        """The library's graph. From ``cache_from`` edges on, the matrices are also kept in the user
        cache folder (``$GAPSCOPE_CITATIONS_CACHE``) until the graph changes: reading 2 million edges
        row by row from SQLite takes seconds, the cached matrices a fraction of one."""
        stamp = lib.graph_stamp()
        path = _cache_path(lib) if stamp[1] >= cache_from else None
        if path is not None and path.exists():
            try:
                with np.load(path, allow_pickle=False) as z:
                    if str(z["stamp"]) == repr(stamp):
                        import scipy.sparse as sp

                        n = len(z["paper_of"])
                        A = sp.csr_matrix((np.ones(len(z["indices"]), dtype=np.float32), z["indices"], z["indptr"]),
                                          shape=(n, n))
                        return cls(np.arange(n, dtype=np.int64), z["paper_of"], A, A.T.tocsr())
            except (OSError, ValueError, KeyError):
                pass   # unreadable or old: rebuild below
        citing, cited = lib.citation_arrays()
        papers = lib.work_ids_of_papers()
        g = cls.from_edges(citing, cited, np.fromiter(papers.values(), dtype=np.int64, count=len(papers)), papers)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp.npz")
                np.savez(tmp, stamp=np.array(repr(stamp)), indptr=g.A.indptr, indices=g.A.indices, paper_of=g.paper_of)
                tmp.replace(path)
            except OSError:
                pass   # no cache folder: the next load reads SQLite again
        return g

    # --- indexing --------------------------------------------------------------------------------
    @property
    def n(self) -> int:
        return len(self.work_ids)

    @property
    def n_edges(self) -> int:
        return int(self.A.nnz)

    def index(self, work_ids: Iterable[int]) -> np.ndarray:
        """Matrix indices of ``work_ids`` (ids not in the graph left out)."""
        w = np.asarray(list(work_ids), dtype=np.int64)
        if not len(w) or not self.n:
            return np.zeros(0, dtype=np.int64)
        pos = np.searchsorted(self.work_ids, w)
        ok = (pos < self.n) & (self.work_ids[np.minimum(pos, self.n - 1)] == w)
        return pos[ok]

    def paper_index(self, paper_ids: Iterable[int]) -> np.ndarray:
        want = np.asarray(list(paper_ids), dtype=np.int64)
        return np.flatnonzero(np.isin(self.paper_of, want)) if len(want) else np.zeros(0, dtype=np.int64)

    def out_degree(self) -> np.ndarray:
        return np.diff(self.A.indptr)

    def in_degree(self) -> np.ndarray:
        return np.diff(self.AT.indptr)

    # --- similarity to a set of works ------------------------------------------------------------
    @staticmethod
    def _spread(M, rows: np.ndarray, n: int, weights: Optional[np.ndarray] = None) -> np.ndarray:
        """sum over r in rows of weights[r] * M[r] as a dense vector (M CSR): the works reached in one step."""
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return np.zeros(n, dtype=np.float64)
        sub = M[rows]   # a CSR row slice: only the rows involved are touched
        w = None if weights is None else np.repeat(np.asarray(weights, dtype=np.float64), np.diff(sub.indptr))
        return np.bincount(sub.indices, weights=w, minlength=n).astype(np.float64)

    def coupling(self, i: int) -> np.ndarray:
        """References shared with work index i, for every work."""
        refs = self.A.indices[self.A.indptr[i]:self.A.indptr[i + 1]]
        return self._spread(self.AT, refs, self.n)

    def cocitation(self, i: int) -> np.ndarray:
        """Works citing both work index i and each other work."""
        citers = self.AT.indices[self.AT.indptr[i]:self.AT.indptr[i + 1]]
        return self._spread(self.A, citers, self.n)

    def _undirected(self):
        if getattr(self, "_U", None) is None:
            U = (self.A + self.AT).tocsr()
            U.data[:] = 1.0
            deg = np.diff(U.indptr).astype(np.float64)
            with np.errstate(divide="ignore"):
                w = np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2)), 0.0)
            self._U, self._aa_w = U, w
        return self._U, self._aa_w

    def adamic_adar(self, i: int) -> np.ndarray:
        U, w = self._undirected()
        nb = U.indices[U.indptr[i]:U.indptr[i + 1]]
        return self._spread(U, nb, self.n, w[nb])

    def similarity(self, seeds: Sequence[int], measure: str = "combined") -> dict[str, np.ndarray]:
        """Scores of every work against the seed indices, summed over the seeds: ``coupling`` and
        ``cocitation`` counts, and ``score`` by ``measure``. Combined (Connected Papers' idea): coupling
        and co-citation, each normalised by the geometric mean of the two works' reference (citation)
        counts, added."""
        if measure not in MEASURES:
            raise ValueError(f"measure must be one of {', '.join(MEASURES)}")
        n = self.n
        coup, cocit, aa = np.zeros(n), np.zeros(n), np.zeros(n)
        score = np.zeros(n)
        outd, ind = self.out_degree().astype(np.float64), self.in_degree().astype(np.float64)
        for i in seeds:
            c, k = self.coupling(i), self.cocitation(i)
            coup += c
            cocit += k
            if measure == "combined":
                with np.errstate(divide="ignore", invalid="ignore"):
                    score += np.nan_to_num(c / np.sqrt(outd[i] * outd)) + np.nan_to_num(k / np.sqrt(ind[i] * ind))
            elif measure == "adamic_adar":
                a = self.adamic_adar(i)
                aa += a
                score += a
        if measure == "coupling":
            score = coup.copy()
        elif measure == "cocitation":
            score = cocit.copy()
        out = {"score": score, "coupling": coup, "cocitation": cocit}
        if measure == "adamic_adar":
            out["adamic_adar"] = aa
        return out

    def related(self, seeds: Sequence[int], k: int = 20, measure: str = "combined",
                library_only: bool = False) -> list[tuple[int, float, int, int]]:
        """The ``k`` works most similar to the seed indices (seeds left out): (index, score, coupling,
        co-citation), best first; ties by index."""
        s = self.similarity(seeds, measure)
        score = s["score"].copy()
        score[np.asarray(list(seeds), dtype=np.int64)] = 0.0
        if library_only:
            score[self.paper_of < 0] = 0.0
        cand = np.flatnonzero(score > 0)
        if not len(cand):
            return []
        top = cand[np.lexsort((cand, -score[cand]))][:k]
        return [(int(i), float(score[i]), int(s["coupling"][i]), int(s["cocitation"][i])) for i in top]

    def cited_counts(self, rows: np.ndarray) -> np.ndarray:
        """How many of the works ``rows`` cite each work (dense vector)."""
        return self._spread(self.A, np.asarray(rows, dtype=np.int64), self.n)

    def coupling_matrix(self, rows: np.ndarray):
        """Bibliographic coupling among ``rows``: shared references, (len, len) sparse, diagonal zero."""
        sub = self.A[np.asarray(rows, dtype=np.int64)]
        M = (sub @ sub.T).tocsr()
        M.setdiag(0)
        M.eliminate_zeros()
        return M


def top_references(graph: CitationGraph, citing_rows: np.ndarray, k: int = 20, min_count: int = 1) -> list[tuple[int, int]]:
    """The works most cited by ``citing_rows``: (index, how many of them cite it), most first."""
    counts = graph.cited_counts(citing_rows)
    cand = np.flatnonzero(counts >= max(1, min_count))
    top = cand[np.lexsort((cand, -counts[cand]))][:k]
    return [(int(i), int(counts[i])) for i in top]
