"""A research gap: its type, score, plain-language statement and the papers that make the case."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

GAP_TYPES = ("method_x_problem", "unaddressed_shortcoming", "thin_growing")


@dataclass
class ClusterRef:
    facet: str
    map_id: Optional[int]
    cluster: int
    label: str
    keywords: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"cluster": self.cluster, "label": self.label, "keywords": self.keywords,
                "facet": self.facet, "map_id": self.map_id}


@dataclass
class Gap:
    type: str
    score: float                       # 0..1, its standing among its type's gaps (standing.py; raw number in details)
    statement: str
    method: Optional[ClusterRef]
    problem: Optional[ClusterRef]      # the problem / shortcoming / topic cluster the gap is about
    evidence: list[int]                # paper ids, most telling first
    roles: dict[int, str] = field(default_factory=dict)   # paper id -> method | problem | shortcoming | region | neighbour
    details: dict[str, Any] = field(default_factory=dict)
    id: Optional[int] = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "type": self.type, "score": round(float(self.score), 4), "statement": self.statement,
            "method": self.method.to_dict() if self.method else None,
            "problem": self.problem.to_dict() if self.problem else None,
            "evidence": list(self.evidence),
            "evidence_roles": {str(p): r for p, r in self.roles.items()},
            "details": self.details,
            # how the score was made (standing.py): its rank among the gaps of its type; absent in older lists
            **{k: self.details[k] for k in ("rank_in_type", "of_type", "score_scale") if k in self.details},
        }
