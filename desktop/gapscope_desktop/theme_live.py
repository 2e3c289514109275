"""A change of palette while GapScope runs (the system's colour scheme switched, or a palette set on the
application) takes effect at once: the style is applied anew and every colour already drawn from
theme.py is swapped for the same name's colour under the new palette, in place, so that nothing a
reader has (a selection, a scroll position, typed text, an open dialog) is lost.

In place, because the colours sit in many forms: style sheets, rich text in labels and text panes,
tree and list items, plots. Each colour is mapped by what it was under the old palette to what that
name is under the new one; text colours and backgrounds apart, since a name of each can share a value.
Anything rendered after the change reads theme.py anew. A view with colours of its own to redo (plot
pens) connects to ``watcher().changed``.
"""

from __future__ import annotations

import re
import sys
from typing import Optional

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QApplication, QLabel, QListWidget, QTableWidget, QTextEdit, QTreeWidget,
                               QTreeWidgetItemIterator)

from . import theme

_HEX = re.compile(r"#[0-9a-fA-F]{6}\b")
_STYLE_ATTR = re.compile(r"""style\s*=\s*(["'])(.*?)\1""", re.S)
_PROPERTY = re.compile(r"([\w-]+)\s*:\s*([^;{}]*)")
_BACKGROUNDS = ("background", "background-color", "selection-background-color")


# The names a widget's own content may hold (the application style sheet is made anew instead): a name
# of the chrome that takes the palette's text colour (the selection's, the plot labels') would make the
# way back ambiguous, so only these. Plots map their own few.
WIDGET_TEXT = (sorted(theme.ON_FILLS) + sorted(set(theme.TEXT) - theme.ON_FILLS)
               + ["link", "chip_text", "line", "banner_border"])
PLOT_TEXT, PLOT_FILL = ["plot_label", "plot_foreground"], ["plot_background"]


class ColourMap:
    """What each theme colour under ``old`` becomes under ``new``, for text and for backgrounds."""

    def __init__(self, old: QPalette, new: QPalette, text_names=None, fill_names=None) -> None:
        # on a shared old value the name with the most grounds to read on wins (a facet colour over "good")
        text_names = text_names or WIDGET_TEXT
        self.text = self._pairs(text_names, old, new)
        self.fill = self._pairs(fill_names or list(theme.FILL), old, new)
        if fill_names is None:
            for c in sorted(theme.CUSTOM_FILLS):
                self.fill.setdefault(theme.highlight_fill(c, old), theme.highlight_fill(c, new))

    @staticmethod
    def _pairs(names, old: QPalette, new: QPalette) -> dict[str, str]:
        out: dict[str, str] = {}
        for name in names:
            out.setdefault(theme.colour(name, old), theme.colour(name, new))
        return out

    def colour(self, value: QColor, background: bool = False) -> Optional[QColor]:
        """The new colour for ``value`` (its alpha kept), None when it is no theme colour."""
        new = (self.fill if background else self.text).get(value.name())
        if new is None:
            return None
        out = QColor(new)
        out.setAlpha(value.alpha())
        return out

    def css(self, text: str) -> str:
        """A style sheet or a style attribute with its colours mapped, by property."""
        def prop(m: re.Match) -> str:
            background = m.group(1).lower() in _BACKGROUNDS
            head = m.group(0)[:m.start(2) - m.start(0)]
            return head + _HEX.sub(lambda h: self._hex(h.group(0), background), m.group(2))
        return _PROPERTY.sub(prop, text)

    def html(self, text: str) -> str:
        return _STYLE_ATTR.sub(lambda m: f"style={m.group(1)}{self.css(m.group(2))}{m.group(1)}", text)

    def _hex(self, value: str, background: bool) -> str:
        new = self.colour(QColor(value), background)
        return new.name() if new is not None else value


def recolour_document(doc, cmap: ColourMap) -> None:
    """Text colours, backgrounds and table borders of a rich-text document, changed in place."""
    cursor = QTextCursor(doc)
    block = doc.begin()
    while block.isValid():
        bf = block.blockFormat()
        if bf.background().style() != Qt.NoBrush:
            new = cmap.colour(bf.background().color(), background=True)
            if new is not None:
                bf.setBackground(new)
                cursor.setPosition(block.position())
                cursor.setBlockFormat(bf)
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            it += 1
            cf, change = frag.charFormat(), QTextCharFormat()
            for brush, setter, background in ((cf.foreground(), change.setForeground, False),
                                              (cf.background(), change.setBackground, True)):
                if brush.style() != Qt.NoBrush:
                    new = cmap.colour(brush.color(), background)
                    if new is not None:
                        setter(QBrush(new))
            if change.properties():
                cursor.setPosition(frag.position())
                cursor.setPosition(frag.position() + frag.length(), QTextCursor.KeepAnchor)
                cursor.mergeCharFormat(change)
        block = block.next()
    for frame in doc.rootFrame().childFrames():
        ff = frame.frameFormat()
        if ff.borderBrush().style() != Qt.NoBrush:
            new = cmap.colour(ff.borderBrush().color())
            if new is not None:
                ff.setBorderBrush(QBrush(new))
                frame.setFrameFormat(ff)


def _items(view) -> list:
    if isinstance(view, QTreeWidget):
        out, it = [], QTreeWidgetItemIterator(view)
        while it.value() is not None:
            out.append(it.value())
            it += 1
        return out
    if isinstance(view, QListWidget):
        return [view.item(r) for r in range(view.count())]
    return [view.item(r, c) for r in range(view.rowCount()) for c in range(view.columnCount())
            if view.item(r, c) is not None]


def _recolour_items(view, cmap: ColourMap) -> None:
    """Item text and background colours; the view's signals held (an itemChanged is no edit)."""
    columns = view.columnCount() if isinstance(view, QTreeWidget) else 1
    view.blockSignals(True)
    try:
        for item in _items(view):
            for col in range(columns):
                args = (col,) if isinstance(view, QTreeWidget) else ()
                for role, background in ((Qt.ForegroundRole, False), (Qt.BackgroundRole, True)):
                    data = item.data(*args, role)
                    new = cmap.colour(QBrush(data).color(), background) if data is not None else None
                    if new is not None:
                        item.setData(*args, role, QBrush(new))
                tip = item.data(*args, Qt.ToolTipRole)
                if isinstance(tip, str) and cmap.html(tip) != tip:
                    item.setData(*args, Qt.ToolTipRole, cmap.html(tip))
        if isinstance(view, QTreeWidget):
            header = view.headerItem()
            for col in range(columns):
                if cmap.html(header.toolTip(col)) != header.toolTip(col):
                    header.setToolTip(col, cmap.html(header.toolTip(col)))
    finally:
        view.blockSignals(False)
    view.viewport().update()


def _recolour_plot(plot, cmap: ColourMap) -> None:
    import pyqtgraph as pg

    background, foreground = theme.colour("plot_background"), theme.colour("plot_foreground")
    plot.setBackground(background)
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getPlotItem().getAxis(name)
        axis.setPen(foreground)
        axis.setTextPen(foreground)
    for item in {id(i): i for i in plot.getPlotItem().items + list(plot.scene().items())}.values():  # once each
        if isinstance(item, pg.TextItem):
            new = cmap.colour(item.textItem.defaultTextColor())
            if new is not None:
                item.setColor(new)
            if item.fill.style() != Qt.NoBrush:
                fill = cmap.colour(item.fill.color(), background=True)
                if fill is not None:
                    item.fill = pg.mkBrush(fill)
                    item.update()
        elif isinstance(item, pg.LegendItem):
            item.setLabelTextColor(foreground)


def recolour_widgets(cmap: ColourMap, plot_map: ColourMap) -> None:
    """Every widget's theme colours, mapped in place (a plot's by ``plot_map``)."""
    plots = sys.modules.get("pyqtgraph")
    if plots is not None:
        plots.setConfigOptions(background=theme.colour("plot_background"),
                               foreground=theme.colour("plot_foreground"))
    for w in QApplication.allWidgets():
        if w.toolTip() and cmap.html(w.toolTip()) != w.toolTip():
            w.setToolTip(cmap.html(w.toolTip()))
        sheet = w.styleSheet()
        if sheet and cmap.css(sheet) != sheet:
            w.setStyleSheet(cmap.css(sheet))
        if isinstance(w, QLabel) and w.text():
            text = cmap.html(w.text())
            if text != w.text():
                w.setText(text)
        elif isinstance(w, QTextEdit) and w.isReadOnly():
            recolour_document(w.document(), cmap)
        elif isinstance(w, (QTreeWidget, QListWidget, QTableWidget)):
            _recolour_items(w, cmap)
        elif plots is not None and isinstance(w, plots.PlotWidget):
            _recolour_plot(w, plot_map)


class ThemeWatcher(QObject):
    """Applies the style anew on a palette or colour-scheme change, then recolours what is shown."""

    changed = Signal()

    def __init__(self, app) -> None:
        super().__init__(app)
        self.app = app
        self.palette = QPalette(app.palette())
        self._busy = False
        app.paletteChanged.connect(self.refresh)
        app.styleHints().colorSchemeChanged.connect(self.refresh)

    def refresh(self, *_args) -> None:
        if self._busy:                      # apply_style's own setPalette
            return
        self._busy = True
        try:
            from .style import apply_style

            apply_style(self.app)
            old, new = self.palette, QPalette(self.app.palette())
            self.palette = new
            if _theme_key(old) == _theme_key(new):
                return
            recolour_widgets(ColourMap(old, new), ColourMap(old, new, PLOT_TEXT, PLOT_FILL))
        finally:
            self._busy = False
        self.changed.emit()


def _theme_key(p: QPalette) -> tuple:
    roles = (QPalette.Window, QPalette.WindowText, QPalette.Base, QPalette.AlternateBase, QPalette.Text,
             QPalette.ToolTipBase, QPalette.Button, QPalette.Highlight, QPalette.Link)
    return tuple(p.color(r).name() for r in roles)


def watch(app=None) -> ThemeWatcher:
    """The application's watcher, made on the first call (create_app; a view connecting to it may come first)."""
    app = app or QApplication.instance()
    found = app.findChild(ThemeWatcher)
    return found if found is not None else ThemeWatcher(app)


def watcher() -> ThemeWatcher:
    return watch()
