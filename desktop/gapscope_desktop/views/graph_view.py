"""Citations: the library's citation graph (pyqtgraph). Papers are nodes sized by their citations and
coloured by their topic-map cluster, lines join papers that share references (bibliographic coupling),
Clicking a node lists its related papers (co-citation and coupling); double-clicking one of those
opens it in the library. "Enrich" runs `gapscope enrich` on a worker (OpenAlex, Semantic Scholar)."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPushButton, QSpinBox, QSplitter, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from gapscope.maps.display import palette

from .. import theme
from ..widgets.column_fit import ColumnFit, contents_width
from .core_view import CoreView


def load_graph(lib, max_nodes: int = 150, *, progress=None, cancel=None):
    from gapscope.citations.figure import graph_figure

    return graph_figure(lib, max_nodes=max_nodes, progress=progress, cancel=cancel)


def load_related(lib, paper_id: int, *, progress=None, cancel=None) -> list[dict]:
    from gapscope.citations.related import related_papers

    return related_papers(lib, [paper_id], k=15)


def run_enrich(lib, *, progress=None, cancel=None):
    from gapscope.citations.enrich import enrich

    return enrich(lib, progress=progress, cancel=cancel)


class GraphView(CoreView):
    openPaper = Signal(int)

    def __init__(self, tasks, parent: Optional[QWidget] = None) -> None:
        super().__init__(tasks, parent)
        self.figure = None
        self.plot = None
        self.scatter = None
        self.edges_item = None
        self.sizes = None
        self.brushes: list = []
        self.selected: Optional[int] = None

        self.enrich_button = QPushButton("Enrich")
        self.enrich_button.setToolTip("Fetch references and citations from OpenAlex and Semantic Scholar "
                                      "(runs in the background; resumable)")
        self.enrich_button.clicked.connect(self.enrich)
        self.max_nodes = QSpinBox()
        self.max_nodes.setRange(10, 2000)
        self.max_nodes.setValue(150)
        self.max_nodes.setPrefix("papers: ")
        self.max_nodes.editingFinished.connect(self.reload)
        self.info = QLabel()
        theme.set_text_colour(self.info, "secondary")
        self.info.setWordWrap(True)

        self.related = QTreeWidget()
        self.related.setObjectName("relatedList")
        self.related.setHeaderLabels(["Related paper", "Score", "Coupling", "Co-cited"])
        self.related.setRootIsDecorated(False)
        self.related.itemDoubleClicked.connect(self._open_related)
        self.related_columns = ColumnFit(self.related, "relatedPapers", lambda: {
            0: self.related.fontMetrics().averageCharWidth() * 36, 1: contents_width(self.related, 1)})

        self.canvas_holder = QWidget()
        self.canvas_layout = QVBoxLayout(self.canvas_holder)
        self.canvas_layout.setContentsMargins(0, 0, 0, 0)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignCenter)
        self.empty.setWordWrap(True)
        theme.set_text_colour(self.empty, "faint")
        big = self.empty.font()
        big.setPointSizeF(big.pointSizeF() * 1.45)     # 13 pt beside the usual 9
        self.empty.setFont(big)
        self.canvas_layout.addWidget(self.empty)

        top = QHBoxLayout()
        top.addWidget(self.enrich_button)
        top.addWidget(self.max_nodes)
        top.addWidget(self.info, 1)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.canvas_holder)
        split.addWidget(self.related)
        split.setStretchFactor(0, 1)
        split.setSizes([800, 360])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    def writers(self) -> list:
        return [self.enrich_button]        # enrichment stores references and citations in the library

    def library_changed(self, lib) -> None:
        self.figure = None

    def library_switched(self, lib) -> None:
        """The graph and the related papers were the previous library's (their ids name other papers here)."""
        self.selected = None
        self.related.clear()
        if self.scatter is not None:
            self.scatter.clear()
            self.edges_item.setData(x=[], y=[])
        self._empty("")

    def reload(self) -> None:
        if self.lib is None:
            return
        self.pending = False
        self.info.setText("Loading the citation graph…")
        self.run_listing("Load citation graph", load_graph, self.max_nodes.value(), on_result=self.show_graph,
                         on_error=lambda m, _t: self._empty(f"Cannot load the graph: {m}"))

    def enrich(self):
        return self.run_step("Enrich", run_enrich, button=self.enrich_button, status=self.info,
                             busy="Fetching references and citations…", what="Enrichment",
                             on_result=lambda _r: self.reload())

    # --- drawing ---------------------------------------------------------------------------------
    def _ensure_plot(self) -> None:
        if self.plot is not None:
            return
        import pyqtgraph as pg

        pg.setConfigOptions(antialias=True, background=theme.colour("plot_background"),
                            foreground=theme.colour("plot_foreground"))
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("graphPlot")
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.setMenuEnabled(False)
        self.edges_item = pg.PlotDataItem(pen=pg.mkPen(QColor(136, 149, 167, 90), width=1), connect="pairs")
        self.plot.addItem(self.edges_item)
        # each node outlined in the background colour, so that overlapping nodes stay apart
        self.scatter = pg.ScatterPlotItem(pen=pg.mkPen(theme.colour("plot_background"), width=0.5), hoverable=True,
                                          tip=self._tip)
        self.scatter.sigClicked.connect(self._clicked)
        from ..theme_live import watcher

        watcher().changed.connect(self._outline_nodes)
        self.plot.addItem(self.scatter)
        self.canvas_layout.addWidget(self.plot)

    def _empty(self, text: str) -> None:
        self.figure = None
        self.info.setText("")
        self.empty.setText(text)
        self.empty.show()
        if self.plot is not None:
            self.plot.hide()

    def show_graph(self, fig) -> None:
        if fig is None or fig.empty:
            self._empty("No citation data yet. “Enrich” fetches references and citations from OpenAlex and "
                        "Semantic Scholar (or run `gapscope enrich`).")
            return
        import numpy as np
        import pyqtgraph as pg

        from gapscope.citations.figure import node_sizes

        self._ensure_plot()
        self.empty.hide()
        self.plot.show()
        self.figure = fig
        xy = np.array([(n["x"], n["y"]) for n in fig.nodes], dtype=float)
        self.sizes = node_sizes([n["citations"] for n in fig.nodes])
        ids = sorted(fig.clusters)
        colour = {cid: QColor(c) for cid, c in zip(ids, palette(len(ids)))}  # one colour each, never repeated
        grey = QColor("#9aa3ad")
        self.brushes = [pg.mkBrush(colour.get(n["cluster"], grey)) for n in fig.nodes]
        self.scatter.setData(x=xy[:, 0], y=xy[:, 1], size=self.sizes, brush=self.brushes,
                             data=list(range(len(fig.nodes))))
        self._outline_nodes()
        if fig.edges:
            pairs = np.array([(a, b) for a, b, _ in fig.edges], dtype=int).ravel()
            self.edges_item.setData(x=xy[pairs, 0], y=xy[pairs, 1])
        else:
            self.edges_item.setData(x=[], y=[])
        self.plot.autoRange()
        coloured = sum(n["cluster"] is not None for n in fig.nodes)
        self.info.setText(f"{len(fig.nodes)} of {fig.total_papers} papers in the graph, {len(fig.edges)} coupling links"
                          + ("; colours: topic clusters" if coloured else "; build a topic map to colour by cluster"))

    def _tip(self, x, y, data) -> str:
        n = self.figure.nodes[int(data)]
        return f"{n['title'][:100]}\n{n['year'] or ''}  {n['citations']} citations"

    def _clicked(self, _item, points, *_args) -> None:
        if len(points):
            self.select_node(int(points[0].data()))

    def _outline_nodes(self) -> None:
        """Each node outlined in the plot's background, the selected one ringed in its text colour (again
        on a change of palette)."""
        if self.figure is None or self.scatter is None:
            return
        import pyqtgraph as pg

        outline = pg.mkPen(theme.colour("plot_background"), width=0.5)
        ring = pg.mkPen(theme.colour("plot_ring"), width=2)
        self.scatter.setPen([ring if n["paper_id"] == self.selected else outline for n in self.figure.nodes])

    def select_node(self, k: int) -> None:
        """Show node ``k``'s related papers (on a worker) and mark it."""
        if self.figure is None or self.lib is None:
            return
        import pyqtgraph as pg

        node = self.figure.nodes[k]
        self.selected = node["paper_id"]
        self._outline_nodes()
        self.info.setText(f"{node['title'][:110]}  ·  {node['citations']} citations")
        # only the selected node's papers: those of a node clicked before, read more slowly, are not shown
        asked = self.selected
        self.tasks.run("Related papers", load_related, asked, library=self.lib.path, quiet=True,
                       on_result=lambda rows: self._show_related(rows) if asked == self.selected else None,
                       on_error=lambda m, _t: self.info.setText(m) if asked == self.selected else None)

    def _show_related(self, rows: list[dict]) -> None:
        self.related.clear()
        for r in rows:
            item = QTreeWidgetItem([r["title"] or "(no title)", f"{r['score']:.3f}", str(r["coupling"]),
                                    str(r["cocitation"])])
            item.setData(0, Qt.UserRole, r["paper_id"])
            if not r["in_library"]:
                item.setForeground(0, theme.qcolor("faint"))
                item.setToolTip(0, "Not in the library (an outside work)")
            self.related.addTopLevelItem(item)
        self.related_columns.apply()

    def _open_related(self, item, _col) -> None:
        pid = item.data(0, Qt.UserRole)
        if pid is not None:
            self.openPaper.emit(int(pid))
