"""A stale gap's reasons, said shortly for a summary and in the app's words for the desktop; the command
line keeps its own words."""

from __future__ import annotations

from gapscope.gaps.stale import (EARLIER_FINDER, FOUND_FROM, in_app_words, reason_kind, stale_kinds,
                                 stale_summary)
from gapscope.gaps.label_changes import correction_reason
from gapscope.maps.stale import FULLTEXT_CHANGED


def test_a_reasons_kind_drops_its_advice_detail_and_paper_ids():
    assert reason_kind(EARLIER_FINDER) == "found by an earlier version of the gap finder"
    assert reason_kind(FOUND_FROM + "the topic map (papers were added or removed since)") == \
        "found from inputs already out of date"
    assert reason_kind(correction_reason({3, 4})) == reason_kind(correction_reason({9})) == "facet labels corrected since"
    assert reason_kind(FULLTEXT_CHANGED + ": build the maps again") == "a PDF was labelled since"
    assert reason_kind("the topic map was rebuilt") == "the topic map was rebuilt"


def test_the_summary_names_the_most_common_kind():
    assert stale_summary([[], []]) == ""
    assert stale_summary([[EARLIER_FINDER]] * 53) == "53 stale: found by an earlier version of the gap finder"
    many = [[EARLIER_FINDER, correction_reason({1})]] * 2 + [[correction_reason({2})], []]
    assert stale_summary(many) == "3 stale: facet labels corrected since, and other changes"
    assert stale_kinds(many)["facet labels corrected since"] == 3
    assert stale_summary([[EARLIER_FINDER]] * 1200).startswith("1,200 stale")


def test_the_app_words_name_its_buttons_and_the_cli_keeps_its_commands():
    for reason in (EARLIER_FINDER, "found before GapScope recorded what gaps were made from: run `gaps find` again",
                   FULLTEXT_CHANGED + ": build the maps again"):
        said = in_app_words(reason)
        assert "`" not in said and ("“Find gaps”" in said or "“Build maps”" in said), said
    assert "`gaps find` again" in EARLIER_FINDER
