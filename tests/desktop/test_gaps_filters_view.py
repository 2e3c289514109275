"""The Gaps view's filters: the header counts the gaps shown, an empty table says why, a gap the filters
hide leaves the details pane, and a gap without a topic (an unaddressed shortcoming) is kept under the
topics of its evidence papers, or under every topic when they have none."""

from __future__ import annotations


def _gaps():
    base = {"evidence": [], "evidence_roles": {}, "details": {}, "stale": [], "runs": []}
    return [{**base, "id": 1, "type": "method_x_problem", "score": 0.9, "statement": "Apply A to B.",
             "details": {"level": "concept", "topic": {"label": "LLMs"}}},
            {**base, "id": 2, "type": "unaddressed_shortcoming", "score": 0.8, "statement": "Nobody fixes C.",
             "evidence_topics": ["Vision"]},
            {**base, "id": 3, "type": "unaddressed_shortcoming", "score": 0.7, "statement": "Nobody fixes D.",
             "evidence_topics": []}]


def test_filters_count_the_shown_gaps_say_when_none_and_clear_a_hidden_gap(qtbot, library):
    from gapscope_desktop.views.gaps_view import ANY_TOPIC, GapsView

    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    view.show_gaps(_gaps())
    shown = lambda: [view.table.topLevelItem(i).data(0, 0x0100) for i in range(view.table.topLevelItemCount())  # noqa: E731
                     if not view.table.topLevelItem(i).isHidden()]
    assert view.info.text() == "3 gaps" and view.current_gap()["id"] == 1 and view.draft_button.isEnabled()
    assert view.empty_label.isHidden()

    view.type_filter.setCurrentIndex(view.type_filter.findData("thin_growing"))
    assert shown() == [] and view.info.text() == "0 of 3 gaps shown"
    assert not view.empty_label.isHidden() and "No gap of type “Thin but growing”" in view.empty_label.text()
    assert view.current_gap() is None and not view.draft_button.isEnabled()
    assert not view.evidence_button.isEnabled() and "Apply A to B." not in view.detail.toPlainText()

    view.clear_filters()
    assert shown() == [1, 2, 3] and view.info.text() == "3 gaps" and view.empty_label.isHidden()
    assert view.topic_filter.findData("Vision") > 0 and "evidence papers" in view.topic_filter.toolTip()
    view.topic_filter.setCurrentIndex(view.topic_filter.findData("Vision"))
    assert shown() == [2, 3] and view.info.text() == "2 of 3 gaps shown"
    view.topic_filter.setCurrentIndex(view.topic_filter.findData("LLMs"))
    assert shown() == [1, 3]
    assert [view.table.topLevelItem(i).text(2) for i in range(3)] == ["LLMs", "papers in: Vision", ANY_TOPIC]


def test_the_topic_filter_is_wide_enough_to_read_the_chosen_topic(qtbot, library):
    """Topics arrive with the gaps, after the view was first shown: the box grows to show the chosen
    topic's label, not "diffusion," of "diffusion, block, gpu"."""
    from gapscope_desktop.views.gaps_view import GapsView

    view = GapsView(None)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    qtbot.waitExposed(view)
    qtbot.wait(20)
    view.lib = library
    label = "KV cache, sparse attention, Mixture-of-Experts MoE"
    gaps = _gaps()
    gaps[0]["details"]["topic"]["label"] = label
    view.show_gaps(gaps)
    view.topic_filter.setCurrentIndex(view.topic_filter.findData(label))
    qtbot.waitUntil(lambda: view.topic_filter.width() >= view.topic_filter.fontMetrics().horizontalAdvance(label),
                    timeout=3000)


def test_a_thin_growing_region_is_its_own_topic(qtbot, library):
    """A thin but growing region is a cluster of the topic map: its Topic column and the detail header name
    it, and the topic filter keeps it under that topic only (not as "papers in: …" under every topic its
    papers touch)."""
    from gapscope_desktop.views.gaps_view import GapsView

    base = {"evidence": [], "evidence_roles": {}, "details": {}, "stale": [], "runs": []}
    region = {**base, "id": 4, "type": "thin_growing", "score": 0.6, "statement": "“diffusion, gpu” is thin.",
              "problem": {"facet": "topic", "map_id": 1, "cluster": 0, "label": "diffusion, gpu"},
              "evidence_topics": ["diffusion, gpu", "Vision"]}
    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    view.show_gaps(_gaps() + [region])
    row = next(view.table.topLevelItem(i) for i in range(view.table.topLevelItemCount())
               if view.table.topLevelItem(i).data(0, 0x0100) == 4)
    assert row.text(2) == "diffusion, gpu"
    view.table.setCurrentItem(row)
    assert "topic: diffusion, gpu" in view.detail.toPlainText()
    # the region is no problem a method is applied to: the details call it a region
    assert "Region: diffusion, gpu" in view.detail.toPlainText() and "Problem:" not in view.detail.toPlainText()
    view.topic_filter.setCurrentIndex(view.topic_filter.findData("Vision"))
    assert row.isHidden()
    view.topic_filter.setCurrentIndex(view.topic_filter.findData("diffusion, gpu"))
    assert not row.isHidden()
