"""What every CLI command shares: the library option, JSON output, progress bars, exit codes."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional

import click

# Exit codes that mean something to a script.
EXIT_OK = 0
EXIT_ERROR = 1          # the command failed; nothing was changed
EXIT_USAGE = 2          # bad arguments (click's own code)
EXIT_PARTIAL = 3        # done, but some records were bad (listed in the report)
EXIT_NOT_FOUND = 4      # an id, file or collection that does not exist
EXIT_BLOCKED = 5        # a source refused us (block page, 403, rate limit); what was collected is kept
EXIT_CANCELLED = 130    # stopped by the user (Ctrl-C); committed work is kept

# gapscope.facets.model.FACET_LABELS, written out so that the CLI starts without importing numpy
# (tests/core/test_facets_library.py checks that the two agree)
FACET_LABEL_CHOICES = ("background", "objective", "method", "result", "other")
# gapscope.facets.model.SHORTCOMINGS, likewise
SHORTCOMING_CHOICES = ("none", "prior", "open", "own")
# what `annotate correct-facet` accepts: a role, a shortcoming type, or "limitation" (= shortcoming own)
CORRECTION_CHOICES = FACET_LABEL_CHOICES + SHORTCOMING_CHOICES + ("limitation",)


class LibraryRef:
    """Opens the library lazily so `gapscope --help` touches no file."""

    def __init__(self, path: Optional[str]) -> None:
        self._path = path
        self._lib = None

    @property
    def path(self) -> Path:
        from ..store import default_library_path

        return Path(self._path).expanduser() if self._path else default_library_path()

    def open(self, create: bool = False):
        if self._lib is None:
            from ..store import Library, LibraryError

            try:
                self._lib = Library(self.path, create=create)
            except LibraryError as exc:
                fail(str(exc), EXIT_NOT_FOUND)
        return self._lib


pass_library = click.make_pass_decorator(LibraryRef)


def fail(message: str, code: int = EXIT_ERROR) -> "NoReturn":  # type: ignore[name-defined]
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(code)


def resolve_paper(lib, paper: str) -> int:
    """The library id of PAPER (library id, arXiv id or DOI), or exit 4 with the library's message."""
    from ..store import LibraryError

    try:
        return lib.resolve(paper)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)


def emit_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=None, default=str))


@contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[Any]:
    """A tqdm bar on stderr driven by the core's ``progress(done, total, message)`` callback.

    Yields ``(progress, cancel)``: Ctrl-C sets the cancel token first (the core stops cleanly at the
    next batch boundary); a second Ctrl-C interrupts at once.
    """
    import signal

    from tqdm import tqdm

    from ..jobs import CancelToken

    cancel = CancelToken()
    bar = tqdm(total=0, desc=label, unit="", file=sys.stderr, disable=not enabled or None,
               dynamic_ncols=True, leave=True)

    def progress(done: int, total: int, message: str = "") -> None:
        if bar.total != total:
            bar.total = total
        bar.n = done
        if message:
            bar.set_postfix_str(message[:60], refresh=False)
        bar.refresh()

    previous = signal.getsignal(signal.SIGINT)

    def on_sigint(signum, frame):  # noqa: ANN001
        if cancel.cancelled:
            signal.signal(signal.SIGINT, previous)
            raise KeyboardInterrupt
        click.echo("\nstopping after the current batch (Ctrl-C again to abort now)", err=True)
        cancel.cancel()

    try:
        signal.signal(signal.SIGINT, on_sigint)
    except ValueError:  # not in the main thread
        pass
    try:
        yield progress, cancel
    finally:
        bar.close()
        try:
            signal.signal(signal.SIGINT, previous)
        except ValueError:
            pass
