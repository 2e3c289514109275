"""`gapscope init | import | papers list/search/show/edit/delete | tag | stats | sample | diagnostics | check`."""

from __future__ import annotations

import shlex
import sys
from typing import Optional

import click

from .common import (EXIT_CANCELLED, EXIT_ERROR, EXIT_NOT_FOUND, EXIT_PARTIAL, EXIT_USAGE, confirm, emit_json, fail,
                     force_option, pass_library, progress_bar, refuse_existing, resolve_paper, wrap_paragraph,
                     stdout_output_option, tag_list)
from ..textfmt import plural


def _paper_row(p) -> dict:
    return {
        "id": p.id, "arxiv_id": p.arxiv_id_versioned, "doi": p.doi, "pmid": p.pmid, "title": p.title,
        "authors": p.authors, "year": p.year, "published": p.published,
        "categories": p.categories, "venue": p.venue, "biblio": p.biblio,
    }


@click.command()
@pass_library
def init(ref) -> None:
    """Create an empty library (or upgrade an old one) at --library."""
    existed = ref.path.exists()
    lib = ref.open(create=True)
    click.echo(f"{'Opened' if existed else 'Created'} library {lib.path} ({lib.count_papers()} papers)")


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["auto", "arxiv", "bibtex", "ris", "csv", "csljson"]), default="auto",
              help="File format (default: from the extension and contents).")
@click.option("--collection", help="Also put the imported papers in this collection.")
@click.option("--json", "as_json", is_flag=True, help="Print the import report as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--batch-size", default=5000, show_default=True,
              help="Records per transaction: a crash keeps every finished batch.")
@click.option("--files/--no-files", "with_files", default=True, show_default=True,
              help="Attach the PDFs that BibTeX `file` fields name (Zotero, Better BibTeX exports).")
@pass_library
def import_(ref, files, fmt, collection, as_json, quiet, batch_size, with_files) -> None:
    """Import papers from arXiv snapshot lines (.jsonl/.json/.gz), BibTeX, RIS, CSV or CSL-JSON files
    (a .json file that holds a JSON array: Zotero's and GapScope's CSL-JSON export).

    Bad records are skipped and listed with their file and line; the good ones are imported.
    Re-importing a file adds nothing. Exit code 3 when some records were bad."""
    from ..ingest import ImportFailed, import_file

    lib = ref.open(create=True)
    reports, code = [], 0
    for path in files:
        try:
            with progress_bar(f"import {click.format_filename(path)}", enabled=not quiet and not as_json,
                              unit="B") as (progress, cancel):   # bytes of the file read: the bar fills
                report = import_file(lib, path, fmt=fmt, collection=collection, batch_size=batch_size,
                                     progress=progress, cancel=cancel)
        except ImportFailed as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            code = max(code, EXIT_NOT_FOUND if isinstance(exc.__cause__, FileNotFoundError) else EXIT_ERROR)
            reports.append({"file": path, "error": str(exc)})
            continue
        reports.append({"file": path, **report.to_dict()})
        if with_files and not report.cancelled and (fmt == "bibtex" or (fmt == "auto" and path.lower().endswith(".bib"))):
            from ..fulltext import attach_bibtex_files

            attached = attach_bibtex_files(lib, path)
            reports[-1]["attached_files"] = [r.to_dict() for r in attached]
            if not as_json:
                for r in attached:
                    click.echo(f"  pdf {r.status}: paper {r.paper_id or '-'} {r.file}"
                               + (f" ({r.message})" if r.message and r.status != "already-attached" else ""))
        if not as_json:
            click.echo(f"{path}: read {report.read}, added {report.added}, merged {report.merged}, "
                       f"already there {report.unchanged}, bad {report.bad}"
                       + (f" ({plural(report.known_notes, 'note')} on records already there not repeated: see "
                          f"their first import's log)" if report.known_notes else "")
                       + (f", {plural(report.kept_edited, 'abstract')} kept as edited" if report.kept_edited else "")
                       + (" (cancelled: committed batches kept)" if report.cancelled else ""))
            _listed("merged", report.merges, report.merged, "cyan", log_id=report.import_id)
            _listed("note", [str(w) for w in report.warnings], len(report.warnings), "yellow", log_id=report.import_id)
            _listed("bad", [str(e) for e in report.errors], report.bad, "yellow", log_id=report.import_id)
        if report.cancelled:
            code = EXIT_CANCELLED
            left = files[files.index(path):]       # this file (its rest) and those not started
            # with the options given: without --collection the rest would land outside the collection
            given = ([f"--format {fmt}"] if fmt != "auto" else []) + (
                [f"--collection {shlex.quote(collection)}"] if collection else []) + (
                [] if with_files else ["--no-files"])
            click.echo("cancelled: the committed batches are kept; `gapscope import "
                       + " ".join([*given, *(shlex.quote(click.format_filename(f)) for f in left)])
                       + "` again adds the rest (the records already there are skipped)", err=True)
            break
        if report.bad:
            code = max(code, EXIT_PARTIAL)
    if as_json:
        emit_json(reports)
    sys.exit(code)


ID_WIDTH, ID_WIDTH_MAX = 18, 40   # the id column: an arXiv id fits 18; a DOI may need more, up to 40


def _paper_lines(rows: list[dict]) -> list[str]:
    """One aligned line per paper row (library id, arXiv id or DOI, year, title): the id column is as wide
    as its longest entry (from 18 up to 40 characters); a longer one is cut with "…"."""
    ids = [r["arxiv_id"] or r["doi"] or "" for r in rows]
    width = min(max([ID_WIDTH, *map(len, ids)]), ID_WIDTH_MAX)
    return [f"{r['id']:>6}  {_clip_id(i, width):<{width}} {r['year'] or '':<5} {r['title'][:90]}"
            for r, i in zip(rows, ids)]


def _clip_id(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _noun(what: str, n: int) -> str:
    """The word of a list of the import log for ``n`` of its lines: "note" is a noun, "bad" and
    "merged" are not."""
    return plural(n, what, number=False) if what in ("note", "record", "error", "warning") else what


def _block(message: str) -> str:
    """A message over several lines (a bad record's text as written) with its later lines indented under
    the list, so that each record reads as one block."""
    return message.rstrip("\n").replace("\n", "\n      ")


def _listed(what: str, lines: list[str], total: int, color: str, show: int = 20, log_id: Optional[int] = None) -> None:
    """The first ``show`` of a list in the import summary, and how many more there are: in the log (which
    keeps the first MAX_KEPT_ERRORS of each list of a run), or beyond what it keeps."""
    from ..models import MAX_KEPT_ERRORS

    for line in lines[:show]:
        click.secho(f"  {what}: {_block(line)}", fg=color, err=True)
    if total > show:
        where = (f"see `gapscope imports {log_id or 'ID'}`" if len(lines) > show
                 else f"the log keeps the first {MAX_KEPT_ERRORS:,}")
        click.secho(f"  ... and {total - show:,} more {_noun(what, total - show)} ({where})", fg=color, err=True)


@click.command()
@click.argument("import_id", required=False, type=int)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1),
              help="How many of the latest imports and collects to list.")
@click.option("--prisma", is_flag=True, help="The PRISMA counts of the screening report instead (identified, "
              "duplicates removed, screened, excluded, included), as tab-separated lines.")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def imports(ref, import_id, limit, prisma, as_json) -> None:
    """The import and collect log: what came in, when, and what was bad. With IMPORT_ID (the #N of the
    list), that run with the records it refused (file and line, and why) and its notes."""
    lib = ref.open()
    if prisma:
        from ..reports.data import prisma_flow

        flow = prisma_flow(lib)
        if as_json:
            emit_json({"rows": [{"step": s.strip(), "records": n} for s, n in flow.rows()],
                       "how_counted": flow.how_counted})
        else:
            click.echo(flow.as_text(), nl=False)
        return
    if import_id is not None:
        e = lib.import_entry(import_id)
        if e is None:
            fail(f"no import or collect #{import_id} in the log (`gapscope imports` lists them)", EXIT_NOT_FOUND)
        if as_json:
            emit_json(e)
            return
        click.echo(_log_line(e))
        if e["message"]:
            click.echo(f"  {e['message']}")
        for what, lines, total in (("bad", e["errors"], e["error_count"]), ("note", e["warnings"], len(e["warnings"])),
                                   ("merged", e["merges"], e["merged"])):
            for line in lines:
                click.echo(f"  {what}: {_block(line)}")
            if total > len(lines):
                click.echo(f"  ... and {total - len(lines):,} more {_noun(what, total - len(lines))} (the log keeps the first {len(lines):,})")
        return
    log = lib.imports_log(limit, lists=as_json)
    if as_json:
        emit_json(log)
        return
    for e in log:
        click.echo(_log_line(e))


def _log_line(e: dict) -> str:
    return (f"#{e['id']} {e['started_at']} {e['kind']} {e['source']} {e['target']}: {e['status']}, "
            f"read {e['read']}, added {e['added']}, merged {e['merged']}, already there {e['unchanged']}, "
            f"bad {e['error_count']}")


@click.group()
def papers() -> None:
    """List, search, show, edit and delete papers."""


@papers.command("list")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1), help="How many papers to list.")
@click.option("--offset", default=0, type=click.IntRange(min=0), help="Skip this many papers first (the next page).")
@click.option("--sort", "order", default="id", type=click.Choice(["id", "title", "year", "published", "authors", "category", "ident", "pdf"]),
              help="Order by this field (default: library id; ident: the arXiv id, else the DOI; pdf: the papers"
              " with an attached PDF first).")
@click.option("--desc", is_flag=True, help="Descending order.")
@click.option("--tag", help="Only papers with this tag.")
@click.option("--collection", help="Only papers in this collection.")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def papers_list(ref, limit, offset, order, desc, tag, collection, as_json) -> None:
    """List papers."""
    lib = ref.open()
    ids = lib.list_paper_ids(order=order, descending=desc, tag=tag, collection=collection)
    rows = [_paper_row(p) for p in lib.get_papers(ids[offset:offset + limit])]
    if as_json:
        emit_json({"total": len(ids), "papers": rows})
        return
    for line in _paper_lines(rows):
        click.echo(line)
    click.echo(f"({len(rows)} of {len(ids)})", err=True)


@papers.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1), help="How many papers to list.")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def papers_search(ref, query, limit, as_json) -> None:
    """Full-text search over title, abstract and authors: words (all must appear), "exact phrase", OR,
    -word or -"phrase" to leave papers out, title:, abstract: or au: before a word, phrase or (group),
    word* for a prefix. "C++", "C#" and ".NET" find those words, not every "C" or "net". An arXiv id or DOI
    as pasted (2506.00475v2, arXiv:..., an arxiv.org or doi.org address, several at once) finds that paper."""
    from ..store import LibraryError
    from ..store.search_query import parse_search
    from .search import echo_missing_ids

    lib = ref.open()
    text = " ".join(query)
    try:
        hits = lib.search(text, limit=limit)
    except LibraryError as exc:
        fail(str(exc))
    parsed = parse_search(text)
    for note in parsed.notes:       # what was searched otherwise than typed
        click.echo(f"note: {note}", err=True)
    echo_missing_ids(lib.named_papers(parsed)[2])
    found = {p.id: p for p in lib.get_papers([h[0] for h in hits])}
    rows = [dict(_paper_row(found[i]), score=round(-rank, 3)) for i, rank in hits]
    if as_json:
        emit_json(rows)
        return
    for line in _paper_lines(rows):
        click.echo(line)
    if not rows:
        click.echo("no match", err=True)


@papers.command("show")
@click.argument("paper")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def papers_show(ref, paper, as_json) -> None:
    """Show one paper (library id, arXiv id or DOI) with its sources, tags, notes, the experiment runs
    linked to it and the edits of its title and abstract (--json: with the text each replaced)."""
    lib = ref.open()
    p = lib.get_paper(resolve_paper(lib, paper))
    data = dict(_paper_row(p), abstract=p.abstract, abstract_truncated=p.abstract_truncated, url=p.url,
                versions=lib.versions(p.id), tags=lib.tags_of(p.id), notes=lib.notes_of(p.id),
                sources=[{k: v for k, v in s.items() if k != "data"} for s in lib.source_records(p.id)],
                runs=_paper_runs(lib, p.id),
                edits=[{k: e[k] for k in ("id", "edited_at", "undone_at", "old_title", "new_title", "old_abstract",
                                          "new_abstract")} for e in lib.paper_edits(p.id)])
    if as_json:
        emit_json(data)
        return
    click.secho(p.title, bold=True)
    click.echo("; ".join(p.authors))
    bits = [b for b in (p.arxiv_id_versioned and f"arXiv:{p.arxiv_id_versioned}", p.doi and f"doi:{p.doi}",
                        p.pmid and f"PMID:{p.pmid}", p.published, " ".join(p.categories), p.venue) if b]
    click.echo(" | ".join(bits))
    if p.biblio:     # kind, volume, issue, pages, publisher, ISBN, ISSN (bibfields.py)
        click.echo(" | ".join(f"{k}: {v}" for k, v in p.biblio.items()))
    click.echo()
    click.echo(wrap_paragraph(p.abstract or "(no abstract)") + (" [truncated]" if p.abstract_truncated else ""))
    click.echo()
    if data["tags"]:
        click.echo("tags: " + tag_list(data["tags"]))
    for n in data["notes"]:
        click.echo(f"note ({n['updated_at']}): {n['body']}")
    for s in data["sources"]:
        click.echo(f"source: {s['source']} {s['source_key']} (seen {s['seen_at']})")
    for e in data["edits"]:
        fields = " and ".join(f for f in ("title", "abstract") if e[f"new_{f}"] is not None)
        click.echo(f"edited ({e['edited_at']}): {fields}" + (f", undone {e['undone_at']}" if e["undone_at"] else ""))
    if any(e["undone_at"] is None for e in data["edits"]):
        click.echo(f"(`gapscope papers edit {p.id} --undo` takes back the latest edit; --json shows the text each "
                   "replaced)")
    if lib.next_paper_redo(p.id) is not None:
        click.echo(f"(`gapscope papers edit {p.id} --redo` makes the last undone edit again)")
    if data["runs"]:
        click.echo("experiment runs linked to this paper (gapscope runs show ID):")
    from ..experiments.run_links import gap_link_words, setup_text

    for r in data["runs"]:
        scores = ", ".join(f"{k} {v:.4f}" for k, v in r["metrics"].items() if isinstance(v, (int, float)))
        what = ", ".join(x for x in (setup_text(r["setup"]), scores) if x)
        click.echo(f"  {r['id']} [{r['status']}]" + (f" {what}" if what else "") + gap_link_words(r))


def _paper_runs(lib, paper_id: int) -> list[dict]:
    """The experiment runs linked to a paper (it is evidence of the gap they test), newest first."""
    from ..experiments.runner import runs_as_shown

    keep = ("id", "name", "status", "gap_id", "metrics", "created_at", "finished_at", "setup")
    return [{k: r[k] for k in keep} for r in runs_as_shown(lib, paper_id=paper_id)]


@papers.command("edit")
@click.argument("paper")
@click.option("--title", help="The paper's new title (replaces an \"[untitled] ...\" placeholder too).")
@click.option("--abstract", "abstract", metavar="TEXT", help="The paper's new abstract.")
@click.option("--abstract-file", type=click.Path(dir_okay=False, allow_dash=True),
              help="Read the new abstract from this UTF-8 text file (- reads standard input).")
@click.option("--clear-abstract", is_flag=True,
              help="Take the paper's abstract away (a wrong one, nothing to put in its place; a later import of a "
                   "record of the paper leaves it cleared, as it leaves an edited title or abstract as edited).")
@click.option("--undo", is_flag=True,
              help="Take back the paper's latest edit: its title and abstract as they were before it, with the "
                   "highlights and facet corrections it had put in a note (again for the edit before it).")
@click.option("--redo", is_flag=True,
              help="Make the edit the last --undo took back again (again for the one undone before it), until a "
                   "new edit of the paper closes the way.")
@pass_library
def papers_edit(ref, paper, title, abstract, abstract_file, clear_abstract, undo, redo) -> None:
    """Change a paper's (library id, arXiv id or DOI) title or abstract. A changed abstract leaves the
    maps, concepts and gaps built from the old one out of date (`gapscope analyze` redoes them); the
    highlights and facet corrections on words it no longer holds are kept in a note on the paper. Every
    edit is kept with the text it replaced: --undo puts that back, --redo makes an undone edit again. A
    title or abstract given as it already is changes nothing (no edit is kept)."""
    from ..editing import EditError, edit_paper
    from ..store import LibraryError
    from .common import EXIT_READ_ONLY

    given = [o for o, v in (("--abstract", abstract is not None), ("--abstract-file", abstract_file),
                            ("--clear-abstract", clear_abstract)) if v]
    changes = given + (["--title"] if title is not None else [])
    if redo and (changes or undo):
        fail(f"--redo cannot go with {' or '.join(changes + (['--undo'] if undo else []))}: give it alone", EXIT_USAGE)
    if undo and changes:
        fail(f"--undo cannot go with {' or '.join(changes)}: give it alone", EXIT_USAGE)
    if len(given) > 1:
        fail(f"{' and '.join(given)} cannot go together: give one", EXIT_USAGE)
    if title is None and not given and not undo and not redo:
        fail("nothing to change: give --title, --abstract, --abstract-file, --clear-abstract, --undo or --redo",
             EXIT_USAGE)
    if abstract_file:
        abstract = _read_text_file(abstract_file)
    lib = ref.open()
    pid = resolve_paper(lib, paper)
    if lib.read_only:
        fail(f"{lib.path} is read-only: paper #{pid} was not changed (open a writable copy to change it)",
             EXIT_READ_ONLY)
    if undo or redo:
        _paper_edit_back(lib, pid, "undo" if undo else "redo")
        return
    try:
        # one transaction: a title and an abstract change together or not at all
        edit = edit_paper(lib, pid, title=title, abstract=abstract, clear=clear_abstract)
    except EditError as exc:
        fail(f"paper #{pid}: {exc}; it was not changed", EXIT_USAGE)
    except LibraryError as exc:
        fail(f"paper #{pid}: {exc}; it was not changed")
    if edit.title is not None:
        click.echo(f"#{pid}: title {edit.old_title[:100]!r} -> {edit.title[:100]!r}" if edit.title != edit.old_title
                   else f"#{pid}: no change: the title is already {edit.title[:100]!r}")
    if edit.abstract is not None:
        _say_abstract_edit(lib, pid, edit.abstract)
    if edit.edit_id is not None:
        click.echo(f"#{pid}: the text it replaced is kept: `gapscope papers edit {pid} --undo` puts it back")


def _paper_edit_back(lib, pid: int, verb: str) -> None:
    """`papers edit PAPER --undo` (``verb`` "undo": the paper's latest edit taken back) or ``--redo`` ("redo":
    its last undone edit made again), and what came back said."""
    from ..editing import NotRedone, NotUndone, redo_edit, undo_edit
    from ..store import LibraryError

    try:
        back = (undo_edit if verb == "undo" else redo_edit)(lib, pid)
    except (NotUndone, NotRedone) as exc:
        fail(f"{exc}; nothing was changed")
    except LibraryError as exc:
        fail(f"paper #{pid}: {exc}; it was not changed")
    if back is None:
        click.echo(f"#{pid}: nothing to undo (no edit of its title or abstract is left to take back)" if verb == "undo"
                   else f"#{pid}: nothing to redo (no undone edit of its title or abstract to make again)")
        return
    click.echo(f"#{pid}: the edit of {back.edited_at[:16].replace('T', ' ')} is {verb}ne")
    if verb == "undo":
        _say_edit_back(pid, back, "the edit", "back")
        click.echo(f"#{pid}: `gapscope papers edit {pid} --redo` makes it again")
    else:
        _say_edit_back(pid, back, "its undo", "again")


def _say_edit_back(pid: int, back, taker: str, how: str) -> None:
    """What an undo or a redo (editing.UndoneEdit, RedoneEdit) brought back; ``taker``: what had put the marks
    brought back into a note; ``how``: "back" (an undo) or "again" (a redo)."""
    if back.title is not None:
        click.echo(f"#{pid}: title {'back to' if how == 'back' else how} {back.title[:100]!r}")
    if back.abstract is None:
        return
    a = back.abstract
    click.echo(f"#{pid}: abstract {how} ({plural(len(a.abstract), 'character')})" if a.abstract
               else f"#{pid}: abstract cleared again (it had none)")
    if back.restored:
        click.echo(f"#{pid}: {plural(back.restored, 'mark')} {taker} had put in a note back on their words")
    if back.superseded:
        click.echo(f"#{pid}: {plural(back.superseded, 'facet correction')} {taker} had put in a note not put back: "
                   "one made since on the same words stands"
                   + (f" (note #{back.kept_note_id} keeps the older labels)" if back.kept_note_id else ""))
    if a.noted:
        click.echo(f"#{pid}: {plural(a.noted, 'mark')} made since on words no longer there kept in "
                   f"note #{a.note_id}")
    click.echo(f"#{pid}: its facet sentences and vectors will be redone by `gapscope analyze`")


def _read_text_file(path: str) -> str:
    """The text of ``path`` (- : standard input), or exit 2 naming the file and why it cannot be read. A byte
    order mark (Windows editors write one) is the file's, not the text's."""
    if path == "-":
        return click.get_text_stream("stdin").read().removeprefix("\ufeff")
    try:
        with open(path, encoding="utf-8-sig") as f:
            return f.read()
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read it as UTF-8 text ({exc}); nothing was changed", EXIT_USAGE)


def _say_abstract_edit(lib, pid: int, edit) -> None:
    """What an abstract's set or clear (editing.AbstractEdit) did to the paper's marks."""
    from ..models import CHECK_ABSTRACT_TAG

    if not edit.changed:
        click.echo(f"#{pid}: no change: the abstract is already this text" if edit.abstract
                   else f"#{pid}: no change: it has no abstract")
        if CHECK_ABSTRACT_TAG in lib.tags_of(pid):      # a guessed abstract, kept as it is: how to say it is checked
            click.echo(f'#{pid}: checked and right? `gapscope tag --remove "{CHECK_ABSTRACT_TAG}" {pid}` takes the '
                       "tag off")
        return
    said = (f"abstract set ({plural(len(edit.abstract), 'character')})" if edit.abstract else "abstract cleared")
    bits = [f"{plural(edit.moved, 'highlight or facet correction', 'highlights and facet corrections')} moved"
            " with their words"] if edit.moved else []
    if edit.noted:
        bits.append(f"{plural(edit.noted, 'mark', 'marks')} on words no longer there kept in note #{edit.note_id}")
    click.echo(f"#{pid}: {said}" + (f"; {'; '.join(bits)}" if bits else "")
               + ". Its facet sentences and vectors will be redone by `gapscope analyze`")


def _what_goes(counts: dict) -> str:
    """'3 screening decisions, 1 note, 2 attached PDFs' from a deletion summary (only what there is)."""
    from ..deletion import what_goes_with

    return ", ".join(what_goes_with(counts)) or "nothing else"


@papers.command("delete")
@click.argument("ids", metavar="PAPER...", nargs=-1, required=True)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Print what was removed as JSON (needs --yes).")
@pass_library
def papers_delete(ref, ids, yes, as_json) -> None:
    """Delete papers (library ids, arXiv ids or DOIs) with their decisions, notes, highlights, tags,
    collection entries and attached PDFs. Maps, concepts and gaps built from them show as out of date.
    There is no undo: `gapscope backup` first keeps a copy."""
    from ..deletion import delete_papers
    from ..store import LibraryError
    from .common import EXIT_READ_ONLY

    lib = ref.open()
    if lib.read_only:
        fail(f"{lib.path} is read-only: no paper was deleted (open a writable copy to change it)", EXIT_READ_ONLY)
    try:
        pids = list(dict.fromkeys(lib.resolve(i) for i in ids))
    except LibraryError as exc:
        fail(f"{exc}; no paper was deleted", EXIT_NOT_FOUND)
    summary = lib.deletion_summary(pids)
    if not as_json:
        for line in _paper_lines([_paper_row(p) for p in lib.get_papers(pids)[:20]]):
            click.echo(line)
        if len(pids) > 20:
            click.echo(f"  ... and {len(pids) - 20} more")
        click.echo(f"{plural(summary['papers'], 'paper')} will be deleted, with {_what_goes(summary)}.")
    if not yes:
        if as_json:
            fail("--json deletes without asking: give --yes as well", EXIT_USAGE)
        if not confirm("Delete them? There is no undo (`gapscope backup` keeps a copy first)"):
            click.echo("nothing deleted", err=True)
            sys.exit(EXIT_CANCELLED)
    report = delete_papers(lib, pids)
    if as_json:
        emit_json(report.to_dict())
    else:
        click.echo(f"deleted {plural(report.papers, 'paper')} with {_what_goes(report.counts)}"
                   + (f"; removed {plural(len(report.files_removed), 'PDF file')}" if report.files_removed else ""))
    for e in report.file_errors:
        click.secho(f"  could not remove {e}", fg="yellow", err=True)


@click.command()
@click.argument("name", required=False)
@click.argument("papers_", metavar="[PAPER]...", nargs=-1)
@click.option("--query", help="Tag every paper matching this full-text search.")
@click.option("--remove", is_flag=True, help="Remove the tag instead.")
@pass_library
def tag(ref, name, papers_, query, remove) -> None:
    """Tag papers (library ids, arXiv ids or DOIs, or --query), or list tags when no paper is given."""
    from ..models import tag_problem
    from ..store import LibraryError

    lib = ref.open()
    if not name or (not papers_ and not query):
        for t, n in lib.list_tags():
            click.echo(f"{t}\t{n}")
        return
    if not remove and (why := tag_problem(name, held=lib.has_tag(name))):
        fail(f"tag not added: {why}", EXIT_USAGE)
    try:
        ids = [lib.resolve(p) for p in papers_]
        if query:
            ids += lib.list_paper_ids(query=query)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    n = lib.remove_tag(ids, name) if remove else lib.add_tag(ids, name)
    click.echo(f"{'untagged' if remove else 'tagged'} {plural(n, 'paper')} {name!r}")


@click.command()
@click.option("--json", "as_json", is_flag=True)
@pass_library
def stats(ref, as_json) -> None:
    """Counts: papers, sources, authors, years, categories."""
    s = ref.open().stats()
    if as_json:
        emit_json(s)
        return
    click.echo(f"library: {s['path']}")
    click.echo(f"papers: {s['papers']} ({s['with_abstract']} with abstract, {s['arxiv']} on arXiv, {s['doi']} with DOI)")
    click.echo(f"authors: {s['authors']}  source records: {s['source_records']}  imports/collects: {s['imports']}")
    click.echo(f"tags: {s['tags']}  collections: {s['collections']}  notes: {s['notes']}")
    if s["years"]:
        click.echo("years: " + ", ".join(f"{y}: {n}" for y, n in s["years"].items()))
    if s["top_categories"]:
        click.echo("top categories: " + ", ".join(f"{c} {n}" for c, n in s["top_categories"].items()))
    from ..steps import pdfs_not_labelled

    note = pdfs_not_labelled(s.get("pdfs_not_labelled", 0))
    if note:
        click.secho(note, fg="yellow")


@click.command()
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the import report as JSON.")
@click.option("--force", "--yes", "force", is_flag=True,
              help="Add the sample papers to a library that already holds papers of its own.")
@pass_library
def sample(ref, quiet, as_json, force) -> None:
    """Fill --library with the sample papers that ship with GapScope (600 cs.CL arXiv papers over 15
    months, offline), in the collection "sample": a library to try every step on. Running it again adds nothing. A library
    with papers of its own is refused (the sample would mix unrelated papers into it) unless --force."""
    from ..sample import SAMPLE_COLLECTION, SAMPLE_SIZE, build_sample_library

    lib = ref.open(create=True)
    own = lib.count_papers() - len(lib.list_paper_ids(collection=SAMPLE_COLLECTION))
    if own and not force:
        todo = SAMPLE_SIZE - len(lib.list_paper_ids(collection=SAMPLE_COLLECTION))
        fail(f"{lib.path} already holds {own} papers of its own: `sample` would add up to {todo} unrelated "
             f"sample papers to it. Try the sample in a library of its own (`gapscope -L sample.gapscope sample`),"
             " or add them here anyway with --force.", EXIT_ERROR)
    with progress_bar("sample library", enabled=not quiet and not as_json) as (progress, cancel):
        report = build_sample_library(lib, progress=progress, cancel=cancel)
    if as_json:
        emit_json({"library": str(lib.path), **report.to_dict()})
    else:
        click.echo(f"{lib.path}: added {report.added} sample papers (collection \"{SAMPLE_COLLECTION}\"), "
                   f"already there {report.unchanged}. Next: `gapscope analyze`.")
    if report.cancelled:
        sys.exit(EXIT_CANCELLED)


@click.command()
@stdout_output_option("Write it here (default or - : print it); an existing file is kept unless --force.")
@force_option
@pass_library
def diagnostics(ref, output, force) -> None:
    """Versions, platform, library counts and the last errors from the app log, to attach to a problem
    report. No paper text and no settings values; keys, tokens and passwords in the log are redacted.
    A library that will not open, or fails while read, is described as far as it can be (file sizes,
    whether the main file alone passes SQLite's integrity check) and the exit code is its fault's."""
    import json

    from ..diagnostics import diagnostics as gather, redact, write_info
    from ..store import Library, LibraryError, database_file
    from ..store.errors import SQLiteError, library_fault
    from ..store.salvage import probe_database, stray_wal_hint
    from .common import EXIT_DAMAGED

    if output:
        refuse_existing(output, force)
    lib, code = None, 0
    info = gather(None)
    if ref.path.exists():
        try:
            lib = Library(ref.path, create=False)
        except (LibraryError, SQLiteError) as exc:  # the report is wanted most when the library will not open
            fault = library_fault(exc, ref.path) or exc
            info["library"] = {"path": str(ref.path), "error": redact(str(fault)),
                               "exit_code": getattr(fault, "exit_code", EXIT_ERROR)}
    if lib is not None:
        info = gather(lib)
        lib.close()
    if "error" in info.get("library", {}):
        code = info["library"]["exit_code"]
        probe = info["library"]["file"] = probe_database(database_file(ref.path))
        if code == EXIT_DAMAGED and "stray file" not in info["library"]["error"]:
            info["library"]["error"] += stray_wal_hint(database_file(ref.path), probe)
    if output:
        click.echo(f"wrote {write_info(output, info)}")
    else:
        click.echo(json.dumps(info, indent=2, ensure_ascii=False))
    if code:
        click.echo(f"error: {info['library']['error']}", err=True)
        sys.exit(code)


@click.command()
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object: the library and one list per kind (sqlite, foreign_keys, schema, "
                   "search_index, annotation_index, missing_files, reused_ids, markup; and repair with --repair).")
@click.option("--repair", is_flag=True,
              help="Then repair what can be repaired without losing anything: rows naming a deleted row "
                   "(written to backups/check-repair-*.json first), missing indexes, the search index "
                   "(rebuilt from the papers, with its triggers), the index of notes and highlight comments (rebuilt "
                   "from them, with its triggers), and HTML markup left in titles and abstracts "
                   "(their old texts written to the same kind of file first).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@pass_library
def check(ref, as_json, repair, quiet) -> None:
    """Check the library's integrity (as Zotero's "Check Database Integrity"): SQLite's own integrity and
    foreign-key checks (rows naming a paper or record that no longer exists, by table and row), the
    schema against what GapScope's migrations make (tables, columns, foreign keys, indexes, triggers), the
    search index against the papers (its triggers, papers missing from it or indexed with other text),
    the index of notes and highlight comments against them (its triggers, rows missing, extra or stale),
    the files it refers to (attached PDFs, run folders), and paper ids given twice (before GapScope kept
    deleted ids from reuse; with the records dated before the paper that named the earlier one), and
    titles or abstracts still holding HTML markup (stored before an import took it out), and facet
    corrections that label no sentence (their abstract changed under them).
    Changes nothing, unless --repair. Exit codes: 0 nothing found, 3 found (each listed, with what to
    do), 130 cancelled."""
    from ..integrity import KIND_TITLES, KINDS, check_library, repair as mend
    from .common import EXIT_READ_ONLY

    lib = ref.open()
    if repair and lib.read_only:
        fail(f"{lib.path} is read-only: --repair cannot change it (run the check without --repair, or copy the "
             "library somewhere writable)", EXIT_READ_ONLY)
    from ..jobs import Cancelled

    try:
        with progress_bar("check", enabled=not quiet and not as_json) as (progress, cancel):
            found = check_library(lib, progress=progress, cancel=cancel)
    except Cancelled:
        fail("cancelled: the check stopped before its end and changed nothing; `gapscope check` runs it again",
             EXIT_CANCELLED)
    mended = mend(lib, found) if repair and not found.clean else None
    if as_json:
        emit_json({**found.to_dict(), **({"repair": mended.to_dict()} if mended else {})})
    else:
        lines = found.lines()
        for kind in KINDS:
            if lines[kind]:
                click.echo(f"{KIND_TITLES[kind]} ({found.count_of(kind):,}):")
                for line in lines[kind]:
                    click.echo(f"  {line}")
        if mended is not None:
            _say_repaired(mended)
        for line in found.advice(repaired=mended is not None):
            click.echo(f"what to do: {line}")
        click.echo(f"{lib.path}: " + ("no problems found" if found.clean else
                                       "; ".join(f"{KIND_TITLES[k]}: {found.count_of(k):,}" for k in KINDS if lines[k])),
                   err=True)
    if not found.clean:
        sys.exit(EXIT_PARTIAL)


def _say_repaired(mended) -> None:
    from ..integrity import stray_correction_line

    if mended.saved_to:
        click.echo(f"repaired: removed {plural(mended.removed_rows, 'row')} and emptied "
                   f"{plural(mended.emptied, 'column')} naming deleted rows; every one is written to "
                   f"{mended.saved_to}")
    if mended.indexes:
        click.echo(f"repaired: made again {plural(len(mended.indexes), 'index', 'indexes')} ({', '.join(mended.indexes)})")
    if mended.triggers:
        click.echo(f"repaired: made again {plural(len(mended.triggers), 'trigger')} ({', '.join(mended.triggers)})")
    if mended.search_index_rebuilt:
        click.echo("repaired: rebuilt the search index from the papers table")
    if mended.annotation_index_rebuilt:
        click.echo("repaired: rebuilt the index of notes and highlight comments from them")
    if mended.markup_saved_to:
        click.echo(f"repaired: took the HTML markup out of the title or abstract of "
                   f"{plural(mended.markup_cleaned, 'paper')}; their texts as they were are written to "
                   f"{mended.markup_saved_to} (and each paper's source record keeps them)")
    for c in mended.stray_corrections:
        click.echo(f"repaired, with a facet correction left labelling nothing: "
                   f"{stray_correction_line(c, 'the abstract without markup')}")
    for line in mended.not_repaired:
        click.echo(f"not repaired: {line}")
    if not (mended.saved_to or mended.indexes or mended.search_index_rebuilt or mended.annotation_index_rebuilt
            or mended.markup_saved_to):
        click.echo("nothing could be repaired safely; see what to do above")


def register(main: click.Group) -> None:
    for cmd in (init, import_, imports, papers, tag, stats, sample, diagnostics, check):
        main.add_command(cmd)
