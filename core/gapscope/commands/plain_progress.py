"""Progress of a long command as plain lines on stderr, where there is no terminal to draw a bar in (a log,
a pipe, a cluster job, CI); ``progress_bar`` (commands.common) picks it."""

from __future__ import annotations

import sys
import threading
import time
from typing import Optional

PLAIN_PROGRESS_EVERY_S = 5.0   # without a terminal: one progress line at most this often
monotonic_clock = time.monotonic   # what PlainProgress reads the time from (a test gives a fake clock)


class PlainProgress:
    """Progress as plain lines (a log, a pipe, a cluster job, CI: no terminal to redraw a bar in), so that
    whoever reads the log can tell work from a hang: at most one line every ``interval`` seconds, the
    first after ``interval`` (a short command prints none), each with the step's message (its stage
    first: "topic: k-means k=73"), how far (done/total and percent) and the seconds so far. An update
    that came too soon after the last line is printed once the interval is over (:meth:`tick`, from a
    background thread with ``ticking``), so a long step is never hidden behind the one before it. The
    core's notices (a line of their own) always; nothing else when not ``enabled`` (--quiet)."""

    STILL_EVERY_S = 60.0   # a step quiet this long is said again: the log shows the command is still alive

    def __init__(self, label: str, stream=None, *, enabled: bool = True, unit: str = "", clock=None,
                 interval: float = PLAIN_PROGRESS_EVERY_S, ticking: bool = False) -> None:
        self.label = label
        self.stream = stream
        self.enabled = enabled
        self.unit = unit
        self.clock = clock or monotonic_clock
        self.interval = interval
        self.started = self.last = self.clock()
        self.pending: Optional[tuple[int, int, str]] = None   # the latest update not printed yet
        self.shown: Optional[tuple[int, int, str]] = None     # the last one printed, and when
        self.shown_at = self.started
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker = None
        if ticking and enabled:
            self._ticker = threading.Thread(target=self._tick_until_closed, name="gapscope-progress", daemon=True)
            self._ticker.start()

    def __call__(self, done: int, total: int, message: str = "") -> None:
        from ..jobs import Notice

        if isinstance(message, Notice):
            with self._lock:
                self._print(f"{self.label}: {message}")
            return
        if self.enabled:
            with self._lock:
                self.pending = (done, total, str(message))
            self.tick()

    def tick(self) -> None:
        """Print the latest update if the interval since the last line is over; a step that has sent no
        update for STILL_EVERY_S is said again with how long it has been quiet."""
        with self._lock:
            now = self.clock()
            if self.pending is not None and now - self.last >= self.interval:
                (done, total, message), self.pending = self.pending, None
                self.shown, self.shown_at, still = (done, total, message), now, ""
            elif self.pending is None and self.shown is not None and now - self.last >= self.STILL_EVERY_S:
                (done, total, message), still = self.shown, f"(no update for {now - self.shown_at:.0f} s)"
            else:
                return
            self.last = now
            parts = [f"{self.label}:", self._how_far(done, total), message, still, f"[{now - self.started:.0f} s]"]
            self._print(" ".join(p for p in parts if p))

    def _tick_until_closed(self) -> None:
        while not self._stop.wait(min(1.0, self.interval)):
            self.tick()

    def _how_far(self, done: int, total: int) -> str:
        def amount(n: int) -> str:
            return f"{n / 1e6:.1f} MB" if self.unit == "B" else str(n)

        if total <= 0:
            return amount(done)
        return f"{100 * done / total:.0f}% ({amount(done)}/{amount(total)})"

    def _print(self, line: str) -> None:
        print(line, file=self.stream or sys.stderr, flush=True)

    def close(self) -> None:
        """Stops the ticker; an update still pending is dropped (the command prints its result next)."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
