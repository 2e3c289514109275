"""Status-bar widget: the running task's name, a progress bar and a Cancel button."""

from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from .. import theme


class TaskProgress(QWidget):
    """Follows the TaskManager: shows the newest visible task; "+N" when several run."""

    def __init__(self, tasks, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.current = None
        self.label = QLabel()
        self.bar = QProgressBar()
        fm = self.fontMetrics()             # as wide and as high as the status bar's text makes it
        self.bar.setFixedWidth(fm.averageCharWidth() * 30)
        self.bar.setFixedHeight(fm.height() + 2)
        self.bar.setTextVisible(False)
        self.more = QLabel()
        theme.set_text_colour(self.more, "tertiary")
        self.cancel_button = QToolButton(text="Cancel")
        self.cancel_button.setObjectName("taskCancel")
        self.cancel_button.clicked.connect(self.cancel_current)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.more)
        layout.addWidget(self.cancel_button)
        tasks.started.connect(self._started)
        tasks.ended.connect(self._ended)
        self.hide()

    def _visible_tasks(self):
        return [t for t in self.tasks.running if not t.quiet and not t.done]

    def _started(self, task) -> None:
        if task.quiet:
            return
        self._follow(task)

    def _follow(self, task) -> None:
        if self.current is not None:
            try:
                self.current.progress.disconnect(self._progress)
            except (RuntimeError, TypeError):
                pass
        self.current = task
        if task is None:
            self.hide()
            return
        task.progress.connect(self._progress)
        self.label.setText(task.name)
        self.cancel_button.setEnabled(True)
        self._progress(*task.last_progress)
        n = len(self._visible_tasks())
        self.more.setText(f"+{n - 1}" if n > 1 else "")
        self.show()

    def _progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)  # busy indicator until the first report
        self.label.setText(f"{self.current.name}: {message}" if message and self.current else
                           (self.current.name if self.current else ""))

    def _ended(self, task) -> None:
        if task is not self.current:
            n = len(self._visible_tasks())
            self.more.setText(f"+{n - 1}" if n > 1 else "")
            return
        rest = self._visible_tasks()
        self.current = None
        self._follow(rest[-1] if rest else None)

    def cancel_current(self) -> None:
        if self.current is not None:
            self.current.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText(f"{self.current.name}: cancelling…")
