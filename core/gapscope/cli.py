"""The `gapscope` command line: every user-facing operation, over the same core API as the app."""

from __future__ import annotations

import sys

import click

from . import __version__
from .commands import terminal
from .commands.common import EXIT_CANCELLED, LibraryRef


class _Main(click.Group):
    def invoke(self, ctx: click.Context):
        # A Ctrl-C that reaches here (the second one, or one outside a long command) ends with 130,
        # the code README promises, instead of click's "Aborted!" and 1.
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("\ncancelled (Ctrl-C): committed work is kept", err=True)
            sys.exit(EXIT_CANCELLED)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--library", "-L", envvar="GAPSCOPE_LIBRARY", type=click.Path(dir_okay=False),
              help="Library file (default: your user data folder, or $GAPSCOPE_LIBRARY).")
@click.version_option(__version__, prog_name="gapscope")
@click.pass_context
def main(ctx: click.Context, library: str | None) -> None:
    """GapScope: collect papers, map what is known, and find what is missing."""
    ctx.obj = LibraryRef(library)
    terminal.install(ctx)


# One module per area under gapscope.commands, each with register(main).
_COMMAND_MODULES = ("library", "collect", "reports", "experiments", "maps", "triage", "facets")


def _register() -> None:
    import importlib

    for name in _COMMAND_MODULES:
        importlib.import_module(f".commands.{name}", __package__).register(main)


_register()

if __name__ == "__main__":
    main()
