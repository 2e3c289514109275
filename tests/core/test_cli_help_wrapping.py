"""Every command's `--help` wraps between words: a word is never cut (click cuts one longer than the line,
as the usage line of `annotate correct-facet` was with its {background|objective|...} choice list, and after
any hyphen, as `--runs-` / `dir`), and the usage line fits an 80-column terminal."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from gapscope.cli import main


def _commands(cmd: click.Command = main, path: tuple[str, ...] = ()):
    yield path, cmd
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for name in cmd.list_commands(ctx):
            yield from _commands(cmd.get_command(ctx, name), path + (name,))


def _unwrapped_words(path, cmd) -> set[str]:
    """The words of the help with no line limit: nothing wrapped, so nothing cut."""
    info = " ".join(("gapscope",) + path)
    ctx = cmd.context_class(cmd, info_name=info, terminal_width=100_000, max_content_width=100_000)
    return set(cmd.get_help(ctx).split())


@pytest.mark.parametrize("columns", [80, 100])
def test_help_never_cuts_a_word(columns):
    cut = []
    for path, cmd in _commands():
        shown = CliRunner().invoke(main, [*path, "--help"], prog_name="gapscope", env={"COLUMNS": str(columns)})
        assert shown.exit_code == 0, shown.output
        whole = _unwrapped_words(path, cmd)
        # a command's one-line summary in its group's list ends in "..." where the width cuts it short
        cut += [(" ".join(path), w) for w in shown.output.split() if w not in whole and not w.endswith("...")]
    assert cut == []


def test_usage_lines_fit_80_columns():
    wide = []
    for path, _cmd in _commands():
        shown = CliRunner().invoke(main, [*path, "--help"], prog_name="gapscope", env={"COLUMNS": "80"}).output
        usage = shown.split("\n\n")[0].splitlines()
        wide += [line for line in usage if len(line) > 80]
    assert wide == []
