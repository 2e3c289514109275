"""Each figure of a result sentence is given the words of its own clause: a figure that is the tail of another
("1.5%" in "11.5%") is found where it stands as a number of its own, and a benchmark named at the sentence's end
is not repeated with its full stop."""

from __future__ import annotations

from gapscope.experiments.draft_figures import figures_said

SENTENCE = "Our method improves accuracy by 11.5% on ImageNet; it also cuts latency by 1.5% on COCO."


def test_a_figure_inside_another_is_read_in_its_own_clause():
    said = figures_said(SENTENCE, ["11.5%", "1.5%"])
    assert [(x["figures"], x["context"]) for x in said] == [
        (["11.5%"], "Our method improves accuracy by 11.5% on ImageNet"),
        (["1.5%"], "it also cuts latency by 1.5% on COCO")]


def test_a_benchmark_the_context_names_is_not_repeated_with_the_full_stop():
    assert [x["on"] for x in figures_said("Latency drops by 1.5% on COCO.", ["1.5%"])] == [""]
