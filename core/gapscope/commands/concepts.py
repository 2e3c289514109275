"""`gapscope concepts [extract] | concepts list`: method and problem concepts, merged by meaning."""

from __future__ import annotations

import click

from .common import EXIT_CANCELLED, EXIT_NOT_FOUND, emit_json, fail, pass_library, progress_bar


@click.group("concepts", invoke_without_command=True)
@click.option("--top-n", type=click.IntRange(1, 20), default=5, show_default=True,
              help="Key phrases KeyBERT keeps per side of each abstract.")
@click.option("--min-papers", type=click.IntRange(1, 1000), default=3, show_default=True,
              help="A concept needs this many papers.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--quiet", "-q", is_flag=True)
@pass_library
@click.pass_context
def concepts(ctx, ref, top_n, min_papers, as_json, quiet) -> None:
    """Extract the library's method and problem concepts (KeyBERT over the library's encoder, from the
    method / objective / result / shortcoming sentences; run `gapscope facets` first) and merge them by
    meaning. `gapscope gaps find` ranks gaps between these concepts."""
    if ctx.invoked_subcommand is not None:
        return
    from ..concepts import extract_concepts
    from ..jobs import Cancelled
    from ..store import LibraryError
    from ..store.errors import MissingStep

    lib = ref.open()
    try:
        with progress_bar("concepts", enabled=not quiet and not as_json) as (progress, cancel):
            res = extract_concepts(lib, top_n=top_n, min_papers=min_papers, progress=progress, cancel=cancel)
    except Cancelled:
        fail("cancelled: nothing stored", EXIT_CANCELLED)
    except MissingStep:
        raise                     # exit 10, naming the step to run (commands.common)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    res.pop("concept_list", None)
    if as_json:
        emit_json(res)
        return
    click.echo(f"{res['concepts']} concepts ({res['method_concepts']} method, {res['problem_concepts']} problem) "
               f"from {res['papers']} papers, {res['phrases']} key phrases merged by meaning; batch {res['batch']}, "
               f"{res['seconds']} s")
    from ..analyze import maps_label_stale

    stale = maps_label_stale(lib)
    if stale:
        click.echo(f"the {', '.join(stale)} map labels were made before these concepts: `gapscope map relabel` "
                   "names their clusters by them (nothing is clustered again)")


@concepts.command("list")
@click.option("--kind", type=click.Choice(["method", "problem"]), help="Only method or only problem concepts.")
@click.option("--limit", type=click.IntRange(min=1), default=30, show_default=True, help="How many concepts to list.")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def concepts_list(ref, kind, limit, as_json) -> None:
    """The latest concepts, most papers first, with the phrases merged into each."""
    lib = ref.open()
    rows = [c for c in lib.load_concepts() if kind is None or c["kind"] == kind]
    rows.sort(key=lambda c: (-c["n_papers"], c["phrase"]))
    rows = rows[:limit]
    if as_json:
        emit_json([{"id": c["id"], "kind": c["kind"], "phrase": c["phrase"], "synonyms": c["synonyms"],
                    "papers": c["n_papers"]} for c in rows])
        return
    if not rows:
        click.echo("no concepts yet: run `gapscope concepts`")
    for c in rows:
        click.echo(f"{c['id']:>6}  {c['kind']:<7} {c['n_papers']:>5}  {c['phrase']}"
                   + (f"  (also: {', '.join(c['synonyms'][:4])})" if c["synonyms"] else ""))


def register(main: click.Group) -> None:
    main.add_command(concepts)
