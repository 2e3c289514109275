"""What a kill in the middle of typing loses, and what keeping drafts costs the typing (drafts.DraftKeeper).

    python benchmarks/bench_draft_keeping.py [--seconds 3] [--every-ms 30]

Two measures, side by side for the keeper as it is (written at the first change, then at most every
KEEP_EVERY_MS, trailing write) and the trailing debounce it replaced (written 1000 ms after the last change):

- while a character is typed every ``--every-ms`` for ``--seconds`` without a pause, at each keystroke, how
  long the oldest character not yet on disk has waited (what a SIGKILL at that moment loses) and how many
  characters that is;
- the time one draft write takes on the GUI thread (a 300-character note, a 20 KB experiment spec): the
  write happens there, so it is the typing's cost.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "core"), str(ROOT / "desktop")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _keepers():
    from gapscope_desktop.drafts import DraftKeeper

    class Debounced(DraftKeeper):
        """The keeper before: written 1000 ms after the last change (the timer restarts at each one)."""

        def keep(self, key, data) -> None:
            self._pending[key] = data
            self._timer.start(1000)

    return {"throttled (now)": DraftKeeper, "debounced 1 s (before)": Debounced}


def typing_losses(app, keeper_class, folder: Path, seconds: float, every_ms: int) -> dict:
    from PySide6.QtCore import QTimer

    from gapscope_desktop.drafts import write_draft

    typed_at: list[float] = []
    written = [0]                                    # characters on disk

    def write(path, data) -> None:
        write_draft(path, data)
        written[0] = len(data["text"])

    keeper = keeper_class("bench", "the benchmark's text", write=write)
    keeper.set_folder(folder)
    ages, chars = [], []
    timer = QTimer()
    timer.setInterval(every_ms)

    def type_one() -> None:
        now = time.monotonic()
        if written[0] < len(typed_at):               # what a kill now loses, before this keystroke
            ages.append((now - typed_at[written[0]]) * 1000)
            chars.append(len(typed_at) - written[0])
        else:
            ages.append(0.0)
            chars.append(0)
        typed_at.append(now)
        keeper.keep("k", {"text": "x" * len(typed_at)})

    timer.timeout.connect(type_one)
    timer.start()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    keeper.drop("k")
    return {"keystrokes": len(typed_at), "max_age_ms": max(ages), "max_chars": max(chars),
            "median_age_ms": statistics.median(ages)}


def write_cost(folder: Path, size: int, n: int = 300) -> tuple[float, float]:
    from gapscope_desktop.drafts import new_draft_path, write_draft

    path = new_draft_path(folder, "cost")
    text = ("lorem ipsum " * (size // 12 + 1))[:size]
    times = []
    for i in range(n):
        t = time.perf_counter()
        write_draft(path, {"text": text + str(i)})
        times.append((time.perf_counter() - t) * 1000)
    path.unlink()
    times.sort()
    return statistics.median(times), times[int(0.99 * (n - 1))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--every-ms", type=int, default=30)
    args = ap.parse_args()
    from PySide6.QtWidgets import QApplication

    from gapscope_desktop.drafts import KEEP_EVERY_MS
    from gapscope_desktop.settings import use_private_settings

    with tempfile.TemporaryDirectory() as tmp:
        use_private_settings(Path(tmp) / "settings")
        app = QApplication.instance() or QApplication([])
        print(f"$ python benchmarks/bench_draft_keeping.py --seconds {args.seconds:g} --every-ms {args.every_ms}")
        print(f"KEEP_EVERY_MS = {KEEP_EVERY_MS}; a character every {args.every_ms} ms for {args.seconds:g} s, "
              "no pause")
        print(f"{'keeper':24} {'keys':>5} {'lost at a kill: max ms':>23} {'median ms':>10} {'max chars':>10}")
        for name, cls in _keepers().items():
            r = typing_losses(app, cls, Path(tmp) / name.split()[0], args.seconds, args.every_ms)
            print(f"{name:24} {r['keystrokes']:>5} {r['max_age_ms']:>23.0f} {r['median_age_ms']:>10.0f} "
                  f"{r['max_chars']:>10}")
        for what, size in (("note, 300 characters", 300), ("spec, 20 KB", 20000)):
            med, p99 = write_cost(Path(tmp), size)
            print(f"one draft write ({what}): median {med:.3f} ms, 99th percentile {p99:.3f} ms")


if __name__ == "__main__":
    main()
