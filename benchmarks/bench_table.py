"""The paper table on a big library: time to list, sort and search (on the worker), and the time of
each repaint while jumping through the table (the lazy model reads only the pages it shows).

    python benchmarks/bench_table.py --library /path/lib75k.sqlite

Build the library first, e.g. `gapscope --library /tmp/lib75k.sqlite import shared/data/arxiv/arxiv-cs-2025-2026.jsonl.gz`.
Prints the command, then one line per measurement. The "naive" line is the same table filled the
simple way (every paper read into a list first) for a side-by-side ratio.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "core"), str(ROOT / "desktop")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--library", required=True)
    ap.add_argument("--jumps", type=int, default=300)
    args = ap.parse_args()
    print("command:", " ".join([sys.executable, *sys.argv]))

    from PySide6.QtCore import Qt

    from gapscope_desktop.settings import use_private_settings

    use_private_settings("/tmp/gapscope-bench-settings")
    from gapscope_desktop.app import create_app
    from gapscope_desktop.main_window import MainWindow

    app = create_app(["bench"])
    w = MainWindow(Path(args.library))
    w.resize(1280, 800)
    w.show()
    lv = w.library_view

    def wait_listed(action) -> float:
        t = time.perf_counter()
        action()
        while lv.loading:
            app.processEvents()
            time.sleep(0.001)
        app.processEvents()
        return time.perf_counter() - t

    t_open = wait_listed(lambda: None)
    n = lv.model.rowCount()
    print(f"papers: {n:,}")
    print(f"list all ids (worker):            {t_open * 1000:8.1f} ms")
    print(f"sort by title (worker, SQL):      {wait_listed(lambda: lv.table.sortByColumn(0, Qt.AscendingOrder)) * 1000:8.1f} ms")
    print(f"sort by year desc (worker, SQL):  {wait_listed(lambda: lv.table.sortByColumn(2, Qt.DescendingOrder)) * 1000:8.1f} ms")
    from gapscope_desktop.views import paper_model

    if "PDF" in [h for h, _k in paper_model.COLUMNS]:      # papers with a PDF first (absent before the column)
        col = [h for h, _k in paper_model.COLUMNS].index("PDF")
        print(f"sort by PDF (worker, SQL):        {wait_listed(lambda: lv.table.sortByColumn(col, Qt.AscendingOrder)) * 1000:8.1f} ms")
        lv.table.sortByColumn(2, Qt.DescendingOrder)
        wait_listed(lambda: None)

    def search(q):
        lv.search.setText(q)
        lv._apply_search()

    print(f"search 'diffusion' (FTS, ranked): {wait_listed(lambda: search('diffusion')) * 1000:8.1f} ms, {lv.model.rowCount():,} hits")
    print(f"search 'graph neural' (FTS):      {wait_listed(lambda: search('graph neural')) * 1000:8.1f} ms, {lv.model.rowCount():,} hits")
    wait_listed(lv.clear_filters)

    bar = lv.table.verticalScrollBar()
    rng = random.Random(0)
    frames = []
    lv.model.page_loads = 0
    for _ in range(args.jumps):
        bar.setValue(rng.randrange(bar.maximum() + 1))
        t = time.perf_counter()
        lv.table.viewport().repaint()
        frames.append((time.perf_counter() - t) * 1000)
    steps = []
    bar.setValue(0)
    for _ in range(args.jumps):  # smooth scrolling: one wheel step at a time
        bar.setValue(bar.value() + 3 * lv.table.verticalHeader().defaultSectionSize())
        t = time.perf_counter()
        lv.table.viewport().repaint()
        steps.append((time.perf_counter() - t) * 1000)
    print(f"repaint after a random jump:      median {statistics.median(frames):6.1f} ms, max {max(frames):6.1f} ms "
          f"({args.jumps} jumps, {lv.model.page_loads} pages read)")
    print(f"repaint per wheel step:           median {statistics.median(steps):6.1f} ms, max {max(steps):6.1f} ms")

    # side by side: the naive way, every paper read before the first row shows
    t = time.perf_counter()
    papers = w.lib.get_papers(w.lib.list_paper_ids())
    naive = time.perf_counter() - t
    print(f"naive fill (read all {len(papers):,} papers first): {naive * 1000:8.1f} ms  "
          f"vs lazy listing {t_open * 1000:.1f} ms  (ratio {naive / t_open:.1f}x)")
    w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
