"""What the citation graph tells about library papers: related papers (like Connected Papers), the
references a collection builds on, and each map cluster's core references."""

from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from ..store.library import LibraryError
from ..textfmt import plural
from .graph import CitationGraph, top_references


def _work_rows(lib, graph: CitationGraph, indices: Sequence[int]) -> dict[int, dict[str, Any]]:
    ids = [int(graph.work_ids[i]) for i in indices]
    return lib.works(ids)


def _describe(w: dict[str, Any]) -> dict[str, Any]:
    return {"work_id": w["id"], "paper_id": w["paper_id"], "in_library": w["paper_id"] is not None,
            "title": w["title"], "year": w["year"], "doi": w["doi"], "arxiv_id": w["arxiv_id"],
            "s2_id": w["s2_id"], "openalex_id": w["openalex_id"], "citation_count": w["citation_count"]}


def seeds_of(lib, graph: CitationGraph, paper_ids: Sequence[int]) -> np.ndarray:
    """Matrix indices of library papers; a paper that is not in the graph (not enriched) raises."""
    idx = graph.paper_index(paper_ids)
    missing = sorted(set(paper_ids) - {int(graph.paper_of[i]) for i in idx})
    if missing:
        raise LibraryError(f"no citation data for {plural(len(missing), 'paper', number=False)} "
                           f"{', '.join(map(str, missing))} (run `gapscope enrich` first)")
    return idx


def related_papers(lib, paper_ids: Sequence[int], *, k: int = 20, measure: str = "combined",
                   library_only: bool = False, graph: Optional[CitationGraph] = None) -> list[dict[str, Any]]:
    """Works most similar to the papers ``paper_ids`` (one paper, or a set: scores add up), best first,
    with the numbers behind each score."""
    graph = graph or CitationGraph.load(lib)
    seeds = seeds_of(lib, graph, paper_ids)
    hits = graph.related(seeds, k=k, measure=measure, library_only=library_only)
    rows = _work_rows(lib, graph, [i for i, *_ in hits])
    out = []
    for i, score, coup, cocit in hits:
        d = _describe(rows[int(graph.work_ids[i])])
        d.update(score=round(score, 6), coupling=coup, cocitation=cocit)
        out.append(d)
    return out


def collection_references(lib, paper_ids: Sequence[int], *, k: int = 20, min_count: int = 2,
                          graph: Optional[CitationGraph] = None) -> list[dict[str, Any]]:
    """What these papers build on: the works most of them cite, with how many cite each."""
    graph = graph or CitationGraph.load(lib)
    rows = graph.paper_index(paper_ids)
    hits = top_references(graph, rows, k=k, min_count=min_count)
    info = _work_rows(lib, graph, [i for i, _ in hits])
    out = []
    for i, n in hits:
        d = _describe(info[int(graph.work_ids[i])])
        d.update(cited_by=n, share=round(n / max(1, len(rows)), 4))
        out.append(d)
    return out


def cluster_core_references(lib, *, facet: str = "topic", k: int = 5, min_count: int = 2,
                            graph: Optional[CitationGraph] = None) -> list[dict[str, Any]]:
    """Per cluster of the latest ``facet`` map: the references its papers cite most (its core)."""
    from ..maps.store import latest_map

    m = latest_map(lib, facet)
    graph = graph or CitationGraph.load(lib)
    out = []
    for c in sorted(m.clusters, key=lambda c: -c.size):
        members = m.members(c.id)
        rows = graph.paper_index(members)
        refs = collection_references(lib, members, k=k, min_count=min_count, graph=graph) if len(rows) else []
        out.append({"cluster": c.id, "label": c.label, "papers": len(members), "with_citations": int(len(rows)),
                    "core": refs})
    return out
