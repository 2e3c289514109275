"""What every CLI command shares: the library option, JSON output, progress bars, exit codes."""

from __future__ import annotations

import json
import re
import sys
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, NoReturn, Optional

import click

from . import wind_down
from .plain_progress import PlainProgress

# Exit codes that mean something to a script.
EXIT_OK = 0
EXIT_ERROR = 1          # the command failed; nothing was changed
EXIT_USAGE = 2          # bad arguments (click's own code)
EXIT_PARTIAL = 3        # done, but some records were bad (listed in the report)
EXIT_NOT_FOUND = 4      # an id, file or collection that does not exist
EXIT_BLOCKED = 5        # a source refused us (block page, 403, rate limit) or could not be reached (no network,
                        # it stopped answering); what was collected is kept
EXIT_NOT_NOW = 6        # it exists, but its state forbids this (a run still running, or already finished)
EXIT_CANCELLED = wind_down.EXIT_CANCELLED    # 130: stopped by the user (Ctrl-C); committed work is kept
# The library itself (gapscope.store.errors, each fault class carries its code):
EXIT_NEEDS_STEP = 10    # an earlier step has not run (the message names the command to run)
EXIT_LOCKED = 11        # another process kept the library locked longer than we waited; nothing written
EXIT_DISK_FULL = 12     # the disk (or the library's size limit) is full; committed work is kept
EXIT_READ_ONLY = 13     # the library is read-only: it can be read, not changed
EXIT_NOT_LIBRARY = 14   # not an SQLite file, or another program's database (left untouched)
EXIT_NEWER = 15         # a library from a newer GapScope (left untouched)
EXIT_DISK_IO = 16       # the disk failed under the library (disk I/O error)
EXIT_DAMAGED = 17       # the library file is damaged (malformed)
EXIT_NOT_UPGRADED = 18  # a schema upgrade was not started: no copy of the old file could be kept first



class Terminated(KeyboardInterrupt):
    """SIGTERM (a process manager, `kill`, a logout): stops the command as Ctrl-C does, through the
    same ``finally`` blocks and rollbacks, instead of ending the process where it stands."""


def _on_sigterm(signum, frame) -> None:  # noqa: ANN001
    raise Terminated()


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """SIGTERM raises :class:`Terminated` (a KeyboardInterrupt) in the main thread: what a command does on
    Ctrl-C it does on SIGTERM (a long one, under :func:`progress_bar`, stops after its batch)."""
    import signal

    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not in the main thread (a test calling the CLI from a worker)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)   # a caller in the same process (a test) gets its own back


class GapScopeGroup(click.Group):
    """Turns a failure of the library itself (disk, lock, read-only, not a library ...) or a missing
    earlier step, wherever in a command it happens, into its message and exit code, not a traceback."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # the program's entry (the gapscope script, python -m gapscope); a test's CliRunner calls .main()
        wind_down.the_process_ends_with_the_command()
        return self.main(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[_WORDS] = list(args)        # for a usage error met before --json was read
        try:
            return super().parse_args(ctx, args)
        except click.exceptions.ClickException as exc:
            _usage_error_as_json(exc)          # a bad global option (--device bogus) is read here, before invoke
            raise

    def invoke(self, ctx: click.Context) -> Any:
        from ..jobs import Cancelled
        from ..settings import SettingError
        from ..store.errors import LibraryFault, MissingStep, SQLiteError, library_fault

        try:
            with stop_on_sigterm():
                return super().invoke(ctx)
        except SystemExit as exc:
            if exc.code == EXIT_CANCELLED:     # a command that said "cancelled" itself: winding down
                wind_down.exit_at_the_next_interrupt()
            raise
        except KeyboardInterrupt as exc:
            # A Ctrl-C that reaches here (the second one, or one outside a long command) ends with 130,
            # the code README promises, instead of click's "Aborted!" and 1; so does SIGTERM.
            wind_down.exit_at_the_next_interrupt()
            how = "SIGTERM" if isinstance(exc, Terminated) else "Ctrl-C"
            say_error(f"\ncancelled ({how}): committed work is kept", EXIT_CANCELLED)
            sys.exit(EXIT_CANCELLED)
        except Cancelled:
            # a long command stopped by Ctrl-C / SIGTERM that has no message of its own for it: the
            # same code and words, not a traceback logged as a failure
            wind_down.exit_at_the_next_interrupt()
            say_error("cancelled: committed work is kept", EXIT_CANCELLED)
            sys.exit(EXIT_CANCELLED)
        except MissingStep as exc:
            fail(str(exc), exc.exit_code)
        except SettingError as exc:   # a setting that cannot be honoured
            fail(str(exc), EXIT_USAGE)
        except (LibraryFault, SQLiteError) as exc:
            ref = ctx.obj if isinstance(ctx.obj, LibraryRef) else None
            fault = library_fault(exc, ref.path if ref is not None else None)
            if fault is None:
                _log_failure(f"{type(exc).__name__}: {exc}", traceback.format_exc())
                raise
            fail(str(fault) + _damage_hint(fault, ref), fault.exit_code)
        except click.exceptions.ClickException as exc:
            _usage_error_as_json(exc)
            raise                              # usage errors: not failures
        except (click.exceptions.Exit, click.exceptions.Abort, BrokenPipeError):
            raise                              # output piped into `head`: not a failure
        except Exception as exc:
            # a bug: the traceback is shown as before, and kept in the log for a problem report
            _log_failure(f"{type(exc).__name__}: {exc}", traceback.format_exc())
            raise


def _damage_hint(fault, ref: Optional["LibraryRef"]) -> str:
    """A library that read as damaged while in use: closed (nothing more is done with it), then checked
    for a stray -wal beside an intact main file."""
    from ..store.errors import LibraryDamaged

    if ref is None or not isinstance(fault, LibraryDamaged) or "stray file" in str(fault):
        return ""
    from ..store import database_file
    from ..store.salvage import stray_wal_hint

    ref.close()
    return stray_wal_hint(database_file(ref.path))


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
        """The library, opened once; a library that cannot be opened ends the command with its message."""
        from ..store import LibraryError, LibraryFault

        try:
            return self.open_or_raise(create)
        except LibraryFault as exc:
            fail(str(exc), exc.exit_code)
        except LibraryError as exc:
            fail(str(exc), EXIT_NOT_FOUND)

    def open_or_raise(self, create: bool = False):
        """As :meth:`open`, raising the store's error (for a command that has a way out of it)."""
        if self._lib is None:
            from ..store import Library
            from .terminal import terminal_safe

            self._lib = Library(self.path, create=create)
            for notice in self._lib.notices:   # said once, on stderr: stdout may be JSON
                click.secho(f"note: {terminal_safe(notice)}", fg="yellow", err=True)
            ctx = click.get_current_context(silent=True)
            if ctx is not None:                # close at the end of the command: the last connection
                ctx.find_root().call_on_close(self.close)   # checkpoints the WAL into the file
        return self._lib

    def close(self) -> None:
        if self._lib is not None:
            lib, self._lib = self._lib, None
            try:
                lib.close()
            except Exception:  # noqa: BLE001 - closing after a disk failure: nothing more to save
                pass


pass_library = click.make_pass_decorator(LibraryRef)


def _remember_device(ctx: click.Context, param: click.Parameter, value: Optional[str]) -> Optional[str]:
    if value is not None:
        from .. import settings

        settings.set_command_line("device", value)
    return value


def device_option(expose_value: bool = False):
    """``--device auto|cpu|cuda|mps`` for a command that runs an encoder: the command-line layer of the
    ``device`` setting (gapscope.settings), above $GAPSCOPE_DEVICE, the library's and the user's choice."""
    from ..settings import DEVICES

    return click.option("--device", type=click.Choice(DEVICES), default=None, expose_value=expose_value,
                        callback=_remember_device,
                        help="Where the encoder runs (default: the device setting, else CUDA when present).")


class _OptionError(click.BadParameter):
    """Reads "--before: '2025-3-1' is not a date (YYYY-MM-DD)" (click's own: "Invalid value for '--before': ...")."""

    def format_message(self) -> str:
        name = self.param.opts[0] if self.param is not None and self.param.opts else (self.param_hint or "value")
        return f"{name}: {self.message}"


class IsoDate(click.ParamType):
    """Every date option of the CLI (--before, --since, --until): an ISO day, YYYY-MM-DD, checked here and
    passed on as that text (gapscope.dates: a month, a year or "yesterday" is refused). ``with_time`` also
    takes YYYY-MM-DDTHH:MM[:SS] where the command can honour a time of day."""

    name = "date"

    def __init__(self, with_time: bool = False) -> None:
        self.with_time = with_time

    def convert(self, value, param, ctx):
        from ..dates import iso_day, iso_day_or_time

        try:
            return (iso_day_or_time if self.with_time else iso_day)(value)
        except ValueError as exc:
            raise _OptionError(str(exc), ctx=ctx, param=param) from None


ISO_DATE = IsoDate()


def confirm(question: str, *, err: bool = False) -> bool:
    """Ask a yes/no question (default no). No answer (standard input closed or empty, as in a script or a
    pipe, or Ctrl-C at the prompt) is a no that says how to go ahead without asking, instead of click's
    bare "Aborted!" and exit code 1."""
    try:
        return click.confirm(question, default=False, err=err)
    except click.exceptions.Abort:
        click.echo("\nno answer (give --yes to go ahead without asking)", err=True)
        return False


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    # Called inside `except LibraryError`: a missing step or a fault of the library keeps its own code
    # (commands written before those codes existed pass "not found").
    handled = sys.exc_info()[1]
    if handled is not None and code not in (EXIT_OK, EXIT_CANCELLED):
        from ..store.errors import LibraryFault, MissingStep

        if isinstance(handled, (LibraryFault, MissingStep)):
            code = handled.exit_code
    say_error(f"error: {message}", code, fg="red")
    if code not in (EXIT_OK, EXIT_CANCELLED):
        _log_failure(message)
    sys.exit(code)


# ctx.meta keys (one dict shared by every context of an invocation, so the group's handlers see them after
# the subcommand's context is gone): --json was given; the command line's words as typed.
_JSON_GIVEN = "gapscope.json"
_WORDS = "gapscope.words"


def note_json_errors(group: click.Group) -> None:
    """Every command's ``--json`` (the ``as_json`` parameter) records that it was given, so that
    :func:`say_error` also prints the failure as JSON on stdout, wherever in the command it happens."""
    for command in _all_commands(group):
        for param in command.params:
            if param.name == "as_json":
                param.callback = _noting_json(param.callback)


def _noting_json(callback):
    def note(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value:
            ctx.meta[_JSON_GIVEN] = True
        return callback(ctx, param, value) if callback is not None else value

    return note


def _all_commands(group: click.Group) -> Iterator[click.Command]:
    for command in group.commands.values():
        yield command
        if isinstance(command, click.Group):
            yield from _all_commands(command)


def json_errors_wanted(usage_error: bool = False) -> bool:
    """Whether this command was given --json. A usage error may come before click has read --json (the
    options are read in their order): then the words as typed (before a ``--``) tell."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return False
    if ctx.meta.get(_JSON_GIVEN):
        return True
    if not usage_error:
        return False
    words = ctx.meta.get(_WORDS) or []
    return "--json" in (words[:words.index("--")] if "--" in words else words)


def _usage_error_as_json(exc: click.exceptions.ClickException) -> None:
    """A usage error of a command given --json is JSON on stdout too; click then says it on stderr, as
    without --json."""
    if json_errors_wanted(usage_error=True):
        emit_json({"error": exc.format_message(), "code": exc.exit_code})


def say_error(line: str, code: int, fg: Optional[str] = None) -> None:
    """A failure's line on stderr; with --json also ``{"error": ..., "code": ...}`` on stdout, the one
    thing a script that reads stdout gets (the message without its "error: " prefix)."""
    if json_errors_wanted():
        message = line.strip()
        emit_json({"error": message[len("error: "):] if message.startswith("error: ") else message, "code": code})
    click.secho(line, fg=fg, err=True)


def stdout_output_option(help_text: str):
    """``--output/-o`` of a command that prints to standard output by default: ``-`` means standard
    output too (as `export -o -`), not a file named "-"."""
    return click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), help=help_text,
                        callback=lambda _ctx, _param, value: None if value == "-" else value)


def force_option(f):
    """``--force`` of a command that writes a file the user names (the same word as `gapscope sample`'s)."""
    return click.option("--force", is_flag=True, help="Replace the output file when it is already there.")(f)


def refuse_existing(path, force: bool) -> None:
    """Before any work: an output file that is already there (it may hold the user's edits) is refused,
    naming it, unless --force was given."""
    from ..outfiles import OutputExists, check_new

    try:
        check_new(path, force)
    except OutputExists as exc:
        fail(str(exc))


def _log_failure(message: str, details: str = "") -> None:
    """The failure in the app log that `gapscope diagnostics` and Help > Report a Problem read."""
    from ..diagnostics import log_error

    ctx = click.get_current_context(silent=True)
    log_error(f"{ctx.command_path if ctx else 'gapscope'}: {message}", details=details)


def resolve_paper(lib, paper: str) -> int:
    """The library id of PAPER (library id, arXiv id or DOI), or exit 4 with the library's message."""
    from ..store import LibraryError

    try:
        return lib.resolve(paper)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)


def wrap_paragraph(text: str, width: int = 100, indent: str = "") -> str:
    """A paper's text as one wrapped paragraph: the hard line wraps of arXiv abstracts (about half of
    them) are joined first, or click's wrapper keeps each one and the lines come out ragged."""
    return click.wrap_text(" ".join(text.split()), width, initial_indent=indent, subsequent_indent=indent)


def tag_list(tags) -> str:
    """Tags as a line shows them, ", " between them. A tag that holds a comma or a quote (or spaces at its
    ends) is quoted as the shell takes it in `gapscope tag NAME`, so "x, y" reads as one tag, not two,
    and can be copied back as it is: in double quotes where those keep it as written ("Bob's"), else
    in the shell's own single-quote form."""
    return ", ".join(_quoted_tag(t) if re.search(r"[,'\"]|^\s|\s$", t) else t for t in tags)


def _quoted_tag(tag: str) -> str:
    import shlex

    # inside double quotes a shell still reads $ ` \ and ! (history): only a tag without them
    return f'"{tag}"' if not re.search(r'["$`\\!]', tag) else shlex.quote(tag)


def emit_json(obj: Any) -> None:
    # json escapes C0 controls itself; C1 controls (one-byte terminal escapes) are escaped here, so
    # the output is both exact and harmless on a terminal.
    text = json.dumps(obj, ensure_ascii=False, indent=None, default=str)
    click.echo(re.sub("[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text))


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):    # no isatty, or a closed stream
        return False


@contextmanager
def above_progress_bars() -> Iterator[None]:
    """Lines written inside go above the live tqdm bars (cleared first, drawn again after), not into them."""
    from tqdm import tqdm

    with tqdm.external_write_mode(file=sys.stderr):
        yield


@contextmanager
def progress_bar(label: str, enabled: bool = True, plain: Optional[bool] = None, unit: str = "") -> Iterator[Any]:
    """A tqdm bar on stderr driven by the core's ``progress(done, total, message)`` callback, or
    plain lines of text (:class:`PlainProgress`) where stderr is no terminal (``plain`` None: found out
    here; tqdm would draw nothing there). ``unit="B"``: done and total are bytes (an import reports how
    far through its file it is), shown as kB, MB, GB.

    Yields ``(progress, cancel)``: Ctrl-C (or SIGTERM) sets the cancel token first (the core stops cleanly
    at the next batch boundary); a second one interrupts at once.
    """
    import signal

    from ..jobs import CancelToken, Notice

    cancel = CancelToken()
    if plain is None:
        plain = not _is_terminal(sys.stderr)
    if plain:
        progress = bar = PlainProgress(label, enabled=enabled, unit=unit, ticking=True)
    else:
        from tqdm import tqdm

        bar = tqdm(total=0, desc=label, unit=unit, unit_scale=unit == "B", file=sys.stderr,
                   disable=not enabled or None, dynamic_ncols=True, leave=True)

        def progress(done: int, total: int, message: str = "") -> None:
            if isinstance(message, Notice):      # a line of its own, above the bar (also with --quiet)
                bar.write(f"{label}: {message}", file=sys.stderr)
                return
            if bar.total != total:
                bar.total = total
            bar.n = done
            if message:
                bar.set_postfix_str(message[:60], refresh=False)
            bar.refresh()

    # SIGTERM as Ctrl-C: a process manager's stop request gets the same clean stop after the batch
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.getsignal(sig) for sig in signals}

    def on_sigint(signum, frame):  # noqa: ANN001
        from ..jobs import Cancelled

        if cancel.cancelled:
            for sig in signals:
                signal.signal(sig, previous[sig])
            raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()
        again = "SIGTERM: again to abort now" if signum == signal.SIGTERM else "Ctrl-C again to abort now"
        click.echo(f"\nstopping after the current batch ({again})", err=True)
        cancel.cancel()
        if cancel.in_blocking_call:
            raise Cancelled()  # a download in progress stops now, not when its answer is complete

    try:
        for sig in signals:
            signal.signal(sig, on_sigint)
    except ValueError:  # not in the main thread
        pass
    try:
        yield progress, cancel
    finally:
        bar.close()
        # cancelled: the command only winds down from here, and another Ctrl-C ends it with 130 at once
        if not (cancel.cancelled and wind_down.exit_at_the_next_interrupt()):
            try:
                for sig in signals:
                    signal.signal(sig, previous[sig])
            except ValueError:
                pass
