"""The report's order and its short summary, the same in HTML, Markdown and PDF.

A report is read by someone who did not run GapScope (an advisor, a co-author): what they need first comes
first (a summary, then the ranked gaps); each map shows its largest clusters, and the long lists (every
cluster of every map, versions and parameters) move to appendices at the end. Nothing here writes markup;
texts may hold `backticked` commands, which each renderer sets as code.
"""

from __future__ import annotations

from typing import Any, Optional

from ..maps.model import stability_text
from ..textfmt import plural
from .data import MapData, ReportData

SECTIONS = [
    ("summary", "Summary"),
    ("gaps", "Ranked gaps"),
    ("corpus", "Corpus and how it was collected"),
    ("screening", "Screening (PRISMA flow)"),
    ("maps", "Maps"),
    ("experiments", "Experiments"),
    ("included", "Included papers"),
    ("notes", "Notes and highlights"),
    ("clusters", "Appendix A: every map cluster"),
    ("reproducibility", "Appendix B: reproducibility"),
]
TITLES = dict(SECTIONS)
# the reproducibility appendix's table of the settings the gaps were found with (explain.gap_settings_rows)
GAP_SETTINGS_TITLE = "How the gaps were found"

TOP_CLUSTERS = 10          # a map's clusters in the Maps section, largest first; the appendix has them all
CLUSTER_HEAD = ["Cluster", "Label", "Keywords", "Papers", "Stability"]


def clusters_by_size(m: MapData) -> list[dict[str, Any]]:
    return sorted(m.clusters, key=lambda cl: -cl["size"])


def cluster_rows(m: MapData, limit: Optional[int] = None, keywords: int = 8) -> list[list[Any]]:
    """A map's clusters as table rows, largest first (the first ``limit`` of them; None: all)."""
    return [[cl["id"], cl["label"], ", ".join(cl["keywords"][:keywords]), cl["size"],
             "" if cl.get("stability") is None else stability_text(cl["stability"])]
            for cl in clusters_by_size(m)[:limit]]


def more_clusters_line(m: MapData, shown: int = TOP_CLUSTERS) -> str:
    """Under a map's largest clusters: how many more it has and where they are ('' when none)."""
    more = len(m.clusters) - shown
    if more <= 0:
        return ""
    rest = sum(cl["size"] for cl in clusters_by_size(m)[shown:])
    return (f"The {shown} largest of the map's {len(m.clusters)} clusters, and {plural(more, 'more cluster')} "
            f"({plural(rest, 'paper')}): “{TITLES['clusters']}”, at the end of the report, lists all {len(m.clusters)}.")


def generated_line(d: ReportData) -> str:
    """Under the title: when, by which version, from which library (by name: the path is in the
    reproducibility appendix)."""
    r = d.reproducibility
    return (f"Generated {d.generated_at} by GapScope {r.get('gapscope')} from library "
            f"{r.get('library_name') or r.get('library')}"
            + (f", collection {d.scope['collection']}" if d.scope.get("collection") else "") + ".")


def summary_lines(d: ReportData) -> list[str]:
    """The report in a few lines, each step that has not been run said as such."""
    c, p, m, g, e = d.corpus, d.prisma, d.maps, d.gaps, d.experiments
    lines = [c.missing or (f"Corpus: {plural(c.papers, 'paper')}"
                           + (f", first published {c.first_published}, last {c.last_published}"
                              if c.first_published else "") + ".")]
    if p.missing or p.not_screened_line:
        lines.append("Screening: not run yet (`gapscope triage next`).")
    else:
        lines.append(f"Screening: {p.screened:,} screened: {p.included:,} included, {p.excluded:,} excluded, "
                     f"{p.maybe:,} maybe; {p.not_screened:,} not screened yet.")
    lines.append(m.missing or ("Maps: " + ", ".join(f"{x.facet} ({plural(len(x.clusters), 'cluster')})"
                                                     for x in m.maps) + "."))
    lines.append(g.missing or (f"Gaps: {plural(g.total, 'gap')} found; the {len(g.gaps)} best follow."
                               if g.total > len(g.gaps) else f"Gaps: {plural(g.total, 'gap')} found, all below."))
    if e.missing:
        lines.append("Experiments: none run yet.")
    else:
        done = sum(1 for r in e.runs if r.is_result)
        lines.append(f"Experiments: {plural(len(e.runs), 'run')}, {done:,} finished"
                     + (f", {len(e.runs) - done:,} not finished (not results)" if done < len(e.runs) else "") + ".")
    return lines
