"""Noticing that another process (the gapscope command, a second window) changed the open library: the
window's views only know what they loaded, so an import of 20,000 papers from a terminal would otherwise
go unseen. A banner says so, with Refresh; nothing reloads under the user's hands.

Cheap checks only: SQLite's ``data_version`` on the window's own connection (it moves when any other
connection commits), read when the database or its -wal file changes on disk (QFileSystemWatcher), when
the window is activated, and on a slow timer. The window's own writes run on writer-queue connections
too, and its experiment runs in a runner process that records the run in the library: the version is
taken again when one of its writing tasks or runs ends, and not checked while one is under way (a
write whose end the window has not handled yet included). A read ending takes nothing: a change made
meanwhile by another process must still be seen."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QToolBar, QWidget

CHANGED_TEXT = "The library was changed by another GapScope process."
SLOW_CHECK_MS = 15000


class LibraryWatch(QObject):
    changed = Signal()                 # once per change seen, until the views are refreshed

    def __init__(self, tasks, parent: Optional[QObject] = None, interval_ms: int = SLOW_CHECK_MS,
                 busy: Optional[Callable[[], bool]] = None) -> None:
        """``busy``: True while the window's own work outside the task manager (an experiment run)
        may write to the library."""
        super().__init__(parent)
        self.tasks = tasks
        self.busy = busy or (lambda: False)
        self.lib = None
        self._seen: Optional[int] = None
        self._files = QFileSystemWatcher(self)
        self._files.fileChanged.connect(lambda _p: self._soon.start())
        self._soon = QTimer(self)          # a commit touches the -wal file many times: one check after them
        self._soon.setSingleShot(True)
        self._soon.setInterval(300)
        self._soon.timeout.connect(self.check)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        tasks.ended.connect(self._task_ended)

    def _task_ended(self, task) -> None:
        if task.writes:
            self.take_version()

    def watch(self, lib) -> None:
        """Follow ``lib`` (None: stop)."""
        self.lib = lib
        if self._files.files():
            self._files.removePaths(self._files.files())
        if lib is None:
            self._timer.stop()
            self._seen = None
            return
        self.take_version()
        self._timer.start()

    def take_version(self) -> None:
        """What the views show now is the library as it is: the window's own write ended, or it refreshed."""
        if self.lib is None:
            return
        try:
            self._seen = self.lib.data_version()
        except Exception:  # noqa: BLE001 - a failing library is reported by the views that read it
            self._seen = None
        self._watch_files()

    def _watch_files(self) -> None:
        db = Path(self.lib.db_path)
        wanted = [str(p) for p in (db, db.with_name(db.name + "-wal")) if p.exists()]
        missing = [p for p in wanted if p not in self._files.files()]   # a -wal made (or made again) since
        if missing:
            self._files.addPaths(missing)

    def check(self) -> bool:
        """True (and ``changed`` emitted) when another connection committed since the version was taken."""
        if self.lib is None or self._seen is None or self._own_writes_under_way():
            return False
        try:
            now = self.lib.data_version()
        except Exception:  # noqa: BLE001 - see take_version
            return False
        self._watch_files()
        if now == self._seen:
            return False
        self._seen = now
        self.changed.emit()
        return True


    def _own_writes_under_way(self) -> bool:
        # ``running`` still holds a write whose end is queued for the GUI: its commit is the window's own
        return any(t.writes for t in self.tasks.running) or self.busy()


class ChangedBanner(QToolBar):
    """A bar under the menus: "The library was changed by another GapScope process — Refresh"."""

    def __init__(self, refresh: QAction, parent: Optional[QWidget] = None) -> None:
        super().__init__("Library changed", parent)
        self.setObjectName("libraryChangedBanner")
        self.setMovable(False)
        self.setFloatable(False)
        self.label = QLabel(CHANGED_TEXT + "  ")
        self.addWidget(self.label)
        self.addAction(refresh)
        self.dismiss = self.addAction("Dismiss", self.hide)
        self.hide()
