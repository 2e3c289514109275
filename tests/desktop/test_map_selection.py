"""A cluster selected on the Maps view stands out on the plot: its points bigger and opaque, every other
cluster's points faded (in their own colours), its label framed thicker and the others' faded; clearing the
selection draws every cluster alike again. Read from the scatter item's brushes and sizes."""

from __future__ import annotations

from PySide6.QtCore import Qt

from .test_map_labels import map80, view  # noqa: F401 (the 80-cluster map and the view showing it)


def _select(view, cluster_ids):
    for i in range(view.clusters.topLevelItemCount()):
        item = view.clusters.topLevelItem(i)
        item.setSelected(item.data(0, Qt.UserRole) in cluster_ids)


def _points(view):
    """(paper id, cluster, brush colour, size) of each point as the scatter item draws it (a size of -1: the
    item's own)."""
    d, own = view.scatter.data, float(view.scatter.opts["size"])
    return [(int(pid), view.cluster_of.get(int(pid)), brush.color(), float(size) if size >= 0 else own)
            for pid, brush, size in zip(d["data"], d["brush"], d["size"])]


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
    assert min(s for _c, s in mine) > max(s for *_x, s in others)
    # faded, not a grey: each other point keeps its cluster's colour
    assert max(c.alpha() for _cid, c, _s in others) * 3 <= min(c.alpha() for c, _s in mine)
    assert all(c.rgb() == view.colour_of[cid].rgb() for cid, c, _s in others if cid in view.colour_of)

    label = view.label_item[want]
    rest = [t for cid, t in view.label_item.items() if cid != want]
    assert label.border.widthF() > max(t.border.widthF() for t in rest)
    assert label.opacity() == 1.0 and max(t.opacity() for t in rest) < 1.0

    _select(view, set())
    after = _points(view)
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
