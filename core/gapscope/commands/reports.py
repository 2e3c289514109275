"""`gapscope report` (gap report as HTML / Markdown / PDF) and `gapscope export` (BibTeX, RIS,
CSL-JSON, notes) of any selection."""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import asdict
from pathlib import Path

import click

from .common import (EXIT_CANCELLED, EXIT_NOT_FOUND, EXIT_PARTIAL, emit_json, fail, force_option, pass_library,
                     progress_bar, refuse_existing)
from ..vocabulary import DEFAULT_REPORT_GAPS      # not ..reports: the CLI starts without it
from ..textfmt import plural

ANNOTATED_PDF = "annotated-pdf"     # `gapscope export annotated-pdf`: PDFs, not text; the Reader offers it per paper


@click.command()
@click.option("--format", "fmt", type=click.Choice(["html", "md", "pdf"]), default=None,
              help="Report format (default: from the --output extension, .html, .md or .pdf; html without one).")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False),
              help="The report file to write; an existing file is kept unless --force.")
@click.option("--collection", help="Report on this collection only (its papers, decisions and runs).")
@click.option("--title", help="Report title.")
@click.option("--gaps", "max_gaps", default=str(DEFAULT_REPORT_GAPS), show_default=True, metavar="N|all",
              help="How many of the best gaps the report lists, or all of them.")
@click.option("--json", "as_json", is_flag=True, help="Print a summary of what the report holds as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no notes on sections not run.")
@force_option
@pass_library
def report(ref, fmt, output, collection, title, max_gaps, as_json, quiet, force) -> None:
    """Write the gap report: corpus and how it was collected, the PRISMA screening flow, maps, ranked gaps
    with evidence, experiment runs, included papers, notes, and what it takes to reproduce it.

    HTML is one self-contained file (figures embedded, no scripts); Markdown writes its figures to
    OUTPUT_files/ beside it. Sections whose step has not been run say so."""
    from ..jobs import Cancelled
    from ..reports import write_report
    from ..store import LibraryError

    asked = max_gaps.strip()
    if asked.lower() == "all":
        max_gaps = None
    elif asked.isascii() and asked.isdigit() and int(asked) > 0:     # "²" is a digit to str.isdigit, not to int()
        max_gaps = int(asked)
    else:
        raise click.BadParameter(f"{max_gaps!r}: a number of gaps (1 or more) or all", param_hint="--gaps")
    if fmt is None:
        fmt = format_of(output)
    refuse_existing(output, force)
    lib = ref.open()
    try:
        with progress_bar(f"report {fmt}", enabled=not quiet and not as_json) as (progress, cancel):
            d = write_report(lib, fmt, output, collection=collection, title=title, progress=progress, cancel=cancel,
                             max_gaps=max_gaps)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    except Cancelled:
        fail("cancelled; no report written", EXIT_CANCELLED)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    summary = {
        "output": output, "format": fmt, "papers": d.corpus.papers, "identified": d.prisma.identified,
        "screened": d.prisma.screened, "included": d.prisma.included, "excluded": d.prisma.excluded,
        "maps": [m.facet for m in d.maps.maps], "gaps": len(d.gaps.gaps), "runs": len(d.experiments.runs),
        "not_run": {name: why for name, why in (("maps", d.maps.missing), ("gaps", d.gaps.missing),
                                                 ("experiments", d.experiments.missing),
                                                 ("screening", d.prisma.missing or d.prisma.not_screened_line))
                    if why},
        # what the PDF left out: characters no font on this computer has, by paper (or report section)
        "undrawn": [asdict(u) for u in d.undrawn],
    }
    if as_json:
        emit_json(summary)
        return
    click.echo(summary_line(summary))
    if not quiet:        # notes on steps not run (the report's sections say it too); warnings below stay
        for name, why in summary["not_run"].items():
            click.secho(f"  {name}: {why}", fg="yellow", err=True)
    if d.undrawn:
        from ..reports.pdf import undrawn_message

        again = ["gapscope", "report", "-o", str(Path(output).with_suffix(".html"))] + (
            ["--collection", collection] if collection else [])
        click.secho(undrawn_message(d.undrawn, f"The HTML report ({shlex.join(again)})"), fg="yellow", err=True)


REPORT_EXTENSIONS = {".htm": "html", ".html": "html", ".md": "md", ".markdown": "md", ".pdf": "pdf"}


def format_of(output: str) -> str:
    """The report format the --output name asks for: .html, .md or .pdf; html for a name without an
    extension. Another extension (.docx, .txt) is refused rather than given HTML under that name."""
    ext = Path(output).suffix.lower()
    if not ext:
        return "html"
    if ext not in REPORT_EXTENSIONS:
        raise click.BadParameter(f"{output!r}: GapScope writes a report as .html, .md or .pdf, not {ext}; "
                                 "name the file so, or give --format html|md|pdf", param_hint="--output")
    return REPORT_EXTENSIONS[ext]


def summary_line(summary: dict) -> str:
    """What `gapscope report` wrote, in one line whose counts agree with their nouns."""
    return (f"wrote {summary['output']} ({summary['format']}): {plural(summary['papers'], 'paper')}, "
            f"{summary['screened']:,} screened, {summary['included']:,} included, {plural(len(summary['maps']), 'map')}, "
            f"{plural(summary['gaps'], 'gap')}, {plural(summary['runs'], 'run')}")


@click.command()
@click.argument("fmt", metavar="FORMAT",
                type=click.Choice(["bibtex", "ris", "csljson", "csv", "notes-md", "notes-json", ANNOTATED_PDF]))
@click.option("--output", "-o", required=True, type=click.Path(allow_dash=True),
              help="File to write ('-' for standard output); for annotated-pdf of several papers, a folder. "
              "An existing file is kept unless --force.")
@click.option("--collection", help="Only papers in this collection.")
@click.option("--tag", help="Only papers with this tag.")
@click.option("--query", help="Only papers matching this full-text search.")
@click.option("--ids", help="Only these papers: library ids, arXiv ids or DOIs, separated by commas.")
@click.option("--included", is_flag=True, help="Only papers whose resolved triage decision is include (with two "
              "reviewers: agreed or resolved; open conflicts and papers only one reviewer has screened are left out).")
@click.option("--keep-math", is_flag=True,
              help="BibTeX: write $...$ in titles and abstracts as LaTeX math instead of literal text.")
@click.option("--no-tags-notes", "no_tags_notes", is_flag=True,
              help="BibTeX and RIS: leave out the papers' tags (keywords / KW, Zotero's tags) and notes "
              "(annote / N1, Zotero's notes), which are written by default; CSV: leave out the tags column.")
@force_option
@pass_library
def export(ref, fmt, output, collection, tag, query, ids, included, keep_math, no_tags_notes, force) -> None:
    """Export a selection (default: the whole library) as BibTeX, RIS or CSL-JSON (Zotero imports all
    three), as a CSV table (a spreadsheet; `gapscope import` reads it back), its notes and highlights as
    Markdown or JSON, or (annotated-pdf) copies of its PDFs with the highlights as standard PDF
    annotations: one paper to a file, several into a folder. Filters combine (AND)."""
    from ..exports import export_text, select_ids
    from ..reports import export_papers
    from ..store import LibraryError

    id_list = [i.strip() for i in ids.split(",") if i.strip()] if ids is not None else None
    if id_list == []:  # an empty list would be no filter at all: the whole library
        raise click.UsageError("--ids: no paper ids given")
    lib = ref.open()
    filters = dict(collection=collection, tag=tag, query=query, ids=id_list, included=included)
    if fmt == ANNOTATED_PDF:
        _export_annotated_pdfs(lib, output, filters, force)
        return
    if output != "-":
        refuse_existing(output, force)       # a .bib the user has corrected by hand is not replaced unasked
    try:
        if output == "-":
            click.echo(export_text(lib, fmt, select_ids(lib, **filters), keep_math=keep_math,
                                   tags_notes=not no_tags_notes), nl=False)
            if included:        # on stderr: what the selection left out, as for a file
                _say_unresolved(lib, collection)
            return
        n = export_papers(lib, output, fmt, keep_math=keep_math, tags_notes=not no_tags_notes, **filters)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    click.echo(f"wrote {plural(n.papers, 'paper')} to {output} ({fmt})"
               + (f"; {n.left_out()}" if n.with_nothing else ""), err=True)
    if included:
        _say_unresolved(lib, collection)


def _say_unresolved(lib, collection) -> None:
    """--included takes the resolved decisions: say how many open reviewer conflicts, and papers awaiting a
    second reviewer, were left out."""
    from ..triage import awaiting_count, unresolved_count

    n = unresolved_count(lib, collection)
    if n:
        click.echo(f"not included: {plural(n, 'paper')} the reviewers decided differently and nobody has resolved yet "
                   "(`gapscope triage conflicts`)", err=True)
    waiting = awaiting_count(lib, collection)
    if waiting:
        click.echo(f"not included: {plural(waiting, 'paper')} only one reviewer has screened (awaiting a second "
                   "reviewer: with two reviewers, included means agreed or resolved)", err=True)


def _export_annotated_pdfs(lib, output: str, filters: dict, force: bool) -> None:
    """One selected paper: its annotated copy at OUTPUT. Several: OUTPUT is a folder with one
    ``<paper id>.pdf`` each. Papers without a readable PDF are named and skipped. Copies already there
    are refused, all named, before any is written, unless ``force``."""
    from ..exports import select_ids
    from ..diagnostics import log_error
    from ..fulltext.annotated import export_annotated_pdf
    from ..fulltext.attach import MissingPdf
    from ..store import LibraryError

    try:
        chosen = select_ids(lib, **filters)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    with_pdf = [pid for pid in chosen if any(a["status"] == "extracted" for a in lib.attachments_of(pid))]
    if not with_pdf:
        fail(f"none of the {plural(len(chosen), 'selected paper')} has a readable PDF attached (gapscope pdf attach)",
             EXIT_NOT_FOUND)
    one_file = len(chosen) == 1 and not Path(output).is_dir() and not output.endswith(("/", os.sep))
    dests = {pid: Path(output) if one_file else Path(output) / f"{pid}.pdf" for pid in with_pdf}
    there = [str(d) for d in dests.values() if d.exists()]
    if there and not force:
        fail(f"{', '.join(there)} already {'exists' if len(there) == 1 else 'exist'}; give --force to replace "
             f"{'it' if len(there) == 1 else 'them'}")
    if not one_file:
        Path(output).mkdir(parents=True, exist_ok=True)
    missing = []
    for pid in chosen:
        if pid not in with_pdf:
            click.echo(f"paper {pid}: no readable PDF attached, skipped", err=True)
            continue
        dest = dests[pid]
        try:
            done = export_annotated_pdf(lib, pid, dest)
        except MissingPdf as exc:           # the stored file is gone: name it, export the others
            if one_file:
                fail(str(exc), EXIT_NOT_FOUND)
            click.secho(f"error: {exc}; skipped", fg="red", err=True)
            log_error(f"export annotated-pdf: {exc}")
            missing.append(pid)
            continue
        except OSError as exc:
            fail(f"cannot write {dest}: {exc.strerror or exc}")
        click.echo(f"wrote {done['file']} with {plural(done['highlights'], 'highlight')}", err=True)
    if missing:
        sys.exit(EXIT_PARTIAL)


def register(main: click.Group) -> None:
    main.add_command(report)
    main.add_command(export)
