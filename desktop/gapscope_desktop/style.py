"""A quiet look on top of Fusion: native-feeling spacing, a blue accent, readable tables. The colours
come from theme.py, so that a dark system palette gets a dark version of the same look."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from . import theme

STYLE = """
QToolBar#mainToolbar {{ spacing: 4px; padding: 3px 6px; border-bottom: 1px solid {line}; }}
QToolBar#mainToolbar QToolButton {{ padding: 4px 10px; border-radius: 4px; }}
QToolBar#mainToolbar QToolButton:hover {{ background: {hover}; }}
QTreeWidget#sidebar {{ background: {panel}; border: none; border-right: 1px solid {line}; padding-top: 4px; }}
QTreeWidget#sidebar::item {{ padding: 3px 2px; }}
QTreeWidget#sidebar::item:selected {{ background: {selected}; color: {selected_text}; }}
QTabWidget#views::pane {{ border: none; }}
QTabBar::tab {{ padding: 6px 16px; }}
QTableView#paperTable {{ border: none; selection-background-color: {row_selected};
                         selection-color: {row_selected_text}; }}
QHeaderView::section {{ padding: 4px 6px; border: none; border-bottom: 1px solid {line};
                       border-right: 1px solid {line_soft}; background: {header}; color: {header_text}; }}
QLineEdit#searchBox {{ padding: 4px 6px; border: 1px solid {line_strong}; border-radius: 4px; }}
QLineEdit#searchBox:focus {{ border-color: {focus}; }}
QLabel#filterLabel {{ color: {secondary}; padding-left: 8px; }}
QTextBrowser {{ border: none; }}
QStatusBar {{ border-top: 1px solid {line}; }}
"""

_SHEET_COLOURS = ("line", "line_soft", "line_strong", "hover", "panel", "selected", "selected_text", "row_selected",
                  "row_selected_text", "header", "header_text", "focus", "secondary")


def style_sheet(palette: QPalette) -> str:
    return STYLE.format(**{name: theme.colour(name, palette) for name in _SHEET_COLOURS})


def apply_style(app) -> None:
    """The palette's accent, alternate rows and links, then the style sheet; a dark palette keeps its own
    alternate rows and gets a link colour that reads on it."""
    pal = app.palette()
    pal.setColor(QPalette.Highlight, QColor(theme.colour("accent", pal)))
    pal.setColor(QPalette.AlternateBase, QColor(theme.colour("alternate_base", pal)))
    pal.setColor(QPalette.Link, QColor(theme.colour("link", pal)))
    app.setPalette(pal)
    app.setStyleSheet(style_sheet(pal))
