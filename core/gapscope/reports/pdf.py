"""The gap report as PDF (fpdf2) with DejaVu Sans, the Unicode TrueType font matplotlib ships, so
accents, Greek and math symbols print. Text is placed as text (never parsed as markup); control
characters are shown as their control pictures (see text.visible). Characters the font lacks (CJK)
print as the font's missing-glyph box."""

from __future__ import annotations

import io
import json
import os
from typing import Any, Iterable, Optional

from .data import PaperRef, ReportData, reproducibility_rows
from .html import SECTIONS, _details, _fmt
from ..exports.text import one_line, visible


def _font_dir() -> str:
    import matplotlib

    return os.path.join(os.path.dirname(matplotlib.__file__), "mpl-data", "fonts", "ttf")


class _Doc:
    def __init__(self, title: str) -> None:
        import logging

        from fpdf import FPDF

        logging.getLogger("fontTools").setLevel(logging.ERROR)
        logging.getLogger("fpdf").setLevel(logging.ERROR)  # one warning per glyph the font lacks
        self.pdf = FPDF(format="A4", unit="mm")
        self.pdf.set_title(one_line(title))
        self.pdf.set_creator("GapScope")
        d = _font_dir()
        self.pdf.add_font("DejaVu", "", os.path.join(d, "DejaVuSans.ttf"))
        self.pdf.add_font("DejaVu", "B", os.path.join(d, "DejaVuSans-Bold.ttf"))
        self.pdf.add_font("DejaVuMono", "", os.path.join(d, "DejaVuSansMono.ttf"))
        self.pdf.set_auto_page_break(True, margin=15)
        self.pdf.set_margins(15, 15, 15)
        self.pdf.add_page()

    def text(self, s: Any, size: float = 10, bold: bool = False, link: Optional[str] = None,
             color: tuple[int, int, int] = (29, 35, 43), indent: float = 0, mono: bool = False) -> None:
        pdf = self.pdf
        pdf.set_font("DejaVuMono" if mono else "DejaVu", "B" if bold and not mono else "", size)
        pdf.set_text_color(*((30, 70, 160) if link else color))
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(pdf.epw - indent, size * 0.5, visible("" if s is None else str(s)), link=link or None,
                       new_x="LMARGIN", new_y="NEXT", align="L")

    def gap(self, h: float = 2.5) -> None:
        self.pdf.ln(h)

    def heading(self, s: str, level: int = 2) -> None:
        if level == 2 and self.pdf.get_y() > self.pdf.h - 60:
            self.pdf.add_page()
        self.gap(4 if level == 2 else 2)
        if level in (2, 3):  # the PDF outline (bookmarks) lists the sections and their parts
            self.pdf.start_section(one_line(s)[:120], level=level - 2)
        self.text(one_line(s), size={1: 18, 2: 14, 3: 11.5}[level], bold=True)
        self.gap(1.5)

    def missing(self, s: str) -> None:
        self.text(s, size=9.5, color=(150, 100, 0))
        self.gap()

    def section(self, title: str, missing: Optional[str]) -> None:
        """A section's heading, then what is missing (which step has not been run yet), if anything."""
        self.heading(title)
        if missing:
            self.missing(missing)

    def table(self, head: Iterable[str], rows: Iterable[Iterable[Any]], widths: Optional[list[float]] = None) -> None:
        head = [str(h) for h in head]
        rows = [[one_line("" if c is None else str(c)) for c in r] for r in rows]
        pdf = self.pdf
        pdf.set_font("DejaVu", "", 8)
        pdf.set_text_color(29, 35, 43)
        widths = widths or [pdf.epw / len(head)] * len(head)
        with pdf.table(col_widths=widths, text_align="LEFT", line_height=4, first_row_as_headings=True,
                       width=pdf.epw) as t:
            t.row(head)
            for r in rows:
                t.row(r)
        self.gap()

    def image(self, png: bytes, width: float = 170) -> None:
        pdf = self.pdf
        from PIL import Image

        with Image.open(io.BytesIO(png)) as im:
            w, h = im.size
        height = width * h / w
        if pdf.get_y() + height > pdf.h - pdf.b_margin:
            pdf.add_page()
        pdf.image(io.BytesIO(png), x=pdf.l_margin + (pdf.epw - width) / 2, w=width)
        self.gap()

    def paper(self, p: PaperRef, prefix: str = "", indent: float = 4) -> None:
        authors = "; ".join(p.authors[:4]) + (" et al." if len(p.authors) > 4 else "")
        self.text(f"{prefix}{one_line(p.title)}", size=9.5, link=p.link, indent=indent)
        self.text(" · ".join(b for b in (authors, str(p.year) if p.year else "", p.ident) if b), size=8,
                  color=(90, 100, 114), indent=indent + 4)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _pdf_title(doc: _Doc, d: ReportData) -> None:
    r = d.reproducibility
    doc.heading(d.title, 1)
    doc.text(f"Generated {d.generated_at} by GapScope {r.get('gapscope')} from {r.get('library')}"
             + (f", collection {d.scope['collection']}" if d.scope.get("collection") else "") + ".", size=9,
             color=(90, 100, 114))


def _pdf_corpus(doc: _Doc, d: ReportData, figures: dict[str, bytes], titles: dict[str, str]) -> None:
    """What the library holds and how it came in."""
    c = d.corpus
    doc.section(titles["corpus"], c.missing)
    doc.text(f"{c.papers} papers ({c.with_abstract} with an abstract, {c.arxiv} on arXiv, {c.doi} with a DOI)"
             + (f", first published {c.first_published}, last {c.last_published}" if c.first_published else "") + ".")
    doc.gap()
    if c.imports:
        doc.heading("Imports and collects", 3)
        doc.table(["#", "kind / source", "query or file", "started", "status", "read", "added", "merged",
                   "again", "bad"],
                  [[i["id"], f"{i['kind']} {i['source']}", i["target"], i["started_at"], i["status"], i["read"],
                    i["added"], i["merged"], i["unchanged"], i["errors"]] for i in c.imports],
                  widths=[7, 24, 52, 28, 14, 11, 11, 12, 10, 9])
    if c.years:
        doc.heading("Papers per year", 3)
        doc.table(["year", "papers"], c.years.items(), widths=[40, 40])


def _pdf_screening(doc: _Doc, d: ReportData, figures: dict[str, bytes], titles: dict[str, str]) -> None:
    """The PRISMA counts and the triage statistics."""
    p = d.prisma
    doc.section(titles["screening"], p.missing)
    rows = p.rows(indent="")
    doc.table(["step", "records"], rows, widths=[120, 40])
    if "prisma" in figures:
        doc.image(figures["prisma"], 150)
    for h in p.how_counted:
        doc.text("• " + h, size=8.5, color=(90, 100, 114))
    if p.triage_stats:
        doc.heading("Triage statistics", 3)
        doc.table(["measure", "value"], [(k, _fmt(v)) for k, v in p.triage_stats.items()], widths=[60, 120])


def _pdf_maps(doc: _Doc, d: ReportData, figures: dict[str, bytes], titles: dict[str, str]) -> None:
    """Each facet map with its clusters."""
    s = d.maps
    doc.section(titles["maps"], s.missing)
    if s.note:
        doc.text(s.note, size=9, color=(90, 100, 114))
    for m in s.maps:
        doc.heading(f"{m.facet.capitalize()} map", 3)
        doc.text(f"map #{m.map_id}, built {m.created_at}, {m.n_papers} papers, {len(m.clusters)} clusters", size=9)
        for key in (f"map-{m.facet}", f"sizes-{m.facet}"):
            if key in figures:
                doc.image(figures[key], 160)
        doc.table(["cluster", "label", "keywords", "papers", "stability"],
                  [[cl["id"], cl["label"], ", ".join(cl["keywords"][:6]), cl["size"],
                    "" if cl.get("stability") is None else f"{float(cl['stability']):.2f}"]
                   for cl in sorted(m.clusters, key=lambda cl: -cl["size"])], widths=[14, 50, 80, 16, 20])
    if s.maps and s.not_built:
        doc.missing("Not built yet: " + ", ".join(s.not_built) + " map(s) (run `gapscope map`).")
    c = getattr(d, "citations", None)
    if c is not None:
        doc.heading("Citation graph", 3)
        if c.missing:
            doc.missing(c.missing)
        else:
            doc.text(f"{c.papers} library papers and {c.works - c.papers} outside works, {c.edges} citation links.", size=9)
            if "citations" in figures:
                doc.image(figures["citations"], 160)
            if c.top_references:
                doc.table(["cited by", "year", "title", "in library"],
                          [(r["cited_by"], r["year"] or "", r["title"] or "(no title)", "yes" if r["in_library"] else "")
                           for r in c.top_references], widths=[16, 14, 130, 20])


def _pdf_gaps(doc: _Doc, d: ReportData, figures: dict[str, bytes], titles: dict[str, str]) -> None:
    """The ranked gaps with their evidence."""
    g = d.gaps
    doc.section(titles["gaps"], g.missing)
    for rank, gap in enumerate(g.gaps, 1):
        doc.text(f"{rank}. {gap.statement}", size=10.5, bold=True)
        doc.text(f"gap #{gap.id} · {gap.type} · score {gap.score:.3f}", size=8.5, color=(90, 100, 114))
        for name, ref in (("Method", gap.method), ("Problem", gap.problem)):
            if ref:
                doc.text(f"{name}: {ref.get('label')} ({', '.join(ref.get('keywords', [])[:6])})", size=9)
        if gap.details:
            doc.text(f"Behind the score: {_details(gap.details)}", size=7.5, color=(90, 100, 114))
        for i, pr in enumerate(gap.evidence, 1):
            doc.paper(pr, f"{i}. ")
        doc.gap()


def _pdf_experiments(doc: _Doc, d: ReportData, figures: dict[str, bytes], titles: dict[str, str]) -> None:
    """The runs, their metrics and comparisons."""
    e = d.experiments
    doc.section(titles["experiments"], e.missing)
    for run in e.runs:
        doc.heading(f"Run {run.name}", 3)
        doc.text(f"{run.id} · {run.status} · {run.created_at}"
                 + (f" · gap #{run.gap_id}" if run.gap_id is not None else "")
                 + (f" · seeds {', '.join(map(str, run.seeds))}" if run.seeds else ""), size=9)
        if run.metrics:
            doc.table(["metric", "value"], [(k, _fmt(v)) for k, v in run.metrics.items()], widths=[60, 60])
        for pr in run.papers:
            doc.paper(pr, "• ")
        if f"run-{run.id}" in figures:
            doc.image(figures[f"run-{run.id}"], 150)
        if run.comparison:
            if run.comparison.get("summary"):
                doc.text("Comparison: " + str(run.comparison["summary"]), size=9)
            doc.table(["measure", "value"], [(k, _fmt(v)) for k, v in run.comparison.items() if k != "summary"],
                      widths=[60, 120])


def _pdf_included(doc: _Doc, d: ReportData, figures: dict[str, bytes], titles: dict[str, str]) -> None:
    """The included papers."""
    inc = d.included
    doc.section(titles["included"], inc.missing)
    if inc.missing:
        return
    listed = (f" (the first {len(inc.papers)} listed; `gapscope export bibtex --included` gives all)"
              if inc.total > len(inc.papers) else "")
    doc.text(f"{inc.total} papers included{listed}.")
    for i, pr in enumerate(inc.papers, 1):
        doc.paper(pr, f"{i}. ")


def _pdf_notes(doc: _Doc, d: ReportData, figures: dict[str, bytes], titles: dict[str, str]) -> None:
    """Notes and highlights."""
    n = d.notes
    doc.section(titles["notes"], n.missing)
    for note in n.notes:
        if note["paper"]:
            doc.paper(note["paper"], "", indent=0)
        doc.text(note["body"], size=9, indent=4)
        doc.gap(1.5)
    for h in n.highlights:
        doc.text(f"“{one_line(h['text'])}”" + (f" — {h['comment']}" if h["comment"] else ""), size=9)
        if h["paper"]:
            doc.paper(h["paper"], "in ", indent=4)


def _pdf_reproducibility(doc: _Doc, d: ReportData, figures: dict[str, bytes], titles: dict[str, str]) -> None:
    """Versions, parameters and scope, to run it again."""
    r = d.reproducibility
    doc.heading(titles["reproducibility"])
    rows = reproducibility_rows(r)
    doc.table(["what", "value"], rows, widths=[50, 130])
    for m in r.get("maps", []):
        doc.heading(f"{m['facet'].capitalize()} map #{m['map_id']} parameters", 3)
        doc.text(json.dumps({"params": m["params"], "scope": m["scope"]}, indent=1, default=str), size=7.5, mono=True)
    for run in r.get("runs", []):
        doc.heading(f"Run {run['id']}", 3)
        doc.text(json.dumps(run, indent=1, default=str), size=7.5, mono=True)


def render_pdf(d: ReportData, figures: dict[str, bytes]) -> bytes:
    doc = _Doc(d.title)
    titles = dict(SECTIONS)
    _pdf_title(doc, d)
    for section in (_pdf_corpus, _pdf_screening, _pdf_maps, _pdf_gaps,
                    _pdf_experiments, _pdf_included, _pdf_notes, _pdf_reproducibility):
        section(doc, d, figures, titles)
    return doc.output()
