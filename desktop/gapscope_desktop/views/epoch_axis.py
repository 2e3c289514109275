"""An axis of epochs: ticks at whole epochs only (pyqtgraph's own axis reads 0.1 ... 0.9 on a plot of
one epoch, or of none)."""

from __future__ import annotations

import pyqtgraph as pg


class EpochAxis(pg.AxisItem):
    def tickSpacing(self, minVal: float, maxVal: float, size: float):  # noqa: N802,N803 - pyqtgraph override
        levels = [(float(round(spacing)), offset) for spacing, offset in super().tickSpacing(minVal, maxVal, size)
                  if spacing >= 1 and round(offset) == offset]
        unique = [lv for k, lv in enumerate(levels) if lv not in levels[:k]]
        return unique or [(1.0, 0.0)]       # a range under one epoch: a tick at each whole epoch in it
