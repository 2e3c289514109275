"""How soon Cancel ends the Maps view's "Build maps" in the window: the time from the click on the status
bar's Cancel to the task reporting cancelled, at several moments of the clustering step.

    python benchmarks/bench_cancel_window.py --library /path/copy.gapscope [--after 0.2 1 2 4 6]

Each trial copies the library (a cancelled build keeps the maps it finished; its backups/ folder is left
out), opens the window on the copy, clicks "Build maps" and, ``--after`` seconds after the first
"clustering" progress message, Cancel. A library whose maps are up to date clusters nothing: point it at
one whose maps are missing or stale.
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
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "core"), str(ROOT / "desktop")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def run_until(app, cond, timeout_s: float = 600.0) -> bool:
    end = time.perf_counter() + timeout_s
    while not cond() and time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)
    return cond()


def trial(app, library: Path, after: float) -> tuple[Optional[float], str]:
    """(seconds from the click to the task's end, or None when the build ended first; what it was doing)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from gapscope_desktop.main_window import TAB_MAPS, MainWindow

    w = MainWindow(library)
    w._close_approved = True
    w.resize(1280, 800)
    w.show()
    try:
        run_until(app, lambda: w.library_view.model.rowCount() > 0 and w.warm_up_task is not None
                  and w.warm_up_task.done)
        w.tabs.setCurrentIndex(TAB_MAPS)
        run_until(app, lambda: not w.tasks.active())
        seen = {"clustering": None, "last": ""}
        task = w.maps_view.build_maps()

        def follow(done, total, message):
            seen["last"] = message
            if seen["clustering"] is None and "clustering" in message:
                seen["clustering"] = time.perf_counter()

        task.progress.connect(follow)
        run_until(app, lambda: seen["clustering"] is not None or task.done)
        run_until(app, lambda: task.done or time.perf_counter() >= seen["clustering"] + after)
        if task.done:
            return None, f"the build ended ({task.outcome}) first"
        at = seen["last"]
        t = time.perf_counter()
        QTest.mouseClick(w.task_progress.cancel_button, Qt.LeftButton)
        run_until(app, lambda: task.done)
        return time.perf_counter() - t, f"at “{at}”: {task.outcome}"
    finally:
        w.close()
        run_until(app, lambda: w._closed, 60)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--library", required=True)
    ap.add_argument("--after", type=float, nargs="+", default=[0.2, 0.6, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0],
                    help="seconds after clustering began to click Cancel, one trial each")
    args = ap.parse_args()
    print("command:", " ".join([sys.executable, *sys.argv]))
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    tmp = Path(tempfile.mkdtemp(prefix="gapscope-bench-cancel-"))
    from gapscope_desktop.settings import use_private_settings

    use_private_settings(tmp / "settings")
    os.environ["XDG_DATA_HOME"] = str(tmp / "data")
    os.environ["GAPSCOPE_LOG"] = str(tmp / "gapscope.log")
    from gapscope_desktop.app import create_app

    app = create_app(["bench"])
    waits = []
    try:
        for n, after in enumerate(args.after):
            copy = tmp / f"trial{n}.gapscope"
            shutil.copytree(args.library, copy, ignore=shutil.ignore_patterns("backups"))
            try:
                wait, what = trial(app, copy, after)
            finally:
                shutil.rmtree(copy, ignore_errors=True)
            if wait is None:
                print(f"trial {n}: {after:.1f} s into clustering {what}: nothing to measure")
                continue
            waits.append(wait)
            print(f"trial {n}: Cancel {after:.1f} s into clustering ({what}) after {wait:.3f} s", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if waits:
        print(f"Cancel to cancelled: median {statistics.median(waits):.3f} s, max {max(waits):.3f} s "
              f"over {len(waits)} trials")
    return 0


if __name__ == "__main__":
    sys.exit(main())
