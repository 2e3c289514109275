"""Opt-in jitter for the desktop tests: ``GAPSCOPE_TEST_JITTER=SEED`` (or ``SEED,MAX_MS``; 400 ms by
default) makes every background task wait a random time, drawn from SEED, before its function runs and
again between the function's end and its result. Tasks then end in other orders than on an idle machine:
a test that passes in one order only waits for the wrong thing (docs/architecture.md, Threading model)."""

from __future__ import annotations

import random
import threading
import time


def install(spec: str, monkeypatch) -> None:
    from gapscope_desktop import tasks

    seed, _, top_ms = spec.partition(",")
    rng, lock = random.Random(int(seed)), threading.Lock()
    top_s = float(top_ms or 400) / 1000

    def pause() -> None:
        with lock:                      # one seeded sequence whatever thread draws from it
            delay = rng.uniform(0, top_s)
        time.sleep(delay)

    run = tasks._Runnable.run

    def late(fn):
        def run_fn(*args, **kwargs):
            pause()                     # a worker that starts late
            result = fn(*args, **kwargs)
            pause()                     # done (a write committed), not answered yet
            return result

        return run_fn

    def run_late(self) -> None:        # worker thread
        self.fn = late(self.fn)         # no local of this worker holds the function: the GUI thread lets it go
        run(self)

    monkeypatch.setattr(tasks._Runnable, "run", run_late)
