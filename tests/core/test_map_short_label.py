"""A label on the map plot (maps/display.short_label): a list of terms never shrinks to its first term alone."""

from __future__ import annotations

from gapscope.maps.display import short_label


def test_a_keyword_list_keeps_two_terms_on_two_lines_rather_than_a_lone_first_keyword():
    """It was cut to "cropping", which reads as the cluster's name."""
    label = "cropping, pre-trained vision-language, vision encoders"
    assert short_label(label, 28) == "cropping,\npre-trained vision-language"
    assert short_label(label, 28, lines=1) == "cropping, pre-trained visio\u2026"


def test_terms_that_fit_stay_on_one_line_and_a_long_phrase_wraps_at_a_space():
    assert short_label("PEFT, LoRA, catastrophic forgetting", 28) == "PEFT, LoRA"
    assert short_label("LRMs, CoT", 28) == "LRMs, CoT"
    assert short_label("machine translation / low-resource languages", 28) == \
        "machine translation /\nlow-resource languages"
    assert short_label("a, " + "x" * 40, 28) == "a,\n" + "x" * 27 + "\u2026"
