"""Which thread runs Python's cyclic garbage collector in the window, and which thread frees Qt wrappers.

    QT_QPA_PLATFORM=offscreen nice -n 10 python benchmarks/bench_gc_threads.py [--papers 1500] [--rounds 2]
        [--out benchmarks/results/desktop/gc_threads.txt]

The collector runs on whichever thread allocates past its threshold. A collection on a worker that frees a
Qt wrapper caught in a cycle destroys the Qt object off the GUI thread (the segmentation fault during an
import that gui_thread_gc.py fixes: automatic collection off, the same collections on a GUI-thread timer).
This script runs the same window workload twice, each in a fresh process: "before" with
gui_thread_gc.install disabled (CPython's automatic collection, as before the fix) and "after" as shipped,
and prints them side by side. A ``gc.callbacks`` hook counts, per thread (GUI or worker), the collections
and the Qt (shiboken) wrappers freed while a collection runs on that thread, QObject wrappers apart (the
ones whose destruction off the GUI thread crashes): each wrapper the collector lists gets a weak reference
whose callback runs on the thread that frees it (CollectionCounter).

The workload, per round (what tests/desktop/test_first_launch.py and test_collect_dialog.py do): the
first-launch window (welcome page), "Try the sample library" (the sample import on the writer queue), a
new library opened, an arXiv snapshot slice of ``--papers`` records imported through the Collect dialog
while the user goes through the tabs and opens and closes File > Import History, every tab opened, the
dialog and the window closed. ``--plant``: at each look during the import, a closed dialog caught in a
reference cycle is also dropped (the garbage gui_thread_gc.py names; the window itself makes almost none,
so without it the Qt-wrapper rows are mostly zero). Settings, the default and sample libraries and the log
live in a temporary folder (settings.use_private_settings). A "before" run that crashes is reported as
such, with the phases it finished.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "core"), str(ROOT / "desktop")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from probe_output import print_and_save, settle  # noqa: E402 (benchmarks/, the script's folder)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

SHARED_CS = ROOT.parent / "shared" / "data" / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz"
MODES = ("before", "after")


class CollectionCounter:
    """A gc.callbacks hook: collections per thread kind and generation, and every Qt wrapper it has seen freed,
    by the thread that freed it and whether a collection was running there.

    Each wrapper gets a weak reference whose callback runs when it is freed, on the freeing thread: one that
    dies while its thread collects was freed by that collection (a member of a cycle, or held only by one).
    Wrappers are registered at each collection's start (the youngest generation, where new ones are) and
    over the whole heap when the counter starts and before each gc.freeze (the window freezes what is
    alive after its start-up, out of the collector's listings)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QObject
        from shiboken6 import Shiboken

        self.wrapper_type, self.qobject_type = Shiboken.Object, QObject
        self.gui = threading.main_thread().ident
        self.collections = {"gui": [0, 0, 0], "worker": [0, 0, 0]}
        self.freed = {(w, by): 0 for w in ("gui", "worker") for by in ("collection", "refcount")}
        self.freed_qobjects = dict(self.freed)
        self.worker_examples: dict[str, int] = {}
        self._collecting: set[int] = set()          # threads inside a collection now
        self._watched: dict[int, int] = {}         # id(wrapper) -> id(its weak reference)
        self._refs: dict[int, tuple] = {}          # id(weak reference) -> (it, id(wrapper), QObject?, type name)
        self.register(gc.get_objects())

    def register(self, objects) -> None:
        for obj in objects:
            if isinstance(obj, self.wrapper_type) and id(obj) not in self._watched:
                try:
                    ref = weakref.ref(obj, self._freed)
                except TypeError:
                    continue      # a wrapper type without weak references: not counted
                self._watched[id(obj)] = id(ref)
                self._refs[id(ref)] = (ref, id(obj), isinstance(obj, self.qobject_type), type(obj).__name__)

    def _freed(self, ref) -> None:      # runs on the thread that frees the wrapper
        entry = self._refs.pop(id(ref), None)
        if entry is None:
            return
        _ref, obj_id, is_qobject, name = entry
        self._watched.pop(obj_id, None)
        thread = threading.get_ident()
        where = "gui" if thread == self.gui else "worker"
        by = "collection" if thread in self._collecting else "refcount"
        self.freed[(where, by)] += 1
        self.freed_qobjects[(where, by)] += is_qobject
        if where == "worker":
            self.worker_examples[f"{name} ({by})"] = self.worker_examples.get(f"{name} ({by})", 0) + 1

    def __call__(self, phase: str, info: dict) -> None:
        thread = threading.get_ident()
        if phase == "start":
            self.register(gc.get_objects(0))
            self._collecting.add(thread)
            return
        self._collecting.discard(thread)
        self.collections["gui" if thread == self.gui else "worker"][info["generation"]] += 1


def write_slice(out: Path, n: int) -> Path:
    with gzip.open(SHARED_CS, "rt", encoding="utf-8") as f, open(out, "w", encoding="utf-8") as g:
        for line in itertools.islice(f, n):
            g.write(line)
    return out


def wait_until(app, done, timeout_s: float = 600.0) -> None:
    end = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > end:
            raise TimeoutError("the workload did not finish in time")
        app.processEvents()
        time.sleep(0.01)


def plant_closed_dialog() -> None:
    """A dialog shown, closed and dropped while it holds itself: a closed dialog caught in a reference cycle
    (gui_thread_gc.py), garbage only a collection frees."""
    from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

    dlg = QDialog()
    dlg.setLayout(QVBoxLayout())
    dlg.layout().addWidget(QLabel("planted"))
    dlg.cycle = dlg
    dlg.show()
    dlg.close()


def one_round(app, tmp: Path, slice_path: Path, k: int, phase, plant: bool) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gapscope.store import Library
    from gapscope_desktop.app import library_path
    from gapscope_desktop.dialogs.collect_dialog import CollectDialog
    from gapscope_desktop.main_window import MainWindow

    w = MainWindow(library_path(None))        # first launch: the welcome page
    w._close_approved = True
    w.resize(1280, 800)
    w.show()
    settle(app, 0.3)
    if k == 0:
        w.try_sample()
        wait_until(app, lambda: w.sample_task is not None and w.sample_task.done)
        settle(app, 0.5)
        phase(f"round {k + 1}: sample library built ({w.sample_task.outcome})")
    path = tmp / f"review{k}.gapscope"
    Library(path).close()
    w.open_library(path)
    wait_until(app, lambda: not w.tasks.running)
    dlg = CollectDialog(w.tasks, w.lib.path, source="file", parent=w)
    dlg.collected.connect(lambda _r: w.refresh_all())
    dlg.file.setText(str(slice_path))
    task = dlg.start()
    looks = 0
    while not task.done:             # while it imports, the user looks around: the tabs, the import history
        w.tabs.setCurrentIndex(looks % w.tabs.count())
        if plant:
            plant_closed_dialog()
        settle(app, 0.1)
        if looks % w.tabs.count() == 0:
            QTimer.singleShot(300, lambda: QApplication.activeModalWidget() and QApplication.activeModalWidget().reject())
            w.show_import_history()
        looks += 1
    wait_until(app, lambda: not w.tasks.running)
    phase(f"round {k + 1}: imported {slice_path.name} ({task.outcome}), {looks} tabs looked at during it"
          + (f" ({looks} planted dialogs)" if plant else ""))
    dlg.close()
    dlg.deleteLater()
    del dlg, task
    for i in range(w.tabs.count()):
        w.tabs.setCurrentIndex(i)
        settle(app, 0.3)
        wait_until(app, lambda: not w.tasks.running)
    w.tabs.setCurrentIndex(0)
    phase(f"round {k + 1}: every tab opened")
    w.close()
    w.deleteLater()
    del w
    settle(app, 1.0)
    phase(f"round {k + 1}: window closed")


def child(mode: str, papers: int, rounds: int, report: Path, plant: bool) -> None:
    """One mode's run in this process; appends its phases and its figures to ``report`` as it goes."""
    def phase(text: str) -> None:
        with open(report, "a", encoding="utf-8") as f:
            f.write(json.dumps({"phase": text}) + "\n")

    with tempfile.TemporaryDirectory(prefix="gapscope-bench-gc-") as tmp_name:
        tmp = Path(tmp_name)
        from gapscope_desktop import gui_thread_gc, settings

        settings.use_private_settings(tmp / "settings")
        os.environ["XDG_DATA_HOME"] = str(tmp / "user-data")      # the default and sample libraries
        os.environ["GAPSCOPE_LOG"] = str(tmp / "gapscope.log")
        os.environ.pop("GAPSCOPE_LIBRARY", None)
        if mode == "before":
            gui_thread_gc.install = lambda app: None             # CPython's automatic collection, as before
        from gapscope_desktop.app import create_app

        app = create_app(["bench_gc_threads"])
        counter = CollectionCounter()
        gc.callbacks.append(counter)
        real_freeze = gc.freeze

        def freeze() -> None:       # what the window freezes is watched first
            counter.register(gc.get_objects())
            real_freeze()

        gc.freeze = freeze
        slice_path = write_slice(tmp / f"arxiv-slice-{papers}.jsonl", papers)
        phase(f"started, automatic collection {'on' if gc.isenabled() else 'off'}")
        t0 = time.monotonic()
        for k in range(rounds):
            one_round(app, tmp, slice_path, k, phase, plant)
            with open(report, "a", encoding="utf-8") as f:      # kept even if a later round crashes
                f.write(json.dumps({"partial": figures(counter, time.monotonic() - t0)}) + "\n")
        gc.callbacks.remove(counter)
        with open(report, "a", encoding="utf-8") as f:
            f.write(json.dumps({"final": figures(counter, time.monotonic() - t0)}) + "\n")
        app.quit()


def figures(counter: CollectionCounter, seconds: float) -> dict:
    return {"collections": counter.collections,
            "freed": {f"{where}/{by}": n for (where, by), n in counter.freed.items()},
            "freed_qobjects": {f"{where}/{by}": n for (where, by), n in counter.freed_qobjects.items()},
            "worker_examples": dict(sorted(counter.worker_examples.items(), key=lambda kv: -kv[1])[:8]),
            "seconds": round(seconds, 1)}


def run_mode(mode: str, papers: int, rounds: int, plant: bool) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as f:
        report = Path(f.name)
    cmd = [sys.executable, __file__, "--child", mode, "--papers", str(papers), "--rounds", str(rounds),
           "--report", str(report)] + (["--plant"] if plant else [])
    proc = subprocess.run(cmd, capture_output=True, text=True)
    lines = [json.loads(x) for x in report.read_text().splitlines() if x.strip()]
    report.unlink()
    result = {"returncode": proc.returncode, "phases": [x["phase"] for x in lines if "phase" in x]}
    last = [x.get("final") or x.get("partial") for x in lines if "final" in x or "partial" in x]
    result["figures"] = last[-1] if last else None
    result["complete"] = any("final" in x for x in lines)
    if proc.returncode != 0:
        result["stderr_tail"] = proc.stderr.strip().splitlines()[-6:]
    return result


def table(results: dict, papers: int, rounds: int) -> list[str]:
    out = [f"Window workload x {rounds} rounds (first launch, sample library, import of {papers:,} arXiv records "
           "through the Collect dialog while looking at the tabs and the import history, every tab, close); each mode "
           "in its own process.",
           "before: gui_thread_gc.install disabled (automatic collection); after: as shipped (collection on a "
           "GUI-thread timer).", ""]
    out.append(f"{'':52}" + "".join(f"{m:>14}" for m in MODES))

    def row(name, get):
        cells = []
        for m in MODES:
            fig = results[m]["figures"]
            cells.append(f"{get(fig):>14}" if fig else f"{'-':>14}")
        out.append(f"{name:52}" + "".join(cells))

    row("collections on the GUI thread (gen 0/1/2)", lambda f: "/".join(map(str, f["collections"]["gui"])))
    row("collections on worker threads (gen 0/1/2)", lambda f: "/".join(map(str, f["collections"]["worker"])))
    for where, thread in (("gui", "the GUI thread"), ("worker", "worker threads")):
        row(f"Qt wrappers freed by collections on {thread}", lambda f, w=where: f["freed"][f"{w}/collection"])
        row("  of which QObjects", lambda f, w=where: f["freed_qobjects"][f"{w}/collection"])
    for where, thread in (("gui", "the GUI thread"), ("worker", "worker threads")):
        row(f"Qt wrappers freed on {thread} outside one*", lambda f, w=where: f["freed"][f"{w}/refcount"])
        row("  of which QObjects", lambda f, w=where: f["freed_qobjects"][f"{w}/refcount"])
    row("workload seconds", lambda f: f["seconds"])
    out.append(f"{'process exit code':52}" + "".join(f"{results[m]['returncode']:>14}" for m in MODES))
    out.append("* by reference counting; only wrappers a collection had listed before are watched, so this "
               "undercounts them")
    out.append("")
    for m in MODES:
        r = results[m]
        state = "finished" if r["complete"] else f"did NOT finish (exit code {r['returncode']})"
        out.append(f"{m}: {state}; phases: " + "; ".join(r["phases"]))
        fig = r["figures"]
        if fig and fig["worker_examples"]:
            out.append(f"  wrapper types freed on workers: "
                       + ", ".join(f"{k} {v}" for k, v in fig["worker_examples"].items()))
        if r.get("stderr_tail"):
            out.append("  stderr: " + " | ".join(r["stderr_tail"]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--papers", type=int, default=1500, help="arXiv records imported per round")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--plant", action="store_true",
                    help="while the import runs, also drop a closed dialog caught in a reference cycle at each look")
    ap.add_argument("--out", type=Path, help="also write the table here")
    ap.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    ap.add_argument("--report", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.papers, args.rounds, args.report, args.plant)
        return
    results = {m: run_mode(m, args.papers, args.rounds, args.plant) for m in MODES}
    lines = [f"$ python benchmarks/bench_gc_threads.py --papers {args.papers} --rounds {args.rounds}"
             + (" --plant" if args.plant else ""),
             f"Python {sys.version.split()[0]}", ""] + table(results, args.papers, args.rounds)
    print_and_save(lines, args.out)


if __name__ == "__main__":
    main()
