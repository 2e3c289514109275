"""A cluster selected on the Maps view stands out on the plot: its points bigger and opaque, every other
cluster's points faded (in their own colours), its label framed thicker and the others' faded; clearing the
selection draws every cluster alike again. Read from what the plot draws: the map's scatter (faded as a
whole when something is selected) and the selected points drawn again over it. A selection costs its own
points: the scatter's per-point brushes and sizes are set once, when the map is drawn."""

from __future__ import annotations

from PySide6.QtCore import Qt

from .test_map_labels import map80, view  # noqa: F401 (the 80-cluster map and the view showing it)


def _select(view, cluster_ids):
    for i in range(view.clusters.topLevelItemCount()):
        item = view.clusters.topLevelItem(i)
        item.setSelected(item.data(0, Qt.UserRole) in cluster_ids)


def _drawn(item):
    """{paper id: (brush colour with the item's opacity in its alpha, size)} of a scatter item's points (a
    size of -1: the item's own); nothing for a hidden item."""
    if not item.isVisible():
        return {}
    d, own, opacity = item.data, float(item.opts["size"]), item.opacity()
    out = {}
    for pid, brush, size in zip(d["data"], d["brush"], d["size"]):
        colour = brush.color()
        colour.setAlpha(round(colour.alpha() * opacity))
        out[int(pid)] = (colour, float(size) if size >= 0 else own)
    return out


def _points(view):
    """(paper id, cluster, colour, size) of each point as seen: the topmost item drawing it."""
    under, over = _drawn(view.scatter), _drawn(view.highlight)
    assert set(over) <= set(under)
    return [(pid, view.cluster_of.get(pid), *over.get(pid, under[pid])) for pid in under]


def test_a_selected_cluster_stands_out_and_the_others_fade(view, qtbot, map80):
    view.show_map(map80)
    qtbot.wait(50)
    before = _points(view)
    assert len({c.alpha() for _p, _c, c, _s in before}) == 1 and len({s for *_x, s in before}) == 1
    want = sorted(map80.clusters, key=lambda c: c.size)[len(map80.clusters) // 2].id
    _select(view, {want})
    points = _points(view)
    mine = [(c, s) for _p, cid, c, s in points if cid == want]
    others = [(cid, c, s) for _p, cid, c, s in points if cid != want]
    assert mine and others
    assert len(mine) == len(view.highlight.data) == sum(1 for c in map80.assignments.values() if c == want)
    assert min(s for _c, s in mine) > max(s for *_x, s in others)
    assert {c.alpha() for c, _s in mine} == {255}
    # faded, not a grey: each other point keeps its cluster's colour
    assert max(c.alpha() for _cid, c, _s in others) * 3 <= min(c.alpha() for c, _s in mine)
    assert all(c.rgb() == view.colour_of[cid].rgb() for cid, c, _s in others if cid in view.colour_of)
    # the selected points are drawn over the faded ones (and under the labels)
    assert view.scatter.zValue() < view.highlight.zValue() < min(t.zValue() for t in view.label_item.values())

    label = view.label_item[want]
    rest = [t for cid, t in view.label_item.items() if cid != want]
    assert label.border.widthF() > max(t.border.widthF() for t in rest)
    assert label.opacity() == 1.0 and max(t.opacity() for t in rest) < 1.0

    _select(view, set())
    after = _points(view)
    assert not view.highlight.isVisible()
    assert [(c.rgba(), s) for *_x, c, s in after] == [(c.rgba(), s) for *_x, c, s in before]
    assert {t.opacity() for t in view.label_item.values()} == {1.0}
    assert len({t.border.widthF() for t in view.label_item.values()}) == 1


def test_a_clicked_point_stands_out_without_fading_the_labels(view, qtbot, map80):
    view.show_map(map80)
    pid = view.ids[0]
    view._set_selection([pid])
    points = _points(view)
    picked = next(c for p, _cid, c, _s in points if p == pid)
    assert all(c.alpha() < picked.alpha() for p, _cid, c, _s in points if p != pid)
    assert {t.opacity() for t in view.label_item.values()} == {1.0}


def test_a_selection_leaves_the_maps_points_as_drawn(view, qtbot, map80, monkeypatch):
    """Selecting and clearing never sets the scatter's per-point data again (each would cost the whole map):
    its brushes and sizes are the very objects set when the map was drawn."""
    view.show_map(map80)
    brushes, sizes = view.scatter.data["brush"].copy(), view.scatter.data["size"].copy()
    calls = []
    for name in ("setData", "setBrush", "setSize", "setPen", "setSymbol", "addPoints", "clear"):
        real = getattr(view.scatter, name)
        monkeypatch.setattr(view.scatter, name, lambda *a, _n=name, _f=real, **k: (calls.append(_n), _f(*a, **k))[1])
    big = max(map80.clusters, key=lambda c: c.size).id
    _select(view, {big})
    _select(view, {big, map80.clusters[0].id})
    view._set_selection([view.ids[3]])
    _select(view, set())
    assert calls == []
    assert all(a is b for a, b in zip(view.scatter.data["brush"], brushes))
    assert (view.scatter.data["size"] == sizes).all()


def test_a_click_on_a_selected_point_selects_its_paper(view, qtbot, map80):
    """The selected points are drawn by another item: a click there selects the same paper, and its hover
    names the same cluster."""
    view.show_map(map80)
    want = max(map80.clusters, key=lambda c: c.size).id
    _select(view, {want})
    spot = view.highlight.points()[0]
    pid = int(spot.data())
    assert view.highlight.opts["tip"](x=0.0, y=0.0, data=pid) == view.scatter.opts["tip"](x=0.0, y=0.0, data=pid)
    view.highlight.sigClicked.emit(view.highlight, [spot], None)
    assert view.selected == [pid] and not view.clusters.selectedItems()
    assert set(view.highlight.data["data"]) == {pid}
