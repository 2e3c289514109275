"""The closest-work line of a gap (gaps/closest.closest_line) reads in one breath: its three counts (abstracts
naming both, more about both by meaning, about both among the nearest) and the count that makes the pair
done, each said once, without the same words three times over."""

from __future__ import annotations

import re


def _details():
    return {"combined_by": {"count": 1, "papers": [7]},
            "closest_check": {"done": 4, "min_done": 5, "sources": ["library", "reference"],
                              "done_unnamed": [{"source": "library", "id": 8}, {"source": "reference", "id": 9},
                                               {"source": "reference", "id": 10}]},
            "closest_work": [{"title": "A nearby paper", "year": 2025, "similarity": 0.71}]}


def test_the_closest_line_says_each_count_once_and_briefly():
    from gapscope.gaps.closest import closest_line

    line = closest_line(_details())
    head = line.split("; nearest:")[0]
    assert re.findall(r"\d+", head) == ["1", "3", "4", "5"], line        # named, more, of the nearest, done at
    words = re.sub(r"\u201c[^\u201d]*\u201d", "", head)          # less the Preferences label it quotes
    assert words.count("by meaning") == 1 and words.count("about both") == 2, line
    assert "\u201cGap done at (abstracts about both by meaning)\u201d" in head, line      # the setting to change
    assert len(head) <= 240, (len(head), line)          # two lines of a terminal, with the longest label
    assert line.endswith("nearest: \u201cA nearby paper\u201d (2025, similarity 0.71)")


def test_a_gap_found_before_the_counts_were_told_apart_keeps_its_one_count():
    from gapscope.gaps.closest import closest_line

    d = _details()
    del d["combined_by"]
    head = closest_line(d).split("; nearest:")[0]
    words = re.sub(r"\u201c[^\u201d]*\u201d", "", head)
    assert re.findall(r"\d+", head) == ["4", "5"] and words.count("by meaning") == 1, head


def test_the_nearest_named_is_the_most_similar_of_the_listed_works():
    """The list puts the works about both first; "nearest" must still name the most similar one, as the list
    beside it shows (a work about both at 0.73 named nearest over one at 0.74 contradicted its own list)."""
    from gapscope.gaps.closest import closest_line

    d = _details()
    d["closest_work"] = [{"title": "About both", "year": 2026, "similarity": 0.731, "did_both": True},
                         {"title": "Most similar", "year": 2025, "similarity": 0.742},
                         {"title": "Next", "year": 2025, "similarity": 0.738}]
    assert closest_line(d).endswith("nearest: \u201cMost similar\u201d (2025, similarity 0.74)"), closest_line(d)
