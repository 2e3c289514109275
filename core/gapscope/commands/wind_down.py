"""A cancelled command's wind-down: once it has stopped on Ctrl-C (or SIGTERM) and said "cancelled", what is
left (closing the library, a worker thread the interpreter waits for at exit) is not worth waiting for if
the user presses Ctrl-C again. That second one ends the process at once with 130 and one line, instead of
a KeyboardInterrupt traceback from wherever the wind-down stood (Python's exit, a ``finally``). The work
committed is kept: SQLite rolls back what was not."""

from __future__ import annotations

import os
import signal
import sys

EXIT_CANCELLED = 130

# Set when the command line is called as the program (the gapscope script, python -m gapscope), which ends
# with the command; not by an in-process caller (a test's CliRunner calls .main()), whose own Ctrl-C stays
# Python's.
_process_ends_with_the_command = False


def the_process_ends_with_the_command() -> None:
    global _process_ends_with_the_command
    _process_ends_with_the_command = True


def _exit_now(signum, frame) -> None:  # noqa: ANN001
    how = "SIGTERM" if signum == signal.SIGTERM else "Ctrl-C"
    try:
        sys.stdout.flush()      # what the command printed (a signal between two writes: it may be busy)
    except (RuntimeError, OSError, ValueError):
        pass
    try:
        os.write(2, f"\ncancelled ({how} while finishing): committed work is kept\n".encode())
    except OSError:
        pass
    os._exit(EXIT_CANCELLED)


def exit_at_the_next_interrupt() -> bool:
    """From now on Ctrl-C (SIGINT) and SIGTERM end the process with 130 and one line. Only when the
    process ends with the command, and from its main thread; says whether it did."""
    if not _process_ends_with_the_command:
        return False
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, _exit_now)
    except ValueError:      # not in the main thread
        return False
    return True
