"""Snowballing for screening: the works the included papers cite (backward) and the works citing them
(forward), offered as candidates; added to the library on request through the ordinary ingest, so
its deduplication (arXiv id, DOI, fuzzy title with first author) decides what is new."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np

from ..jobs import CancelToken, ProgressFn
from ..models import ImportReport, Paper
from .graph import CitationGraph

DIRECTIONS = ("backward", "forward", "both")
SOURCE = "snowball"


def included_papers(lib, collection: Optional[str] = None) -> list[int]:
    from ..triage import current_decisions

    return [pid for pid, d in current_decisions(lib, collection).items() if d["decision"] == "include"]


def candidates(lib, *, collection: Optional[str] = None, direction: str = "both", limit: Optional[int] = None,
               graph: Optional[CitationGraph] = None) -> list[dict[str, Any]]:
    """Outside works linked to the included papers: ``backward`` = how many included papers cite it,
    ``forward`` = how many included papers it cites. Most connected first, then most cited."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}")
    graph = graph or CitationGraph.load(lib)
    rows = graph.paper_index(included_papers(lib, collection))
    back = graph.cited_counts(rows) if direction in ("backward", "both") else np.zeros(graph.n)
    fwd = graph._spread(graph.AT, rows, graph.n) if direction in ("forward", "both") else np.zeros(graph.n)
    total = back + fwd
    cand = np.flatnonzero((total > 0) & (graph.paper_of < 0))
    works = lib.works([int(graph.work_ids[i]) for i in cand])
    out = []
    for i in cand:
        w = works[int(graph.work_ids[i])]
        out.append({"work_id": w["id"], "title": w["title"], "year": w["year"], "doi": w["doi"],
                    "arxiv_id": w["arxiv_id"], "s2_id": w["s2_id"], "openalex_id": w["openalex_id"],
                    "venue": w["venue"], "citation_count": w["citation_count"],
                    "backward": int(back[i]), "forward": int(fwd[i]), "addable": bool(w["title"])})
    out.sort(key=lambda d: (-(d["backward"] + d["forward"]), -(d["citation_count"] or 0), d["work_id"]))
    return out[:limit] if limit else out


def source_key(w: dict[str, Any]) -> str:
    """A stable key per work from its best external id (the same work found again maps to it)."""
    for col, prefix in (("doi", "doi"), ("arxiv_id", "arxiv"), ("s2_id", "s2"), ("openalex_id", "openalex")):
        if w.get(col):
            return f"{prefix}:{w[col]}"
    return f"work:{w['work_id']}"


def work_to_paper(w: dict[str, Any]) -> Paper:
    return Paper(title=w["title"], year=w["year"], published=str(w["year"]) if w["year"] else None,
                 doi=w["doi"], arxiv_id=w["arxiv_id"], venue=w["venue"], source=SOURCE, source_key=source_key(w),
                 raw={k: w[k] for k in ("work_id", "doi", "arxiv_id", "s2_id", "openalex_id", "title", "year",
                                        "venue", "citation_count", "backward", "forward") if k in w})


@dataclass
class SnowballReport:
    offered: int = 0
    added: int = 0           # new papers
    merged: int = 0          # already in the library under another record: deduplicated, not added
    unchanged: int = 0       # added by an earlier snowball
    skipped: list[str] = field(default_factory=list)   # works that cannot become papers (no title)
    paper_ids: list[int] = field(default_factory=list)
    import_id: Optional[int] = None
    cancelled: bool = False  # stopped (Ctrl-C, Cancel) after a batch: the papers of the batches before are kept

    def to_dict(self) -> dict[str, Any]:
        return {"offered": self.offered, "added": self.added, "merged": self.merged, "unchanged": self.unchanged,
                "skipped": self.skipped, "paper_ids": self.paper_ids, "import_id": self.import_id,
                "cancelled": self.cancelled}


def add_candidates(lib, cands: Sequence[dict[str, Any]], *, collection: Optional[str] = None,
                   progress: Optional[ProgressFn] = None, cancel: Optional[CancelToken] = None) -> SnowballReport:
    """Add candidate works as library papers (in ``collection`` when given), so that they enter the
    screening queue; each work is then linked to its paper, so the graph knows them as library papers.
    With no candidate that can become a paper, nothing is written and no import is logged (``import_id``
    stays None)."""
    from ..ingest import ingest_papers

    rep = SnowballReport(offered=len(cands))
    addable = []
    for w in cands:
        if w.get("title"):
            addable.append(w)
        else:
            rep.skipped.append(f"{source_key(w)}: no title known (only an id): not added")
    if not addable:
        # Nothing to bring in: no import is logged, as an empty file or a Scholar collect whose titles
        # arXiv did not know logs none (the import history lists what came in, not every look).
        return rep
    ir: ImportReport = ingest_papers(lib, [work_to_paper(w) for w in addable], kind="import", source=SOURCE,
                                     target=f"snowball ({len(addable)} candidates)", collection=collection,
                                     progress=progress, cancel=cancel)
    rep.added, rep.merged, rep.unchanged, rep.import_id = ir.added, ir.merged, ir.unchanged, ir.import_id
    rep.cancelled = ir.cancelled      # the papers of the committed batches are linked below all the same
    where = lib.paper_ids_from_source(SOURCE, [source_key(w) for w in addable])
    for w in addable:
        pid = where.get(source_key(w))
        if pid is not None:
            lib.link_work_to_paper(w["work_id"], pid)
            rep.paper_ids.append(pid)
    return rep
