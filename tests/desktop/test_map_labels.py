"""The Maps view on a real map of 80 clusters: no two drawn labels overlap, none is clipped by the
plot's edges, a selected cluster is always labelled, and every cluster has its own colour."""

from __future__ import annotations

import pytest

from gapscope.maps.display import boxes_overlap

from tests.core.maps_fixtures import eighty_cluster_map


@pytest.fixture(scope="module")
def map80(shared_data):
    return eighty_cluster_map(shared_data)


@pytest.fixture
def view(make_view):
    from gapscope_desktop.views.maps_view import MapsView

    return make_view(MapsView, (1200, 800))


def _drawn(view, qtbot):
    qtbot.wait(100)  # the view lays out and its range settles
    view.place_labels()
    area = view.viewbox.sceneBoundingRect()
    return view.drawn_label_boxes(), (area.left(), area.top(), area.right(), area.bottom())


def _outside(boxes, area, tol=0.5):
    x0, y0, x1, y1 = area
    return [t for t, (a, b, c, d) in boxes if a < x0 - tol or b < y0 - tol or c > x1 + tol or d > y1 + tol]


def test_no_two_drawn_labels_overlap_on_a_map_of_80_clusters(view, qtbot, map80):
    assert map80.k == 80
    view.show_map(map80)
    boxes, area = _drawn(view, qtbot)
    assert len(boxes) >= 15, "too few labels drawn to read the map"
    assert boxes_overlap([b for _, b in boxes]) == []
    assert _outside(boxes, area) == []
    # the biggest cluster is labelled
    biggest = max(map80.clusters, key=lambda c: c.size)
    assert view.label_item[biggest.id].isVisible()

    # zoomed in, they are placed again
    view.viewbox.scaleBy((0.5, 0.5))
    boxes, area = _drawn(view, qtbot)
    assert boxes and boxes_overlap([b for _, b in boxes]) == [] and _outside(boxes, area) == []


def test_the_check_fails_without_placement(view, qtbot, map80):
    """The same check on the labels drawn at their cluster centres, as before the placement: it finds
    overlaps, so the test above can fail."""
    view.place_enabled = False
    view.show_map(map80)
    boxes, _area = _drawn(view, qtbot)
    assert len(boxes) == 80
    assert len(boxes_overlap([b for _, b in boxes])) > 20


def test_a_selected_cluster_is_always_labelled(view, qtbot, map80):
    from PySide6.QtCore import Qt

    view.show_map(map80)
    _drawn(view, qtbot)
    hidden = [cid for cid, t in view.label_item.items() if not t.isVisible()]
    assert hidden, "every label fits: nothing to test"
    want = hidden[-1]
    # a label that found no room is read on hover: a point of that cluster names it
    pid = next(p for p, c in map80.assignments.items() if c == want)
    assert view.scatter.opts["tip"](x=0.0, y=0.0, data=pid).startswith(map80.cluster(want).label)
    for i in range(view.clusters.topLevelItemCount()):
        item = view.clusters.topLevelItem(i)
        item.setSelected(item.data(0, Qt.UserRole) == want)
    boxes, area = _drawn(view, qtbot)
    assert view.label_item[want].isVisible()
    assert boxes_overlap([b for _, b in boxes]) == [] and _outside(boxes, area) == []


def test_each_cluster_has_its_own_colour_and_stability_is_explained(view, qtbot, map80):
    view.show_map(map80)
    colours = {c.name() for c in view.colour_of.values()}
    assert len(colours) == 80
    tip = view.clusters.headerItem().toolTip(2)
    assert "seed" in tip and "Jaccard" in tip
    assert view.clusters.topLevelItem(0).toolTip(2) == tip


@pytest.fixture(scope="module")
def map80_concepts(map80):
    """The 80-cluster map labelled from concepts: a method for a problem, long phrases each (labels far longer
    than the keyword ones, cut on the map by short_label)."""
    import copy

    from gapscope.maps import PaperConcepts, apply_labels

    m = copy.deepcopy(map80)
    named = {p: [f"r{c} adaptive graph reasoning", f"s{c} medical image segmentation", f"d{c} diffusion distillation"]
             for p, c in m.assignments.items()}
    kinds = {ph: "method" if ph[0] == "r" else "problem" for phs in named.values() for ph in phs}
    return apply_labels(m, PaperConcepts(phrases=named, batch=1, kinds=kinds))


def test_concept_labels_are_placed_without_overlap_and_the_hover_keeps_the_keywords(view, qtbot, map80_concepts):
    m = map80_concepts
    assert m.label_kind == "concepts" and all(len(c.label) > 50 for c in m.clusters if c.size)
    view.show_map(m)
    boxes, area = _drawn(view, qtbot)
    assert len(boxes) >= 10
    assert boxes_overlap([b for _, b in boxes]) == [] and _outside(boxes, area) == []
    assert "concepts" in view.info.text()
    biggest = max(m.clusters, key=lambda c: c.size)
    item = next(view.clusters.topLevelItem(i) for i in range(view.clusters.topLevelItemCount())
                if view.clusters.topLevelItem(i).data(0, 0x0100) == biggest.id)
    tip = item.toolTip(0)
    assert item.text(0) == biggest.label
    assert "concepts: " in tip and "keywords: " + ", ".join(biggest.keywords) in tip
    assert view.label_item[biggest.id].toolTip() == tip


def test_a_keyword_labelled_map_says_so(view, qtbot, map80):
    view.show_map(map80)
    assert "keywords" in view.info.text() and "concepts" not in view.clusters.topLevelItem(0).toolTip(0)
    # how to get concept labels, in the window's own words: its buttons, not a command it does not have
    assert "Analyze" not in view.info.text()
    assert "Find gaps, then Build maps" in view.info.text() and view.build_button.text() == "Build maps"


def test_the_cluster_list_shows_stability_with_two_decimals_and_sorts_it_as_a_number(view, qtbot, map80):
    """0.3 reads "0.30" as in the CLI and the reports (never "0.3" beside "0.61"), and the column still
    sorts by the number."""
    import copy

    from PySide6.QtCore import Qt

    from gapscope.maps.model import stability_text
    from gapscope_desktop.views.maps_view import SORT_VALUE, STABILITY_COLUMN

    m = copy.deepcopy(map80)
    for c, value in zip(m.clusters, (0.3, 0.61, 0.05, 1.0, 0.299)):
        c.stability = value
    view.show_map(m)
    items = [view.clusters.topLevelItem(i) for i in range(view.clusters.topLevelItemCount())]
    shown = {it.data(0, Qt.UserRole): it.text(STABILITY_COLUMN) for it in items}
    assert [shown[c.id] for c in m.clusters[:5]] == ["0.30", "0.61", "0.05", "1.00", "0.29"]
    assert all(shown[c.id] == stability_text(c.stability) for c in m.clusters)
    view.clusters.sortItems(STABILITY_COLUMN, Qt.AscendingOrder)
    values = [view.clusters.topLevelItem(i).data(STABILITY_COLUMN, SORT_VALUE)
              for i in range(view.clusters.topLevelItemCount())]
    assert values == sorted(values) and values[-1] == 1.0


def test_a_clicked_point_names_its_cluster_by_label(view, qtbot, map80):
    """Clicking a paper's point says its title and its cluster by label, not by a bare number."""
    from types import SimpleNamespace

    view.show_map(map80)
    pid, cid = next(iter(map80.assignments.items()))
    view.lib = SimpleNamespace(get_paper=lambda _pid: SimpleNamespace(title="A paper on a map"))
    try:
        view._point_clicked(None, [SimpleNamespace(data=lambda: pid)])
        assert view.info.text() == f"A paper on a map  (cluster {cid}: {map80.cluster(cid).label})"
    finally:
        view.lib = None


def test_a_clusters_hover_quotes_its_most_central_paper(view, qtbot, map80):
    """Three label words rarely say what a cluster's papers do: the hover quotes the first sentence of its
    most central paper (the map's representative)."""
    import html

    view.show_map(map80)
    c = next(c for c in map80.clusters if c.size and c.representative)
    item = next(view.clusters.topLevelItem(i) for i in range(view.clusters.topLevelItemCount())
                if view.clusters.topLevelItem(i).data(0, 0x0100) == c.id)
    assert "most central paper: <i>" + html.escape(" ".join(c.representative.split())) + "</i>" in item.toolTip(0)


def _map_with_far_little_clusters():
    """595 papers in five clusters around the origin, and two clusters of 2 and 3 papers far from them
    (as "symbol grounding" on the sample library's topic map)."""
    from types import SimpleNamespace

    import numpy as np

    rng = np.random.default_rng(7)
    coords, assignments = {}, {}
    centres = [(-1.5, 0.0), (1.5, 0.0), (0.0, 1.5), (0.0, -1.5), (0.0, 0.0)]
    for pid in range(595):
        cid = pid % 5
        coords[pid] = tuple(np.array(centres[cid]) + rng.normal(0, 0.6, 2))
        assignments[pid] = cid
    for pid, xy in zip(range(595, 600), [(1.0, 30.0), (1.5, 30.5), (28.0, -4.0), (29.0, -3.0), (31.0, -5.0)]):
        coords[pid], assignments[pid] = xy, 5 if pid < 597 else 6
    sizes = {c: sum(1 for v in assignments.values() if v == c) for c in range(7)}
    labels = ["alpha", "beta", "gamma", "delta", "epsilon", "symbol grounding", "speech recognition"]
    clusters = [SimpleNamespace(id=c, size=sizes[c], label=labels[c], stability=0.5) for c in range(7)]
    return SimpleNamespace(id=1, coords=coords, assignments=assignments, clusters=clusters, params={},
                           label_kind="keywords"), np.array(list(coords.values()))


def _share_of_view(view, lo, hi, axis):
    v0, v1 = view.viewbox.viewRange()[axis]
    return (hi - lo) / (v1 - v0)


def test_the_first_view_frames_the_bulk_of_the_points_and_show_all_frames_every_one(view, qtbot):
    """Two far clusters of 2 and 3 papers do not squeeze the other 595 into a strip: the view frames the
    1st-99th percentile of each axis; the far points are one click away, and their labels never sit on the
    bulk's points."""
    import numpy as np

    m, xy = _map_with_far_little_clusters()
    view.show_map(m)
    _drawn(view, qtbot)
    lo, hi = np.percentile(xy, 1, axis=0), np.percentile(xy, 99, axis=0)
    for axis in (0, 1):
        assert _share_of_view(view, lo[axis], hi[axis], axis) > 0.6, view.viewbox.viewRange()
    assert not view.label_item[5].isVisible() and not view.label_item[6].isVisible()
    boxes, area = _drawn(view, qtbot)
    assert len(boxes) == 5 and boxes_overlap([b for _, b in boxes]) == [] and _outside(boxes, area) == []
    # every point is reachable: "Show all points" frames them all, and their labels come back
    button = view.all_points_button
    assert button.isEnabled() and "5 papers" in button.toolTip()
    button.click()
    (x0, x1), (y0, y1) = view.viewbox.viewRange()
    assert x0 <= xy[:, 0].min() and xy[:, 0].max() <= x1 and y0 <= xy[:, 1].min() and xy[:, 1].max() <= y1
    boxes, area = _drawn(view, qtbot)
    assert view.label_item[5].isVisible() and boxes_overlap([b for _, b in boxes]) == []
    button.click()
    assert _share_of_view(view, lo[0], hi[0], 0) > 0.6
    # a map with no far points offers nothing to show
    m.coords = {pid: xy for pid, xy in m.coords.items() if pid < 595}
    view.show_map(m)
    assert not view.all_points_button.isEnabled() and not view.all_points_button.isChecked()
