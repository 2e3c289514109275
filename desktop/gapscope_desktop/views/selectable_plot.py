"""A pyqtgraph ViewBox where Shift-drag draws a selection rectangle instead of panning."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsRectItem

from .. import theme


class SelectViewBox(pg.ViewBox):
    rectSelected = Signal(float, float, float, float)  # x0, y0, x1, y1 in data coordinates

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._band = QGraphicsRectItem()
        self._colour_band()
        self._band.hide()
        self.addItem(self._band, ignoreBounds=True)
        from ..theme_live import watcher

        watcher().changed.connect(self._colour_band)

    def _colour_band(self) -> None:
        edge = QColor(theme.colour("link"))        # the link blue, light under a dark palette
        self._band.setPen(pg.mkPen(edge, width=1, style=Qt.DashLine))
        edge.setAlpha(40)
        self._band.setBrush(pg.mkBrush(edge))

    def mouseDragEvent(self, ev, axis=None) -> None:
        if ev.button() == Qt.LeftButton and ev.modifiers() & Qt.ShiftModifier:
            ev.accept()
            a = self.mapToView(ev.buttonDownPos())
            b = self.mapToView(ev.pos())
            rect = QRectF(a, b).normalized()
            self._band.setRect(rect)
            self._band.show()
            if ev.isFinish():
                self._band.hide()
                self.rectSelected.emit(rect.left(), rect.top(), rect.right(), rect.bottom())
            return
        super().mouseDragEvent(ev, axis)
