"""Text from papers never drives the terminal: titles, abstracts and notes come from files and the
web, and an escape sequence in one (OSC sets the window title, CSI moves the cursor, a C1 control is
a one-byte escape) would act on the user's terminal when printed. Everything the CLI prints goes
through :class:`TerminalSafeStream`, which drops those and keeps the plain text; the library keeps the
text as it came. Colour (SGR, ``ESC [ ... m``) is kept: click styles our own messages with it."""

from __future__ import annotations

import re
import sys
from typing import Any, TextIO

# OSC / DCS / SOS / PM / APC strings up to their terminator (BEL or ST) or the end of the text;
# CSI sequences; any other escape; C0 controls but tab, newline (and carriage return on stderr,
# the progress bar's); DEL and the C1 controls.
_STRINGS = r"\x1b[\]P^_X][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
_CSI = r"(?:\x1b\[|\x9b)([0-9;:<=>?]*)[ -/]*([@-~])?"
_OTHER = r"\x1b[ -/]*[0-~]?|[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]"
_UNSAFE = re.compile(f"{_STRINGS}|{_CSI}|{_OTHER}")
_UNSAFE_CR = re.compile(f"{_STRINGS}|{_CSI}|{_OTHER}|\\r(?!\\n)")


def terminal_safe(text: str, keep_cr: bool = False) -> str:
    """``text`` without control and escape sequences, except colour (SGR) codes."""
    if text.isprintable() or not text:
        return text

    def repl(m: re.Match) -> str:
        if m.group(2) == "m" and m.group(0).startswith("\x1b[") and "8" not in m.group(1).split(";"):
            return m.group(0)  # colour (but never 8, hidden text)
        return ""

    return (_UNSAFE if keep_cr else _UNSAFE_CR).sub(repl, text)


class TerminalSafeStream:
    """A text stream that writes ``terminal_safe`` text to the stream it wraps."""

    def __init__(self, stream: TextIO, keep_cr: bool = False) -> None:
        self._stream = stream
        self._keep_cr = keep_cr

    def write(self, text: str) -> int:
        self._stream.write(terminal_safe(text, self._keep_cr) if isinstance(text, str) else text)
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def install(ctx) -> None:
    """Filter sys.stdout and sys.stderr for the rest of this command (``ctx``: the click context)."""
    saved = sys.stdout, sys.stderr
    if isinstance(sys.stdout, TerminalSafeStream):
        return
    sys.stdout = TerminalSafeStream(sys.stdout)  # type: ignore[assignment]
    sys.stderr = TerminalSafeStream(sys.stderr, keep_cr=True)  # type: ignore[assignment]

    def restore() -> None:
        sys.stdout, sys.stderr = saved

    ctx.call_on_close(restore)
