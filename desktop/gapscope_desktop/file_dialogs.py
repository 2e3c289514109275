"""Every file dialog of the app, built so that it never opens a file it lists.

Why: SQLite's locks on the library are POSIX advisory locks, held per process and per file. When any
other descriptor of the library file in this process is closed, the process loses ALL its locks on it,
and the next GapScope process that opens and closes the library deletes the -wal and -shm files under
the window ("disk I/O error", and a write then can corrupt the file). Qt's stock icon provider asks
QMimeDatabase for each listed file's type, and QMimeDatabase opens any file whose name does not settle
the type to sniff its first bytes: listing the library's folder was enough.

So: dialogs are Qt's own (not the platform's native dialog, which runs in this process on Linux and
Windows and sniffs files the same way), with an icon provider that answers from the file name and
``stat`` alone. A library is a folder ``NAME.gapscope/``: opening one picks the folder, never the
database file inside it. See docs/architecture.md, "Library file safety".
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import QFileInfo
from PySide6.QtGui import QAbstractFileIconProvider
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QWidget

LIBRARY_SUFFIX = ".gapscope"


class StatOnlyIconProvider(QFileIconProvider):
    """Icons and type names from what ``stat`` says (folder, file, drive), never from the content."""

    def icon(self, what):  # noqa: ANN001 - an IconType or a QFileInfo
        if isinstance(what, QFileInfo):
            if what.isRoot():
                kind = QAbstractFileIconProvider.IconType.Drive
            elif what.isDir():
                kind = QAbstractFileIconProvider.IconType.Folder
            else:
                kind = QAbstractFileIconProvider.IconType.File
            return super().icon(kind)
        return super().icon(what)

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "GapScope library" if info.fileName().endswith(LIBRARY_SUFFIX) else "Folder"
        suffix = info.suffix()
        return f"{suffix.upper()} file" if suffix else "File"


def make_dialog(parent: Optional[QWidget], caption: str, directory: str = "", name_filter: str = "") -> QFileDialog:
    """A Qt (non-native) file dialog whose listing never opens a file."""
    dlg = QFileDialog(parent, caption, directory, name_filter)
    dlg.setOption(QFileDialog.DontUseNativeDialog, True)
    dlg.setOption(QFileDialog.DontUseCustomDirectoryIcons, True)
    dlg._icon_provider = StatOnlyIconProvider()  # the dialog does not own it: keep it alive with the dialog
    dlg.setIconProvider(dlg._icon_provider)
    return dlg


def _run(dlg: QFileDialog) -> str:
    if dlg.exec() != QFileDialog.Accepted:
        return ""
    files = dlg.selectedFiles()
    return files[0] if files else ""


def open_file_name(parent: Optional[QWidget], caption: str, directory: str = "", name_filter: str = "") -> str:
    """An existing file to read, or "" when cancelled."""
    dlg = make_dialog(parent, caption, directory, name_filter)
    dlg.setAcceptMode(QFileDialog.AcceptOpen)
    dlg.setFileMode(QFileDialog.ExistingFile)
    return _run(dlg)


def open_file_names(parent: Optional[QWidget], caption: str, directory: str = "", name_filter: str = "") -> list[str]:
    """Existing files to read (one or many), or [] when cancelled."""
    dlg = make_dialog(parent, caption, directory, name_filter)
    dlg.setAcceptMode(QFileDialog.AcceptOpen)
    dlg.setFileMode(QFileDialog.ExistingFiles)
    return list(dlg.selectedFiles()) if dlg.exec() == QFileDialog.Accepted else []


def save_file_name(parent: Optional[QWidget], caption: str, directory: str = "", name_filter: str = "") -> str:
    """A file to write (asks before overwriting), or "" when cancelled."""
    dlg = make_dialog(parent, caption, directory, name_filter)
    dlg.setAcceptMode(QFileDialog.AcceptSave)
    dlg.setFileMode(QFileDialog.AnyFile)
    return _run(dlg)


def library_folder(parent: Optional[QWidget], directory: str = "") -> str:
    """An existing library folder (``NAME.gapscope``) to open, or "" when cancelled. Only folders are
    listed: the database inside is never shown, selected or read by the dialog."""
    dlg = make_dialog(parent, "Open a library (a .gapscope folder)", directory)
    dlg.setAcceptMode(QFileDialog.AcceptOpen)
    dlg.setFileMode(QFileDialog.Directory)
    dlg.setOption(QFileDialog.ShowDirsOnly, True)
    return _run(dlg)


def new_library_folder(parent: Optional[QWidget], directory: str = "") -> str:
    """A name for a new library; the ``.gapscope`` folder suffix is added when missing."""
    dlg = make_dialog(parent, "Create a library", directory, f"GapScope library (*{LIBRARY_SUFFIX})")
    dlg.setAcceptMode(QFileDialog.AcceptSave)
    dlg.setFileMode(QFileDialog.AnyFile)
    dlg.setOption(QFileDialog.ShowDirsOnly, True)
    path = _run(dlg)
    if path and not path.endswith(LIBRARY_SUFFIX):
        path += LIBRARY_SUFFIX
    return path


def start_folder(path: Optional[Path]) -> str:
    """Where a dialog about a library starts: the folder that holds the library (never its file)."""
    return str(path.parent) if path is not None else str(Path.home())


def destination_folder(parent: Optional[QWidget], caption: str, directory: str = "") -> str:
    """An existing folder to write into (a backup goes into a new folder inside it), or "" when cancelled."""
    return existing_folder(parent, caption, directory)


def existing_folder(parent: Optional[QWidget], caption: str, directory: str = "") -> str:
    """An existing folder (to read from or write into), or "" when cancelled."""
    dlg = make_dialog(parent, caption, directory)
    dlg.setAcceptMode(QFileDialog.AcceptOpen)
    dlg.setFileMode(QFileDialog.Directory)
    dlg.setOption(QFileDialog.ShowDirsOnly, True)
    return _run(dlg)
