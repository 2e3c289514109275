"""`gapscope backup`: a consistent copy of the library, made by SQLite while others may use it."""

from __future__ import annotations

import click

from .common import EXIT_ERROR, fail, pass_library


@click.command()
@click.argument("dest", type=click.Path())
@pass_library
def backup(ref, dest) -> None:
    """Copy the library to DEST (a new NAME.gapscope folder, or a new file), safely while the window
    or an import uses it: through SQLite's backup API, never a plain file copy of the live database."""
    lib = ref.open()
    try:
        written = lib.backup_to(dest)
    except FileExistsError as exc:
        fail(str(exc), EXIT_ERROR)
    click.echo(f"backed up {lib.path} to {written}")


def register(main: click.Group) -> None:
    main.add_command(backup)
