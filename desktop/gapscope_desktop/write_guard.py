"""The one place that knows whether the open library can be written: every view registers the widgets
and actions that write to the library (a note box, a decision button, "Find gaps", an import ...), and
while the library is read-only they are all disabled, with a tooltip that says why.

A view keeps enabling and disabling its own controls as it always did (a button off while its task
runs, the note box off with no paper selected): the guard remembers what the view asked for and
holds the control off meanwhile, then gives the view's wish back when a writable library opens.
(Qt says nothing when a control already off is turned off, so a view's "off" while held goes unseen:
views turn registered controls on and off through :func:`set_enabled`, which tells the guard; the window
also sets the guard before the views load the new library.)"""

from __future__ import annotations

import weakref
from typing import Iterable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

READ_ONLY_TIP = ("Not available: this library is read-only (its file or folder cannot be written); "
                 "open a writable copy to change it.")


def hold_menu_writers(lib, actions: Iterable[QAction]) -> None:
    """A context menu made afresh each time (so not registered): its entries that write are off, with
    the reason as their tooltip, when ``lib`` is read-only."""
    if lib is None or not lib.read_only:
        return
    for a in actions:
        a.setEnabled(False)
        a.setToolTip(READ_ONLY_TIP)
        menu = a.parent()
        if hasattr(menu, "setToolTipsVisible"):
            menu.setToolTipsVisible(True)


_guards: "weakref.WeakSet[WriteGuard]" = weakref.WeakSet()


def set_enabled(item, on: bool) -> None:
    """A view turns ``item`` on or off: through the guard that holds it (its wish kept for when the
    library is writable again), or directly when no guard knows it."""
    for guard in list(_guards):
        if guard.registered(item):
            guard.set_enabled(item, on)
            return
    item.setEnabled(on)


class WriteGuard(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        _guards.add(self)
        self.read_only = False
        self._items: list[QWidget | QAction] = []
        self._wanted: dict[int, bool] = {}     # id(item): the enabled state its view last asked for
        self._tips: dict[int, str] = {}        # id(item): its own tooltip, given back when writable
        self._forcing = False                  # our own setEnabled calls are not the view's wish

    def register(self, items: Iterable[QWidget | QAction]) -> None:
        for item in items:
            if id(item) in self._wanted:
                continue
            self._items.append(item)
            self._wanted[id(item)] = self._own_enabled(item)
            self._tips[id(item)] = item.toolTip()
            if isinstance(item, QAction):
                item.changed.connect(lambda item=item: self._changed(item))
            else:
                item.installEventFilter(self)
            if self.read_only:
                self._hold(item)

    def registered(self, item) -> bool:
        return id(item) in self._wanted

    def items(self) -> list:
        """The registered controls, in the order they were registered."""
        return list(self._items)

    @property
    def writable(self) -> bool:
        return not self.read_only

    def set_enabled(self, item, on: bool) -> None:
        """The view's wish for a registered ``item``: kept, and applied while the library is writable."""
        self._wanted[id(item)] = on
        if self.read_only:
            self._hold(item)
        else:
            self._forcing = True
            try:
                item.setEnabled(on)
            finally:
                self._forcing = False

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for item in self._items:
            if read_only:
                self._hold(item)
            else:
                self._release(item)

    # --- the items ---------------------------------------------------------------------------------
    @staticmethod
    def _own_enabled(item) -> bool:
        if isinstance(item, QAction):
            return item.isEnabled()
        return not item.testAttribute(Qt.WA_Disabled)     # its own flag, whatever its parent's

    def _set(self, item, on: bool, tip: str) -> None:
        self._forcing = True
        try:
            item.setEnabled(on)
            item.setToolTip(tip)
        finally:
            self._forcing = False

    def _hold(self, item) -> None:
        self._set(item, False, READ_ONLY_TIP)

    def _release(self, item) -> None:
        self._set(item, self._wanted[id(item)], self._tips[id(item)])

    def _changed(self, item) -> None:
        """The view enabled or disabled ``item``: remember it, and keep it off while read-only."""
        if self._forcing:
            return
        on = self._own_enabled(item)
        if not self.read_only:
            self._wanted[id(item)] = on
            if item.toolTip() != READ_ONLY_TIP:
                self._tips[id(item)] = item.toolTip()
        else:
            self._wanted[id(item)] = on
            if on:
                self._hold(item)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.EnabledChange and id(obj) in self._wanted:
            self._changed(obj)
        return False
