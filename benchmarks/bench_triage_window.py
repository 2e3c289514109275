"""The Triage tab's waits on a big library: the first open (the features built, or loaded from the disk
cache) and each decision (key press to the next card on screen), with the worst GUI-thread stall.

    python benchmarks/bench_triage_window.py --library /path/copy.gapscope [--decisions 10] [--read-s 1.5]

It decides papers (include / exclude in turn): point it at a copy. ``--read-s``: the time a reader
spends on each card before the key (0: keys as fast as cards come). The feature cache starts empty
(a temporary ``GAPSCOPE_TRIAGE_CACHE``) unless ``--warm-cache``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "core"), str(ROOT / "desktop")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--library", required=True)
    ap.add_argument("--decisions", type=int, default=10)
    ap.add_argument("--read-s", type=float, default=1.5)
    ap.add_argument("--warm-cache", action="store_true")
    args = ap.parse_args()
    print("command:", " ".join([sys.executable, *sys.argv]))
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    tmp = Path(tempfile.mkdtemp(prefix="gapscope-bench-triage-"))
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer
    from PySide6.QtTest import QTest

    from gapscope_desktop.settings import use_private_settings

    use_private_settings(tmp / "settings")
    os.environ["XDG_DATA_HOME"] = str(tmp / "data")
    os.environ["GAPSCOPE_LOG"] = str(tmp / "gapscope.log")
    if not args.warm_cache:
        os.environ["GAPSCOPE_TRIAGE_CACHE"] = str(tmp / "triage-cache")
    from gapscope_desktop.app import create_app
    from gapscope_desktop.main_window import MainWindow

    app = create_app(["bench"])
    clock = QElapsedTimer()
    clock.start()
    ticks = {"last": 0, "worst": 0}

    def tick():
        now = clock.elapsed()
        ticks["worst"] = max(ticks["worst"], now - ticks["last"])
        ticks["last"] = now

    timer = QTimer(interval=20)
    timer.timeout.connect(tick)
    timer.start()

    def run_until(cond, timeout_s=600.0):
        end = time.perf_counter() + timeout_s
        while not cond() and time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.002)
        return cond()

    def pump(s):
        end = time.perf_counter() + s
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.002)

    w = MainWindow(Path(args.library))
    w._close_approved = True
    w.resize(1280, 800)
    w.show()
    run_until(lambda: w.library_view.model.rowCount() > 0 and w.warm_up_task is not None and w.warm_up_task.done)
    view = w.triage_view
    ranking = lambda: bool(getattr(view, "ranking", False))            # noqa: E731 - absent before this change
    shown = lambda: not view.loading and view.current is not None       # noqa: E731
    steps = set()
    bar = getattr(view, "build_bar", None)

    def watch_bar():
        if bar is not None and bar.isVisible():
            steps.add(bar.format().split(":")[0])

    bar_timer = QTimer(interval=50)
    bar_timer.timeout.connect(watch_bar)
    bar_timer.start()
    app.processEvents()
    tick()
    ticks["worst"] = 0
    t = time.perf_counter()
    w.tabs.setCurrentWidget(view)
    run_until(shown)
    first = time.perf_counter() - t
    print(f"first open: card after {first:.2f} s, worst stall {ticks['worst']} ms; "
          f"progress bar steps seen: {sorted(steps) or 'none'}")
    run_until(lambda: not ranking())
    waits, behind, stalls = [], [], []
    for k in range(args.decisions):
        pump(args.read_s)
        tick()
        ticks["worst"] = 0
        before = view.current
        t = time.perf_counter()
        QTest.keyClick(view.card, Qt.Key_I if k % 2 == 0 else Qt.Key_E)
        run_until(lambda: shown() and view.current != before)
        waits.append(time.perf_counter() - t)
        run_until(lambda: not ranking())
        behind.append(time.perf_counter() - t)
        stalls.append(ticks["worst"])
        print(f"decision {k + 1:2d}: next card after {waits[-1]:.3f} s; ranking behind it done after "
              f"{behind[-1]:.2f} s; worst stall {stalls[-1]} ms", flush=True)
    print(f"per decision: next card median {statistics.median(waits):.3f} s (max {max(waits):.3f} s); "
          f"ranking done median {statistics.median(behind):.2f} s; worst stall {max(stalls)} ms")
    w.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
