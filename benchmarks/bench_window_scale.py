"""GUI-thread stalls of the main window on a big library: a researcher's session, action by action.

    python benchmarks/bench_window_scale.py --library /path/big.gapscope [--seed] [--profile DIR] [--shots DIR]

A 20 ms QTimer stamps every tick of the GUI event loop; a gap between two ticks longer than 150 ms is
time the window could not repaint or answer a click. Each action (open, scroll, sort, type a search,
filter, select, the tabs, Check Facet Labels, the sidebar counts, a backup started then cancelled,
closing) runs as the user would start it, then the script lets the event loop run until the action's
background work has ended; the action's line gives its worst gap and how many gaps passed 150 ms.
``--seed`` first gives the library what the sidebar filters need when it has none (a tag on every
15th paper, a collection of the papers matching "agent", 300 screening decisions): it writes to
the library, so point it at a copy. ``--profile DIR`` writes a cProfile of the GUI thread per action;
``--stacks FILE`` every thread's stack at each stall of 400 ms (faulthandler), to see which worker held
the GIL. ``--shots DIR`` saves screenshots of the window.
"""

from __future__ import annotations

import argparse
import cProfile
import faulthandler
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "core"), str(ROOT / "desktop")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

TICK_MS = 20
STALL_MS = 150
SEED_TAG, SEED_COLLECTION = "to-read", "agents"


def seed(path: Path) -> None:
    from gapscope.store import Library
    from gapscope.triage import decide

    lib = Library(path)
    try:
        if any(name == SEED_TAG for name, _n in lib.list_tags()):
            return
        ids = lib.list_paper_ids()
        lib.add_tag(ids[::15], SEED_TAG)
        lib.add_to_collection(SEED_COLLECTION, lib.list_paper_ids(query="agent"))
        for i, pid in enumerate(ids[:300]):
            decide(lib, pid, ("include", "exclude", "maybe")[i % 3])
    finally:
        lib.close()


class Session:
    """The window, the tick clock and the figures of each action."""

    def __init__(self, app, profile_dir, stacks=None):
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.app = app
        self.clock = QElapsedTimer()
        self.clock.start()
        self.last_tick = 0
        self.action = "start"
        self.gaps: list[int] = []
        self.rows: list[tuple[str, int, int, float]] = []
        self.profile_dir = profile_dir
        self.stacks = stacks
        self.timer = QTimer(interval=TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self.w = None
        # a dialog that would wait for an answer (a result box, a failure) is closed and noted
        self.dialogs: list[str] = []
        self.closer = QTimer(interval=200)
        self.closer.timeout.connect(self._close_dialogs)
        self.closer.start()

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.gaps.append(now - self.last_tick)
        self.last_tick = now
        if self.stacks is not None:
            # the loop has not ticked for 400 ms: every thread's stack goes to the file, written by
            # faulthandler's own thread, which needs no GIL (a worker holding it shows where)
            faulthandler.dump_traceback_later(0.4, file=self.stacks)

    def _close_dialogs(self) -> None:
        from PySide6.QtWidgets import QApplication

        for box in (QApplication.activeModalWidget(), QApplication.activePopupWidget()):
            if box is not None:
                self.dialogs.append(f"{self.action}: {box.windowTitle() or type(box).__name__}")
                box.close()

    def pump(self, ms: int) -> None:
        end = time.perf_counter() + ms / 1000
        while time.perf_counter() < end:
            self.app.processEvents()
            time.sleep(0.004)

    def settle(self, until=lambda: True, timeout_s: float = 120.0, quiet_ms: int = 300) -> None:
        """Run the event loop until ``until()`` holds and no task runs, then ``quiet_ms`` more."""
        end = time.perf_counter() + timeout_s
        while time.perf_counter() < end:
            self.app.processEvents()
            busy = self.w is not None and self.w.tasks.active()
            if until() and not busy:
                break
            time.sleep(0.004)
        self.pump(quiet_ms)

    def measure(self, name: str, act, until=lambda: True, timeout_s: float = 120.0) -> None:
        self.app.processEvents()
        self._tick()                   # the gap before the action is not the action's
        self.action = name
        if self.stacks is not None:
            self.stacks.write(f"\n=== {name}\n")
            self.stacks.flush()
        self.gaps = []
        prof = cProfile.Profile() if self.profile_dir else None
        t = time.perf_counter()
        if prof:
            prof.enable()
        act()
        self._tick()                   # a synchronous action is one long gap
        self.settle(until, timeout_s)
        if prof:
            prof.disable()
            prof.dump_stats(str(Path(self.profile_dir) / (name.replace(" ", "_").replace("/", "-") + ".prof")))
        wall = time.perf_counter() - t
        worst = max(self.gaps, default=0)
        over = sum(g > STALL_MS for g in self.gaps)
        self.rows.append((name, worst, over, wall))
        print(f"{name:<44} worst {worst:6d} ms  stalls>{STALL_MS}ms {over:3d}  wall {wall:6.2f} s", flush=True)


def run(args) -> int:
    from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
    from PySide6.QtTest import QTest

    settings_dir = Path(tempfile.mkdtemp(prefix="gapscope-bench-"))
    from gapscope_desktop.settings import use_private_settings

    use_private_settings(settings_dir / "settings")
    os.environ["XDG_DATA_HOME"] = str(settings_dir / "data")
    os.environ["GAPSCOPE_LOG"] = str(settings_dir / "gapscope.log")
    if not args.warm_cache:        # the Triage tab as on the library's first screening: features built
        os.environ["GAPSCOPE_TRIAGE_CACHE"] = str(settings_dir / "triage-cache")
    from gapscope_desktop.app import create_app
    from gapscope_desktop.dialogs.backup import start_backup
    from gapscope_desktop.main_window import TAB_LIBRARY, MainWindow

    app = create_app(["bench"])
    stacks = open(args.stacks, "w") if args.stacks else None
    s = Session(app, args.profile, stacks)
    shots = Path(args.shots) if args.shots else None

    def shot(name):
        if shots:
            shots.mkdir(parents=True, exist_ok=True)
            s.w.grab().save(str(shots / f"{name}.png"))

    def open_window():
        s.w = MainWindow(Path(args.library))
        s.w._close_approved = True
        s.w.resize(1280, 800)
        s.w.show()

    s.measure("open the library", open_window,
              until=lambda: s.w.library_view.model.rowCount() > 0 and s.w.warm_up_task is not None
              and s.w.warm_up_task.done)
    w = s.w
    lv = w.library_view
    print(f"papers listed: {lv.model.rowCount():,}")
    shot("01-library")

    bar = lv.table.verticalScrollBar()
    s.measure("library: scroll to the end", lambda: QTest.keyClick(lv.table, Qt.Key_End, Qt.ControlModifier))
    s.measure("library: scroll back to the top", lambda: bar.setValue(0))
    for col, key in enumerate(("title", "authors", "year", "published", "category", "identifier")):
        s.measure(f"library: sort by {key}", lambda col=col: lv.table.sortByColumn(col, Qt.AscendingOrder),
                  until=lambda: not lv.loading)
        s.measure(f"library: sort by {key}, descending",
                  lambda col=col: lv.table.sortByColumn(col, Qt.DescendingOrder), until=lambda: not lv.loading)
    lv.table.sortByColumn(0, Qt.AscendingOrder)
    s.settle(lambda: not lv.loading)

    def type_search(text):
        lv.search.setFocus()
        for ch in text:
            QTest.keyClick(lv.search, ch)
            s.pump(90)                     # a typist's pace: the debounce restarts on each key

    s.measure("library: type a search (each keystroke)", lambda: type_search("graph neural network"),
              until=lambda: not lv.loading)
    print(f"  hits: {lv.model.rowCount():,}")
    shot("02-search")
    s.measure("library: clear the search", lambda: lv.clear_filters(), until=lambda: not lv.loading)

    def click_sidebar(kind, value):
        from gapscope_desktop.widgets.sidebar import ROLE_KIND, ROLE_VALUE

        root = w.sidebar.invisibleRootItem()
        for i in range(root.childCount()):
            sec = root.child(i)
            for j in range(sec.childCount()):
                item = sec.child(j)
                if item.data(0, ROLE_KIND) == kind and (value is None or item.data(0, ROLE_VALUE) == value):
                    w.sidebar.itemClicked.emit(item, 0)
                    return
        print(f"  (no {kind} {value} in the sidebar)")

    s.measure("sidebar: filter by a tag", lambda: click_sidebar("tag", SEED_TAG), until=lambda: not lv.loading)
    s.measure("sidebar: filter by a collection", lambda: click_sidebar("collection", SEED_COLLECTION),
              until=lambda: not lv.loading)
    s.measure("sidebar: triage state (included)", lambda: click_sidebar("decision", "include"),
              until=lambda: not lv.loading)
    s.measure("sidebar: all papers", lambda: click_sidebar("all", None), until=lambda: not lv.loading)

    def click_row(row):
        rect = lv.table.visualRect(lv.model.index(row, 0))
        QTest.mouseClick(lv.table.viewport(), Qt.LeftButton, Qt.NoModifier, rect.center())

    s.measure("library: select a paper (detail pane)", lambda: click_row(3))
    shot("03-paper")
    s.measure("library: select the next paper (Down key)", lambda: QTest.keyClick(lv.table, Qt.Key_Down))

    def select_many(n):
        m = lv.model
        sel = QItemSelection(m.index(0, 0), m.index(n - 1, m.columnCount() - 1))
        lv.table.selectionModel().select(sel, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)

    s.measure("library: select 1,000 papers", lambda: select_many(1000))
    s.measure("library: context menu on 1,000 papers",
              lambda: lv._context_menu(lv.table.visualRect(lv.model.index(2, 0)).center()))
    s.measure("library: select all (Ctrl+A)", lambda: QTest.keyClick(lv.table, Qt.Key_A, Qt.ControlModifier))
    click_row(3)
    s.settle()

    names = [w.tabs.tabText(i) for i in range(w.tabs.count())]
    for i, name in enumerate(names):
        if i == TAB_LIBRARY:
            continue
        s.measure(f"tab: {name}", lambda i=i: w.tabs.setCurrentIndex(i), timeout_s=300)
        shot(f"10-tab-{name.lower()}")
        if w.tabs.widget(i) is w.triage_view:       # one decision: the next card comes after a re-ranking
            s.measure("triage: include the paper shown", lambda: w.triage_view.decide("include"),
                      until=lambda: not w.triage_view.loading, timeout_s=300)
        s.measure(f"tab: {name} -> Library", lambda: w.tabs.setCurrentIndex(TAB_LIBRARY))

    s.measure("Check Facet Labels (open)", w.show_facet_review, timeout_s=300)
    if w.facet_review is not None:
        if shots:
            w.facet_review.grab().save(str(shots / "20-facet-labels.png"))
        s.measure("Check Facet Labels (close)", w.facet_review.close)
    s.measure("sidebar: counts reloaded", w.refresh_sidebar)

    dest = Path(tempfile.mkdtemp(prefix="gapscope-bench-backup-"))
    made = {}

    def backup_then_cancel():
        made["task"] = start_backup(w, w.tasks, w.lib.path, lambda: str(dest))

    s.measure("File > Back Up Library (start)", backup_then_cancel, until=lambda: False, timeout_s=0.3)
    shot("30-backup-running")
    s.measure("File > Back Up Library (cancel)", lambda: made["task"].cancel(), until=lambda: made["task"].done)
    shutil.rmtree(dest, ignore_errors=True)

    s.measure("close the window", w.close)
    s.timer.stop()
    if stacks is not None:
        faulthandler.cancel_dump_traceback_later()
        stacks.close()
    shutil.rmtree(settings_dir, ignore_errors=True)
    if s.dialogs:
        print("dialogs closed by the script:", "; ".join(s.dialogs))
    worst = max(s.rows, key=lambda r: r[1])
    print(f"worst stall: {worst[1]} ms ({worst[0]}); actions with a stall over 500 ms: "
          f"{sum(r[1] > 500 for r in s.rows)} of {len(s.rows)}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--library", required=True, help="a library folder (use a copy with --seed)")
    ap.add_argument("--seed", action="store_true", help="add a tag, a collection and decisions when missing")
    ap.add_argument("--profile", help="a folder for one cProfile file of the GUI thread per action")
    ap.add_argument("--shots", help="a folder for screenshots of the window")
    ap.add_argument("--warm-cache", action="store_true",
                    help="keep the user's triage feature cache (default: an empty one, as on first use)")
    ap.add_argument("--stacks", help="a file for every thread's stack whenever the loop stalls 400 ms")
    args = ap.parse_args()
    print("command:", " ".join([sys.executable, *sys.argv]))
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    if args.seed:
        t = time.perf_counter()
        seed(Path(args.library))
        print(f"seeded in {time.perf_counter() - t:.1f} s")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
