"""Help that wraps between words only: click's wrapper breaks a word longer than the line (a choice list
such as {background|objective|...}) and breaks after any hyphen (`--runs-` / `dir`, `hep-` / `th/9901001`,
YYYY-MM- / DD), which leaves option names, ids and dates that cannot be read or copied whole."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

import click
from click import _textwrap

# whether the code running now (this thread, this context) formats GapScope's help; every other caller of
# click's wrapper (another thread's help, click.wrap_text elsewhere) keeps click's own rules
_KEEP_WORDS_WHOLE: ContextVar[bool] = ContextVar("gapscope_keep_words_whole", default=False)


class _WholeWordWrapper(_textwrap.TextWrapper):
    """click's wrapper that keeps every word whole (a longer one runs past the line) while GapScope's help is
    formatted, and wraps as click does otherwise."""

    def __init__(self, *args, **kwargs) -> None:
        if _KEEP_WORDS_WHOLE.get():
            kwargs.update(break_long_words=False, break_on_hyphens=False)
        super().__init__(*args, **kwargs)


# click.formatting.wrap_text looks TextWrapper up in click._textwrap on every call and offers no switch for
# either rule. It is replaced once, for good, by a wrapper that reads the switch of the caller's own context:
# swapping the module's class in and out around each help section let two threads formatting help at once
# restore each other's swap, and left every wrapper in the process keeping words whole.
if not issubclass(_textwrap.TextWrapper, _WholeWordWrapper):
    _textwrap.TextWrapper = _WholeWordWrapper


@contextmanager
def _whole_words() -> Iterator[None]:
    token = _KEEP_WORDS_WHOLE.set(True)
    try:
        yield
    finally:
        _KEEP_WORDS_WHOLE.reset(token)


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
