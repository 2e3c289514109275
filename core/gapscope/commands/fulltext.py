"""`gapscope attach`, `gapscope pdf attach | show | text | extract | label | export`."""

from __future__ import annotations

import sys

import click

from .common import (EXIT_BLOCKED, EXIT_CANCELLED, EXIT_NOT_FOUND, EXIT_PARTIAL, above_progress_bars, emit_json, fail,
                     force_option, pass_library, progress_bar, refuse_existing, resolve_paper)
from .terminal import terminal_safe as safe
from ..textfmt import plural


def _attach(ref, targets, paper, no_create, facets, as_json, quiet) -> None:
    from ..fulltext import attach_bibtex_files, attach_paths, label_pending
    from ..jobs import Cancelled

    lib = ref.open(create=True)
    pid = resolve_paper(lib, paper) if paper else None
    bibs = [t for t in targets if str(t).lower().endswith(".bib")]
    pdfs = [t for t in targets if t not in bibs]
    results = []

    def done(n: int, total: int, r) -> None:     # each file's line as soon as it is attached, above the bar
        results.append(r)
        with above_progress_bars():
            _print_result(r, as_json, f"{n}/{total}" if total else "")

    try:
        with progress_bar("attach", enabled=not quiet and not as_json) as (progress, cancel):
            for bib in bibs:                   # the PDFs its file fields name, for its imported entries
                for r in attach_bibtex_files(lib, bib, progress=progress, cancel=cancel):
                    done(0, 0, r)
            if pdfs:
                attach_paths(lib, pdfs, paper_id=pid, create=not no_create, progress=progress, cancel=cancel,
                             on_result=done)
    except Cancelled:
        fail("cancelled: the PDFs attached before the stop are kept; attach the same files again for the rest"
             " (those attached already are skipped)", EXIT_CANCELLED)
    if not results and not as_json:
        click.echo("no PDF found", err=True)
    # every PDF whose sentences are not labelled yet: this run's, and those of an earlier run stopped
    # while labelling (they are "already attached" now and would stay unlabelled)
    stopped = False
    pending = lib.unlabelled_fulltext_attachments()
    if facets and pending:
        if not quiet and not as_json:
            click.echo(f"labelling the sentences of {plural(len(pending), 'PDF')} (Ctrl-C stops; the PDFs stay"
                       " attached)", err=True)
        try:
            with progress_bar("facets", enabled=not quiet and not as_json) as (progress, cancel):
                label_pending(lib, progress=progress, cancel=cancel)
        except Cancelled:
            stopped = True
    elif not facets and not as_json:
        from ..steps import pdfs_not_labelled

        note = pdfs_not_labelled(len(pending))
        if note:
            click.secho(note, fg="yellow", err=True)
    if stopped:
        fail(f"cancelled while labelling: the PDFs are attached, {pdfs_not_labelled_yet(lib)}", EXIT_CANCELLED)
    if not results:
        sys.exit(EXIT_NOT_FOUND)
    if any(r.status in ("unreadable", "failed", "unmatched") for r in results):
        sys.exit(EXIT_PARTIAL)


def _print_result(r, as_json: bool, count: str) -> None:
    """One attached file's line (``count``: "3/13", its place in the batch), its sections, and its message."""
    if as_json:
        emit_json(r.to_dict())
        return
    how = f"{r.match} {r.score:.2f}" if r.match else ""
    on = f" ({safe(r.matched_on)})" if r.matched_on else ""
    click.echo(f"{count + ' ' if count else ''}{r.status:<16} paper {r.paper_id or '-':>5}  {how:<10}{on}  "
               f"{safe(r.file)}")
    indent = " " * (17 + (len(count) + 1 if count else 0))
    if r.sections:
        click.echo(f"{indent}{r.pages} pages, {r.sentences} sentences; sections: "
                   + ", ".join(safe(s) for s in r.sections[:14]))
    if r.message:
        click.secho(f"{indent}{safe(r.message)}", fg="yellow", err=True)


_ATTACH_OPTIONS = [
    click.argument("targets", nargs=-1, required=True, type=click.Path()),
    click.option("--paper", help="Attach to this paper (library id, arXiv id or DOI) instead of matching."),
    click.option("--no-create", is_flag=True, help="Leave a PDF that matches no paper out (default: a new paper,"
                                                   " tagged for checking)."),
    click.option("--facets/--no-facets", default=True, show_default=True,
                 help="Label the new full-text sentences with the facet classifier."),
    click.option("--json", "as_json", is_flag=True, help="One JSON object per file."),
    click.option("--quiet", "-q", is_flag=True),
]


def _with_attach_options(f):
    for opt in reversed(_ATTACH_OPTIONS):
        f = opt(f)
    return pass_library(f)


@click.command("attach")
@_with_attach_options
def attach(ref, targets, paper, no_create, facets, as_json, quiet) -> None:
    """Attach PDF files or folders of PDFs to library papers (matched by DOI, arXiv id, then title),
    or the PDFs named in the `file` fields of an imported .bib file (Zotero, Better BibTeX).

    Files are copied into the library's files/ folder under their content hash: a file is attached once.
    A PDF of an unknown paper becomes a new paper tagged "check: metadata from PDF". Exit 3 when a PDF
    could not be read (it is kept, and attached when it matched)."""
    _attach(ref, targets, paper, no_create, facets, as_json, quiet)


@click.group("pdf")
def pdf() -> None:
    """Attached PDFs: attach, list, read the text, label it."""


@pdf.command("attach")
@_with_attach_options
def pdf_attach(ref, targets, paper, no_create, facets, as_json, quiet) -> None:
    """The same as `gapscope attach`."""
    _attach(ref, targets, paper, no_create, facets, as_json, quiet)


def _attachment(lib, paper: str) -> dict:
    pid = resolve_paper(lib, paper)
    atts = lib.attachments_of(pid)
    if not atts:
        fail(f"paper {pid} has no attached PDF (attach one with `gapscope attach FILE`)", EXIT_NOT_FOUND)
    return atts[-1]


def pdfs_not_labelled_yet(lib) -> str:
    """What a stop while labelling left, and the command that labels it (the next attach does too)."""
    n = len(lib.unlabelled_fulltext_attachments())
    return f"{plural(n, 'PDF')} not labelled yet: `gapscope pdf label` labels them"


def fetch_and_attach(lib, paper_ids, *, refetch: bool = False, facets: bool = True, as_json: bool = False,
                     quiet: bool = False, print_results: bool = True) -> list:
    """Download and attach the arXiv PDFs of ``paper_ids`` (None: every paper with an arXiv id and no
    PDF), label the new ones, print one line (or JSON object) per paper; the results."""
    from ..fulltext import fetch_and_label

    bar = not quiet and not as_json and print_results
    with progress_bar("pdf fetch", enabled=bar) as (progress, cancel):
        results, note = fetch_and_label(lib, paper_ids, refetch=refetch, label=facets, progress=progress,
                                        cancel=cancel)
    if note:
        click.secho(note, fg="yellow", err=True)
    for r in (results if print_results else []):
        if as_json:
            emit_json(r.to_dict())
            continue
        what = f"{r.pages} pages, {r.sentences} sentences" if r.status == "attached" else ""
        click.echo(f"{r.status:<16} paper {r.paper_id:>5}  arXiv {safe(r.arxiv_id):<14} {what}")
        if r.message and (r.status != "attached" or r.tried):
            click.secho(f"{'':17}{safe(r.message)}", fg="yellow" if r.status != "failed" else "red", err=True)
    failed = [r for r in results if r.status in ("failed", "unreadable")]
    if print_results and failed:
        # every failure again at the end, by paper: the lines above scroll away on a long fetch
        click.secho(f"{plural(len(failed), 'paper')} of {len(results):,} got no readable PDF:", fg="red", err=True)
        for r in failed:
            click.secho(f"  paper {r.paper_id}: {safe(r.message or r.status)}", fg="red", err=True)
    return results


@pdf.command("fetch")
@click.argument("papers", nargs=-1)
@click.option("--refetch", is_flag=True, help="Download also for papers that have a PDF attached.")
@click.option("--facets/--no-facets", default=True, show_default=True,
              help="Label the new full-text sentences with the facet classifier.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per paper.")
@click.option("--quiet", "-q", is_flag=True)
@pass_library
def pdf_fetch(ref, papers, refetch, facets, as_json, quiet) -> None:
    """Download the arXiv PDF of PAPERS (library id, arXiv id or DOI; default: every paper with an arXiv
    id and no PDF) and attach it. Politely: the arXiv collect's spacing, retries and deadline.
    Base URL: $GAPSCOPE_ARXIV_PDF_URL or setting collect.arxiv_pdf_url (default https://arxiv.org/pdf).
    A URL that fails gives way to the paper's next one (the id without its version), then to the next
    paper; the papers that got no PDF are named again at the end. Exit 3 when a paper's PDF could not be
    fetched or read (a 404, not a PDF); 5 when the host failed every retry on each of a paper's URLs, could
    not be reached (no network) or something else answered (a captive portal), as for `collect` and
    `enrich`: the last two stop the asking, the papers left are not tried."""
    lib = ref.open()
    ids = [resolve_paper(lib, p) for p in papers] if papers else None
    results = fetch_and_attach(lib, ids, refetch=refetch, facets=facets, as_json=as_json, quiet=quiet)
    if not results and not as_json:
        click.echo("no paper with an arXiv id and no PDF", err=True)
    code = fetch_exit_code(results)
    if code:
        sys.exit(code)


def fetch_exit_code(results) -> int:
    """5 when the host could not be asked (the cause `collect` and `enrich` end with 5 for), 3 when some
    PDF failed otherwise, else 0."""
    if any(r.unreachable for r in results):
        return EXIT_BLOCKED
    return EXIT_PARTIAL if any(r.status in ("failed", "unreadable") for r in results) else 0


@pdf.command("show")
@click.argument("paper", required=False)
@click.option("--json", "as_json", is_flag=True)
@pass_library
def pdf_show(ref, paper, as_json) -> None:
    """The PDFs attached to PAPER (or to every paper): file, pages, sections, how it was matched."""
    from ..fulltext import stored_path

    lib = ref.open()
    atts = lib.attachments_of(resolve_paper(lib, paper)) if paper else lib.list_attachments()
    rows = []
    for a in atts:
        secs = lib.fulltext_sections(a["id"])
        path = stored_path(lib, a)
        rows.append(dict(a, path=str(path), missing=not path.is_file(), sections=[s["name"] for s in secs if s["name"]]))
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        click.echo(f"paper {r['paper_id']:>5}  {r['status']:<10} {r['pages'] or '-':>3} pages  {r['match_how']}"
                   f"  {safe(r['original_name'])}")
        click.echo(f"{'':12}{r['path']}")
        if r["sections"]:
            names = ", ".join(safe(n) for n in r["sections"][:8])
            more = f", ... ({len(r['sections'])} in all)" if len(r["sections"]) > 8 else ""
            click.echo(f"{'':12}sections: {names}{more}")
        if r["missing"]:
            click.secho(f"{'':12}this file is missing: re-attach it with `gapscope attach`", fg="red")
        if r["message"]:
            click.secho(f"{'':12}{safe(r['message'])}", fg="yellow")


@pdf.command("text")
@click.argument("paper")
@click.option("--section", "kinds", multiple=True, help="Only sections of this kind (limitations, discussion ...).")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def pdf_text(ref, paper, kinds, as_json) -> None:
    """The attached PDF's text by section, each sentence with its facet role and shortcoming type."""
    from ..fulltext import sections_with_sentences
    from ..vocabulary import sentence_tag

    lib = ref.open()
    att = _attachment(lib, paper)
    secs = sections_with_sentences(lib, att["id"])
    if kinds:
        secs = [s for s in secs if s["kind"] in kinds]
    if as_json:
        emit_json({"paper_id": att["paper_id"], "pages": att["pages"], "sections": secs})
        return
    for s in secs:
        click.secho(f"\n{s['number']} {safe(s['name']) or '(front matter)'}  [{s['kind']}, p. {s['page']}]".strip(),
                    bold=True)
        for x in s["sentences"]:      # both labels: "[method · own]", "[background]"
            click.echo(f"  [{sentence_tag(x['role'], x['shortcoming']):<16}] {safe(x['text'])}")


@pdf.command("extract")
@click.argument("file", type=click.Path())
@click.option("--json", "as_json", is_flag=True)
def pdf_extract(file, as_json) -> None:
    """Read a PDF without attaching it: its metadata, sections and paragraphs."""
    from ..fulltext import UnreadablePdf
    from ..fulltext import extract_pdf as extract
    from ..fulltext.meta import FROM_FIRST_PARAGRAPH, read_metadata

    try:
        doc = extract(file)
    except UnreadablePdf as exc:
        fail(str(exc))
    meta = read_metadata(doc, file)
    data = {"file": file, "pages": doc.pages, "title": meta.title, "authors": meta.authors, "dois": meta.dois,
            "arxiv_id": meta.arxiv_id, "arxiv_version": meta.arxiv_version, "year": meta.year,
            "published": meta.published, "read_from": meta.sources, "title_alternative": meta.title_alternative,
            "abstract": meta.abstract, "abstract_missing": meta.abstract_missing,
            "sections": [{"name": s.name, "kind": s.kind, "number": s.number, "page": s.page + 1,
                          "paragraphs": [p.text for p in s.paragraphs]} for s in doc.sections]}
    if as_json:
        emit_json(data)
        return
    for line in extract_summary(meta, doc.pages):
        click.echo(line)
    guessed = meta.sources.get("abstract") == FROM_FIRST_PARAGRAPH      # no heading: say so, to be checked
    where = f" (read from: {FROM_FIRST_PARAGRAPH})" if guessed else ""
    click.echo(f"Abstract{where}: {safe(meta.abstract)}" if meta.abstract else f"({meta.abstract_missing})")
    for s in data["sections"]:
        click.echo(f"  p.{s['page']:<3} {s['number']:<5} {safe(s['name'])}  "
                   f"[{s['kind']}, {plural(len(s['paragraphs']), 'paragraph')}]")


def extract_summary(meta, pages: int) -> list[str]:
    """What `pdf extract` read of a new paper's record, each field with where it came from (as an attach
    would store it); a field the PDF does not give says so instead of printing an empty value."""
    def where(field: str) -> str:
        return f" (read from: {meta.sources[field]})" if meta.sources.get(field) else ""

    version = f"v{meta.arxiv_version}" if meta.arxiv_id and meta.arxiv_version else ""
    ids = [f"DOI {meta.dois[0]}" if meta.dois else "no DOI",
           f"arXiv {meta.arxiv_id}{version}" if meta.arxiv_id else "no arXiv id",
           f"date {meta.published or meta.year}{where('date')}" if meta.published or meta.year else "no date",
           plural(pages, "page")]
    other = [f"  (the file's properties give another title: {safe(meta.title_alternative)})"] \
        if meta.title_alternative else []
    return [f"Title: {safe(meta.title)}{where('title')}" if meta.title else "Title: none read", *other,
            f"Authors: {'; '.join(safe(a) for a in meta.authors)}{where('authors')}" if meta.authors
            else "Authors: none read",
            "  ·  ".join(ids)]


@pdf.command("label")
@click.option("--redo", is_flag=True, help="Label again even what this facet model labelled.")
@click.option("--quiet", "-q", is_flag=True)
@pass_library
def pdf_label(ref, redo, quiet) -> None:
    """Label the full-text sentences not yet labelled by the current facet model (also those an attach
    stopped while labelling left)."""
    from ..fulltext import label_fulltext

    lib = ref.open()
    from ..jobs import Cancelled

    try:
        with progress_bar("facets", enabled=not quiet) as (progress, cancel):
            stats = label_fulltext(lib, redo=redo, progress=progress, cancel=cancel)
    except Cancelled:
        if redo:
            # the PDFs not reached keep their labels of the same model: a plain run finds nothing to do
            fail("cancelled: the PDFs labelled before the stop keep their new labels, the others their earlier "
                 "ones; `gapscope pdf label --redo` starts again from the first PDF", EXIT_CANCELLED)
        fail(f"cancelled: the PDFs labelled before the stop are kept; {pdfs_not_labelled_yet(lib)}", EXIT_CANCELLED)
    click.echo(f"labelled {stats['sentences']} sentences of {stats['attachments']} PDFs ({stats['facet_model']})")
    if stats["sentences"] and lib.latest_map_id("shortcoming") is not None:
        click.echo("the shortcoming map reads their Limitations, Discussion, Future-work and Conclusion sentences:"
                   " `gapscope analyze` brings it up to date")


@pdf.command("export")
@click.argument("paper")
@click.option("-o", "--output", required=True, type=click.Path(),
              help="The annotated copy to write; an existing file is kept unless --force.")
@click.option("--json", "as_json", is_flag=True)
@force_option
@pass_library
def pdf_export(ref, paper, output, as_json, force) -> None:
    """A copy of PAPER's PDF with its highlights as standard PDF highlight annotations."""
    from ..fulltext.annotated import export_annotated_pdf
    from ..store import LibraryError

    refuse_existing(output, force)
    lib = ref.open()
    try:
        done = export_annotated_pdf(lib, resolve_paper(lib, paper), output)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    if as_json:
        emit_json(done)
    else:
        click.echo(f"wrote {done['file']} with {plural(done['highlights'], 'highlight')}")


def register(main: click.Group) -> None:
    for cmd in (attach, pdf):
        main.add_command(cmd)
