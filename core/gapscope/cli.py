"""The `gapscope` command line: every user-facing operation, over the same core API as the app."""

from __future__ import annotations

import click

from . import __version__
from .commands.common import LibraryRef


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--library", "-L", envvar="GAPSCOPE_LIBRARY", type=click.Path(dir_okay=False),
              help="Library file (default: your user data folder, or $GAPSCOPE_LIBRARY).")
@click.version_option(__version__, prog_name="gapscope")
@click.pass_context
def main(ctx: click.Context, library: str | None) -> None:
    """GapScope: collect papers, map what is known, and find what is missing."""
    ctx.obj = LibraryRef(library)


# One module per area under gapscope.commands, each with register(main).
_COMMAND_MODULES = ("library", "collect", "reports", "experiments", "maps", "triage", "facets", "concepts")


def _register() -> None:
    import importlib

    for name in _COMMAND_MODULES:
        importlib.import_module(f".commands.{name}", __package__).register(main)


_register()

if __name__ == "__main__":
    main()
