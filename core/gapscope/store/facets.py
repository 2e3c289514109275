"""Reads of the library's facet sentences, with the user's corrections applied (a mixin of Library).

Here rather than in gapscope.facets because embedding reads the facet texts too, and embed sits below
facets in the core's layers (facets encode with the embedder)."""

from __future__ import annotations

from typing import Optional, Sequence

from ..vocabulary import FACET_TEXT_LABELS

# Every sentence with its effective label: the user's correction wins over the classifier's label.
EFFECTIVE_SENTENCES = (
    "SELECT s.paper_id, s.idx, s.start, s.end, s.text, coalesce(c.label, s.label), s.confidence,"
    " c.label IS NOT NULL FROM sentences s LEFT JOIN facet_corrections c"
    " ON c.paper_id = s.paper_id AND c.start = s.start AND c.end = s.end"
)


class FacetReads:
    """Facet texts per paper, read from ``sentences`` and ``facet_corrections``."""

    def facet_texts(self, paper_ids: Optional[Sequence[int]] = None) -> dict[int, dict[str, str]]:
        """{paper_id: {"method": ..., "result": ..., "limitation": ...}}: the paper's sentences of each facet
        joined in order ('' when it has none), for every classified paper (or those in ``paper_ids``)."""
        wanted = None if paper_ids is None else set(int(i) for i in paper_ids)
        out: dict[int, dict[str, list[str]]] = {}
        if wanted is None:
            for (pid,) in self.conn.execute("SELECT paper_id FROM paper_facets"):
                out[pid] = {k: [] for k in FACET_TEXT_LABELS}
        for pid, _i, _a, _b, text, label, _c, _k in self.conn.execute(EFFECTIVE_SENTENCES + " ORDER BY s.paper_id, s.idx"):
            if wanted is not None and pid not in wanted:
                continue
            d = out.setdefault(pid, {k: [] for k in FACET_TEXT_LABELS})
            if label in d:
                d[label].append(text)
        return {pid: {k: " ".join(v) for k, v in d.items()} for pid, d in out.items()}
