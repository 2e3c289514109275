"""How long the GUI event loop stalls while something runs: a fast QTimer stamps each tick; a gap
between two stamps much longer than the interval is time the loop could not repaint."""

from __future__ import annotations

from contextlib import contextmanager


class Ticks:
    def __init__(self) -> None:
        self.stamps: list[int] = []

    @property
    def gaps(self) -> list[int]:
        return [b - a for a, b in zip(self.stamps, self.stamps[1:])]

    def worst(self, n: int = 4) -> list[tuple[int, int]]:
        """The ``n`` longest gaps as (gap, when it began) in ms."""
        return sorted((b - a, a) for a, b in zip(self.stamps, self.stamps[1:]))[-n:]


@contextmanager
def loop_ticks(tick_ms: int = 10):
    from PySide6.QtCore import QElapsedTimer, QTimer

    ticks = Ticks()
    clock = QElapsedTimer()
    clock.start()
    timer = QTimer(interval=tick_ms)
    timer.timeout.connect(lambda: ticks.stamps.append(clock.elapsed()))
    timer.start()
    try:
        yield ticks
    finally:
        timer.stop()


class GuiTurns:
    """Whether the GUI event loop turns while a worker is in the middle of its work, told by the work
    itself: the worker asks (:meth:`ask`) and waits until a QTimer on the GUI thread has answered
    (:meth:`ticking`). A GUI thread that runs the work, or waits for it, never answers: the ask fails.
    Nothing is timed: ``timeout_s`` only ends a wait that would otherwise never end."""

    def __init__(self, timeout_s: float = 120) -> None:
        import threading

        self.timeout_s = timeout_s
        self._asked = threading.Event()
        self._answered = threading.Event()
        self.answered = 0                 # asks the GUI answered
        self.unanswered = 0               # asks it did not
        self.seen: list = []              # what ``look()`` returned at each answer (GUI thread)

    def ask(self) -> bool:                # worker thread
        self._answered.clear()
        self._asked.set()
        if self._answered.wait(self.timeout_s):
            self.answered += 1
            return True
        self._asked.clear()
        self.unanswered += 1
        return False

    @contextmanager
    def ticking(self, look=None, tick_ms: int = 5):
        """Answer every ask on the GUI thread while the block runs; ``look()`` (GUI thread) records what
        the window shows at that moment, the worker paused mid-work."""
        from PySide6.QtCore import QTimer

        def tick() -> None:
            if self._asked.is_set():
                self._asked.clear()
                if look is not None:
                    self.seen.append(look())
                self._answered.set()

        timer = QTimer(interval=tick_ms)
        timer.timeout.connect(tick)
        timer.start()
        try:
            yield self
        finally:
            timer.stop()
