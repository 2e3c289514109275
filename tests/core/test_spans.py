"""Highlights and facet corrections follow their words when an abstract's text changes (``check --repair``
taking markup out, an import replacing a snippet by the full abstract); a span whose place in the new
text is not sure is not moved at all (the caller keeps the old text)."""

from __future__ import annotations

from gapscope.integrity import _cleaned
from gapscope.spans import moved_spans


def _span(text: str, words: str, nth: int = 0) -> tuple[int, int]:
    at = -1
    for _ in range(nth + 1):
        at = text.index(words, at + 1)
    return at, at + len(words)


def _placed(old, new, words, nth=0, **kw):
    moved = moved_spans(old, new, [_span(old, words, nth)], **kw)
    return None if moved is None else [new[s:e] for s, e in moved] and moved[0]


def test_words_found_twice_in_the_new_text_with_nothing_around_them_to_tell_which_are_not_placed():
    snippet = "… the model …"                   # a snippet holding no more than the highlighted words
    full = "We train the model on the corpus. Then the model fails on new data."
    assert _placed(snippet, full, "the model") is None


def test_the_words_around_a_span_tell_which_of_its_places_it_goes_to():
    snippet = "… Then the model fails …"
    full = "We train the model on the corpus. Then the model fails on new data."
    assert _placed(snippet, full, "the model") == _span(full, "the model", 1)
    old = "<p>The model. We test the model.</p><p>We test <i>the model</i> and <b>the model</b> fails.</p>"
    new = _cleaned(old)
    for nth in range(3):
        assert _placed(old, new, "the model", nth, reads_as=_cleaned) == _span(new, "the model", nth)


def test_words_that_overlap_their_other_place_are_not_placed_on_either():
    # "ha ha" is in "ha ha ha" twice (at 0 and 3): a search that skips overlapping matches sees it once
    assert _placed("x ha ha y", "ha ha ha z", "ha ha") is None
    assert _placed("… ha ha ha", "so ha ha ha", "ha ha", 1) == (6, 11)    # the end of both texts tells


def test_a_span_on_whole_words_is_not_put_on_a_piece_of_a_longer_word():
    assert _placed("… data …", "We collected metadata and more.", "data") is None
    assert _placed("… cat sat …", "The concatenation sat on the mat.", "cat") is None
    assert _placed("… data …", "Our data and metadata.", "data") == (4, 8)


def test_spans_at_the_very_start_and_end_and_across_markup_move_with_their_words():
    old = "<p>Teachers&#39; ratings of <i>software</i> estimation.</p><p>The key limitation is the sample.</p>"
    new = _cleaned(old)
    spans = [(0, len(old)), _span(old, "Teachers&#39;"), _span(old, "<i>software</i> estimation"),
             _span(old, "sample.</p>"), _span(old, "ratings of <i>software")]
    moved = moved_spans(old, new, spans, reads_as=_cleaned)
    assert [new[s:e] for s, e in moved] == [new, "Teachers'", "software estimation", "sample.",
                                            "ratings of software"]


def test_offsets_count_characters_as_python_does_astral_and_combining_ones_included():
    old = "<b>𝒪(n)</b> time 😀 for cafe\u0301 owners"
    new = _cleaned(old)                                  # NFC: "café"
    assert _placed(old, new, "time 😀 for", reads_as=_cleaned) == _span(new, "time 😀 for")
    assert _placed(old, new, "cafe\u0301 owners", reads_as=_cleaned) == _span(new, "café owners")


def test_a_span_that_begins_inside_markup_or_reads_as_nothing_is_not_placed():
    old = "<p>Teachers&#39; ratings of effort.</p>"
    assert _placed(old, _cleaned(old), "39; ratings", reads_as=_cleaned) is None
    assert moved_spans(old, _cleaned(old), [(0, 3)], reads_as=_cleaned) is None       # "<p>" alone
