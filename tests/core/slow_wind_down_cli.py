"""A command line built as `gapscope`'s (GapScopeGroup, progress_bar) whose one command, once Ctrl-C has
cancelled it, winds down slowly as the process exits (an exit handler, as a library's thread pool or
cluster client registers). The handler reads stdin to its end, so the test decides when the wind-down ends.
Run as a script."""

from __future__ import annotations

import atexit
import sys
import time

import click

from gapscope.commands.common import EXIT_CANCELLED, GapScopeGroup, progress_bar


@click.group(cls=GapScopeGroup)
def cli() -> None:
    """A stand-in for `gapscope`."""


@cli.command()
def slow() -> None:
    with progress_bar("Working", plain=True) as (_progress, cancel):
        click.echo("working", err=True)
        while not cancel.cancelled:
            time.sleep(0.01)
    click.echo("cancelled: nothing kept", err=True)
    atexit.register(_wind_down)
    raise SystemExit(EXIT_CANCELLED)


def _wind_down() -> None:
    print("winding down", file=sys.stderr, flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    cli()
