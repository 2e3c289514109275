"""A concept-level thin, growing region is named by its concept ("preserve privacy") while its cluster on the
topic map is "privacy risks": the Gaps view's topic filter finds it under either name, as `gaps list --topic`
does (gapscope.gaps.topics), and says the map's name beside its own."""

from __future__ import annotations


def _region_library(lib):
    from gapscope.gaps import save_gaps
    from gapscope.gaps.model import ClusterRef, Gap

    from tests.core.maps_fixtures import insert_papers, save_topic_map

    ids = insert_papers(lib, [{"title": f"Paper {i}", "abstract": "An abstract.", "published": "2025-01-0{i + 1}",
                               "arxiv_id": f"2501.0000{i}", "categories": "cs.CR"} for i in range(4)])
    mid = save_topic_map(lib, ["privacy risks", "speech"], {ids[0]: 0, ids[1]: 0, ids[2]: 1, ids[3]: 1})
    save_gaps(lib, [
        Gap("thin_growing", 0.9, "“preserve privacy” is thin but growing.", None,
            ClusterRef("topic", mid, 0, "preserve privacy", []), [ids[0], ids[1]],
            roles={ids[0]: "region", ids[1]: "region"}, details={"level": "concept", "region_concept": "preserve privacy"}),
        Gap("method_x_problem", 0.8, "Apply A to B.", None, None, [ids[2]],
            details={"level": "concept", "topic": {"cluster": 1, "label": "speech"}})])


def test_a_region_is_found_under_its_map_clusters_name(qtbot, library):
    from gapscope_desktop.views.gaps_view import GapsView, load_gaps

    _region_library(library)
    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    view.show_gaps(load_gaps(library))
    box = view.topic_filter
    assert box.findData("privacy risks") > 0 and box.findData("preserve privacy") > 0
    for name in ("privacy risks", "preserve privacy"):
        box.setCurrentIndex(box.findData(name))
        assert view.info.text().startswith("1 of 2 gaps shown") and view.empty_label.isHidden(), name
        assert view.current_gap()["type"] == "thin_growing"
    assert "topic: preserve privacy (on the topic map: privacy risks)" in view.detail.toPlainText()
    row = next(view.table.topLevelItem(i) for i in range(2) if not view.table.topLevelItem(i).isHidden())
    assert row.text(2) == "preserve privacy" and "privacy risks" in row.toolTip(2)
