"""What the desktop probes share (bench_gc_threads.py, bench_task_memory.py, bench_map_selection.py): the
event loop run for a while, and the result printed and written where --out says."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional


def settle(app, seconds: float) -> None:
    """Run ``app``'s event loop for ``seconds`` (queued signals, timers, paints)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.005)


def print_and_save(lines: list[str], out: Optional[Path]) -> None:
    """The result on the terminal and, with ``out``, in that file (benchmarks/results/...)."""
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
