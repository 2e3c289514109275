"""What finished background tasks keep: peak memory and tasks still alive after 30 tasks of ~10 MB results.

    QT_QPA_PLATFORM=offscreen nice -n 10 python benchmarks/bench_task_memory.py [--tasks 30] [--mb 10]
        [--before REV] [--out benchmarks/results/desktop/task_memory.txt]

Each task runs through the window's task manager (gapscope_desktop.tasks.TaskManager.run) and returns a
result of ``--mb`` MB (bytes written, so the pages are really resident); the caller reads it in its
``on_result`` callback and keeps no handle on the task, as the views do. Two patterns: "at once" starts
every task together on the manager's two readers (results wait in the GUI thread's queue while it is busy);
"in sequence" starts each once the one before was read. When every task has ended, the event loop runs for
a second, a collection runs on the GUI thread, and the script counts the Task objects and results still
alive (weak references taken when each task started) and reads the process's resident memory now, once
more after malloc_trim (freed memory the allocator kept, apart from memory in use), and at its peak
(ru_maxrss). The "at once" peak depends on how many results wait in the queue, so it varies between runs.

Each side runs in a fresh process: "after" is this checkout's tasks.py; "before" is tasks.py as it was at
``--before`` (default: the revision before the fix that lets a finished task go, a31bdce^), loaded in place
of the module with everything else of this checkout. ``--before none`` measures this checkout only. Settings
go to a temporary folder (settings.use_private_settings).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import weakref
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "core"), str(ROOT / "desktop")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from probe_output import print_and_save  # noqa: E402 (benchmarks/, the script's folder)

DEFAULT_BEFORE = "a31bdce^"
PATTERNS = {"once": "at once", "sequence": "in sequence"}
TASKS_PATH = "desktop/gapscope_desktop/tasks.py"


class Result:
    """A task's result: ``mb`` MB of bytes, weakly referable so the script can see whether it was freed."""

    def __init__(self, mb: float) -> None:
        self.payload = b"\x01" * int(mb * 1_000_000)


def make_result(mb: float, *, progress=None, cancel=None) -> Result:  # worker thread
    progress(0, 1, "working")
    out = Result(mb)
    progress(1, 1, "done")
    return out


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3      # kB on Linux


def trim_rss_mb() -> float:
    """Resident memory once the C allocator has handed its free pages back (glibc's malloc_trim): what is
    left is memory in use, not freed memory the allocator keeps for later (the workers' arenas)."""
    import ctypes

    ctypes.CDLL("libc.so.6").malloc_trim(0)
    return rss_mb()


def load_tasks_module(source: Path) -> None:
    """``source`` in place of gapscope_desktop.tasks, before anything imports it."""
    import gapscope_desktop

    spec = importlib.util.spec_from_file_location("gapscope_desktop.tasks", source)
    module = importlib.util.module_from_spec(spec)
    sys.modules["gapscope_desktop.tasks"] = module
    spec.loader.exec_module(module)
    gapscope_desktop.tasks = module


def child(n_tasks: int, mb: float, tasks_source: Path | None, pattern: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="gapscope-bench-tasks-") as tmp:
        from gapscope_desktop import settings

        settings.use_private_settings(Path(tmp) / "settings")
        if tasks_source is not None:
            load_tasks_module(tasks_source)
        from gapscope_desktop.app import create_app
        from gapscope_desktop.tasks import TaskManager

        app = create_app(["bench_task_memory"])
        tm = TaskManager()
        for _ in range(20):
            app.processEvents()
        gc.collect()
        baseline = rss_mb()
        started, results, read = [], [], []
        tm.started.connect(lambda task: started.append(weakref.ref(task)))

        def on_result(result: Result) -> None:
            results.append(weakref.ref(result))
            read.append(len(result.payload))

        def wait_for(n: int) -> None:
            while len(read) < n or tm.running:
                app.processEvents()
                time.sleep(0.005)
                if time.monotonic() - t0 > 300:
                    raise TimeoutError("the tasks did not end")

        t0 = time.monotonic()
        for i in range(n_tasks):
            tm.run(f"result {i + 1}", make_result, mb, on_result=on_result)
            if pattern == "sequence":
                wait_for(i + 1)
        wait_for(n_tasks)
        seconds = time.monotonic() - t0
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)
        gc.collect()                 # on the GUI thread, as the window's collector would
        app.processEvents()
        after = rss_mb()
        trimmed = trim_rss_mb()
        figures = {"tasks": n_tasks, "read": len(read), "baseline_mb": round(baseline, 1),
                   "peak_mb": round(peak_rss_mb(), 1), "after_mb": round(after, 1), "trimmed_mb": round(trimmed, 1),
                   "tasks_alive": sum(ref() is not None for ref in started),
                   "results_alive": sum(ref() is not None for ref in results), "seconds": round(seconds, 2)}
        tm.shutdown()
        return figures


def run_side(n_tasks: int, mb: float, tasks_source: Path | None, pattern: str) -> dict:
    cmd = [sys.executable, __file__, "--child", "--tasks", str(n_tasks), "--mb", str(mb), "--pattern", pattern]
    if tasks_source is not None:
        cmd += ["--tasks-source", str(tasks_source)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"error": f"exit code {proc.returncode}: " + " | ".join(proc.stderr.strip().splitlines()[-4:])}
    return json.loads(lines[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tasks", type=int, default=30)
    ap.add_argument("--mb", type=float, default=10.0, help="size of each task's result, MB")
    ap.add_argument("--before", default=DEFAULT_BEFORE, help="revision whose tasks.py is the before side, or none")
    ap.add_argument("--out", type=Path, help="also write the table here")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--tasks-source", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--pattern", choices=PATTERNS, default="once", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.tasks, args.mb, args.tasks_source, args.pattern)))
        return

    sides, rev = {}, None
    with tempfile.TemporaryDirectory(prefix="gapscope-bench-tasks-src-") as tmp:
        if args.before.lower() != "none":
            rev = subprocess.run(["git", "rev-parse", "--short", args.before], cwd=ROOT, capture_output=True,
                                 text=True, check=True).stdout.strip()
            old = Path(tmp) / "tasks.py"
            old.write_text(subprocess.run(["git", "show", f"{rev}:{TASKS_PATH}"], cwd=ROOT, capture_output=True,
                                          text=True, check=True).stdout, encoding="utf-8")
            for pattern, words in PATTERNS.items():
                sides[f"before, {words}"] = run_side(args.tasks, args.mb, old, pattern)
        for pattern, words in PATTERNS.items():
            sides[f"after, {words}"] = run_side(args.tasks, args.mb, None, pattern)

    cmd = f"$ python benchmarks/bench_task_memory.py --tasks {args.tasks} --mb {args.mb:g} --before {args.before}"
    lines = [cmd, f"{args.tasks} tasks through TaskManager.run, each returning {args.mb:g} MB, read in on_result, no "
             "handle kept; started all at once or each after the one before was read; each column a fresh process",
             f"before: tasks.py at {args.before} = {rev} (the rest of this checkout); after: this checkout's tasks.py"
             if args.before.lower() != "none" else "this checkout's tasks.py", ""]
    names = list(sides)
    lines.append(f"{'':40}" + "".join(f"{n:>22}" for n in names))
    rows = [("resident memory before the tasks, MB", "baseline_mb"), ("peak resident memory, MB", "peak_mb"),
            ("resident memory after, MB", "after_mb"), ("  after malloc_trim, MB", "trimmed_mb"), ("Task objects alive after", "tasks_alive"),
            ("results alive after", "results_alive"), ("results read", "read"), ("seconds for all tasks", "seconds")]
    for label, key in rows:
        lines.append(f"{label:40}" + "".join(f"{sides[n].get(key, '-')!s:>22}" for n in names))
    for n in names:
        if "error" in sides[n]:
            lines.append(f"{n}: {sides[n]['error']}")
    print_and_save(lines, args.out)


if __name__ == "__main__":
    main()
