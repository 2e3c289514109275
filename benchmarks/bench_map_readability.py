"""Readable maps, measured: labels drawn and overlapping pairs on an 80-cluster map (the desktop view at
1200x800 and the report figure), with placement on and off, and the palette's smallest colour distance.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_map_readability.py [--shared ../shared/data]

The map is the one the tests use (tests/core/maps_fixtures.py: 2,000 papers of the shared cs file, 80
clusters). Output: benchmarks/results/maps/map_readability.txt.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def report_figure(m) -> list[str]:
    from gapscope.maps.display import boxes_overlap
    from gapscope.reports import plots
    from gapscope.reports.data import MapData
    from tests.core.test_reports_readable import _label_boxes

    clusters = [{"id": c.id, "label": c.label, "keywords": c.keywords, "size": c.size, "stability": c.stability,
                 "sizes_by_year": c.sizes_by_year, "sizes_by_month": c.sizes_by_month} for c in m.clusters]
    md = MapData("topic", 1, None, m.params, m.scope, len(m.assignments), clusters,
                 [(x, y, m.assignments[p]) for p, (x, y) in m.coords.items()])
    out = []
    for place in (True, False):
        fig, drawn = plots.map_figure(md, place=place)
        boxes = _label_boxes(fig, drawn)
        out.append(f"report figure, placement {'on ' if place else 'off'}: {len(boxes)} labels drawn, "
                   f"{len(boxes_overlap(boxes))} overlapping pairs")
    return out


def desktop_view(m) -> list[str]:
    from PySide6.QtWidgets import QApplication

    from gapscope.maps.display import boxes_overlap
    from gapscope_desktop.tasks import TaskManager
    from gapscope_desktop.views.maps_view import MapsView

    app = QApplication.instance() or QApplication([])
    tm = TaskManager()
    view = MapsView(tm)
    view.resize(1200, 800)
    view.show()
    out = []
    for place in (True, False):
        view.place_enabled = place
        view.show_map(m)
        for _ in range(20):
            app.processEvents()
            time.sleep(0.01)
        view.place_labels()
        boxes = view.drawn_label_boxes()
        area = view.viewbox.sceneBoundingRect()
        inside = all(area.left() <= b[0] and b[2] <= area.right() and area.top() <= b[1] and b[3] <= area.bottom()
                     for _, b in boxes)
        out.append(f"desktop view 1200x800, placement {'on ' if place else 'off'}: {len(boxes)} labels drawn, "
                   f"{len(boxes_overlap([b for _, b in boxes]))} overlapping pairs, all inside the plot: {inside}")
    tm.shutdown(1000)
    return out


def palettes() -> list[str]:
    import matplotlib

    from gapscope.maps.display import min_lab_distance, palette

    tab20 = matplotlib.colormaps["tab20"]
    old = ["#%02x%02x%02x" % tuple(int(255 * v) for v in tab20(i % 20)[:3]) for i in range(20)]
    out = [f"tab20 (the old palette), 20 clusters: smallest CIELAB distance {min_lab_distance(old):.1f}"]
    out += [f"GapScope palette, {n} clusters: smallest CIELAB distance {min_lab_distance(palette(n)):.1f}"
            for n in (20, 27, 80)]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "maps" / "map_readability.txt")
    args = ap.parse_args()
    from tests.core import maps_fixtures

    m = maps_fixtures.eighty_cluster_map(args.shared)
    lines = [f"map: {len(m.assignments)} papers, {len(m.clusters)} clusters"]
    lines += desktop_view(m) + report_figure(m) + palettes()
    text = "\n".join(lines) + "\n"
    print(text, end="")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("command: QT_QPA_PLATFORM=offscreen python benchmarks/bench_map_readability.py\n" + text,
                        encoding="utf-8")


if __name__ == "__main__":
    main()
