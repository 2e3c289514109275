"""`gapscope enrich`, `gapscope related`, `gapscope citations refs | cores | stats` and
`gapscope triage snowball`."""

from __future__ import annotations

import shlex
import sys

import click

from ..textfmt import plural
from ..vocabulary import MAP_FACETS
from .common import (EXIT_BLOCKED, EXIT_CANCELLED, EXIT_NOT_FOUND, EXIT_PARTIAL, EXIT_USAGE, emit_json, fail,
                     pass_library, progress_bar, resolve_paper)


def _scope_ids(lib, papers, collection):
    from ..store import LibraryError

    ids = [resolve_paper(lib, p) for p in papers]
    if collection is not None:
        try:
            lib.collection_id(collection)
        except LibraryError as exc:
            fail(str(exc), EXIT_NOT_FOUND)
        ids += lib.list_paper_ids(collection=collection)
    return sorted(set(ids)) if (papers or collection is not None) else None


@click.command("enrich")
@click.argument("papers", nargs=-1)
@click.option("--collection", "-c", help="Enrich the papers of this collection.")
@click.option("--refresh", is_flag=True, help="Fetch again what was fetched before (default: skip it, the cache).")
@click.option("--json", "as_json", is_flag=True, help="Per paper: its ids, references and citations stored, what failed.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@pass_library
def enrich_cmd(ref, papers, collection, refresh, as_json, quiet) -> None:
    """Look papers up in OpenAlex and Semantic Scholar (by DOI or arXiv id) and store their ids, venue,
    citation count, open-access PDF link, references and citing works (outside works as lightweight
    nodes). PAPER: library ids, arXiv ids or DOIs (default: every paper with a DOI or arXiv id).

    Resumable: steps done are skipped, so after a stop (Ctrl-C, a kill, a rate limit) run it again.
    Keys: setting citations.openalex_api_key (OpenAlex requires one) and citations.s2_api_key
    (optional), or $GAPSCOPE_OPENALEX_API_KEY / $GAPSCOPE_S2_API_KEY. Hosts: $GAPSCOPE_OPENALEX_URL /
    $GAPSCOPE_S2_URL or settings citations.openalex_url / citations.s2_url.
    Exit codes: 0 done, 3 some papers failed (listed), 5 a source refused us (bad key, rate limit) or could not
    be reached (no network; as for `collect`), 130 cancelled."""
    from ..citations.enrich import enrich

    lib = ref.open()
    ids = _scope_ids(lib, papers, collection)
    with progress_bar("enrich", enabled=not quiet and not as_json) as (progress, cancel):
        rep = enrich(lib, ids, refresh=refresh, progress=progress, cancel=cancel)
    if as_json:
        emit_json(rep.to_dict())
    else:
        for p in rep.papers:
            ids_text = " ".join(f"{k}={v}" for k, v in p.ids.items())
            click.echo(f"[{p.paper_id}] {p.title[:70]}: {p.references} references, {p.citations} citing works  {ids_text}")
            for f in p.failed:
                click.secho(f"    failed: {f}", fg="yellow", err=True)
        click.echo(f"{len(rep.papers)} papers, {len(rep.failed)} with failures; {rep.requests} requests, "
                   f"{rep.retries} retries, {rep.waited_s:.0f} s waiting", err=True)
        for source, why in rep.refused.items():
            click.secho(f"{source} given up for this run: {why}", fg="red", err=True)
    if rep.cancelled:
        sys.exit(EXIT_CANCELLED)
    if rep.refused:
        sys.exit(EXIT_BLOCKED)
    if rep.failed:
        sys.exit(EXIT_PARTIAL)


@click.command("related")
@click.argument("papers", nargs=-1, required=True)
@click.option("--k", "k", default=20, show_default=True, type=click.IntRange(1, 1000),
              help="How many related papers to list.")
@click.option("--measure", type=click.Choice(["combined", "coupling", "cocitation", "adamic_adar"]), default="combined",
              show_default=True, help="combined: coupling and co-citation, each normalised (as Connected Papers).")
@click.option("--library-only", is_flag=True, help="Only papers in the library (default: outside works too).")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def related_cmd(ref, papers, k, measure, library_only, as_json) -> None:
    """Papers related to PAPER (one or several: their scores add up) by the citation graph: shared
    references (bibliographic coupling) and shared citing works (co-citation). Needs `gapscope enrich`."""
    from ..citations.related import related_papers
    from ..store import LibraryError

    lib = ref.open()
    ids = [resolve_paper(lib, p) for p in papers]
    try:
        rows = related_papers(lib, ids, k=k, measure=measure, library_only=library_only)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("nothing related in the citation graph (no shared references or citing works)", err=True)
    for r in rows:
        where = f"#{r['paper_id']}" if r["in_library"] else (r["doi"] or r["arxiv_id"] or r["openalex_id"] or r["s2_id"] or "")
        click.echo(f"{r['score']:.3f}  coupling {r['coupling']:3d}  co-cited {r['cocitation']:3d}  "
                   f"{r['year'] or '    '}  {(r['title'] or '(no title)')[:80]}  [{where}]")


@click.group("citations")
def citations() -> None:
    """What the citation graph says about the library (after `gapscope enrich`)."""


@citations.command("refs")
@click.option("--collection", "-c", help="The papers of this collection (default: the whole library).")
@click.option("--k", "k", default=20, show_default=True, type=click.IntRange(1, 1000),
              help="How many references to list, most cited first.")
@click.option("--min-count", default=2, show_default=True, help="Cited by at least this many of the papers.")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def citations_refs(ref, collection, k, min_count, as_json) -> None:
    """The most-cited references of a collection: what it builds on."""
    from ..citations.related import collection_references

    lib = ref.open()
    ids = _scope_ids(lib, (), collection)
    if ids is None:                 # no collection named (an empty one is not the whole library)
        ids = lib.list_paper_ids()
    rows = collection_references(lib, ids, k=k, min_count=min_count) if ids else []
    if as_json:
        emit_json(rows)
        return
    if not ids:
        click.echo(f"the collection {collection!r} has no papers", err=True)
    elif not rows:
        edges = lib.count_works()[2]
        click.echo(f"no reference is cited by {min_count} or more of the {len(ids)} papers"
                   + ("" if edges else " (no citation links yet: run `gapscope enrich`)"), err=True)
    for r in rows:
        click.echo(f"{r['cited_by']:4d} ({100 * r['share']:.0f}%)  {r['year'] or '    '}  {(r['title'] or '(no title)')[:90]}"
                   + ("  [in library]" if r["in_library"] else ""))


@citations.command("cores")
@click.option("--facet", default="topic", show_default=True, type=click.Choice(MAP_FACETS),
              help="Whose clusters: the latest map of this facet.")
@click.option("--k", "k", default=5, show_default=True, type=click.IntRange(1, 100),
              help="Core references listed per cluster.")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def citations_cores(ref, facet, k, as_json) -> None:
    """Per cluster of the latest map, its core references (the works its papers cite most)."""
    from ..citations.related import cluster_core_references
    from ..store import LibraryError

    lib = ref.open()
    try:
        rows = cluster_core_references(lib, facet=facet, k=k)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    if as_json:
        emit_json(rows)
        return
    if not lib.count_works()[2]:
        # every cluster would read "0 with citations" and list no core: one line says why instead
        click.echo(f"no citation links yet, so no cluster of the {facet} map ({plural(len(rows), 'cluster')}) has core "
                   "references: run `gapscope enrich` (the Citations view's “Enrich”) first", err=True)
        return
    for c in rows:
        click.secho(f"cluster {c['cluster']}: {c['label']} ({c['papers']} papers, {c['with_citations']} with citations)", bold=True)
        for r in c["core"]:
            click.echo(f"    {r['cited_by']:3d}  {(r['title'] or '(no title)')[:90]}")


@citations.command("stats")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def citations_stats(ref, as_json) -> None:
    """Works, library papers and edges in the graph; failed enrichment steps."""
    lib = ref.open()
    works, papers, edges = lib.count_works()
    out = {"works": works, "library_papers": papers, "outside_works": works - papers, "citations": edges,
           "failed_steps": lib.enrich_failures()}
    if as_json:
        emit_json(out)
        return
    click.echo(f"{works} works ({papers} library papers, {works - papers} outside), {edges} citation links; "
               f"{len(out['failed_steps'])} failed enrichment steps")


@click.command("snowball")
@click.option("--collection", "-c", help="Screen this collection (default: the whole library).")
@click.option("--direction", type=click.Choice(["backward", "forward", "both"]), default="both", show_default=True,
              help="backward: what the included papers cite; forward: what cites them.")
@click.option("--limit", type=click.IntRange(min=1), help="Offer at most this many candidates.")
@click.option("--add", "add", is_flag=True, help="Add the candidates to the library (deduplicated) to screen them.")
@click.option("--work", "work_ids", multiple=True, type=int, help="With --add: only these candidates (work ids).")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def triage_snowball(ref, collection, direction, limit, add, work_ids, as_json) -> None:
    """Snowballing: backward and forward citations of the included papers, offered as new candidates
    (`--add` brings them into the library and the screening queue, deduplicated)."""
    from ..citations.snowball import add_candidates, candidates

    lib = ref.open()
    if collection is not None:
        _scope_ids(lib, (), collection)
    if work_ids and not add:
        fail("--work goes with --add", EXIT_USAGE)
    cands = candidates(lib, collection=collection, direction=direction, limit=None if work_ids else limit)
    if work_ids:
        want = set(work_ids)
        cands = [c for c in cands if c["work_id"] in want]
    if not add:
        if as_json:
            emit_json(cands)
            return
        if not cands:
            click.echo("no candidates: include papers first, and run `gapscope enrich` on them", err=True)
        for c in cands:
            click.echo(f"w{c['work_id']:<7} cited by {c['backward']:2d}  cites {c['forward']:2d}  {c['year'] or '    '}  "
                       f"{(c['title'] or '(no title: id only)')[:80]}")
        return
    with progress_bar("snowball", enabled=not as_json) as (progress, cancel):
        rep = add_candidates(lib, cands, collection=collection, progress=progress, cancel=cancel)
    if as_json:
        emit_json(rep.to_dict())
    elif rep.import_id is None:
        click.echo(f"nothing to add: {'no candidates' if not rep.offered else 'no candidate has a title'}"
                   " (nothing imported)" + ("; include papers first, and run `gapscope enrich` on them"
                                            if not rep.offered else ""), err=True)
    else:
        click.echo(f"offered {rep.offered}: added {rep.added}, already in the library {rep.merged + rep.unchanged}, "
                   f"skipped {len(rep.skipped)} (no title)")
    if rep.cancelled:
        # with the options given: the same included papers' candidates (another collection's are others),
        # and of a --limit only what is left (those added are candidates no more)
        reached = rep.added + rep.merged + rep.unchanged
        given = ([f"--collection {shlex.quote(collection)}"] if collection is not None else []) + (
            [f"--direction {direction}"] if direction != "both" else []) + (
            [f"--limit {max(1, limit - reached)}"] if limit and not work_ids else []) + [
            f"--work {w}" for w in work_ids]
        fail("cancelled: the candidates added before the stop are kept; `"
             + " ".join(["gapscope triage snowball --add", *given]) + "` again adds the rest (those added are skipped)",
             EXIT_CANCELLED)


def register(main: click.Group) -> None:
    main.add_command(enrich_cmd)
    main.add_command(related_cmd)
    main.add_command(citations)
    triage = main.commands.get("triage")
    if isinstance(triage, click.Group):   # `gapscope triage snowball`, beside the other screening commands
        triage.add_command(triage_snowball)
