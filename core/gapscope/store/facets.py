"""Facet sentences: each abstract split into sentences labelled by role, and the user's corrections.

The facet texts embedding reads live here rather than in gapscope.facets: embed sits below facets in the
core's layers (facets encode with the embedder)."""

from __future__ import annotations

from typing import Any, Iterator, Optional, Sequence

from ..vocabulary import FACET_TEXT_LABELS
from .base import now_iso

# A sentence's effective label: the user's correction wins over the classifier's.
_EFFECTIVE = (
    "SELECT s.paper_id, s.idx, s.start, s.end, s.text, coalesce(c.label, s.label), s.confidence,"
    " c.label IS NOT NULL FROM sentences s LEFT JOIN facet_corrections c"
    " ON c.paper_id = s.paper_id AND c.start = s.start AND c.end = s.end"
)


class FacetsMixin:
    def facet_states(self) -> list[tuple[int, str, str, Optional[str], Optional[str]]]:
        """(paper id, title, abstract, facet model, abstract hash) of every paper, by id; the last two
        are None for a paper never classified."""
        return self._conn.execute(
            "SELECT p.id, p.title, p.abstract, f.facet_model, f.abstract_hash FROM papers p"
            " LEFT JOIN paper_facets f ON f.paper_id = p.id ORDER BY p.id").fetchall()

    def put_paper_sentences(self, paper_id: int, sentences: Sequence[tuple[int, int, str, str, float]], *,
                            facet_model: str, abstract_hash: str) -> None:
        """Replace a paper's sentences by ``sentences`` ((start, end, text, label, confidence) in order)
        and record which facet model classified which abstract."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM sentences WHERE paper_id = ?", (paper_id,))
            conn.executemany(
                "INSERT INTO sentences (paper_id, idx, start, end, text, label, confidence) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(paper_id, i, a, b, t, lab, c) for i, (a, b, t, lab, c) in enumerate(sentences)])
            conn.execute(
                "INSERT INTO paper_facets (paper_id, facet_model, abstract_hash, classified_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(paper_id) DO UPDATE SET facet_model = excluded.facet_model,"
                " abstract_hash = excluded.abstract_hash, classified_at = excluded.classified_at",
                (paper_id, facet_model, abstract_hash, now_iso()))

    def sentences_of(self, paper_id: int) -> list[dict[str, Any]]:
        """The sentences of a paper's abstract with their effective label (the user's correction wins)."""
        return [dict(idx=i, start=a, end=b, text=t, label=lab, confidence=c, corrected=bool(k))
                for _, i, a, b, t, lab, c, k in self._conn.execute(
                    _EFFECTIVE + " WHERE s.paper_id = ? ORDER BY s.idx", (paper_id,))]

    def effective_sentences(self) -> Iterator[tuple[int, str, str]]:
        """(paper id, text, effective label) of every sentence, by paper and position."""
        for pid, _i, _a, _b, text, label, _c, _k in self._conn.execute(_EFFECTIVE + " ORDER BY s.paper_id, s.idx"):
            yield pid, text, label

    def classified_paper_ids(self) -> list[int]:
        return [r[0] for r in self._conn.execute("SELECT paper_id FROM paper_facets")]

    def uncertain_sentences(self, label: Optional[str] = None, below: Optional[float] = None, limit: int = 50,
                            paper_id: Optional[int] = None) -> list[dict[str, Any]]:
        """The classifier's least certain labels across the library (or one paper), lowest confidence
        first; a sentence the user corrected is settled and left out."""
        where: list[str] = ["1"]
        args: list[Any] = []
        if below is not None:
            where.append("s.confidence < ?")
            args.append(float(below))
        if label is not None:
            where.append("s.label = ?")
            args.append(label)
        if paper_id is not None:
            where.append("s.paper_id = ?")
            args.append(int(paper_id))
        # the top of the list first, then the titles: joining papers before the LIMIT reads every title
        sql = ("SELECT s.paper_id, p.title, s.idx, s.start, s.end, s.text, s.label, s.confidence FROM"
               " (SELECT * FROM sentences s WHERE " + " AND ".join(where) +
               " AND NOT EXISTS (SELECT 1 FROM facet_corrections c"
               " WHERE c.paper_id = s.paper_id AND c.start = s.start AND c.end = s.end)"
               " ORDER BY s.confidence, s.paper_id, s.idx LIMIT ?) s"
               " JOIN papers p ON p.id = s.paper_id ORDER BY s.confidence, s.paper_id, s.idx")
        args.append(int(limit))
        return [dict(paper_id=pid, title=title, idx=i, start=a, end=b, text=t, label=lab, confidence=c)
                for pid, title, i, a, b, t, lab, c in self._conn.execute(sql, args)]

    def facet_label_counts(self) -> dict[str, int]:
        """How many sentences carry each effective label."""
        return {lab: n for lab, n in self._conn.execute(
            "SELECT coalesce(c.label, s.label) AS l, count(*) FROM sentences s LEFT JOIN facet_corrections c"
            " ON c.paper_id = s.paper_id AND c.start = s.start AND c.end = s.end GROUP BY l ORDER BY l")}

    def facet_models_used(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT DISTINCT facet_model FROM paper_facets") if r[0]]

    def facet_texts(self, paper_ids: Optional[Sequence[int]] = None) -> dict[int, dict[str, str]]:
        """{paper_id: {"method": ..., "result": ..., "limitation": ...}}: the paper's sentences of each facet
        joined in order ('' when it has none), for every classified paper (or those in ``paper_ids``)."""
        wanted = None if paper_ids is None else set(int(i) for i in paper_ids)
        out: dict[int, dict[str, list[str]]] = {}
        if wanted is None:
            for (pid,) in self._conn.execute("SELECT paper_id FROM paper_facets"):
                out[pid] = {k: [] for k in FACET_TEXT_LABELS}
        for pid, _i, _a, _b, text, label, _c, _k in self._conn.execute(_EFFECTIVE + " ORDER BY s.paper_id, s.idx"):
            if wanted is not None and pid not in wanted:
                continue
            d = out.setdefault(pid, {k: [] for k in FACET_TEXT_LABELS})
            if label in d:
                d[label].append(text)
        return {pid: {k: " ".join(v) for k, v in d.items()} for pid, d in out.items()}
