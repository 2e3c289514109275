"""File > Back Up Library…: choose a folder, back the library up into a new dated folder inside it on a
worker (the core's ``Library.backup_to``, which copies the committed state while others use the library),
with progress and Cancel in the status bar, then say what was copied."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Callable, Optional

from PySide6.QtWidgets import QMessageBox, QWidget

from gapscope.textfmt import plural


def backup_name(library: Path, when: Optional[datetime] = None) -> str:
    """``review-backup-2025-03-01-1430.gapscope``: next to other backups it sorts by date."""
    stamp = (when or datetime.now()).strftime("%Y-%m-%d-%H%M")
    return f"{Path(library).stem}-backup-{stamp}.gapscope"


def free_destination(folder: Path, library: Path) -> Path:
    """A name not used yet in ``folder`` (a second backup in the same minute gets ``-2``)."""
    base = backup_name(library)
    dest = folder / base
    n = 2
    while dest.exists():
        dest = folder / base.replace(".gapscope", f"-{n}.gapscope")
        n += 1
    return dest


def _backup(lib, dest, *, progress=None, cancel=None):
    return lib.backup_to(dest, progress=progress, cancel=cancel)


def summary(report) -> str:
    text = (f"Backed up to {report.library}:\n{report.papers:,} papers, {report.pdfs:,} PDFs, {report.runs:,} "
            f"experiment runs ({report.files:,} files), {report.size_text}.\n\n"
            "Open it with File > Open Library…; to restore, use it in place of the library.")
    if report.missing:
        n = len(report.missing)
        text += (f"\n\n{plural(n, 'file')} the library refers to {plural(n, 'was', number=False)} missing and "
                 f"{plural(n, 'is', number=False)} not in the backup:\n" + "\n".join(report.missing[:10]))
    return text


def start_backup(parent: QWidget, tasks, library: Path, choose_folder: Callable[[], str],
                 on_done: Optional[Callable[[object], None]] = None):
    """Ask for the folder, start the backup task; the task, or None when the user cancelled the dialog."""
    folder = choose_folder()
    if not folder:
        return None
    dest = free_destination(Path(folder), Path(library))

    def done(report) -> None:
        (QMessageBox.warning if report.missing else QMessageBox.information)(parent, "Backup made", summary(report))
        if on_done is not None:
            on_done(report)

    def failed(message: str, _tb: str) -> None:
        QMessageBox.warning(parent, "Backup not made", f"The backup was not made ({message}).\n\n"
                            f"Nothing was left in {folder}.")

    task = tasks.run("Back up the library", _backup, dest, library=library, on_result=done, on_error=failed)
    task.leaves_nothing = True     # cancelled, its partial folder is removed: the status bar says so
    return task
