"""A light, quiet look on top of Fusion: native-feeling spacing, a blue accent, readable tables."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

STYLE = """
QToolBar#mainToolbar { spacing: 4px; padding: 3px 6px; border-bottom: 1px solid #d8d8d8; }
QToolBar#mainToolbar QToolButton { padding: 4px 10px; border-radius: 4px; }
QToolBar#mainToolbar QToolButton:hover { background: #e6eef9; }
QTreeWidget#sidebar { background: #f3f4f6; border: none; border-right: 1px solid #dcdcdc; padding-top: 4px; }
QTreeWidget#sidebar::item { padding: 3px 2px; }
QTreeWidget#sidebar::item:selected { background: #d6e4f7; color: #10335f; }
QTabWidget#views::pane { border: none; }
QTabBar::tab { padding: 6px 16px; }
QTableView#paperTable { border: none; selection-background-color: #cfe0f6; selection-color: #111; }
QHeaderView::section { padding: 4px 6px; border: none; border-bottom: 1px solid #d0d0d0;
                       border-right: 1px solid #e6e6e6; background: #fafafa; color: #333; }
QLineEdit#searchBox { padding: 4px 6px; border: 1px solid #c8c8c8; border-radius: 4px; }
QLineEdit#searchBox:focus { border-color: #5b8fd8; }
QLabel#filterLabel { color: #555; padding-left: 8px; }
QTextBrowser { border: none; }
QStatusBar { border-top: 1px solid #dcdcdc; }
"""


def apply_style(app) -> None:
    pal = app.palette()
    pal.setColor(QPalette.Highlight, QColor("#3a7bd5"))
    pal.setColor(QPalette.AlternateBase, QColor("#f7f9fc"))
    pal.setColor(QPalette.Link, QColor("#1f5fbf"))
    app.setPalette(pal)
    app.setStyleSheet(STYLE)
