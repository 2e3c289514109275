"""The citation graph as a picture: library papers as nodes sized by citations and coloured by their
topic-map cluster, edges by bibliographic coupling, laid out by networkx's spring layout. The desktop
graph view and the report draw the same :class:`GraphFigure`."""

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


def graph_png(fig: GraphFigure) -> bytes:
    """The same figure for the report (matplotlib, Agg)."""
    from ..reports.plots import _figure, _palette, _png, _rc, _short

    with _rc():
        f = _figure(7.5, 6.0)
        ax = f.add_subplot(1, 1, 1)
        xy = np.array([(n["x"], n["y"]) for n in fig.nodes], dtype=float).reshape(-1, 2)
        if fig.edges:
            top = max(w for *_, w in fig.edges)
            for a, b, w in fig.edges:
                ax.plot(xy[[a, b], 0], xy[[a, b], 1], color="#8895a7", lw=0.3 + 1.7 * w / top, alpha=0.35, zorder=1)
        ids = sorted(fig.clusters)
        colors = dict(zip(ids, _palette(len(ids))))
        cols = [colors.get(n["cluster"], (0.6, 0.6, 0.6, 1.0)) for n in fig.nodes]
        sizes = node_sizes([n["citations"] for n in fig.nodes], small=4.0, big=24.0) ** 2
        ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=cols, edgecolors="white", linewidths=0.4, zorder=2)
        shown = [cid for cid in ids if any(n["cluster"] == cid for n in fig.nodes)][:10]
        for cid in shown:   # legend: the topic clusters present
            ax.scatter([], [], s=30, color=colors[cid], label=_short(fig.clusters[cid], 30))
        if shown:
            ax.legend(fontsize=6.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="topic cluster",
                      title_fontsize=7)
        for i in np.argsort([-n["citations"] for n in fig.nodes])[:8]:
            ax.text(xy[i, 0], xy[i, 1], _short(fig.nodes[i]["title"], 30), fontsize=6, ha="center", va="bottom", zorder=3)
        ax.set_title(f"Citation graph: {len(fig.nodes)} of {fig.total_papers} papers, {len(fig.edges)} coupling links",
                     fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        return _png(f)
