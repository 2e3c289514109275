"""The gap report as Markdown. Untrusted text is written through :func:`md` (every Markdown or HTML
special backslash-escaped, on one line), so it renders as the text it is. Figures are PNG files in a
folder next to the report (``<name>_files/``), linked by relative paths."""

from __future__ import annotations

from typing import Any, Iterable, Optional

from .data import PaperRef, ReportData, reproducibility_rows
from . import labels as H
from .explain import (gaps_intro, included_line, not_built_line, shown_line, side_keywords,
                      skipped_line, stale_line, undated_line)
from .html import IMPORT_HEAD, STABILITY_NOTE, import_rows
from .layout import (CLUSTER_HEAD, GAP_SETTINGS_TITLE, SECTIONS, TOP_CLUSTERS, cluster_rows, generated_line,
                     more_clusters_line, summary_lines)
from ..exports.text import figure_file, md


def _table(head: Iterable[str], rows: Iterable[Iterable[Any]], prose: Iterable[int] = ()) -> list[str]:
    """``prose``: the columns that hold GapScope's own sentences (their `backticked` commands set as code);
    every other cell is escaped as it is."""
    head, own = list(head), set(prose)
    out = ["| " + " | ".join(md(h) for h in head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        out.append("| " + " | ".join((md_prose if i in own else md)("" if c is None else str(c))
                                     for i, c in enumerate(row)) + " |")
    return out + [""]


def md_prose(text: str) -> str:
    """GapScope's own sentence as Markdown: escaped, its `backticked` parts (a command) set as code, as the
    HTML report sets them (a code span keeps its text as written; a backtick inside one is dropped)."""
    def words(part: str) -> str:         # md() trims: the spaces around a code span stay
        return part[:len(part) - len(part.lstrip())] + md(part) + part[len(part.rstrip()):] if part.strip() else part

    return "".join(f"`{part.replace('`', '')}`" if i % 2 and part else words(part)
                   for i, part in enumerate(text.split("`")))


def _missing(text: Optional[str]) -> list[str]:
    return [f"> {md_prose(text or '')}", ""]


def _section(title: str, missing: Optional[str]) -> list[str]:
    """A section's heading, then what is missing (which step has not been run yet), if anything."""
    return [f"## {title}", ""] + (_missing(missing) if missing else [])


def paper_md(p: PaperRef, max_authors: int = 4) -> str:
    title = md(p.title)
    head = f"[{title}](<{p.link}>)" if p.link else title
    return f"{head} ({md(p.meta(max_authors))})"


def _md_corpus(d: ReportData, img, titles: dict[str, str]) -> list[str]:
    """What the library holds and how it came in."""
    c = d.corpus
    L = _section(titles["corpus"], c.missing)
    L += [f"{c.papers} papers ({c.with_abstract} with an abstract, {c.arxiv} on arXiv, {c.doi} with a DOI)"
          + (f", first published {md(c.first_published)}, last {md(c.last_published)}" if c.first_published else "")
          + ".", ""]
    if c.imports:
        L += ["### Imports and collects", ""]
        L += _table(IMPORT_HEAD, import_rows(c.imports))
    if c.years:
        L += ["### Papers per year", ""] + _table(["Year", "Papers"], c.years.items())
        if c.undated:
            L += [md(undated_line(c.undated)), ""]
    return L


def _md_summary(d: ReportData, img, titles: dict[str, str]) -> list[str]:
    """The report in a few lines."""
    return _section(titles["summary"], None) + [f"- {md_prose(line)}" for line in summary_lines(d)] + [""]


def _md_screening(d: ReportData, img, titles: dict[str, str]) -> list[str]:
    """The PRISMA counts and the triage statistics."""
    p = d.prisma
    L = _section(titles["screening"], p.missing)
    if p.not_screened_line:      # nothing screened: one line, not a flow of zeros
        return L + _missing(p.not_screened_line) + [
            f"- {md_prose(h)}" for h in p.how_counted[:p.identification_notes]] + [""]
    rows = p.rows(indent="")
    L += _table(["Step", "Records"], rows)
    L += img("prisma", "PRISMA flow diagram")
    L += [f"- {md_prose(h)}" for h in p.how_counted] + [""]
    if p.triage_stats:
        L += ["### Triage statistics", ""] + _table(["Measure", "Value"], H.rows(p.triage_stats), prose=[1])
    return L


def _md_maps(d: ReportData, img, titles: dict[str, str]) -> list[str]:
    """Each facet map with its clusters."""
    s = d.maps
    L = _section(titles["maps"], s.missing)
    if s.note:
        L += [md(s.note), ""]
    for m in s.maps:
        L += [f"### {md(m.facet.capitalize())} map", "",
              f"map \\#{m.map_id}, built {md(m.created_at)}, {m.n_papers} papers, {len(m.clusters)} clusters. "
              f"{md(m.label_note)}", ""]
        L += img(f"map-{m.facet}", f"{m.facet} map") + img(f"sizes-{m.facet}", f"{m.facet} cluster sizes over time")
        if m.time_caption and img(f"sizes-{m.facet}", ""):
            L += [md(m.time_caption), ""]
        if m.time_note and not img(f"sizes-{m.facet}", ""):
            L += [md(m.time_note), ""]
        L += [md(STABILITY_NOTE), ""]
        L += _table(CLUSTER_HEAD, cluster_rows(m, TOP_CLUSTERS))
        more = more_clusters_line(m)
        if more:
            L += [md(more), ""]
    if s.maps and s.not_built:
        L += _missing(not_built_line(s.not_built))
    c = getattr(d, "citations", None)
    if c is not None:
        L += ["### Citation graph", ""]
        if c.missing:
            L += _missing(c.missing)
        else:
            L += [f"{c.papers} library papers and {c.works - c.papers} outside works, {c.edges} citation links.", ""]
            L += img("citations", "citation graph")
            if c.top_references:
                L += ["What these papers build on (their most-cited references):", ""]
                L += _table(["Cited by", "Year", "Title", "In library"],
                            [(r["cited_by"], r["year"] or "", r["title"] or "(no title)", "yes" if r["in_library"] else "")
                             for r in c.top_references])
    return L


def _md_clusters(d: ReportData, img, titles: dict[str, str]) -> list[str]:
    """Appendix: every cluster of every map, largest first."""
    L = _section(titles["clusters"], d.maps.missing)
    for m in d.maps.maps:
        L += [f"### {md(m.facet.capitalize())} map: all {len(m.clusters)} clusters", ""]
        L += _table(CLUSTER_HEAD, cluster_rows(m))
    return L


def _md_gaps(d: ReportData, img, titles: dict[str, str]) -> list[str]:
    """The ranked gaps: what each says, why it scores as it does, its evidence by role."""
    g = d.gaps
    L = _section(titles["gaps"], g.missing)
    for t in g.skipped:
        L += _missing(skipped_line(t))
    if g.gaps:
        L += [md_prose(shown_line(len(g.gaps), g.total)), "", md(gaps_intro(d)), ""]
    for rank, gap in enumerate(g.gaps, 1):
        L += [f"### {rank}\\. {md(gap.title or gap.headline or gap.statement)}", "",
              md(gap.headline or gap.statement), "",
              f"gap \\#{gap.id} · {md(H.gap_type(gap.type))} · {md(gap.standing or f'score {gap.score:.3f}')}", ""]
        if gap.stale:
            L += _missing(stale_line(gap.stale))
        for name, ref in (("Method", gap.method), ("Problem", gap.problem)):
            if ref:
                kw = side_keywords(ref)
                L += [f"{name}: {md(ref.get('label'))}" + (f" ({md(kw)})" if kw else ""), ""]
        if gap.why:
            L += ["Behind the score: " + md(" ".join(gap.why)), ""]
        for group in gap.groups:
            L += [f"**{md(group.heading)} ({len(group.items)})**", ""]
            for i, item in enumerate(group.items, 1):
                title = md(item.title)
                L.append(f"{i}. " + (f"[{title}](<{item.link}>)" if item.link else title)
                         + (f" ({md(item.meta)})" if item.meta else ""))
                L += [f"    - {md(q)}" for q in item.quotes]
            L.append("")
    return L


def _md_experiments(d: ReportData, img, titles: dict[str, str]) -> list[str]:
    """The runs, their metrics and comparisons."""
    e = d.experiments
    L = _section(titles["experiments"], e.missing)
    if e.finished:
        names = sorted({k for r in e.finished for k in r.metrics})
        L += _table(["Run", "Name", "Status", "Gap", "Data, model", "Seeds"] + names,
                    [[r.id, r.name, r.status_text, r.gap_cell, r.data_model, ", ".join(map(str, r.seeds))]
                     + [r.table_metric(k) for k in names] for r in e.finished])
    if e.unfinished:      # they tested nothing: apart, without scores (partial ones are under their headings)
        L += [md(e.unfinished_line), ""]
        L += _table(["Run", "Name", "Status", "Gap", "Data, model"],
                    [[r.id, r.name, r.status_text, r.gap_cell, r.data_model] for r in e.unfinished])
    for r in e.runs:
        L += [f"### Run {md(r.name)}", "", f"{md(r.id)} · {md(r.status_text)} · {md(r.created_at)}", ""]
        if r.partial_line:
            L += _missing(r.partial_line)
        if r.setup:
            L += [md(r.setup), ""]
        if r.caveat_line:
            L += _missing(r.caveat_line)
        if r.papers:
            L += ["Linked papers:", ""] + [f"- {paper_md(pr)}" for pr in r.papers] + [""]
        L += img(f"run-{r.id}", f"curves of {r.name}")
        if r.comparison:
            if r.comparison.get("summary"):
                L += [f"Comparison: {md(r.comparison['summary'])}", ""]
            L += _table(["Measure", "Value"], H.rows(r.comparison, skip=("summary",)))
    return L


def _md_included(d: ReportData, img, titles: dict[str, str]) -> list[str]:
    """The included papers."""
    inc = d.included
    L = _section(titles["included"], inc.missing)
    if inc.missing:
        return L
    return L + [included_line(inc.total, len(inc.papers)) + inc.unresolved_note, ""] + [
        f"{i}. {paper_md(pr)}" for i, pr in enumerate(inc.papers, 1)] + [""]


def _md_notes(d: ReportData, img, titles: dict[str, str]) -> list[str]:
    """Notes and highlights."""
    n = d.notes
    L = _section(titles["notes"], n.missing)
    for note in n.notes:
        # the note's own line breaks kept: its lines quoted inside the list item (as the notes export does)
        lines = ["  > " + md(line) if line.strip() else "  >" for line in note["body"].splitlines()] or ["  >"]
        L += [f"- {paper_md(note['paper']) if note['paper'] else ''}:", ""] + lines + [""]
    for h in n.highlights:
        comment = f" — {md(h['comment'])}" if h["comment"] else ""
        L += [f"- “{md(h['text'])}” ({md(h['where'])}){comment} in {paper_md(h['paper']) if h['paper'] else ''}"]
    L.append("")
    if n.left_out:
        L += [md_prose(n.left_out), ""]
    return L


def _md_reproducibility(d: ReportData, img, titles: dict[str, str]) -> list[str]:
    """Versions, parameters and scope, to run it again."""
    L: list[str] = []
    r = d.reproducibility
    L += [f"## {titles['reproducibility']}", ""]
    L += _table(["What", "Value"], reproducibility_rows(r), prose=[1])
    if r.get("gap_settings"):
        L += [f"### {GAP_SETTINGS_TITLE}", ""] + _table(["Setting", "Value"], r["gap_settings"])
    for m in r.get("maps", []):
        L += [f"### {md(m['facet'].capitalize())} map \\#{m['map_id']} parameters", ""]
        L += _table(["Parameter", "Value"], H.map_parameter_rows(m))
    for run in r.get("runs", []):
        L += [f"### Run {md(run['id'])}: environment", ""] + _table(["What", "Value"], H.run_environment_rows(run))
    return L


def render_markdown(d: ReportData, figures: dict[str, bytes], image_dir: str) -> str:
    """``image_dir``: the folder name (relative to the report) the figures are written to."""
    img = lambda key, alt: [f"![{md(alt)}](<{image_dir}/{figure_file(key)}>)", ""] if key in figures else []  # noqa: E731
    L: list[str] = [f"# {md(d.title)}", "", md(generated_line(d)), ""]
    titles = dict(SECTIONS)
    sections = {"summary": _md_summary, "gaps": _md_gaps, "corpus": _md_corpus, "screening": _md_screening,
                "maps": _md_maps, "experiments": _md_experiments, "included": _md_included, "notes": _md_notes,
                "clusters": _md_clusters, "reproducibility": _md_reproducibility}
    for key, _title in SECTIONS:         # the order every format shares (layout.SECTIONS)
        L += sections[key](d, img, titles)
    return "\n".join(L).rstrip() + "\n"
