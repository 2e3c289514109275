"""The report's sentence behind a concept gap counts the works that already combine the pair as the gap's
statement does: never "none of them combines the two" under "yet only 4 abstracts combine them so far"."""

from __future__ import annotations


def test_the_why_line_counts_what_the_statement_counts():
    from gapscope.reports.explain import _concept_pair

    d = {"method_papers": 8, "problem_papers": 42, "papers_with_both": 0, "abstracts_mentioning_both": 0,
         "combined_by": {"count": 4, "papers": [1366]}}
    line = _concept_pair(d, "Squeeze-and-Excitation", "medical image segmentation")[0]
    assert "none of them combines" not in line
    assert line == ("In the library 8 papers mention Squeeze-and-Excitation and 42 papers mention medical image "
                    "segmentation; 4 abstracts combine them (1 in the library, 3 in the reference corpus).")
    # what each end's count stands for follows, in words (a report quotes no command): the words counted
    # where they are more than the concept's own name
    d.update(method_search='"Squeeze-and-Excitation" OR "SE blocks"', problem_search='"medical image segmentation"')
    said = _concept_pair(d, "Squeeze-and-Excitation", "medical image segmentation")[1]
    assert said.endswith("named it in; Squeeze-and-Excitation is counted as “Squeeze-and-Excitation” or “SE blocks”."), said
    assert "gapscope search" not in said and "medical image segmentation" not in said, said
    del d["method_search"], d["problem_search"]
    d["combined_by"] = {"count": 1, "papers": []}
    d["abstracts_mentioning_both"] = 1
    assert _concept_pair(d, "A", "B")[0].endswith(
        "1 abstract combines them (in the reference corpus; 1 abstract mentions both words).")
    d["combined_by"] = {"count": 0, "papers": []}
    assert "none of them combines the two" in _concept_pair(d, "A", "B")[0]
    del d["combined_by"]                    # a gap found before the count was recorded: as before
    d["papers_with_both"] = 2
    assert "2 papers combine them (1 abstract mentions both words)." in _concept_pair(d, "A", "B")[0]


def test_the_why_line_counts_the_works_about_both_by_meaning_as_the_statement_does():
    from gapscope.reports.explain import _concept_pair

    d = {"method_papers": 128, "problem_papers": 33, "combined_by": {"count": 0, "papers": []},
         "closest_check": {"done": 2, "meaning_only": 2}}
    line = _concept_pair(d, "knowledge graph", "CoT prompting")[0]
    assert "none of them combines the two" not in line
    assert line.endswith("none of them names the two together, though 2 abstracts close to the pair are about both "
                         "by meaning.")
