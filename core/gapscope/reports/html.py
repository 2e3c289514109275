"""The gap report as one self-contained HTML file: inline CSS, figures as base64 PNG data URIs, no
scripts, no external resources; the only outbound links go to arxiv.org and doi.org.

Every text from the library goes through :func:`esc` (control characters made visible, then
``html.escape``), so a title holding ``<script>`` shows those characters. The output is well-formed
XHTML-style markup (every element closed, attributes quoted), so XML parsers read it too.

Text from papers and from the user (titles, quotes, notes, highlights, cluster labels, table cells) is
set in an element with ``dir="auto"``: its direction comes from its first letter, so an Arabic or Hebrew
title reads right to left, its end punctuation where it belongs, and the text around it (a paper's
details in brackets) stays in place.
"""

from __future__ import annotations

import base64
import html
from typing import Any, Iterable, Optional

from . import labels as L
from .explain import (gaps_intro, included_line, not_built_line, shown_line, side_keywords,
                      skipped_line, stale_line, undated_line)
from .data import MapData, PaperRef, ReportData, reproducibility_rows
from .layout import (CLUSTER_HEAD, GAP_SETTINGS_TITLE, SECTIONS, TOP_CLUSTERS, cluster_rows, generated_line,
                     more_clusters_line, summary_lines)
from ..exports.text import visible

CSS = """
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1d232b;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{border-bottom:2px solid #3b5b92;padding-bottom:.2rem;margin-top:2.2rem}
h3{margin-top:1.4rem}table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
.table{max-width:100%;overflow-x:auto}
th,td{border:1px solid #c9d2e0;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#eef3fb}
td{overflow-wrap:anywhere;max-width:24rem}th{overflow-wrap:normal;word-break:keep-all}
td.n{text-align:right}.missing{background:#fff6e0;border-left:4px solid #e0a800;padding:.5rem .8rem}
.meta{color:#5a6472;font-size:.9rem}figure{margin:1rem 0}figure img{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#5a6472}.gap{border:1px solid #c9d2e0;border-radius:6px;padding:.6rem .9rem;margin:.8rem 0}
.kw{color:#5a6472;font-size:.85rem}code{background:#f2f4f7;padding:0 .2rem}ol.evidence li{margin:.15rem 0}ol.evidence{margin-top:.1rem}
p.role{font-weight:600;margin:.5rem 0 0}.quote{color:#3d4652;font-style:italic;font-size:.9rem}.why{font-size:.92rem}
pre{background:#f6f8fa;padding:.6rem;overflow-x:auto;font-size:.8rem;white-space:pre-wrap}
"""

NL = "\n"


def esc(s: Any) -> str:
    return html.escape(visible("" if s is None else str(s)), quote=True)


def prose(text: str) -> str:
    """Escaped text whose `backticked` parts (a command) are set as code."""
    return "".join(f"<code>{esc(part)}</code>" if i % 2 else esc(part) for i, part in enumerate(text.split("`")))


def _img(png: bytes, alt: str, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{esc(alt)}" />'
            f"<figcaption>{esc(caption)}</figcaption></figure>")


_NUM_TD = '<td class="n">'
_TD = '<td dir="auto">'
AUTO = ' dir="auto"'    # text in its own direction (see the module's docstring)


def own(s: Any) -> str:
    """Escaped text from a paper or the user, in its own direction."""
    return f"<span{AUTO}>{esc(s)}</span>"


def _table(head: Iterable[str], rows: Iterable[Iterable[Any]], numeric: Iterable[int] = ()) -> str:
    num = set(numeric)
    # a table wider than the page scrolls inside its own box; long paths wrap inside their cell
    out = ['<div class="table"><table><thead><tr>', "".join(f"<th>{esc(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join((_NUM_TD if i in num else _TD) + esc(c) + "</td>"
                                    for i, c in enumerate(row)) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _missing(text: Optional[str]) -> str:
    return f'<p class="missing">{prose(text or "")}</p>'


def paper_html(p: PaperRef, max_authors: int = 4) -> str:
    head = f'<a{AUTO} href="{esc(p.link)}">{esc(p.title)}</a>' if p.link else own(p.title)
    return f'{head} <span class="meta">({esc(p.meta(max_authors))})</span>'


def _corpus(d: ReportData) -> list[str]:
    c = d.corpus
    out = []
    if c.missing:
        out.append(_missing(c.missing))
    out.append(f"<p>{c.papers} papers ({c.with_abstract} with an abstract, {c.arxiv} on arXiv, {c.doi} with a DOI)"
               + (f", first published {esc(c.first_published)}, last {esc(c.last_published)}" if c.first_published else "")
               + ".</p>")
    if c.imports:
        out.append("<h3>Imports and collects</h3>")
        out.append(_table(IMPORT_HEAD, import_rows(c.imports), numeric=(7, 8, 9, 10, 11)))
    if c.years:
        out.append("<h3>Papers per year</h3>" + _table(["Year", "Papers"], c.years.items(), numeric=(1,)))
        if c.undated:
            out.append(f'<p class="meta">{esc(undated_line(c.undated))}</p>')
    if c.categories:
        out.append("<h3>Main categories</h3>" + _table(["Category", "Papers"], c.categories.items(), numeric=(1,)))
    return out


def _summary(d: ReportData) -> list[str]:
    return ["<ul>" + "".join(f"<li>{prose(line)}</li>" for line in summary_lines(d)) + "</ul>"]


def _screening(d: ReportData, figures: dict[str, bytes]) -> list[str]:
    p = d.prisma
    out = []
    if p.missing:
        out.append(_missing(p.missing))
    if p.not_screened_line:      # nothing screened: one line, not a flow of zeros
        notes = p.how_counted[:p.identification_notes]
        return [_missing(p.not_screened_line)] + (
            ["<ul>" + "".join(f"<li>{prose(h)}</li>" for h in notes) + "</ul>"] if notes else [])
    rows = p.rows(indent="  ")
    out.append(_table(["Step", "Records"], rows, numeric=(1,)))
    if "prisma" in figures:
        out.append(_img(figures["prisma"], "PRISMA flow diagram", "PRISMA-style flow of the screening counts."))
    out.append("<ul>" + "".join(f"<li>{prose(h)}</li>" for h in p.how_counted) + "</ul>")
    if p.triage_stats:
        out.append("<h3>Triage statistics</h3>" + _table(["Measure", "Value"], L.rows(p.triage_stats)))
    return out


def _map(m: MapData, figures: dict[str, bytes]) -> list[str]:
    out = [f'<h3 id="map-{esc(m.facet)}">{esc(m.facet.capitalize())} map</h3>',
           f'<p class="meta">map #{esc(m.map_id)}, built {esc(m.created_at)}, {m.n_papers} papers, '
           f"{len(m.clusters)} clusters. {esc(m.label_note)}</p>"]
    if f"map-{m.facet}" in figures:
        out.append(_img(figures[f"map-{m.facet}"], f"{m.facet} map", f"The {m.facet} map: each point a paper, "
                        "coloured by cluster, the biggest clusters labelled."))
    if f"sizes-{m.facet}" in figures:
        out.append(_img(figures[f"sizes-{m.facet}"], f"{m.facet} cluster sizes over time",
                        m.time_caption or f"Papers over time in the biggest {m.facet} clusters, in their map colours."))
    elif m.time_note:
        out.append(f'<p class="meta">{esc(m.time_note)}</p>')
    out.append(f'<p class="meta">{esc(STABILITY_NOTE)}</p>')
    out.append(_table(CLUSTER_HEAD, cluster_rows(m, TOP_CLUSTERS), numeric=(0, 3, 4)))
    more = more_clusters_line(m)
    if more:
        out.append(f'<p class="meta">{esc(more)} <a href="#clusters-{esc(m.facet)}">All {esc(m.facet)} clusters</a>.</p>')
    return out


def _clusters(d: ReportData) -> list[str]:
    """Appendix: every cluster of every map, largest first."""
    if not d.maps.maps:
        return [_missing(d.maps.missing)]
    out = []
    for m in d.maps.maps:
        out.append(f'<h3 id="clusters-{esc(m.facet)}">{esc(m.facet.capitalize())} map: all {len(m.clusters)} clusters</h3>')
        out.append(_table(CLUSTER_HEAD, cluster_rows(m), numeric=(0, 3, 4)))
    return out


def _maps(d: ReportData, figures: dict[str, bytes]) -> list[str]:
    s = d.maps
    out = []
    if s.missing:
        out.append(_missing(s.missing))
    if s.note:
        out.append(f'<p class="meta">{esc(s.note)}</p>')
    for m in s.maps:
        out += _map(m, figures)
    if s.maps and s.not_built:
        out.append(_missing(not_built_line(s.not_built)))
    out += _citations(d, figures)
    return out


def _citations(d: ReportData, figures: dict[str, bytes]) -> list[str]:
    c = getattr(d, "citations", None)
    if c is None:
        return []
    out = ['<h3 id="citation-graph">Citation graph</h3>']
    if c.missing:
        return out + [_missing(c.missing)]
    out.append(f'<p class="meta">{c.papers} library papers and {c.works - c.papers} outside works, '
               f"{c.edges} citation links (OpenAlex, Semantic Scholar).</p>")
    if "citations" in figures:
        out.append(_img(figures["citations"], "citation graph", "Library papers sized by citations, coloured by "
                        "topic cluster, linked by bibliographic coupling (shared references)."))
    if c.top_references:
        out.append("<p>What these papers build on (their most-cited references):</p>")
        out.append(_table(["Cited by", "Year", "Title", "In library"],
                          [(r["cited_by"], r["year"] or "", r["title"] or "(no title)", "yes" if r["in_library"] else "")
                           for r in c.top_references], numeric=(0,)))
    return out


def _cluster_ref(ref: Optional[dict]) -> str:
    if not ref:
        return ""
    kw = side_keywords(ref)
    return own(ref.get("label")) + (f' <span class="kw">({esc(kw)})</span>' if kw else "")


def _gaps(d: ReportData) -> list[str]:
    s = d.gaps
    out = []
    if s.missing:
        out.append(_missing(s.missing))
    out += [_missing(skipped_line(t)) for t in s.skipped]
    if s.gaps:
        out.append(f"<p>{prose(shown_line(len(s.gaps), s.total))}</p><p>{esc(gaps_intro(d))}</p>")
    for rank, g in enumerate(s.gaps, 1):
        out.append(f'<div class="gap" id="gap-{esc(g.id)}"><h3>{rank}. {esc(g.title or g.headline or g.statement)}</h3>')
        out.append(f'<p class="statement">{esc(g.headline or g.statement)}</p>')
        out.append(f'<p class="meta">gap #{esc(g.id)} · {esc(L.gap_type(g.type))} · '
                   f'{esc(g.standing or f"score {g.score:.3f}")}</p>')
        if g.stale:
            out.append(_missing(stale_line(g.stale)))
        if g.method:
            out.append(f"<p>Method: {_cluster_ref(g.method)}</p>")
        if g.problem:
            out.append(f"<p>Problem: {_cluster_ref(g.problem)}</p>")
        if g.why:
            out.append(f'<p class="why"><b>Behind the score:</b> {esc(" ".join(g.why))}</p>')
        for group in g.groups:
            out.append(f'<p class="role">{esc(group.heading)} ({len(group.items)})</p><ol class="evidence">'
                       + "".join(f"<li>{_evidence_item(item)}</li>" for item in group.items) + "</ol>")
        out.append("</div>")
    return out


def _evidence_item(item) -> str:
    head = f'<a{AUTO} href="{esc(item.link)}">{esc(item.title)}</a>' if item.link else own(item.title)
    meta = f' <span class="meta">({esc(item.meta)})</span>' if item.meta else ""
    quotes = "".join(f'<br /><span class="quote"{AUTO}>{esc(q)}</span>' for q in item.quotes)
    return head + meta + quotes


def _experiments(d: ReportData, figures: dict[str, bytes]) -> list[str]:
    s = d.experiments
    out = []
    if s.missing:
        out.append(_missing(s.missing))
    if s.finished:
        metric_names = sorted({k for r in s.finished for k in r.metrics})
        out.append(_table(["Run", "Name", "Status", "Gap", "Data, model", "Seeds"] + metric_names,
                          [[r.id, r.name, r.status_text, r.gap_cell, r.data_model, ", ".join(map(str, r.seeds))] +
                           [r.table_metric(k) for k in metric_names] for r in s.finished]))
    if s.unfinished:      # they tested nothing: apart, without scores (partial ones are under their headings)
        out.append(f"<p>{esc(s.unfinished_line)}</p>")
        out.append(_table(["Run", "Name", "Status", "Gap", "Data, model"],
                          [[r.id, r.name, r.status_text, r.gap_cell, r.data_model] for r in s.unfinished]))
    for r in s.runs:
        out.append(f'<h3 id="run-{esc(r.id)}">Run {esc(r.name)}</h3>')
        out.append(f'<p class="meta">{esc(r.id)} · {esc(r.status_text)} · {esc(r.created_at)}'
                   + (f" → {esc(r.finished_at)}" if r.finished_at else "") + "</p>")
        if r.partial_line:
            out.append(_missing(r.partial_line))
        if r.setup:
            out.append(f"<p{AUTO}>{esc(r.setup)}</p>")
        if r.caveat_line:
            out.append(_missing(r.caveat_line))
        if r.papers:
            out.append("<p>Linked papers:</p><ul>" + "".join(f"<li>{paper_html(p)}</li>" for p in r.papers) + "</ul>")
        if f"run-{r.id}" in figures:
            out.append(_img(figures[f"run-{r.id}"], f"curves of {r.name}", f"Training curves of {r.name}."))
        if r.comparison:
            summary = r.comparison.get("summary")
            if summary:
                out.append(f"<p>Comparison: {esc(summary)}</p>")
            out.append(_table(["Measure", "Value"], L.rows(r.comparison, skip=("summary",))))
    for c in s.comparisons:
        out.append(f"<p>Comparison: {esc(c.get('summary', ''))}</p>")
    return out


STABILITY_NOTE = ("Stability: the share of a cluster's papers that come back together when the map is made again "
                  "with other random seeds (matched cluster to cluster, shared papers over papers in either, "
                  "averaged); 1 = always the same papers, under 0.3 = it depends on the seed.")

IMPORT_HEAD = ["#", "Kind", "Source", "Query or file", "Started", "Finished", "Status", "Read", "Added",
               "Merged", "Already there", "Unreadable"]


def when(iso: Optional[str]) -> str:
    """An ISO time to the minute, as a reader wants it in a table ("2026-12-04 14:06")."""
    return (iso or "")[:16].replace("T", " ")


def import_rows(imports: list[dict]) -> list[list]:
    return [[i["id"], i["kind"], i["source"], i["target"], when(i["started_at"]), when(i["finished_at"]), i["status"],
             i["read"], i["added"], i["merged"], i["unchanged"], i["errors"]] for i in imports]


def _included(d: ReportData) -> list[str]:
    s = d.included
    if s.missing:
        return [_missing(s.missing)]
    return [f"<p>{prose(included_line(s.total, len(s.papers)) + s.unresolved_note)}</p>",
            "<ol>" + "".join(f"<li>{paper_html(p)}</li>" for p in s.papers) + "</ol>"]


def _notes(d: ReportData) -> list[str]:
    s = d.notes
    if s.missing:
        return [_missing(s.missing)]
    out = []
    for n in s.notes:
        out.append(f'<div class="gap"><p>{paper_html(n["paper"]) if n["paper"] else ""}</p>'
                   f'<p{AUTO}>{esc(n["body"]).replace(NL, "<br />")}</p>'
                   f'<p class="meta">note, {esc(n["updated_at"])}</p></div>')
    if s.highlights:
        out.append("<h3>Highlights</h3><ul>")
        for h in s.highlights:
            comment = f" — {own(h['comment'])}" if h["comment"] else ""
            out.append(f"<li>“{own(h['text'])}” <span class='meta'>({esc(h['where'])})</span>{comment} "
                       f"<span class='meta'>in "
                       f"{paper_html(h['paper']) if h['paper'] else ''}</span></li>")
        out.append("</ul>")
    if s.left_out:
        out.append(f"<p>{prose(s.left_out)}</p>")
    return out


def _reproducibility(d: ReportData) -> list[str]:
    r = d.reproducibility
    out = [_table(["What", "Value"], reproducibility_rows(r))]
    if r.get("gap_settings"):
        out.append(f"<h3>{esc(GAP_SETTINGS_TITLE)}</h3>" + _table(["Setting", "Value"], r["gap_settings"]))
    for m in r.get("maps", []):
        out.append(f"<h3>{esc(m['facet'].capitalize())} map #{esc(m['map_id'])} parameters</h3>"
                   + _table(["Parameter", "Value"], L.map_parameter_rows(m)))
    for run in r.get("runs", []):
        out.append(f"<h3>Run {esc(run['id'])}: environment</h3>" + _table(["What", "Value"], L.run_environment_rows(run)))
    return out


def render_html(d: ReportData, figures: dict[str, bytes]) -> str:
    parts = ['<!DOCTYPE html>', '<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head>',
             '<meta charset="utf-8" />',
             '<meta name="generator" content="GapScope" />',
             # No script may run and nothing may load from elsewhere, even if a browser finds a way.
             '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
             'style-src \'unsafe-inline\'" />',
             f"<title>{esc(d.title)}</title><style>{CSS}</style></head><body>",
             f"<h1{AUTO}>{esc(d.title)}</h1>",
             f'<p class="meta">{esc(generated_line(d))}</p>',
             '<nav><ol>' + "".join(f'<li><a href="#{sid}">{esc(t)}</a></li>' for sid, t in SECTIONS) + "</ol></nav>"]
    bodies = {
        "summary": _summary(d), "clusters": _clusters(d),
        "corpus": _corpus(d), "screening": _screening(d, figures), "maps": _maps(d, figures), "gaps": _gaps(d),
        "experiments": _experiments(d, figures), "included": _included(d), "notes": _notes(d),
        "reproducibility": _reproducibility(d),
    }
    for sid, title in SECTIONS:
        parts.append(f'<section id="{sid}"><h2>{esc(title)}</h2>')
        parts += bodies[sid]
        parts.append("</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
