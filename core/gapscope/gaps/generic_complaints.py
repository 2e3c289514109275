"""A complaint every field makes is no shortcoming a proposal can take on: "computational cost", "practical
deployment", "resource-constrained environments". Later papers tackle such a complaint in their own words
("reduce FLOPs", "edge devices"), which counting them by the phrase misses, so it looks unaddressed: on the
10,653-paper library "computational cost" (231 stating, 66 taking it on) ranked among the top unaddressed
shortcomings.

A stated problem concept is a generic complaint when both hold of the papers naming it:

- they spread over the library's areas as much as as many random papers (concepts/quality.generic: at least
  GENERIC_MIN_PAPERS papers, a spread at or above GENERIC_SPREAD of chance over GENERIC_AREAS clusters of the
  abstract vectors), and
- they share no subject: the mean cosine between their abstracts lifts less than SUBJECT_LIFT_MIN of the way
  from the library's mean cosine to 1.

The second keeps a specific problem that many areas research as one subject: "catastrophic forgetting" spreads
over the areas as much as "computational cost" (0.97 and 0.96 of chance on the 10,653-paper library:
continual learning in vision, language and control), but its papers are about one thing (lift 0.23, against
0.08 for "computational cost", 0.03 for "practical deployment", 0.12 for "resource-constrained environments").
A concept whose papers fall in a few areas is never judged generic here ("quadratic computational complexity",
"low-resource languages").
"""

from __future__ import annotations

from typing import Iterable, Optional

import numpy as np

from ..concepts.quality import GENERIC_AREAS, GENERIC_MIN_PAPERS, generic, topic_spread

SUBJECT_LIFT_MIN = 0.2    # 10,653 papers: "memory overhead" 0.19 is generic, "privacy leakage" 0.22 is not


class PaperSubjects:
    """Reads, for a set of papers, how spread over the library's areas and how much of one subject they are;
    ``paper_vecs``: (paper ids, abstract vectors) of the library (gaps/concept_backtest.abstract_vectors)."""

    def __init__(self, paper_vecs: tuple, seed: int = 0):
        from .linkpred import _topics     # the same k-means areas the pair gaps' generic rule counts over

        ids, vecs = paper_vecs
        v = np.asarray(vecs, dtype=np.float64)
        v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
        self._row = {int(p): i for i, p in enumerate(ids)}
        self._vecs = v
        self._area = _topics(np.asarray(vecs, dtype=np.float32), seed, GENERIC_AREAS)
        self._k = int(self._area.max()) + 1 if len(self._area) else 1
        self._sizes = np.bincount(self._area, minlength=self._k).astype(np.float64)
        self.base = _mean_cosine(v)

    def measure(self, papers: Iterable[int]) -> tuple[int, float, float]:
        """(papers with a vector, their spread over the areas (1 = as chance), their subject lift (0 = no closer
        than any two papers of the library, 1 = one text))."""
        rows = [self._row[int(p)] for p in papers if int(p) in self._row]
        if len(rows) < 2:
            return len(rows), 0.0, 1.0
        counts = np.bincount(self._area[rows], minlength=self._k)[None, :]
        spread = float(topic_spread(counts, self._sizes)[0])
        lift = (_mean_cosine(self._vecs[rows]) - self.base) / max(1.0 - self.base, 1e-9)
        return len(rows), spread, float(lift)

    def generic(self, papers: Iterable[int]) -> Optional[tuple[float, float]]:
        """(spread, lift) when ``papers`` (those naming a concept) make it a generic complaint, else None."""
        n, spread, lift = self.measure(papers)
        if bool(generic(np.array([spread]), np.array([n]))[0]) and lift < SUBJECT_LIFT_MIN:
            return spread, lift
        return None


def _mean_cosine(unit: np.ndarray) -> float:
    """The mean cosine between two different rows of ``unit`` (unit vectors): from the length of their sum."""
    n = len(unit)
    if n < 2:
        return 1.0
    s = unit.sum(axis=0)
    return float((s @ s - n) / (n * (n - 1)))
