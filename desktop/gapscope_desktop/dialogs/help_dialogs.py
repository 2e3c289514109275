"""Help menu: the documentation, the keyboard shortcuts (read from the window's own actions, so the
list cannot go stale) and Report a Problem (a diagnostics file)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Optional

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QListWidget, QListWidgetItem, QPushButton,
                               QSplitter, QTextBrowser, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from .. import theme


def docs_root() -> Optional[Path]:
    """The folder holding README.md and docs/: the source checkout, or the frozen app's data folder."""
    import sys

    import gapscope

    candidates = [Path(gapscope.__file__).resolve().parents[2]]
    if getattr(sys, "frozen", False):
        candidates.insert(0, Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)))
    for c in candidates:
        if (c / "README.md").is_file():
            return c
    return None


def doc_files(root: Optional[Path]) -> list[Path]:
    if root is None:
        return []
    files = [root / "README.md", root / "desktop" / "README.md"]
    files += sorted((root / "docs").glob("*.md")) if (root / "docs").is_dir() else []
    return [f for f in files if f.is_file()]


class DocsDialog(QDialog):
    """README and docs/*.md rendered as Markdown; links between them follow inside the dialog."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("GapScope documentation")
        self.resize(980, 720)
        self.root = docs_root()
        self.files = doc_files(self.root)
        self.index = QListWidget()
        self.index.setObjectName("docIndex")
        for f in self.files:
            item = QListWidgetItem(str(f.relative_to(self.root)))
            item.setData(Qt.UserRole, str(f))
            self.index.addItem(item)
        self.text = QTextBrowser()
        self.text.setObjectName("docText")
        self.text.setOpenExternalLinks(True)
        self.index.currentRowChanged.connect(self._show)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.index)
        split.addWidget(self.text)
        split.setSizes([200, 780])
        folder = QPushButton("Open the docs folder")
        folder.setEnabled(self.root is not None)
        folder.clicked.connect(self.open_folder)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(folder)
        row.addStretch(1)
        row.addWidget(buttons)
        lay = QVBoxLayout(self)
        lay.addWidget(split, 1)
        lay.addLayout(row)
        if self.files:
            self.index.setCurrentRow(0)
        else:
            self.text.setMarkdown("The documentation (README.md and docs/) is not installed beside this copy of "
                                  "GapScope. `gapscope --help` lists every command.")

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.files):
            f = self.files[row]
            self.text.setSearchPaths([str(f.parent)])
            self.text.setMarkdown(f.read_text(encoding="utf-8", errors="replace"))

    def open_folder(self) -> None:
        if self.root is not None:
            target = self.root / "docs" if (self.root / "docs").is_dir() else self.root
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def _where(obj, window) -> str:
    """Where a shortcut works: the window, a part of it that has an accessible name (the paper
    details, say), or another window's title (a dialog)."""
    w = obj if isinstance(obj, QWidget) else obj.parent()
    if isinstance(w, QWidget) and w.window() is not window:
        return w.window().windowTitle() or "Dialog"
    while isinstance(w, QWidget) and w is not window:
        if w.accessibleName():
            return w.accessibleName()
        w = w.parent()
    return "Window"


def window_shortcuts(window) -> list[tuple[str, str, str]]:
    """(where, keys, what) for every shortcut the window has: its actions (menus, toolbar, panes), the
    QShortcuts of its widgets and dialogs, and the views' own keys (``key_help``)."""
    rows: list[tuple[str, str, str]] = []
    seen = set()
    for a in window.findChildren(QAction):
        keys = ", ".join(k.toString(QKeySequence.NativeText) for k in a.shortcuts() if not k.isEmpty())
        if keys and (keys, _plain(a.text())) not in seen:
            seen.add((keys, _plain(a.text())))
            rows.append((_where(a, window), keys, _plain(a.text())))
    for sc in window.findChildren(QShortcut):
        keys = sc.key().toString(QKeySequence.NativeText)
        if keys:
            owner = sc.parent()
            what = sc.whatsThis() or (owner.accessibleName() or owner.objectName() or type(owner).__name__)
            rows.append((_where(owner, window), keys, what))
    for view, name in ((getattr(window, "triage_view", None), "Triage"),):
        if view is not None and hasattr(view, "key_help"):
            rows += [(name, k, w) for k, w in view.key_help()]
    rows.sort(key=lambda r: r[0] != "Window")      # the window's own first, then each part's
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, window, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 560)
        self.tree = QTreeWidget()
        self.tree.setObjectName("shortcutList")
        self.tree.setHeaderLabels(["Where", "Keys", "What it does"])
        self.tree.setRootIsDecorated(False)
        self.rows = window_shortcuts(window)
        for where, keys, what in self.rows:
            self.tree.addTopLevelItem(QTreeWidgetItem([where, keys, what]))
        for i in range(3):
            self.tree.resizeColumnToContents(i)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tree, 1)
        lay.addWidget(buttons)


def qt_versions() -> dict[str, str]:
    import PySide6
    from PySide6.QtCore import qVersion
    from PySide6.QtGui import QGuiApplication

    return {"pyside6": PySide6.__version__, "qt": qVersion(), "qt_platform": QGuiApplication.platformName()}


def about_html() -> str:
    from gapscope import __version__

    v = qt_versions()
    import platform

    return (f"<b>GapScope {html.escape(__version__)}</b><p>Collect papers, map what is known, find what is "
            "missing, and test it.</p>"
            f"<p style='color:{theme.colour('tertiary')};'>Python {html.escape(platform.python_version())} · "
            f"Qt {html.escape(v['qt'])} · "
            f"PySide6 {html.escape(v['pyside6'])}</p><p>MIT licence.</p>")
