"""The unaddressed-shortcoming statement's counts read as English whatever they are: "only 1 of the N papers
... takes it on", "1 is among the M stating it", and a large count with thousands separators ("2,084"), as
the rest of the app writes them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest


def _statement(stating, takes_on):
    from gapscope.gaps.shortcoming_concepts import _gap

    c = SimpleNamespace(id=7, phrase="cultural knowledge", synonyms=[])
    st = {p: [] for p in stating}
    return _gap(c, 1, 1.0, st, 0.5, "2026-04-28", 2084, set(takes_on), 0.2, 0.44, 5, 3).statement


@pytest.mark.parametrize("stating, takes_on, said", [
    ([1, 2, 3], [9], "only 1 of the 2,084 papers listed after 2026-04-28 takes it on"),
    ([1, 2, 3], [1], "takes it on (name it in their title or aim and propose a method; it is among"),
    ([1, 2, 3], [1, 9], "take it on (name it in their title or aim and propose a method; 1 is among"),
    ([1, 2, 3], [1, 2, 9], "propose a method; 2 are among the 3 stating it)"),
    ([1, 2, 3], [1, 2], "propose a method; both are among the 3 stating it)"),
])
def test_the_counts_agree_with_their_verbs(stating, takes_on, said):
    assert said in _statement(stating, takes_on)


@pytest.mark.parametrize("close, said", [
    (0, "none takes it on (address it in their title or their own objective or method sentences and propose a method)"),
    (1, "1 takes it on (address it in their title or their own objective or method sentences"),
    (2, "2 take it on (address it in their title or their own objective or method sentences"),
])
def test_the_report_says_how_many_take_a_concept_on_with_the_right_verb(close, said):
    """The report's long form (a statement that gives no rates) read "1 address it in their own ...": the count
    takes its verb, and what taking it on means follows in brackets, as in the statement."""
    from gapscope.gaps.shortcoming_concepts import TAKES_ON
    from gapscope.reports.explain import why_lines

    d = {"level": "concept", "stated_by": 10, "since": "2026-01-01", "later_method_papers": 500,
         "close_later_methods": close, "rate": close / 10, "typical_rate": 0.6, "takes_on_means": TAKES_ON}
    text = " ".join(why_lines("unaddressed_shortcoming", 1.0, d, None, "label noise", "An older statement."))
    assert f"Of the 500 papers listed after that date, {said}" in text, text
