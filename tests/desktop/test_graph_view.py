"""The Citations view on a real library with constructed citation links and a topic map: nodes sized by
citations, coloured by cluster, edges by coupling; a click lists related papers; no data says what to do."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def graph_lib(lib_path):
    """Five library papers in the graph: p0 cites R1 R2 R3, p1 R1 R2, p2 R3 R4, p3 R4; p4 is cited 500
    times (5 citing works stored). Topic map: {p0, p1} cluster 0, {p2, p3} cluster 1, p4 in none."""
    from gapscope.maps.model import Cluster, Map
    from gapscope.maps.store import save_map
    from gapscope.store import Library
    from gapscope.store.citations import VIA_S2

    lib = Library(lib_path)
    p = lib.list_paper_ids()[:6]
    w = [lib.upsert_work({"arxiv_id": lib.get_paper(pid).arxiv_id}, {"citation_count": c}, paper_id=pid)
         for pid, c in zip(p[:5], (3, 2, 2, 1, 500))]
    r = [lib.upsert_work({"s2_id": f"{k:040x}"}, {"title": f"R{k}"}) for k in range(1, 5)]
    c = [lib.upsert_work({"s2_id": f"{k + 100:040x}"}, {"title": f"C{k}"}) for k in range(5)]
    lib.add_citations([(w[0], r[0]), (w[0], r[1]), (w[0], r[2]), (w[1], r[0]), (w[1], r[1]), (w[2], r[2]),
                       (w[2], r[3]), (w[3], r[3])] + [(ci, w[4]) for ci in c], VIA_S2)
    cl = [Cluster(id=k, label=f"topic {k}", keywords=[], representative="", size=2, stability=1.0, sizes_by_year={},
                  centroid=np.ones(4, dtype=np.float32) / 2) for k in (0, 1)]
    save_map(lib, Map(facet="topic", params={}, scope={"library": True}, clusters=cl,
                      assignments={p[0]: 0, p[1]: 0, p[2]: 1, p[3]: 1},
                      coords={p[0]: (0, 0), p[1]: (1, 0), p[2]: (0, 1), p[3]: (1, 1)}))
    lib._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    lib.close()
    return lib_path, p


def test_graph_view_draws_nodes_by_citations_and_cluster_and_lists_related(qtbot, graph_lib):
    from .conftest import _open_window

    path, p = graph_lib
    w = _open_window(qtbot, path)
    view = w.graph_view
    w.tabs.setCurrentIndex(w.tabs.indexOf(view))
    qtbot.waitUntil(lambda: view.figure is not None, timeout=20000)
    fig = view.figure
    order = [n["paper_id"] for n in fig.nodes]
    assert sorted(order) == sorted(p[:5]) and fig.total_papers == 5
    k = {pid: order.index(pid) for pid in order}
    # edges: shared references p0-p1 (2), p0-p2 (1), p2-p3 (1)
    pairs = {(order[a], order[b]): n for a, b, n in fig.edges}
    pairs = {tuple(sorted(e)): n for e, n in pairs.items()}
    assert pairs == {tuple(sorted((p[0], p[1]))): 2, tuple(sorted((p[0], p[2]))): 1, tuple(sorted((p[2], p[3]))): 1}
    x, y = view.edges_item.getData()
    assert len(x) == 2 * len(fig.edges)
    # sizes grow with citations: the 500-times cited p4 is the biggest, p3 (1) the smallest
    sizes = view.scatter.data["size"]
    assert sizes[k[p[4]]] == max(sizes) and sizes[k[p[3]]] == min(sizes)
    # colours: one per cluster, grey for the paper in no cluster
    colour = lambda pid: view.scatter.data["brush"][k[pid]].color().name()  # noqa: E731
    assert colour(p[0]) == colour(p[1]) != colour(p[2]) == colour(p[3])
    assert colour(p[4]) == "#9aa3ad"
    assert "topic clusters" in view.info.text()

    view.select_node(k[p[0]])
    assert view.scatter.data["pen"][k[p[0]]].width() == 2 and view.scatter.data["pen"][k[p[1]]].width() < 2
    qtbot.waitUntil(lambda: view.related.topLevelItemCount() == 2, timeout=10000)
    first = view.related.topLevelItem(0)
    assert first.data(0, 0x0100) == p[1] and first.text(2) == "2"   # Qt.UserRole: p1 shares 2 references
    with qtbot.waitSignal(view.openPaper, timeout=5000) as sig:
        view._open_related(first, 0)
    assert sig.args == [p[1]]
    w.close()


def test_graph_view_without_citation_data_says_how_to_get_it(window, qtbot):
    view = window.graph_view
    window.tabs.setCurrentIndex(window.tabs.indexOf(view))
    qtbot.waitUntil(lambda: "No citation data yet" in view.empty.text(), timeout=20000)
    assert view.figure is None and view.empty.isVisible()


def test_the_related_papers_of_a_node_clicked_before_do_not_replace_the_selected_nodes(qtbot, graph_lib,
                                                                                     monkeypatch):
    """Two nodes clicked one after the other, the first one's papers read more slowly: the list keeps the
    papers related to the node selected last."""
    import threading

    from gapscope_desktop.views import graph_view

    from .conftest import _open_window

    path, p = graph_lib
    real_related = graph_view.load_related
    release = threading.Event()

    def slow_for_the_first(lib, paper_id, *, progress=None, cancel=None):
        if paper_id == p[0]:
            release.wait(20)
        return real_related(lib, paper_id)

    monkeypatch.setattr(graph_view, "load_related", slow_for_the_first)
    w = _open_window(qtbot, path)
    try:
        view = w.graph_view
        w.tabs.setCurrentWidget(view)
        qtbot.waitUntil(lambda: view.figure is not None, timeout=20000)
        k = {n["paper_id"]: i for i, n in enumerate(view.figure.nodes)}
        wanted = [r["paper_id"] for r in real_related(w.lib, p[2])]
        assert wanted and wanted != [r["paper_id"] for r in real_related(w.lib, p[0])]
        shown = lambda: [view.related.topLevelItem(i).data(0, 0x0100)  # noqa: E731
                         for i in range(view.related.topLevelItemCount())]
        view.select_node(k[p[0]])
        view.select_node(k[p[2]])
        qtbot.waitUntil(lambda: shown() == wanted, timeout=10000)
        release.set()
        qtbot.waitUntil(lambda: not any(t.name == "Related papers" for t in w.tasks.running), timeout=20000)
        assert view.selected == p[2] and shown() == wanted
    finally:
        release.set()
        w.close()
