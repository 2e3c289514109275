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
