"""Writing a report file: gather the data, draw the figures, render one format, write atomically."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from ..jobs import CancelToken, ProgressFn, check, report, scaled
from ..store.library import Library
from .data import DEFAULT_REPORT_GAPS, ReportData, build_report_data
from ..fonts import one_font_search
from ..exports.text import figure_file
from ..outfiles import write_atomic

REPORT_FORMATS = ("html", "md", "pdf")


def make_figures(d: ReportData, *, cancel: Optional[CancelToken] = None) -> dict[str, bytes]:
    """PNG figures by key: ``prisma``, ``map-<facet>``, ``sizes-<facet>``, ``run-<run id>`` (its curves),
    ``citations`` (the citation graph)."""
    from . import plots

    figs: dict[str, bytes] = {}
    if not d.prisma.missing and not d.prisma.not_screened_line:   # nothing screened: no flow of zeros
        figs["prisma"] = plots.prisma_flow_png(d.prisma)
    for m in d.maps.maps:
        check(cancel)
        figs[f"map-{m.facet}"] = plots.map_scatter_png(m)
        m.time_note = plots.time_note(m)
        m.time_caption = plots.time_caption(m)
        sizes = plots.cluster_sizes_png(m)
        if sizes:
            figs[f"sizes-{m.facet}"] = sizes
    cit = getattr(d, "citations", None)
    if cit is not None and cit.figure is not None and not cit.figure.empty:
        figs["citations"] = plots.citation_graph_png(cit.figure)
    for r in d.experiments.runs:
        if r.curves_png:
            figs[f"run-{r.id}"] = r.curves_png
    return figs


def render(d: ReportData, fmt: str, figures: dict[str, bytes], image_dir: str = "figures") -> bytes:
    if fmt == "html":
        from .html import render_html

        return render_html(d, figures).encode("utf-8")
    if fmt == "md":
        from .markdown import render_markdown

        return render_markdown(d, figures, image_dir).encode("utf-8")
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(d, figures)
    raise ValueError(f"unknown report format {fmt!r} (choose {', '.join(REPORT_FORMATS)})")


def write_report(lib: Library, fmt: str, output: str | os.PathLike, *, collection: Optional[str] = None,
                 title: Optional[str] = None, progress: Optional[ProgressFn] = None,
                 cancel: Optional[CancelToken] = None, max_gaps: Optional[int] = DEFAULT_REPORT_GAPS) -> ReportData:
    """Write the gap report of the library (or one collection) to ``output`` as html, md or pdf, with its
    ``max_gaps`` best gaps (None: all).

    Markdown figures go to ``<output stem>_files/`` beside the file. Returns the gathered data."""
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"unknown report format {fmt!r} (choose {', '.join(REPORT_FORMATS)})")
    out = Path(output)
    d = build_report_data(lib, collection=collection, title=title, progress=scaled(progress, 0, 0.5),
                          cancel=cancel, max_gaps=max_gaps)
    report(progress, 500, 1000, "figures")
    image_dir = f"{out.stem}_files"
    with one_font_search():           # the figures and the PDF look for CJK fonts: one search for both
        figures = make_figures(d, cancel=cancel)
        check(cancel)
        report(progress, 800, 1000, f"writing {fmt}")
        data = render(d, fmt, figures, image_dir)
    if fmt == "md" and figures:
        folder = out.parent / image_dir
        folder.mkdir(parents=True, exist_ok=True)
        for key, png in figures.items():
            write_atomic(folder / figure_file(key), png)
    write_atomic(out, data)
    report(progress, 1000, 1000, "done")
    return d
