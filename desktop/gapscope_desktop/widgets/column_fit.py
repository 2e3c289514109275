"""Columns fitted to their words until the user drags one.

A table whose columns a view fits again and again (on every refresh, filter or resize of the table) used to
throw away the width the user dragged a column to. :class:`ColumnFit` is the one place those views fit their
columns through: a dragged width wins over every later fit and is kept in the settings (by the column's title,
so a column added or moved later does not take another's width) for the next session; a double click on the
column's right edge gives it back to the fit."""

from __future__ import annotations

import json
from typing import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractItemView, QHeaderView

from .. import settings


def _header(view: QAbstractItemView) -> QHeaderView:
    return view.header() if hasattr(view, "header") else view.horizontalHeader()


def contents_width(view: QAbstractItemView, col: int) -> int:
    """The width ``col`` needs for its rows and its title (what resizeColumnToContents gives it)."""
    return max(view.sizeHintForColumn(col), _header(view).sectionSizeHint(col))


class ColumnFit(QObject):
    """``fit() -> {column: width}``: the widths the view would give its columns now; :meth:`apply` sets them,
    but a column the user dragged keeps the user's width. ``key`` names the table in the settings."""

    def __init__(self, view: QAbstractItemView, key: str, fit: Callable[[], dict[int, int]]) -> None:
        super().__init__(view)
        self.view, self.key, self._fit = view, f"columns/{key}", fit
        self._fitting = False           # the widths set now are the fit's, not the user's
        self._pressed = False           # the mouse is down on the header: a width changing now is a drag
        self._fitted: set[int] = set()  # the columns the fit sets (others: the stretched last one, fixed ones)
        self.user = self._load()        # column title -> the width the user dragged it to
        header = _header(view)
        header.sectionResized.connect(self._resized)
        header.sectionHandleDoubleClicked.connect(self.forget)
        header.viewport().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.MouseButtonPress:
            self._pressed = True
        elif event.type() == QEvent.MouseButtonRelease:
            self._pressed = False
        return False

    def apply(self) -> None:
        """Fit the columns, the ones the user dragged at the user's width."""
        widths = self._fit()
        self._fitted = set(widths)
        header = _header(self.view)
        self._fitting = True
        try:
            for col, width in widths.items():
                if col < header.count():
                    header.resizeSection(col, self.user.get(self._title(col), width))
        finally:
            self._fitting = False

    def user_width(self, col: int):
        """The width the user dragged ``col`` to, or None (the fit decides)."""
        return self.user.get(self._title(col))

    def forget(self, col: int) -> None:
        """``col`` is the fit's again (a double click on its edge)."""
        if self.user.pop(self._title(col), None) is not None:
            self._save()
        self.apply()

    def _resized(self, col: int, _old: int, new: int) -> None:
        # only the user's drag counts: not a fit, a column added, or the stretched last column following
        # the table's width (or the drag of the column before it)
        header = _header(self.view)
        stretched = header.stretchLastSection() and header.visualIndex(col) == header.count() - 1
        if self._fitting or not self._pressed or col not in self._fitted or stretched:
            return
        self.user[self._title(col)] = new
        self._save()

    def _title(self, col: int) -> str:
        return str(self.view.model().headerData(col, _header(self.view).orientation()) or col)

    def _load(self) -> dict[str, int]:
        try:
            stored = json.loads(str(settings.get(self.key) or "{}"))
        except ValueError:
            return {}
        if not isinstance(stored, dict):
            return {}
        return {str(k): int(v) for k, v in stored.items() if isinstance(v, int) and v > 0}

    def _save(self) -> None:
        settings.put(self.key, json.dumps(self.user))
