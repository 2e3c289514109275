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


_OWN_ROLES = (QPalette.Highlight, QPalette.AlternateBase, QPalette.Link)


def apply_style(app) -> None:
    """The palette's accent, alternate rows and links, then the style sheet; a dark palette keeps its own
    alternate rows and gets a link colour that reads on it. Run again on a palette change: the roles
    this set last time go back to the system's first (Qt keeps a role set on the application across a
    change of the system's colour scheme: light alternate rows would stay under a dark theme). Only
    when the rest of the palette changed and those roles did not: a palette set with roles of its own
    keeps them."""
    pal = QPalette(app.palette())
    under, ours = getattr(app, "_gapscope_roles", ((), {}))
    changed = under != _other_roles(pal)
    stale = [role for role, value in ours.items() if changed and pal.color(role).name() == value]
    if stale:
        pal.setResolveMask(pal.resolveMask() & ~_role_bits(stale))
        app.setPalette(pal)             # resolved against the system's palette for those roles
        pal = QPalette(app.palette())
    pal.setColor(QPalette.Highlight, QColor(theme.accent(pal)))
    pal.setColor(QPalette.AlternateBase, QColor(theme.colour("alternate_base", pal)))
    pal.setColor(QPalette.Link, QColor(theme.colour("link", pal)))
    app._gapscope_roles = (_other_roles(pal), {role: pal.color(role).name() for role in _OWN_ROLES})
    app.setPalette(pal)
    app.setStyleSheet(style_sheet(pal))


def _other_roles(pal: QPalette) -> tuple:
    """The palette's colours but those apply_style sets: when they change, the palette under it did."""
    return tuple(pal.color(group, QPalette.ColorRole(role)).name()
                 for group in (QPalette.Active, QPalette.Disabled, QPalette.Inactive)
                 for role in range(QPalette.NColorRoles.value) if QPalette.ColorRole(role) not in _OWN_ROLES)


def _role_bits(roles) -> int:
    """The resolve-mask bits of ``roles`` in every colour group."""
    probe = QPalette()
    probe.setResolveMask(0)
    for role in roles:
        probe.setColor(role, probe.color(role))       # the same colour: only the bit matters
    return probe.resolveMask()
