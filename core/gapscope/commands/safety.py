"""`gapscope backup`: a library you can open and restore from, made while others may use the original."""

from __future__ import annotations

import sys

import click

from .common import EXIT_CANCELLED, EXIT_ERROR, EXIT_PARTIAL, emit_json, fail, pass_library, progress_bar
from .terminal import terminal_safe as safe
from ..textfmt import plural


def _copy_or_fail(copy, dest, label: str, quiet: bool, as_json: bool):
    """Run ``copy(progress, cancel)`` under a progress bar; a failure ends the command, naming what was
    not made (nothing is left at DEST then)."""
    from ..jobs import Cancelled
    from ..store.backup import BackupError

    try:
        with progress_bar(label, enabled=not quiet and not as_json) as (progress, cancel):
            return copy(progress, cancel)
    except FileExistsError as exc:
        fail(str(exc), EXIT_ERROR)
    except Cancelled:
        fail("backup cancelled: nothing was written", EXIT_CANCELLED)
    except BackupError as exc:
        fail(f"backup not made: {exc}; nothing was written to {dest}", EXIT_ERROR)
    except OSError as exc:
        fail(f"backup not made ({exc}); nothing was written to {dest}", EXIT_ERROR)


def _salvage(ref, dest, reason: str, code: int, quiet: bool, as_json: bool) -> None:
    """Save the library folder's files/, runs/ and experiments/ without its database."""
    from ..store.backup import backup_files_only

    ref.close()                                # nothing of ours holds the file while it is copied around
    done = _copy_or_fail(lambda progress, cancel: backup_files_only(ref.path, dest, progress=progress, cancel=cancel),
                         dest, "backup (files)", quiet, as_json)
    if as_json:
        emit_json({**done.to_dict(), "database_copied": False, "reason": reason})
    else:
        click.echo(f"saved the files of {safe(str(ref.path))} to {safe(str(done.library))}: {done.pdfs} PDFs,"
                   f" {done.runs} run folders, {done.upgrade_copies} database copies from before schema upgrades"
                   f" (backups/) ({done.files} files), {done.size_text}")
    for line in done.notes:
        click.secho(f"note: {safe(line)}", fg="yellow", err=True)
    click.secho(f"the database was not copied: {safe(reason)}", fg="yellow", err=True)
    click.echo("run folders kept outside the library folder are not saved without the database", err=True)
    if code:
        sys.exit(code)


@click.command()
@click.argument("dest", type=click.Path())
@click.option("--files-only", is_flag=True,
              help="Save only the files the library folder holds (PDFs, runs, saved specs), not its database;"
                   " what backup does by itself when the database is damaged.")
@click.option("--json", "as_json", is_flag=True, help="What was copied, as one JSON object.")
@click.option("--quiet", "-q", is_flag=True)
@pass_library
def backup(ref, dest, files_only, as_json, quiet) -> None:
    """Back up the library into DEST, a new folder (NAME.gapscope): the database, the attached PDFs, the
    saved specs and the folders of its experiment runs. Safe while the window or an import uses the library: the
    database is copied by SQLite's backup API, never as a plain file. The backup is built in a hidden
    folder and renamed to DEST at the end, so a cancelled or failed backup leaves no DEST. Open it with
    `gapscope -L DEST`; restore by using it in place of the library. Exit 3 when a file the library
    references was missing (it is named; the rest is backed up). A damaged database is not copied: its
    PDFs, runs and specs are still saved into DEST, and the exit code is the damage's (17)."""
    from ..diagnostics import log_error
    from ..store import LibraryError
    from ..store.errors import LibraryDamaged, NotALibrary, SQLiteError, library_fault

    if files_only:
        return _salvage(ref, dest, "--files-only was given", 0, quiet, as_json)
    try:
        lib = ref.open_or_raise()
    except (LibraryDamaged, NotALibrary) as exc:     # what the folder holds besides the database is saved
        return _salvage(ref, dest, str(exc), exc.exit_code, quiet, as_json)
    except LibraryError:
        lib = ref.open()                            # its own message and exit code
    try:
        done = _copy_or_fail(lambda progress, cancel: lib.backup_to(dest, progress=progress, cancel=cancel),
                             dest, "backup", quiet, as_json)
    except SQLiteError as exc:
        fault = library_fault(exc, ref.path)
        if not isinstance(fault, LibraryDamaged):
            raise
        return _salvage(ref, dest, str(fault), fault.exit_code, quiet, as_json)
    for line in done.missing:
        click.secho(f"warning: {safe(line)}", fg="yellow", err=True)
        log_error(f"backup to {done.library}: {line}", level="WARNING")
    for line in done.notes:
        click.secho(f"note: {safe(line)}", fg="yellow", err=True)
    if as_json:
        emit_json(done.to_dict())
    else:
        click.echo(f"backed up {safe(str(lib.path))} to {safe(str(done.library))}: {done.papers} papers,"
                   f" {done.pdfs} PDFs, {done.runs} runs ({done.files} files), {done.size_text}")
        if done.missing:
            n = len(done.missing)
            click.echo(f"{plural(n, 'referenced file')} {plural(n, 'was', number=False)} missing and"
                       f" {plural(n, 'is', number=False)} not in the backup", err=True)
    if done.missing:
        sys.exit(EXIT_PARTIAL)


def register(main: click.Group) -> None:
    main.add_command(backup)
