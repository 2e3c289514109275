"""Run Python's cyclic garbage collector on the GUI thread only.

The collector runs on whichever thread happens to allocate past its threshold. When that is a worker
(an import parsing JSON, an embedding batch) and the garbage holds a Qt wrapper (a closed dialog, a
model caught in a reference cycle), the Qt object is destroyed off the GUI thread and the process
dies with a segmentation fault mid-task. So automatic collection is switched off and a timer on the
GUI thread runs the same generational collections at the same thresholds (pyqtgraph's
GarbageCollector idea). Reference counting still frees everything that is not in a cycle at once.

After start-up the window freezes the heap (``freeze_heap``): a full collection then skips the modules and
Qt wrappers alive at start-up. Frozen cycles are never collected, so a closing window thaws the heap
(``thaw_heap``) and the next freeze collects first: a closed window's objects are freed, not kept for good.
"""

from __future__ import annotations

import gc

INTERVAL_MS = 500

_collector = None
_thawed = False        # a window closed since the last freeze: its objects may be garbage by now


class _GuiThreadCollector:
    def __init__(self, app) -> None:
        from PySide6.QtCore import QTimer

        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(app)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        app.aboutToQuit.connect(self.stop)

    def check(self) -> None:
        """The collections CPython would have run by now: generation 0 past its threshold, and the
        older ones when their own counts are past theirs."""
        counts = gc.get_count()
        if counts[0] <= self.threshold[0]:
            return
        generation = 0
        if counts[1] > self.threshold[1]:
            generation = 2 if counts[2] > self.threshold[2] else 1
        gc.collect(generation)

    def stop(self) -> None:
        """At quit the timer stops; automatic collection comes back for what runs after the loop, unless a
        worker is still running past the quit's bounded wait: it would collect there again (the process
        then ends without a teardown, app.run_event_loop; the interpreter's final collection needs no
        automatic one)."""
        from .tasks import workers_still_running

        self.timer.stop()
        if workers_still_running():
            gc.collect()             # what is garbage now goes here, on the GUI thread
            return
        gc.enable()


def install(app) -> None:
    """Collect on ``app``'s (the GUI) thread from now on; once per process."""
    global _collector
    if _collector is not None and _collector.timer.isActive():
        return
    _collector = _GuiThreadCollector(app)


def freeze_heap() -> None:
    """Move the objects alive now out of the collector's reach (``gc.freeze``). After a window closed, a full
    collection comes first, or the closed window's cycles would be frozen with the rest and never freed.
    The first freeze in a process skips it: nothing was thawed, and start-up leaves no cyclic garbage worth
    a 100 ms stall of the window."""
    global _thawed
    if _thawed:
        gc.collect()
        _thawed = False
    gc.freeze()


def thaw_heap() -> None:
    """A window closes: what its start-up froze (itself among it) goes back to the oldest generation, for
    the timer's collections or the next ``freeze_heap`` to free once it is garbage."""
    global _thawed
    gc.unfreeze()
    _thawed = True
