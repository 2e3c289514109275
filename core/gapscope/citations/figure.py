"""The citation graph as a picture: library papers as nodes sized by citations and coloured by their
topic-map cluster, edges by bibliographic coupling, laid out by networkx's spring layout. The desktop
graph view and the report (``reports.plots.citation_graph_png``) draw the same :class:`GraphFigure`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np

from .graph import CitationGraph


@dataclass
class GraphFigure:
    nodes: list[dict[str, Any]] = field(default_factory=list)   # paper_id, title, year, citations, cluster, x, y
    edges: list[tuple[int, int, int]] = field(default_factory=list)   # node index a, node index b, shared refs
    clusters: dict[int, str] = field(default_factory=dict)            # cluster id -> label (topic map)
    total_papers: int = 0         # library papers in the graph (before the cut to max_nodes)

    @property
    def empty(self) -> bool:
        return not self.nodes


def graph_figure(lib, *, paper_ids: Optional[Sequence[int]] = None, max_nodes: int = 150, min_coupling: int = 1,
                 seed: int = 0, progress=None, cancel=None) -> GraphFigure:
    """The ``max_nodes`` most coupled library papers (of ``paper_ids`` when given), with their coupling
    edges (at least ``min_coupling`` shared references) and a spring layout."""
    import networkx as nx

    from ..jobs import check

    graph = CitationGraph.load(lib)
    rows = np.flatnonzero(graph.paper_of >= 0)
    if paper_ids is not None:
        rows = graph.paper_index(paper_ids)
    fig = GraphFigure(total_papers=int(len(rows)))
    if not len(rows):
        return fig
    check(cancel)
    M = graph.coupling_matrix(rows)
    strength = np.asarray(M.sum(axis=1)).ravel()
    cites = graph.in_degree()[rows]
    info = lib.works([int(graph.work_ids[i]) for i in rows])
    counts = np.array([max(info[int(graph.work_ids[i])]["citation_count"] or 0, int(c)) for i, c in zip(rows, cites)])
    keep = np.lexsort((rows, -counts, -strength))[:max_nodes]
    keep.sort()
    sub = M[keep][:, keep].tocoo()
    g = nx.Graph()
    g.add_nodes_from(range(len(keep)))
    edges = [(int(a), int(b), int(w)) for a, b, w in zip(sub.row, sub.col, sub.data) if a < b and w >= min_coupling]
    g.add_weighted_edges_from(edges)
    check(cancel)
    pos = nx.spring_layout(g, weight="weight", seed=seed, k=1.5 / max(1.0, np.sqrt(len(keep))))
    clusters, labels = _topic_clusters(lib)
    for n, k in enumerate(keep):
        w = info[int(graph.work_ids[rows[k]])]
        x, y = pos[n]
        fig.nodes.append({"paper_id": w["paper_id"], "work_id": w["id"], "title": w["title"] or "", "year": w["year"],
                          "citations": int(counts[k]), "cluster": clusters.get(w["paper_id"]), "x": float(x), "y": float(y)})
    fig.edges = edges
    fig.clusters = labels
    return fig


def _topic_clusters(lib) -> tuple[dict[int, int], dict[int, str]]:
    try:
        from ..maps.store import latest_map

        m = latest_map(lib, "topic")
    except Exception:  # noqa: BLE001 - no map yet (or no maps module): nodes stay uncoloured
        return {}, {}
    return dict(m.assignments), {c.id: c.label for c in m.clusters}


def node_sizes(citations: Sequence[int], small: float = 5.0, big: float = 22.0) -> np.ndarray:
    """Marker sizes growing with log citations, from ``small`` to ``big``."""
    c = np.log1p(np.asarray(citations, dtype=float))
    top = c.max() if len(c) and c.max() > 0 else 1.0
    return small + (big - small) * c / top
