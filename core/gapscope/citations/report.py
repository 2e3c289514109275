"""The report's citation part: the graph figure and what the collection builds on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass
class CitationsSection:
    missing: Optional[str] = None
    works: int = 0
    papers: int = 0                 # library papers in the graph
    edges: int = 0
    figure: Any = None              # a GraphFigure (drawn by make_figures)
    top_references: list[dict[str, Any]] = field(default_factory=list)


def citation_section(lib, collection: Optional[str] = None, *, max_nodes: int = 150, k: int = 15) -> CitationsSection:
    works, papers, edges = lib.count_works()
    if edges == 0:
        return CitationsSection(missing="No citation data yet (run `gapscope enrich`).")
    from .figure import graph_figure
    from .related import collection_references

    ids = lib.list_paper_ids(collection=collection) if collection else None
    fig = graph_figure(lib, paper_ids=ids, max_nodes=max_nodes)
    refs = collection_references(lib, ids if ids is not None else lib.list_paper_ids(), k=k, min_count=2)
    return CitationsSection(works=works, papers=papers, edges=edges, figure=fig, top_references=refs)
