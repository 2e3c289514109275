"""The records a map is made of: clusters, assignments, 2-D coordinates, and how it was made."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np


def stability_text(value) -> str:
    """A cluster's stability as people see it everywhere (CLI, window, reports, a gap's note): two
    decimals, cut down rather than rounded, so that a value under a threshold (0.3 unstable, 0.6
    stable: docs/maps.md) never reads as reaching it (0.299 is "0.29"). "n/a" for none (a cluster stored
    without one is read back as NaN: maps/store.py)."""
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    return f"{math.floor(round(float(value) * 100, 6)) / 100:.2f}"


@dataclass
class Cluster:
    id: int
    label: str
    keywords: list[str]
    representative: str                 # a sentence from the member nearest the centroid
    size: int
    stability: float                    # mean matched Jaccard over re-clusterings with other seeds, 0..1
    sizes_by_year: dict[str, int]
    sizes_by_month: dict[str, int] = field(default_factory=dict)
    representative_paper: Optional[int] = None
    x: float = 0.0
    y: float = 0.0
    centroid: Optional[np.ndarray] = field(default=None, repr=False)
    # the cluster's most distinctive concept phrases, best first; [] when its label is its keywords
    concepts: list[str] = field(default_factory=list)
    # where the representative sentence stands when it is not in the abstract ("Limitations p. 10")
    representative_where: str = ""

    @property
    def label_kind(self) -> str:
        """"concepts" when the label names concept phrases, "keywords" when it is the c-TF-IDF words."""
        return "concepts" if self.concepts else "keywords"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "label": self.label, "label_kind": self.label_kind, "concepts": self.concepts,
            "keywords": self.keywords,
            "representative": self.representative, "representative_paper": self.representative_paper,
            "representative_where": self.representative_where,
            "size": self.size, "stability": round(float(self.stability), 4),
            "sizes_by_year": self.sizes_by_year, "sizes_by_month": self.sizes_by_month,
            "x": round(float(self.x), 4), "y": round(float(self.y), 4),
        }


@dataclass
class Map:
    facet: str
    params: dict[str, Any]              # k, k_auto, seed, model, niter, stability_runs, silhouette ...
    scope: dict[str, Any]               # {"collection": ..., "query": ..., "paper_ids": n} or {"library": true}
    clusters: list[Cluster]
    assignments: dict[int, int]         # paper id -> cluster id
    coords: dict[int, tuple[float, float]]
    sims: dict[int, float] = field(default_factory=dict)   # cosine of each paper to its centroid
    id: Optional[int] = None
    created_at: Optional[str] = None

    @property
    def k(self) -> int:
        return len(self.clusters)

    def centroids(self) -> np.ndarray:
        return np.stack([c.centroid for c in self.clusters]).astype(np.float32)

    def members(self, cluster: int) -> list[int]:
        return [p for p, c in self.assignments.items() if c == cluster]

    def cluster(self, cid: int) -> Cluster:
        for c in self.clusters:
            if c.id == cid:
                return c
        raise KeyError(cid)

    @property
    def label_kind(self) -> str:
        """What the map's labels are made of: "concepts", "keywords", or "mixed" (concept labels where a
        cluster's papers have concepts, keywords elsewhere)."""
        kinds = {c.label_kind for c in self.clusters}
        return kinds.pop() if len(kinds) == 1 else ("mixed" if kinds else "keywords")

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "facet": self.facet, "k": self.k, "papers": len(self.assignments),
                "label_kind": self.label_kind, "params": self.params, "scope": self.scope, "created_at": self.created_at}


@dataclass
class MapSet:
    maps: dict[str, Map]
    timings: dict[str, float] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)   # facet -> why it was not mapped

    def __getitem__(self, facet: str) -> Map:
        return self.maps[facet]
