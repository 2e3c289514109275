"""Help that wraps between words only: click's wrapper breaks a word longer than the line (a choice list
such as {background|objective|...}) and breaks after any hyphen (`--runs-` / `dir`, `hep-` / `th/9901001`,
YYYY-MM- / DD), which leaves option names, ids and dates that cannot be read or copied whole."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import click
from click import _textwrap


class _WholeWordWrapper(_textwrap.TextWrapper):
    """click's wrapper, told to keep every word whole: a longer one runs past the line instead."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.update(break_long_words=False, break_on_hyphens=False)
        super().__init__(*args, **kwargs)


@contextmanager
def _whole_words() -> Iterator[None]:
    # click.formatting.wrap_text looks TextWrapper up in click._textwrap on every call and offers no switch
    # for either rule; swapped for the duration of one help section only.
    plain = _textwrap.TextWrapper
    _textwrap.TextWrapper = _WholeWordWrapper
    try:
        yield
    finally:
        _textwrap.TextWrapper = plain


class WholeWordHelpFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        with _whole_words():
            super().write_usage(prog, args, prefix)

    def write_text(self, text: str) -> None:
        with _whole_words():
            super().write_text(text)

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        with _whole_words():
            super().write_dl(rows, col_max, col_spacing)


class WholeWordContext(click.Context):
    formatter_class = WholeWordHelpFormatter


def wrap_help_in_whole_words(cmd: click.Command) -> None:
    """Give ``cmd`` and every command under it the whole-word help formatter."""
    cmd.context_class = WholeWordContext
    if isinstance(cmd, click.Group):
        for sub in cmd.commands.values():
            wrap_help_in_whole_words(sub)
