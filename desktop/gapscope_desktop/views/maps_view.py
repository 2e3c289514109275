"""Maps: the topic, method, result and shortcoming maps as scatter plots (pyqtgraph, imported when the
view is first shown). Points are coloured by cluster, clusters are labelled at their centre, the list
shows each cluster's size and stability. Selecting clusters, clicking a point or Shift-dragging a
rectangle selects papers; "Show in library" filters the paper table to them. A map that may be out of date
(papers, facet labels, vectors or labelled PDFs changed since it was built: gapscope.maps.stale) says why
in a banner with "Rebuild". The first view frames the bulk of the points (map_framing): a far cluster of
two papers does not squeeze the rest into a strip; "Show all points" frames every one."""

from __future__ import annotations

import html
from typing import Optional

from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton,
                               QSplitter, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from gapscope.maps.display import Label, colours_by_size, place_labels, short_label
from gapscope.maps.model import stability_text
from gapscope.textfmt import plural
from gapscope.vocabulary import MAP_FACETS

from .. import hints, theme
from ..widgets.column_fit import ColumnFit, contents_width
from .core_view import CoreView
from .map_framing import bulk_range, count_outside, full_range


# What the Stability column means (the list's header and each cell say it on hover; docs/maps.md); its
# colours are filled in for the palette in use (stability_tip).
STABILITY_TIP = (
    "<b>Stability</b> (0 to 1): does this cluster come back when the map is made again?<br/>"
    "The same papers are clustered {runs} with other random seeds. Each time, this cluster "
    "is matched to its closest counterpart and we count the papers they share out of the papers in either "
    "(Jaccard). Stability is the mean of those shares.<br/>"
    "<span style='color:{good}'>0.6 and above</span>: the same group every time, a real theme. "
    "<span style='color:{fair}'>0.3 to 0.6</span>: its core is real, its edges move. "
    "<span style='color:{error}'>below 0.3</span>: it depends on the seed; read it with its neighbours.")


def stability_tip(runs: int) -> str:
    """STABILITY_TIP for a map whose stability came from ``runs`` more clusterings."""
    return STABILITY_TIP.format(runs=plural(runs, "more time"), good=theme.colour("good"), fair=theme.colour("fair"),
                                error=theme.colour("error"))


def stability_colour(stability: float) -> str:
    """The colour of a stability value in the list (green, amber, red), as the tip explains."""
    return theme.colour("good" if stability >= 0.6 else "fair" if stability >= 0.3 else "error")


LABEL_CHARS = 28      # longer labels are cut on the map; the list and the hover show them whole
LABEL_SCALE = 0.95    # the labels' size to the window's text (8.5 pt at the usual 9 pt)
# a selection stands out: its points bigger and opaque, every other point faint (growing 6 -> 9 px alone was
# hardly seen among 10,000 points), the selected clusters' labels framed thicker, the others' faded.
# The points keep the brushes they were drawn with: the whole scatter fades (its opacity, about alpha 35 of
# 170) and the selected points are drawn again over it, so a click costs its own points, not the map's
# (setting 74,000 brushes and sizes froze the window for most of a second)
POINT_SIZE, SELECTED_SIZE = 6, 9
POINT_ALPHA, SELECTED_ALPHA = 170, 255
DIMMED_OPACITY = 0.2
LABEL_BORDER, SELECTED_LABEL_BORDER = 1.2, 3.0
DIMMED_LABEL_OPACITY = 0.45
# what the labels are made of (Map.label_kind), said under the map
LABEL_KIND_TEXT = {"concepts": "labels: each cluster's most distinctive concepts",
                   "mixed": "labels: each cluster's most distinctive concepts (keywords where it has none)",
                   # the window has no "Analyze": Find gaps extracts the concepts, Build maps names the clusters
                   "keywords": "labels: keywords (for concept labels: Find gaps, then Build maps)"}


def load_map(lib, facet, *, progress=None, cancel=None):
    """The newest map of ``facet``, or None when none was built yet."""
    from gapscope.maps import latest_map
    from gapscope.store import LibraryError

    try:
        return latest_map(lib, facet)
    except LibraryError:
        return None


class BuildResult:
    """The map to show, what could not be done (said in the view) and why the map may be out of date."""

    def __init__(self, map_, notes: list[str], stale: Optional[list[str]] = None) -> None:
        self.map = map_
        self.notes = notes
        self.stale = stale or []


def load_shown(lib, facet, *, progress=None, cancel=None) -> BuildResult:
    """The newest map of ``facet`` (None: none yet) with why it may be out of date."""
    from gapscope.maps.stale import stale_reasons

    m = load_map(lib, facet)
    return BuildResult(m, [], stale_reasons(lib, m) if m is not None else [])


def build(lib, facet, *, progress=None, cancel=None) -> BuildResult:
    """The maps' pipeline, the core's ``analyze`` without the gaps (as ``gapscope analyze --no-gaps``):
    classify sentences by facet, embed abstracts and facet texts, cluster every map, each step only
    where something changed. When the sentences cannot be classified only the topic map (whole
    abstracts) is built; that is said."""
    from gapscope.analyze import analyze

    # the encoder runs on the device setting (Preferences, or the library's or the environment's)
    rep = analyze(lib, facets=MAP_FACETS, gaps=False, progress=progress, cancel=cancel)
    shown = load_shown(lib, facet)
    return BuildResult(shown.map, rep.notes, shown.stale)


def _swatch(colour: QColor) -> QIcon:
    pix = QPixmap(12, 12)
    pix.fill(colour)
    return QIcon(pix)


def _with_alpha(colour, alpha: int) -> QColor:
    c = QColor(colour)
    c.setAlpha(alpha)
    return c


def _attr(obj, name, default=None):
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


STABILITY_COLUMN = 2
SORT_VALUE = Qt.UserRole + 1      # the number a column shown as text sorts by


class ClusterItem(QTreeWidgetItem):
    """A row of the cluster list: the stability column shows text ("0.30", as the CLI and the reports do)
    and sorts by its number."""

    def __lt__(self, other) -> bool:
        col = self.treeWidget().sortColumn() if self.treeWidget() is not None else 0
        mine, theirs = self.data(col, SORT_VALUE), other.data(col, SORT_VALUE)
        if mine is not None and theirs is not None:
            return mine < theirs
        if (mine is None) != (theirs is None):       # a cluster without a stability sorts first
            return mine is None
        a, b = self.data(col, Qt.DisplayRole), other.data(col, Qt.DisplayRole)   # the size, the label
        try:
            return a < b
        except TypeError:
            return str(a) < str(b)


def cluster_tip(label: str, concepts, keywords, representative: str = "") -> str:
    """A cluster's hover: its label, then the concepts ranked for it and its keywords, each named, and the
    first sentence of its most central paper (a label's three words rarely say what the papers do)."""
    lines = [html.escape(label)]
    if concepts:
        lines.append("concepts: " + html.escape(", ".join(map(str, concepts))))
    if keywords:
        lines.append("keywords: " + html.escape(", ".join(map(str, keywords))))
    if representative:
        lines.append("most central paper: <i>" + html.escape(" ".join(str(representative).split())) + "</i>")
    return "<br/>".join(lines)


class MapsView(CoreView):
    showPapers = Signal(list, str)
    selectionChanged = Signal(list)
    screenCluster = Signal(tuple)       # (map id, cluster id, label): screen that cluster in Triage
    # a build ended (done, failed or cancelled: each step commits its work): maps, facet labels or
    # vectors may have changed, so what was found from them (the gaps) may be out of date
    inputsChanged = Signal()

    def __init__(self, tasks, parent: Optional[QWidget] = None) -> None:
        super().__init__(tasks, parent)
        self.map = None
        self.plot = None
        self.scatter = None
        self.highlight = None          # the selected points, drawn over the faded scatter
        self.labels: list = []
        self.ids: list[int] = []
        self.cluster_of: dict[int, int] = {}
        self._row_of: dict[int, int] = {}        # a paper's row in ids and _xy
        self._members: dict[int, list[int]] = {}  # a cluster's papers, in the order of ids
        self.selected: list[int] = []
        self.place_enabled = True      # off only to show what the placement prevents (tests)
        self.label_item: dict = {}
        self._xy = None                # the points' coordinates (n, 2), as drawn
        self._anchor: dict = {}
        self._label_of: dict = {}
        self._size_of: dict = {}
        # what the last build reported (steps it could not do), kept for the facet it was started on: shown
        # under that facet's map whenever it is shown, until the next build or another library
        self.build_notes: tuple[Optional[str], list[str]] = (None, [])

        self.facet = QComboBox()
        self.facet.setObjectName("mapFacet")
        for f in MAP_FACETS:
            self.facet.addItem(f"{f.capitalize()} map", f)
        self.facet.currentIndexChanged.connect(lambda _i: self.reload())
        self.build_button = QPushButton("Build maps")
        self.build_button.setToolTip("Embed, classify and cluster the library (runs in the background)")
        self.build_button.clicked.connect(self.build_maps)
        self.info = QLabel()
        self.info.setWordWrap(True)            # wraps at a large font, never widens the window
        theme.set_text_colour(self.info, "secondary")
        self.show_button = QPushButton("Show in library")
        self.show_button.setObjectName("showInLibrary")
        self.show_button.setEnabled(False)
        self.show_button.clicked.connect(self._show_selected)
        # checked: every point framed; unchecked: the bulk (far outliers beyond the edges)
        self.all_points_button = QPushButton("Show all points")
        self.all_points_button.setObjectName("showAllPoints")
        self.all_points_button.setCheckable(True)
        self.all_points_button.setEnabled(False)
        self.all_points_button.toggled.connect(self._frame)
        # why the shown map may be out of date, and the build that brings it up to date
        self.stale_banner = QFrame()
        self.stale_banner.setObjectName("mapStaleBanner")
        self.stale_banner.setStyleSheet(theme.banner_sheet("mapStaleBanner"))
        self.stale_label = QLabel()
        self.stale_label.setWordWrap(True)
        self.rebuild_button = QPushButton("Rebuild")
        self.rebuild_button.setObjectName("rebuildMaps")
        self.rebuild_button.setToolTip("Build the out-of-date maps again (runs in the background)")
        self.rebuild_button.clicked.connect(self.build_maps)
        bl = QHBoxLayout(self.stale_banner)
        bl.setContentsMargins(8, 4, 8, 4)
        bl.addWidget(self.stale_label, 1)
        bl.addWidget(self.rebuild_button)
        self.stale_banner.hide()

        self.clusters = QTreeWidget()
        self.clusters.setObjectName("clusterList")
        self.clusters.setHeaderLabels(["Cluster", "Papers", "Stability"])
        self.clusters.setRootIsDecorated(False)
        self.clusters.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.clusters.setSortingEnabled(True)
        self.clusters.itemSelectionChanged.connect(self._clusters_selected)
        self.clusters.itemDoubleClicked.connect(lambda *_: self._show_selected())
        self.clusters.setContextMenuPolicy(Qt.CustomContextMenu)
        self.clusters.customContextMenuRequested.connect(self._cluster_menu)
        # fitted with each map shown, a width the user dragged kept (and kept for the next session)
        self.cluster_columns = ColumnFit(self.clusters, "mapClusters", lambda: {
            0: self.clusters.fontMetrics().averageCharWidth() * 40, 1: contents_width(self.clusters, 1)})

        self.canvas_holder = QWidget()
        self.canvas_layout = QVBoxLayout(self.canvas_holder)
        self.canvas_layout.setContentsMargins(0, 0, 0, 0)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignCenter)
        self.empty.setWordWrap(True)       # on one line the message would widen the window past the screen
        theme.set_text_colour(self.empty, "faint")
        big = self.empty.font()
        big.setPointSizeF(big.pointSizeF() * 1.45)     # 13 pt beside the usual 9
        self.empty.setFont(big)
        self.canvas_layout.addWidget(self.empty)

        top = QHBoxLayout()
        top.addWidget(self.facet)
        top.addWidget(self.build_button)
        top.addWidget(self.info, 1)
        top.addWidget(self.all_points_button)
        top.addWidget(self.show_button)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.clusters)
        split.addWidget(self.canvas_holder)
        split.setStretchFactor(1, 1)
        split.setSizes([400, 700])
        pl = QVBoxLayout(self)
        pl.setContentsMargins(8, 8, 8, 8)
        pl.addLayout(top)
        pl.addWidget(self.stale_banner)
        pl.addWidget(split, 1)

    def writers(self) -> list:
        return [self.build_button, self.rebuild_button]

    def library_changed(self, lib) -> None:
        self.map = None
        self.build_notes = (None, [])
        self.show_stale([])

    def library_switched(self, lib) -> None:
        """The map drawn, its clusters and the papers selected on it were the previous library's: "Show in
        library" would filter this one to other papers."""
        self._clear_map("")

    def current_facet(self) -> str:
        return self.facet.currentData()

    def reload(self) -> None:
        if self.lib is None:
            return
        self.pending = False
        self.info.setText("Loading map…")
        self.run_listing("Load map", load_shown, self.current_facet(), on_result=self._loaded,
                         on_error=lambda m, _t: self._no_map(f"Cannot load the map: {m}"))

    def _loaded(self, result: BuildResult) -> None:
        shown = _attr(self.map, "id") if self.map is not None else None
        if result.map is None or _attr(result.map, "id") != shown:
            self.show_map(result.map)
        else:                 # the same map (the library changed under it): keep the selection and the view
            self.info.setText(self._summary(self.map))
        self.show_stale(result.stale if result.map is not None else [])
        self._show_notes()

    def show_stale(self, reasons: list[str]) -> None:
        """The banner over the map: why it may be out of date (hidden when it is current)."""
        self.stale_label.setText("<b>This map may be out of date:</b> " + html.escape("; ".join(reasons))
                                 + "." if reasons else "")
        self.stale_banner.setVisible(bool(reasons))

    def build_maps(self):
        facet = self.current_facet()
        return self.run_step("Build maps", build, facet, button=(self.build_button, self.rebuild_button),
                             status=self.info, busy="Building maps…", what="Building the maps",
                             on_result=lambda result: self._built(facet, result), on_finished=self.inputsChanged.emit)

    def _built(self, facet: str, result: BuildResult) -> None:
        self.build_notes = (facet, list(result.notes))
        if facet != self.current_facet():
            self.reload()                # another facet was chosen meanwhile: its map, as the build left it
            return
        self.outdate_listings()          # a load still on its way read the map as it was before the build
        self.show_map(result.map)
        self.show_stale(result.stale if result.map is not None else [])
        self._show_notes()

    def _show_notes(self) -> None:
        """The last build's notes after the map's summary, when its facet is the one shown."""
        facet, notes = self.build_notes
        if notes and facet == self.current_facet():
            shown = self.info.text()
            self.info.setText((shown + "  —  " if shown else "") + "; ".join(notes))

    def _no_map(self, text: str) -> None:
        self._ensure_plot()
        self._clear_map(text)

    def _clear_map(self, text: str) -> None:
        """No map: no clusters, points, labels or selection; ``text`` where the map was."""
        self.map = None
        self.show_stale([])
        self.clusters.blockSignals(True)      # the selection goes below, once
        self.clusters.clear()
        self.clusters.blockSignals(False)
        self.info.setText("")
        if self.scatter is not None:
            self.scatter.clear()
        for t in self.labels:
            self.plot.removeItem(t)
        self.labels = []
        self.label_item = {}
        self.ids, self.cluster_of, self._anchor, self._label_of = [], {}, {}, {}
        self._row_of, self._members = {}, {}
        self._xy = None
        self._reset_framing(0)
        self._set_selection([])
        self.empty.setText(text)
        self.empty.show()
        if self.plot is not None:
            self.plot.hide()

    # --- drawing ---------------------------------------------------------------------------------
    def _ensure_plot(self) -> None:
        if self.plot is not None:
            return
        import pyqtgraph as pg

        from .selectable_plot import SelectViewBox

        pg.setConfigOptions(antialias=True, background=theme.colour("plot_background"),
                            foreground=theme.colour("plot_foreground"))
        self.viewbox = SelectViewBox()
        self.viewbox.rectSelected.connect(self._rect_selected)
        self.plot = pg.PlotWidget(viewBox=self.viewbox)
        self.plot.setObjectName("mapPlot")
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.setMenuEnabled(False)
        # a point's hover names its cluster: the labels that found no room are read there
        self.scatter = pg.ScatterPlotItem(size=6, pen=None, hoverable=True, tip=self._point_tip)
        self.scatter.sigClicked.connect(self._point_clicked)
        self.plot.addItem(self.scatter)
        # above the points, below the labels; its points name their cluster and select their paper alike
        self.highlight = pg.ScatterPlotItem(size=SELECTED_SIZE, pen=None, hoverable=True, tip=self._point_tip)
        self.highlight.sigClicked.connect(self._point_clicked)
        self.highlight.setZValue(1)
        self.highlight.hide()
        self.plot.addItem(self.highlight)
        self.canvas_layout.addWidget(self.plot)
        # labels are placed in pixels: zooming, panning or resizing places them again
        self._place_timer = QTimer(self)
        self._place_timer.setSingleShot(True)
        self._place_timer.setInterval(40)
        self._place_timer.timeout.connect(self.place_labels)
        self.viewbox.sigRangeChanged.connect(lambda *_: self._place_timer.start())
        self.viewbox.sigResized.connect(lambda *_: self._place_timer.start())

    def _point_tip(self, x, y, data) -> str:
        cid = self.cluster_of.get(int(data)) if data is not None else None
        name = self._label_of.get(cid, "")
        return f"{name}  (cluster {cid})" if name else ""

    def show_map(self, m) -> None:
        if m is None:
            self._no_map(hints.NO_MAP)
            return
        import numpy as np
        import pyqtgraph as pg

        self._ensure_plot()
        self.empty.hide()
        self.plot.show()
        self.map = m
        coords = _attr(m, "coords", {}) or {}
        assignments = _attr(m, "assignments", {}) or {}
        clusters = list(_attr(m, "clusters", []) or [])
        self.ids = [int(i) for i in coords]
        self.cluster_of = {int(k): int(v) for k, v in assignments.items() if v is not None}
        xy = np.array([coords[i] for i in coords], dtype=float).reshape(-1, 2)
        sizes = {int(_attr(c, "id")): int(_attr(c, "size", 0) or 0) for c in clusters}
        # one colour per shown cluster, never repeated; the most distinct go to the biggest clusters
        self.colour_of = {cid: QColor(col) for cid, col in colours_by_size(sizes.items()).items()}
        self._row_of = {pid: k for k, pid in enumerate(self.ids)}
        self._members = {}
        for pid in self.ids:
            self._members.setdefault(self.cluster_of.get(pid), []).append(pid)
        # each cluster's brush as drawn, and when selected: {alpha: {cluster: brush}}; grey out of any cluster
        self._brushes = {alpha: {cid: pg.mkBrush(_with_alpha(col, alpha)) for cid, col in self.colour_of.items()}
                         for alpha in (POINT_ALPHA, SELECTED_ALPHA)}
        self._greys = {alpha: pg.mkBrush(_with_alpha(QColor("#bbbbbb"), alpha))
                       for alpha in (POINT_ALPHA, SELECTED_ALPHA)}
        # set once per map: a selection never touches these brushes and sizes
        self.scatter.setData(x=xy[:, 0], y=xy[:, 1], brush=self._point_brushes(self.ids, POINT_ALPHA),
                             data=self.ids, size=POINT_SIZE, pen=None)
        for t in self.labels:
            self.plot.removeItem(t)
        self.labels = []
        self.label_item = {}
        self._anchor = {}
        self._label_of = {}
        self._size_of = sizes
        runs = (_attr(m, "params", {}) or {}).get("stability_seeds", 3)
        tip = stability_tip(runs)
        self.clusters.headerItem().setToolTip(2, tip)
        self.clusters.headerItem().setToolTip(0, "Each cluster in its colour on the map (the legend); "
                                                 "hover a point on the map to see its cluster")
        # the labels: the palette's text on its base colour, a little smaller than the window's text
        label_colour = theme.colour("plot_label")
        label_fill = QColor(theme.colour("plot_background"))
        label_fill.setAlpha(215)
        label_points = self.font().pointSizeF() * LABEL_SCALE
        self.clusters.blockSignals(True)
        self.clusters.clear()
        self.clusters.setSortingEnabled(False)
        for c in clusters:
            cid = int(_attr(c, "id"))
            members = [self._row_of[pid] for pid in self._members.get(cid, [])]
            label = str(_attr(c, "label", "") or f"cluster {cid}")
            self._label_of[cid] = label
            stab = _attr(c, "stability")
            item = ClusterItem([label, "", ""])
            item.setData(0, Qt.UserRole, cid)
            item.setIcon(0, _swatch(self.colour_of[cid]))
            item.setData(1, Qt.DisplayRole, int(_attr(c, "size", len(members)) or len(members)))
            if isinstance(stab, (int, float)) and stab == stab:
                item.setData(STABILITY_COLUMN, Qt.DisplayRole, stability_text(stab))
                item.setData(STABILITY_COLUMN, SORT_VALUE, float(stab))
                item.setForeground(2, QColor(stability_colour(stab)))
                item.setToolTip(2, tip)
            tip_text = cluster_tip(label, _attr(c, "concepts") or [], _attr(c, "keywords") or [],
                                   _attr(c, "representative") or "")
            item.setToolTip(0, tip_text)
            self.clusters.addTopLevelItem(item)
            if members:
                cx, cy = xy[members].mean(axis=0)
                text = pg.TextItem(short_label(label, LABEL_CHARS), color=label_colour, anchor=(0.5, 0.5),
                                   fill=pg.mkBrush(label_fill),
                                   border=pg.mkPen(self.colour_of[cid], width=LABEL_BORDER))
                font = text.textItem.font()
                font.setBold(True)
                font.setPointSizeF(label_points)
                text.setFont(font)
                text.setToolTip(tip_text)
                text.setPos(float(cx), float(cy))
                text.setZValue(10)
                self.plot.addItem(text)
                self.labels.append(text)
                self.label_item[cid] = text
                self._anchor[cid] = (float(cx), float(cy))
        self.clusters.setSortingEnabled(True)
        self.clusters.sortByColumn(1, Qt.DescendingOrder)
        self.cluster_columns.apply()
        self.clusters.blockSignals(False)
        self._xy = xy
        self._reset_framing(count_outside(xy, bulk_range(xy)) if len(xy) else 0)
        self._frame(False)
        self.info.setText(self._summary(m))
        self._set_selection([])
        self.place_labels()

    def _reset_framing(self, outside: int) -> None:
        """The bulk framed again (a new map); "Show all points" offered when ``outside`` points lie beyond it."""
        b = self.all_points_button
        b.blockSignals(True)
        b.setChecked(False)
        b.blockSignals(False)
        b.setEnabled(outside > 0)
        b.setToolTip(f"Frame every paper of the map, the {plural(outside, 'paper')} beyond this view's edges "
                     "included (small clusters far from the rest); unchecked, the view frames the bulk of "
                     "the map" if outside else "Every paper of the map is in view")

    def _frame(self, all_points: bool) -> None:
        """Frame every point, or the bulk of them (1st-99th percentile of each axis, with a margin)."""
        if self.plot is None or self._xy is None or not len(self._xy):
            if self.plot is not None:
                self.plot.autoRange()
            return
        (x0, x1), (y0, y1) = (full_range if all_points else bulk_range)(self._xy)
        self.viewbox.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def _summary(self, m) -> str:
        kind = _attr(m, "label_kind", "keywords")
        return (f"{len(_attr(m, 'coords', {}) or {}):,} papers in {len(_attr(m, 'clusters', []) or [])} clusters; "
                f"{LABEL_KIND_TEXT.get(kind, kind)}")

    def selected_clusters(self) -> set[int]:
        return {it.data(0, Qt.UserRole) for it in self.clusters.selectedItems()}

    def place_labels(self) -> None:
        """Show the labels that fit without overlapping, biggest clusters first and the selected ones
        always, each inside the plot; the others hide (their points name them on hover), and so do those
        of clusters whose centre lies beyond the view's edges."""
        if self.plot is None or not self.labels:
            return
        vb = self.viewbox
        area = vb.sceneBoundingRect()
        if area.width() < 10 or area.height() < 10:
            return
        todo = []
        chosen = self.selected_clusters()
        for cid, text in self.label_item.items():
            p = vb.mapViewToScene(QPointF(*self._anchor[cid]))
            if not area.contains(p) and cid not in chosen:
                continue      # a cluster beyond the view's edges: its label would cover the points in view
            r = text.textItem.boundingRect()
            todo.append(Label(cid, p.x(), p.y(), r.width(), r.height(), self._size_of.get(cid, 0)))
        where = place_labels(todo, (area.left(), area.top(), area.right(), area.bottom()), always=chosen,
                             pad=2.0) if self.place_enabled else {lb.key: (lb.x, lb.y) for lb in todo}
        for cid, text in self.label_item.items():
            spot = where.get(cid)
            text.setVisible(spot is not None)
            if spot is not None:
                text.setPos(vb.mapSceneToView(QPointF(*spot)))
                text.setZValue(20 if cid in chosen else 10)

    def drawn_label_boxes(self) -> list[tuple[str, tuple[float, float, float, float]]]:
        """(text, scene box) of each label on screen: what a reader sees (the tests check these)."""
        out = []
        for text in self.labels:
            if text.isVisible():
                r = text.mapRectToScene(text.textItem.mapRectToParent(text.textItem.boundingRect()))
                out.append((text.textItem.toPlainText(), (r.left(), r.top(), r.right(), r.bottom())))
        return out

    # --- selection -------------------------------------------------------------------------------
    def _set_selection(self, ids: list[int]) -> None:
        self.selected = ids
        self.show_button.setEnabled(bool(ids))
        self.show_button.setText(f"Show {len(ids):,} in library" if ids else "Show in library")
        if self.scatter is not None:
            self._highlight(ids if self.ids else [])
        self._mark_labels(self.selected_clusters() if ids else set())
        self.selectionChanged.emit(ids)

    def _highlight(self, ids: list[int]) -> None:
        """The selected points drawn bigger and opaque over the faded scatter; nothing selected: the scatter
        as drawn. Costs the selected points only: the scatter's own brushes and sizes stay as they are."""
        if not ids:
            self.highlight.clear()
            self.highlight.hide()
            self.scatter.setOpacity(1.0)
            return
        rows = [self._row_of[i] for i in ids]
        self.highlight.setData(x=self._xy[rows, 0], y=self._xy[rows, 1], data=list(ids),
                               brush=self._point_brushes(ids, SELECTED_ALPHA), size=SELECTED_SIZE, pen=None)
        self.highlight.show()
        self.scatter.setOpacity(DIMMED_OPACITY)

    def _point_brushes(self, ids: list[int], alpha: int) -> list:
        """Each paper's brush: its cluster's colour (grey out of any cluster) at ``alpha``."""
        brushes, grey = self._brushes[alpha], self._greys[alpha]
        return [brushes.get(self.cluster_of.get(i), grey) for i in ids]

    def _mark_labels(self, chosen: set[int]) -> None:
        """The selected clusters' labels framed thicker in their colour, the others faded; all alike without
        a selected cluster."""
        if not self.label_item:
            return          # no map drawn: pyqtgraph stays unloaded until one is (start-up time)
        import pyqtgraph as pg

        for cid, text in self.label_item.items():
            picked = cid in chosen
            text.border = pg.mkPen(self.colour_of[cid], width=SELECTED_LABEL_BORDER if picked else LABEL_BORDER)
            text.setOpacity(DIMMED_LABEL_OPACITY if chosen and not picked else 1.0)
            text.update()

    def select_clusters(self, cluster_ids: list[int]) -> None:
        want = set(cluster_ids)
        for i in range(self.clusters.topLevelItemCount()):
            item = self.clusters.topLevelItem(i)
            item.setSelected(item.data(0, Qt.UserRole) in want)

    def _cluster_menu(self, pos) -> None:
        from PySide6.QtWidgets import QMenu

        item = self.clusters.itemAt(pos)
        map_id = _attr(self.map, "id") if self.map is not None else None
        if item is None or map_id is None:
            return
        menu = QMenu(self)
        menu.addAction("Screen this cluster in Triage", lambda: self.screen_cluster(item))
        menu.exec(self.clusters.viewport().mapToGlobal(pos))

    def screen_cluster(self, item) -> None:
        self.screenCluster.emit((int(_attr(self.map, "id")), int(item.data(0, Qt.UserRole)), item.text(0)))

    def _clusters_selected(self) -> None:
        chosen = self.selected_clusters()
        # the clusters' own papers (not a pass over the map), in the map's order as before
        self._set_selection(sorted((i for cid in chosen for i in self._members.get(cid, [])), key=self._row_of.get))
        self.place_labels()  # a selected cluster is always labelled

    def _point_clicked(self, _item, points, *_args) -> None:
        if len(points):
            pid = int(points[0].data())
            cid = self.cluster_of.get(pid)
            self.clusters.blockSignals(True)
            self.clusters.clearSelection()
            self.clusters.blockSignals(False)
            self._set_selection([pid])
            if self.lib is not None:
                # the cluster by its label, as the list and the plot name it (its number alone says nothing)
                name = self._label_of.get(cid, "")
                self.info.setText(f"{self.lib.get_paper(pid).title[:90]}  (cluster {cid}" + (f": {name})" if name else ")"))

    def _rect_selected(self, x0: float, y0: float, x1: float, y1: float) -> None:
        if self.map is None:
            return
        import numpy as np

        x, y = self._xy[:, 0], self._xy[:, 1]      # the points as drawn: one pass in numpy, not per paper
        inside = np.flatnonzero((x0 <= x) & (x <= x1) & (y0 <= y) & (y <= y1))
        self._set_selection([self.ids[k] for k in inside])

    def _show_selected(self) -> None:
        if not self.selected:
            return
        names = [it.text(0) for it in self.clusters.selectedItems()]
        label = (f"{self.current_facet()} map: " + ", ".join(names[:3]) + ("…" if len(names) > 3 else "")) \
            if names else f"{len(self.selected):,} papers selected on the {self.current_facet()} map"
        self.showPapers.emit(list(self.selected), label)
