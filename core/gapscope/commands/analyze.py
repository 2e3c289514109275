"""`gapscope analyze`: classify facets, embed, map and find gaps, running only what is missing."""

from __future__ import annotations

import click

from .common import EXIT_CANCELLED, EXIT_ERROR, emit_json, fail, pass_library, progress_bar
from .maps import FACET_CHOICE


@click.command("analyze")
@click.option("--facet", "facets", multiple=True, type=FACET_CHOICE,
              help="Facet to map (repeatable; default: all four).")
@click.option("--no-gaps", is_flag=True, help="Stop after the maps.")
@click.option("--problem-facet", type=click.Choice(["result", "topic"]), default="result", show_default=True,
              help="Which map stands for the problems methods are applied to (gaps).")
@click.option("--json", "as_json", is_flag=True, help="Print what each step did as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
@pass_library
def analyze(ref, facets, no_gaps, problem_facet, as_json, quiet) -> None:
    """Bring the library's analysis up to date in one go: classify the facet sentences, embed the
    texts, build a map per facet and find the gaps. Each step runs only where something is new or
    changed since it last ran, so a second run with nothing new does nothing. Progress shows as one
    bar on a terminal and as plain lines otherwise (a log, a pipe)."""
    from ..analyze import MAP_FACETS, analyze as run_analysis
    from ..jobs import Cancelled
    from ..store import LibraryError

    lib = ref.open()
    try:
        with progress_bar("analyze", enabled=not quiet and not as_json) as (progress, cancel):
            rep = run_analysis(lib, facets=facets or MAP_FACETS, gaps=not no_gaps, problem_facet=problem_facet,
                               progress=progress, cancel=cancel)
    except Cancelled:
        fail("cancelled: the steps finished before the stop are kept", EXIT_CANCELLED)
    except (LibraryError, ValueError) as exc:
        fail(str(exc), EXIT_ERROR)
    if as_json:
        emit_json(rep.to_dict())
        return
    for s in rep.steps:
        click.echo(f"{s.step}: {'done' if s.ran else 'skipped'}, {s.detail}")
    if not rep.ran:
        click.echo("nothing to do: the analysis is up to date")
    for note in rep.notes:
        click.secho(note, fg="yellow", err=True)


def register(main: click.Group) -> None:
    main.add_command(analyze)
