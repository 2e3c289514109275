"""The `gapscope` command line: every user-facing operation, over the same core API as the app."""

from __future__ import annotations

import click

from . import __version__, settings
from .commands import terminal
from .commands.common import GapScopeGroup, LibraryRef, note_json_errors
from .commands.help_format import wrap_help_in_whole_words
from .settings import DEVICES


@click.group(cls=GapScopeGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--library", "-L", envvar="GAPSCOPE_LIBRARY", type=click.Path(),
              help="Library folder NAME.gapscope, or an existing library file (default: your user data folder,"
                   " or $GAPSCOPE_LIBRARY). init, sample, import, collect, attach and settings set create a"
                   " missing library; the other commands refuse one.")
@click.option("--device", type=click.Choice(DEVICES), default=None,
              help="Where encoders run (auto, cpu, cuda, mps); beats $GAPSCOPE_DEVICE and the saved settings.")
@click.version_option(__version__, prog_name="gapscope")
@click.pass_context
def main(ctx: click.Context, library: str | None, device: str | None) -> None:
    """GapScope: collect papers, map what is known, and find what is missing."""
    settings.clear_command_line()          # one invocation's flags (tests run many in one process)
    settings.set_command_line("device", device)
    ctx.obj = LibraryRef(library)
    terminal.install(ctx)
    _plain_setting_warnings(ctx)


def _plain_setting_warnings(ctx: click.Context) -> None:
    """A stored setting that is not valid is a user's matter: "warning: ..." on stderr, not Python's
    "file:line: SettingWarning" form (other warnings keep theirs)."""
    import warnings

    shown = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, settings.SettingWarning):
            click.echo(f"warning: {message}", err=True)
        else:
            shown(message, category, filename, lineno, file, line)

    warnings.showwarning = show
    ctx.call_on_close(lambda: setattr(warnings, "showwarning", shown))


# One module per area under gapscope.commands, each with register(main).
_COMMAND_MODULES = ("library", "collect", "reports", "experiments", "maps", "triage", "facets", "concepts", "safety",
                    "analyze", "citations", "cluster", "corpus", "fulltext", "search")


def _register() -> None:
    import importlib

    for name in _COMMAND_MODULES:
        importlib.import_module(f".commands.{name}", __package__).register(main)
    wrap_help_in_whole_words(main)
    note_json_errors(main)          # a failure of a --json command is JSON on stdout too


_register()

if __name__ == "__main__":
    main()
