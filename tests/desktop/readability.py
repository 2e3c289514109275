"""What a reader sees, measured on the widgets: each text run with the colour it is drawn in and the
colour under it (label palettes after their style sheets, rich-text fragments, tree items), and a
check that a widget is not narrower or shorter than its text needs."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor, QPalette, Qt, QTextDocument   # QtGui's Qt has mightBeRichText
from PySide6.QtWidgets import (QAbstractButton, QLabel, QLineEdit, QTextEdit, QTreeWidget, QTreeWidgetItemIterator,
                               QWidget)

from gapscope_desktop.theme import contrast

_BLANK = set(" \xa0\u2028\u2029\ufffc\n\t·—")


def dark_palette() -> QPalette:
    """The palette a dark system theme hands a Fusion application (Qt's own dark Fusion colours)."""
    text = QColor(240, 240, 240)
    window = QColor(50, 50, 50)
    base = window.darker(140)
    p = QPalette(text, window, window.lighter(150), window.darker(150), window.darker(130), text, base)
    for role, colour in ((QPalette.Button, window), (QPalette.ButtonText, text),
                         (QPalette.AlternateBase, base.lighter(125)), (QPalette.ToolTipBase, QColor(60, 60, 60)),
                         (QPalette.ToolTipText, text), (QPalette.Highlight, QColor(48, 140, 198)),
                         (QPalette.HighlightedText, text), (QPalette.Link, QColor(48, 140, 198))):
        p.setColor(role, colour)
    return p


def background_of(widget: QWidget) -> QColor:
    """The colour behind a widget's text: the nearest widget (itself or a parent) whose style sheet
    paints a background (a banner), else its palette's window colour."""
    w = widget
    while w is not None:
        if "background" in w.styleSheet():
            return w.palette().color(w.backgroundRole())
        w = w.parentWidget()
    return widget.palette().color(QPalette.Window)


def document_runs(doc: QTextDocument, fg: QColor, bg: QColor) -> list[tuple[str, QColor, QColor]]:
    """(text, colour, background) of each fragment with visible text; a fragment without its own colour
    has ``fg`` (a link: the palette's link colour, which the HTML parser gave it), without its own
    background its paragraph's or ``bg``."""
    out = []
    block = doc.begin()
    while block.isValid():
        block_bg = block.blockFormat().background()
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            it += 1
            text = frag.text()
            if not text or set(text) <= _BLANK:
                continue
            cf = frag.charFormat()
            colour = cf.foreground().color() if cf.foreground().style() != Qt.NoBrush else fg
            under = (cf.background().color() if cf.background().style() != Qt.NoBrush else
                     block_bg.color() if block_bg.style() != Qt.NoBrush else bg)
            out.append((text, QColor(colour), QColor(under)))
        block = block.next()
    return out


def text_runs(widget: QWidget) -> list[tuple[str, QColor, QColor]]:
    """The text runs a widget draws, with their colours."""
    widget.ensurePolished()
    pal = widget.palette()
    if isinstance(widget, QLabel):
        text = widget.text()
        if not text.strip():
            return []
        fg, bg = pal.color(widget.foregroundRole()), background_of(widget)
        if widget.textFormat() == Qt.RichText or (widget.textFormat() == Qt.AutoText and Qt.mightBeRichText(text)):
            doc = QTextDocument()
            doc.setHtml(text)
            return document_runs(doc, fg, bg)
        return [(text, fg, bg)]
    if isinstance(widget, QTextEdit):
        vp = widget.viewport()
        return document_runs(widget.document(), pal.color(QPalette.Text), vp.palette().color(vp.backgroundRole()))
    if isinstance(widget, QAbstractButton) and widget.text().strip():
        return [(widget.text(), pal.color(QPalette.ButtonText), pal.color(QPalette.Button))]
    if isinstance(widget, QLineEdit) and widget.text().strip():
        return [(widget.text(), pal.color(QPalette.Text), pal.color(QPalette.Base))]
    return []


def item_runs(tree: QTreeWidget) -> list[tuple[str, QColor, QColor]]:
    """Tree cells given a colour of their own, against the rows' background (and the alternate rows')."""
    vp = tree.viewport()
    grounds = [vp.palette().color(vp.backgroundRole())]
    if tree.alternatingRowColors():
        grounds.append(tree.palette().color(QPalette.AlternateBase))
    out = []
    it = QTreeWidgetItemIterator(tree)
    while it.value() is not None:
        item = it.value()
        it += 1
        for col in range(tree.columnCount()):
            data = item.data(col, Qt.ForegroundRole)
            if data is not None and item.text(col).strip():
                out += [(item.text(col), QBrush(data).color(), g) for g in grounds]
    return out


def unreadable(runs, minimum: float = 4.5) -> list[str]:
    return [f"{text[:60]!r}: {fg.name()} on {bg.name()} = {contrast(fg, bg):.2f}"
            for text, fg, bg in runs if contrast(fg, bg) < minimum]


def clipped(root: QWidget) -> list[str]:
    """Visible buttons narrower than their text needs and word-wrapped labels shorter than their lines."""
    out = []
    for b in root.findChildren(QAbstractButton):
        if b.isVisible() and b.text() and b.width() + 1 < b.sizeHint().width():
            out.append(f"button {b.text()!r}: {b.width()} px of the {b.sizeHint().width()} it needs")
    for lab in root.findChildren(QLabel):
        if lab.isVisible() and lab.wordWrap() and lab.text() and lab.heightForWidth(lab.width()) > lab.height() + 1:
            out.append(f"label {lab.text()[:50]!r}: {lab.height()} px high of the "
                       f"{lab.heightForWidth(lab.width())} its lines need")
    return out
