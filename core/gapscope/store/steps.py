"""What the pipeline's steps have left in the library, so that a later step can say which earlier one
is missing (``gapscope.steps``)."""

from __future__ import annotations

from typing import Any


class StepsMixin:
    def step_counts(self) -> dict[str, Any]:
        """Papers, papers classified into facets, and papers with vectors of each kind (any model)."""
        q = lambda sql, *a: self._conn.execute(sql, a).fetchone()[0]  # noqa: E731
        vectors = {kind: n for kind, n in self._conn.execute(
            "SELECT kind, count(DISTINCT paper_id) FROM paper_texts GROUP BY kind")}
        return {
            "papers": q("SELECT count(*) FROM papers"),
            "classified": q("SELECT count(*) FROM paper_facets"),
            "vectors": vectors,
            "maps": q("SELECT count(*) FROM maps"),
            "gaps": q("SELECT count(*) FROM gaps"),
        }
