"""The Gaps view's lines agree in number: one abstract mentions both, two mention both."""

from __future__ import annotations


def test_the_gaps_view_says_one_abstract_mentions_both():
    from gapscope_desktop.views.gaps_view import tried_html

    assert "1 abstract mentions both" in tried_html("Already tried in the reference corpus", 1, "abstract", [])
    assert "2 abstracts mention both" in tried_html("Already tried in the reference corpus", 2, "abstract", [])
