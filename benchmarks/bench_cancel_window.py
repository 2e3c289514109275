"""How soon Cancel ends the Maps view's "Build maps" in the window: the time from the click on the status
bar's Cancel to the task reporting cancelled, at several moments of the clustering step.

    python benchmarks/bench_cancel_window.py --library /path/copy.gapscope [--after 0.2 1 2 4 6]

Each trial copies the library (a cancelled build keeps the maps it finished), opens the window on the copy,
clicks "Build maps" and, ``--after`` seconds after the first "clustering" progress message, Cancel. A
library whose maps are up to date clusters nothing: point it at one whose maps are missing or stale.
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
    ap.add_argument("--after", type=float, nargs="+", default=[0.2, 0.6, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0],
                    help="seconds after clustering began to click Cancel, one trial each")
    args = ap.parse_args()
    print("command:", " ".join([sys.executable, *sys.argv]))
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    tmp = Path(tempfile.mkdtemp(prefix="gapscope-bench-cancel-"))
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest

    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp / "settings"))
    os.environ["XDG_DATA_HOME"] = str(tmp / "data")
    os.environ["GAPSCOPE_LOG"] = str(tmp / "gapscope.log")
    from gapscope_desktop.app import create_app
    from gapscope_desktop.main_window import TAB_MAPS, MainWindow

    app = create_app(["bench"])

    def run_until(cond, timeout_s=600.0):
        end = time.perf_counter() + timeout_s
        while not cond() and time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.002)
        return cond()

    waits = []
    for n, after in enumerate(args.after):
        copy = tmp / f"trial{n}.gapscope"
        shutil.copytree(args.library, copy)
        w = MainWindow(copy)
        w._close_approved = True
        w.resize(1280, 800)
        w.show()
        run_until(lambda: w.library_view.model.rowCount() > 0 and w.warm_up_task is not None
                  and w.warm_up_task.done)
        w.tabs.setCurrentIndex(TAB_MAPS)
        run_until(lambda: not w.tasks.active())
        seen = {"clustering": None, "last": ""}
        task = w.maps_view.build_maps()

        def follow(done, total, message):
            seen["last"] = message
            if seen["clustering"] is None and "clustering" in message:
                seen["clustering"] = time.perf_counter()

        task.progress.connect(follow)
        run_until(lambda: seen["clustering"] is not None or task.done)
        if task.done:
            print(f"trial {n}: the build ended ({task.outcome}) before clustering: nothing to measure")
            w.close()
            continue
        run_until(lambda: task.done or time.perf_counter() >= seen["clustering"] + after)
        if task.done:
            print(f"trial {n}: the build ended ({task.outcome}) {after} s into clustering: nothing to measure")
            w.close()
            continue
        at = seen["last"]
        t = time.perf_counter()
        QTest.mouseClick(w.task_progress.cancel_button, Qt.LeftButton)
        run_until(lambda: task.done)
        wait = time.perf_counter() - t
        waits.append(wait)
        print(f"trial {n}: Cancel {after:.1f} s into clustering (at “{at}”): {task.outcome} after "
              f"{wait:.3f} s", flush=True)
        w.close()
        run_until(lambda: w._closed, 60)
        shutil.rmtree(copy, ignore_errors=True)
    if waits:
        print(f"Cancel to cancelled: median {statistics.median(waits):.3f} s, max {max(waits):.3f} s "
              f"over {len(waits)} trials")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
