"""Citation-aware gaps: for a method x problem gap, do the two sides build on a common core of
references, and does any paper cite both sides? Two bodies of work that share no core and that no
paper bridges do not talk to each other: the gap is real in the citations too."""

from __future__ import annotations

import math
from typing import Any, Mapping, Optional, Sequence

import numpy as np

from .graph import CitationGraph

MIN_PAPERS = 2          # papers with citation data needed on each side before anything is said


def core_references(graph: CitationGraph, rows: np.ndarray, *, k: int = 20, min_share: float = 0.1) -> set[int]:
    """A side's core: the (at most ``k``) works cited by at least ``min_share`` of its papers (and by 2)."""
    counts = graph.cited_counts(rows)
    need = max(2, math.ceil(min_share * len(rows)))
    cand = np.flatnonzero(counts >= need)
    top = cand[np.lexsort((cand, -counts[cand]))][:k]
    return {int(i) for i in top}


def citation_link(graph: CitationGraph, method_papers: Sequence[int], problem_papers: Sequence[int], *,
                  k: int = 20, min_share: float = 0.1) -> Optional[dict[str, Any]]:
    """Whether the two sides share core references and which works cite both sides (matrix indices);
    None when a side has fewer than MIN_PAPERS papers with citation data."""
    m_rows, p_rows = graph.paper_index(method_papers), graph.paper_index(problem_papers)
    if len(m_rows) < MIN_PAPERS or len(p_rows) < MIN_PAPERS:
        return None
    core_m = core_references(graph, m_rows, k=k, min_share=min_share)
    core_p = core_references(graph, p_rows, k=k, min_share=min_share)
    common = sorted(core_m & core_p)
    cites_m = graph._spread(graph.AT, m_rows, graph.n) > 0   # works citing some method-side paper
    cites_p = graph._spread(graph.AT, p_rows, graph.n) > 0
    both = np.flatnonzero(cites_m & cites_p)
    return {"method_papers": int(len(m_rows)), "problem_papers": int(len(p_rows)),
            "method_core": len(core_m), "problem_core": len(core_p), "common_core": common,
            "cite_both": [int(i) for i in both]}


def citation_sentence(link: dict[str, Any], common_titles: Sequence[str]) -> str:
    n_common, n_both = len(link["common_core"]), len(link["cite_both"])
    if n_common == 0 and n_both == 0:
        return (" In the citation graph the two sides share none of their core references and no paper cites "
                "both: the two bodies of work do not build on each other.")
    core = ("share none of their core references" if n_common == 0 else
            f"share {n_common} of their core references"
            + (f" (e.g. \u201c{common_titles[0]}\u201d)" if common_titles and common_titles[0] else ""))
    both = "no paper cites both" if n_both == 0 else f"{n_both} paper{'s' if n_both > 1 else ''} cite{'' if n_both > 1 else 's'} both"
    return f" In the citation graph the two sides {core}, and {both}."


def annotate_gaps(lib, gaps: list, maps: Mapping[str, Any], graph: Optional[CitationGraph] = None) -> int:
    """Add the citation evidence to each method x problem gap (statement, details['citations'], and
    up to two library papers citing both sides as evidence, role 'cites_both'). Gaps stay as they
    are when the library has no citation data. Returns how many gaps were annotated."""
    if lib.count_works()[2] == 0:
        return 0
    graph = graph or CitationGraph.load(lib)
    done = 0
    for g in gaps:
        if g.type != "method_x_problem" or g.method is None or g.problem is None:
            continue
        mm, pm = maps.get(g.method.facet), maps.get(g.problem.facet)
        if mm is None or pm is None:
            continue
        link = citation_link(graph, mm.members(g.method.cluster), pm.members(g.problem.cluster))
        if link is None:
            continue
        works = lib.works([int(graph.work_ids[i]) for i in link["common_core"][:3] + link["cite_both"]])
        titles = [works[int(graph.work_ids[i])]["title"] or "" for i in link["common_core"][:3]]
        g.statement += citation_sentence(link, titles)
        bridges = sorted((works[int(graph.work_ids[i])] for i in link["cite_both"]),
                         key=lambda w: (-(w["citation_count"] or 0), w["id"]))
        for w in [w for w in bridges if w["paper_id"] is not None][:2]:
            if w["paper_id"] not in g.roles:
                g.roles[w["paper_id"]] = "cites_both"
                g.evidence.append(w["paper_id"])
        g.details["citations"] = {
            "method_papers_with_citations": link["method_papers"], "problem_papers_with_citations": link["problem_papers"],
            "method_core": link["method_core"], "problem_core": link["problem_core"],
            "common_core": len(link["common_core"]), "common_core_titles": [t for t in titles if t],
            "cite_both": len(link["cite_both"]),
            "cite_both_titles": [w["title"] for w in bridges[:3] if w["title"]]}
        done += 1
    return done
