"""Selecting a cluster on a big map: the overlay the Maps view draws now against a full recolour (the old way).

    QT_QPA_PLATFORM=offscreen nice -n 10 python benchmarks/bench_map_selection.py [--points 74566] [--k 80]
        [--repeats 7] [--library COPY [--facet topic]] [--out benchmarks/results/desktop/map_selection.txt]

The map is synthetic by default: ``--points`` papers in ``--k`` clusters of uneven sizes (the full cs
library's topic map has 74,566 papers in 80 clusters, the largest 2,341), each a Gaussian blob. With
``--library`` the newest ``--facet`` map of that library is shown instead (open a copy: the script only
reads, but a library is not opened read-only here).

The Maps view (1200x800, offscreen) shows the map; then a cluster is selected in its list, as a click does,
and deselected, ``--repeats`` times for each of three clusters (the largest, the median, the smallest), each
path in turn:

  overlay   the view as shipped (views/maps_view.py): the scatter's brushes and sizes stay as drawn, the
            scatter fades (opacity) and the selected points are drawn again in a second item above it;
  recolour  the same view with the selection drawn the old way (before ae20cd1): a size and a brush set
            for every point of the scatter, and the cluster's papers found by a pass over every paper.

Per click, median over the repeats: the selection alone (the work on the GUI thread, the labels placed
again included), the part of it that draws the points (MapsView._highlight, the part the two paths
differ in), the selection with the plot drawn once after it (QWidget.grab of the plot: a full paint of
every point, as the screen's next frame does), and the deselection; wall time, and the GUI thread's CPU
time (time.thread_time), which a busy machine disturbs less. Settings go to a temporary folder
(settings.use_private_settings). Nothing is asserted; no test times anything.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import MethodType

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "core"), str(ROOT / "desktop")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from probe_output import print_and_save, settle  # noqa: E402 (benchmarks/, the script's folder)

DIMMED_ALPHA = 35        # the old faint points' alpha (maps_view before the overlay)
PATHS = ("overlay", "recolour")


def synthetic_map(points: int, k: int, seed: int = 7):
    """A map of ``points`` papers in ``k`` Gaussian clusters whose sizes fall off like the real map's."""
    import numpy as np

    from gapscope.maps.model import Cluster, Map

    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, k + 1) ** 0.3     # 74,566 in 80: the largest about 2,500, as the real map
    sizes = np.floor(weights / weights.sum() * points).astype(int)
    sizes[: points - sizes.sum()] += 1
    centres = rng.uniform(-10, 10, size=(k, 2))
    coords, assignments, clusters = {}, {}, []
    pid = 1
    for cid, (n, centre) in enumerate(zip(sizes, centres)):
        xy = centre + rng.normal(scale=rng.uniform(0.4, 1.2), size=(n, 2))
        for x, y in xy:
            coords[pid] = (float(x), float(y))
            assignments[pid] = cid
            pid += 1
        clusters.append(Cluster(id=cid, label=f"cluster {cid} terms, words, phrases", keywords=["terms", "words"],
                                representative="", size=int(n), stability=0.5, sizes_by_year={},
                                x=float(centre[0]), y=float(centre[1])))
    return Map(facet="topic", params={"k": k}, scope={"library": True}, clusters=clusters,
               assignments=assignments, coords=coords)


def library_map(path: Path, facet: str):
    from gapscope.store import Library
    from gapscope_desktop.views.maps_view import load_map

    lib = Library(path, create=False)
    try:
        m = load_map(lib, facet)
    finally:
        lib.close()
    if m is None:
        sys.exit(f"{path} holds no {facet} map")
    return m


def recolour_selection(view) -> None:
    """Draw ``view``'s selections the old way: every point's size and brush set on the one scatter item, and
    a cluster's papers found by a pass over the map (maps_view before ae20cd1)."""
    import pyqtgraph as pg

    from gapscope_desktop.views import maps_view as mv

    dimmed = {cid: pg.mkBrush(mv._with_alpha(col, DIMMED_ALPHA)) for cid, col in view.colour_of.items()}
    dimmed_grey = pg.mkBrush(mv._with_alpha(mv.QColor("#bbbbbb"), DIMMED_ALPHA))

    def highlight(self, ids):
        chosen = set(ids)
        self.highlight.hide()
        self.scatter.setOpacity(1.0)
        self.scatter.setSize([mv.SELECTED_SIZE if i in chosen else mv.POINT_SIZE for i in self.ids])

        def brush(pid):
            cid = self.cluster_of.get(pid)
            if not chosen:
                return self._brushes[mv.POINT_ALPHA].get(cid, self._greys[mv.POINT_ALPHA])
            if pid in chosen:
                return self._brushes[mv.SELECTED_ALPHA].get(cid, self._greys[mv.SELECTED_ALPHA])
            return dimmed.get(cid, dimmed_grey)

        self.scatter.setBrush([brush(i) for i in self.ids])

    def clusters_selected(self):
        chosen = self.selected_clusters()
        self._set_selection([i for i in self.ids if self.cluster_of.get(i) in chosen])
        self.place_labels()

    view._highlight = MethodType(highlight, view)
    view.clusters.itemSelectionChanged.disconnect()
    view._clusters_selected = MethodType(clusters_selected, view)
    view.clusters.itemSelectionChanged.connect(view._clusters_selected)


def make_view(app, m, path: str):
    from gapscope_desktop.tasks import TaskManager
    from gapscope_desktop.views.maps_view import MapsView

    view = MapsView(TaskManager())
    view.resize(1200, 800)
    view.show()
    view.show_map(m)
    if path == "recolour":
        recolour_selection(view)
    settle(app, 0.5)
    return view


MEASURES = (("select", "selection, wall"), ("select_cpu", "selection, GUI-thread CPU"),
            ("points", "  of which the points (_highlight), wall"),
            ("points_cpu", "  of which the points, GUI-thread CPU"), ("paint", "selection + paint, wall"),
            ("paint_cpu", "selection + paint, GUI-thread CPU"), ("deselect", "deselection, wall"))


def time_points(view) -> list:
    """Wrap ``view._highlight`` (the points' part of a selection) to add its seconds (wall, GUI-thread CPU) to
    the list returned."""
    spent = [0.0, 0.0]
    inner = view._highlight

    def timed(ids):
        w, c = time.perf_counter(), time.thread_time()
        inner(ids)
        spent[0] += time.perf_counter() - w
        spent[1] += time.thread_time() - c

    view._highlight = timed
    return spent


def click(view, cluster_ids) -> dict:
    """Select ``cluster_ids`` in the list (as a click does); seconds of the selection and of the selection
    with the plot drawn once after it, wall and the GUI thread's CPU, and of its points' part."""
    view.points_spent[:] = [0.0, 0.0]
    w0, c0 = time.perf_counter(), time.thread_time()
    view.select_clusters(cluster_ids)
    w1, c1 = time.perf_counter(), time.thread_time()
    view.plot.grab()
    w2, c2 = time.perf_counter(), time.thread_time()
    return {"select": w1 - w0, "select_cpu": c1 - c0, "points": view.points_spent[0],
            "points_cpu": view.points_spent[1], "paint": w2 - w0,
            "paint_cpu": c2 - c0}


def measure(app, m, repeats: int) -> dict:
    sizes = sorted((c.size, c.id) for c in m.clusters if c.size)
    picks = {"largest": sizes[-1], "median": sizes[len(sizes) // 2], "smallest": sizes[0]}
    views = {path: make_view(app, m, path) for path in PATHS}
    for view in views.values():
        view.points_spent = time_points(view)
        click(view, [picks["median"][1]])   # each path's first paint and first selection out of the figures
        click(view, [])
    out = {}
    for name, (size, cid) in picks.items():
        times = {path: {key: [] for key, _label in MEASURES} for path in PATHS}
        for _ in range(repeats):
            for path in PATHS:              # taken in turn, so a busy moment of the machine hits both
                view = views[path]
                for key, value in click(view, [cid]).items():
                    times[path][key].append(value)
                assert len(view.selected) == size
                times[path]["deselect"].append(click(view, [])["select"])
                settle(app, 0.05)
        out[name] = (size, {p: {k: statistics.median(v) for k, v in t.items()} for p, t in times.items()})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--points", type=int, default=74_566)
    ap.add_argument("--k", type=int, default=80)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--library", type=Path, help="show this library's map instead (a copy)")
    ap.add_argument("--facet", default="topic")
    ap.add_argument("--out", type=Path, help="also write the table here")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="gapscope-bench-map-") as tmp:
        from gapscope_desktop import settings

        settings.use_private_settings(Path(tmp) / "settings")
        from gapscope_desktop.app import create_app

        app = create_app(["bench_map_selection"])
        if args.library:
            m = library_map(args.library, args.facet)
            source = f"the newest {args.facet} map of {args.library.name}"
            cmd = f"--library COPY/{args.library.name} --facet {args.facet}"    # where the copy lives is no figure
        else:
            m = synthetic_map(args.points, args.k)
            source = "a synthetic map"
            cmd = f"--points {args.points} --k {args.k}"
        figures = measure(app, m, args.repeats)

    lines = [f"$ python benchmarks/bench_map_selection.py {cmd} --repeats {args.repeats}",
             f"{source}: {len(m.coords):,} points, {len(m.clusters)} clusters; Maps view 1200x800, offscreen; "
             f"median of {args.repeats} clicks per cluster, ms; load average {os.getloadavg()[0]:.1f} on "
             f"{os.cpu_count()} CPUs",
             "overlay: as shipped; recolour: every point's size and brush set (the old way); ratio: recolour / "
             "overlay", ""]
    lines.append(f"{'cluster':18}{'':42}{'overlay':>10}{'recolour':>10}{'ratio':>8}")
    for name, (size, t) in figures.items():
        for k, (key, label) in enumerate(MEASURES):
            a, b = t["overlay"][key], t["recolour"][key]
            first = f"{name} ({size:,})" if k == 0 else ""
            ratio = f"{b / a:>7.1f}x" if a > 0 else f"{'-':>8}"
            lines.append(f"{first:18}{label:42}{a * 1000:>10.1f}{b * 1000:>10.1f}{ratio}")
        lines.append("")
    print_and_save(lines, args.out)


if __name__ == "__main__":
    main()
