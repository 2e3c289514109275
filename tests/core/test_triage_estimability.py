"""The unseen-relevant estimate is shown only once it has enough decisions behind it; before that the
stats say what it still needs, never a figure that reads as a verdict."""

from __future__ import annotations

import json

import numpy as np
import pytest

from click.testing import CliRunner

from gapscope.cli import main
from gapscope.triage import decide
from gapscope.triage.stopping import MIN_SCREENED, assess, describe, none_found_upper, readiness


def _stopping(labels, total):
    st = assess(labels, total)
    found = st.found
    return {"estimated_relevant_unseen": st.estimate, "unseen_relevant_upper": st.upper, "relevant_found": found,
            "suggest_stop": st.stop, "p_value": st.p_value, "target_recall": st.target_recall,
            "confidence": st.confidence, "recall_lower_bound": st.recall_lower, "irrelevant_in_a_row": 0,
            "streak_threshold": 50, "allowed_missing": 0}


def test_one_include_in_a_big_scope_is_not_estimable_and_says_what_it_needs():
    st = _stopping([1], 252)
    assert st["unseen_relevant_upper"] == 251          # the figure the card used to show as a verdict
    ready = readiness(st, 1, 251)
    assert not ready["estimable"] and ready["needs_screened"] == MIN_SCREENED - 1 and ready["needs_relevant"] == 0
    text = "\n".join(describe(st, 251, 1))
    assert "not estimable yet" in text and f"screen at least {MIN_SCREENED - 1} more" in text
    assert "at most 251" not in text and "keep screening" not in text and "you can stop" not in text


def test_no_include_yet_asks_for_one():
    st = _stopping([0] * 10, 252)
    ready = readiness(st, 10, 242)
    assert not ready["estimable"] and ready["needs_relevant"] == 1 and ready["needs_screened"] == MIN_SCREENED - 10
    assert "find 1 relevant paper" in "\n".join(describe(st, 242, 10))


def test_many_screened_and_none_relevant_bounds_the_rest_instead_of_asking_for_an_include_forever():
    # "maybe all of them" after 2,000 irrelevant papers in a row is not what the screening says: the same
    # test bounds the unseen relevant papers with none found
    st = _stopping([0] * 2000, 2500)
    text = "\n".join(describe(st, 500, 2000))
    upper = none_found_upper(2000, 500)
    assert 0 < upper < 500 * 0.05
    assert f"at most {upper} of the 500 unseen" in text
    assert "maybe all of them" not in text and "find 1 relevant" not in text and "you can stop" not in text


def test_a_fully_screened_scope_with_none_relevant_does_not_say_keep_screening():
    st = _stopping([0] * 300, 300)
    done = {**st, "suggest_stop": True}        # as the session's stats have it with nothing unseen
    for text in ("\n".join(describe(st, 0, 300)), "\n".join(describe({**st, "estimable": True, "screened": 300}, 0)),
                 "\n".join(describe(done, 0, 300))):
        assert "keep screening" not in text and "no estimate until" not in text and "recall is 95%" not in text
        assert "every paper is screened" in text


def test_an_interval_covering_most_of_the_unseen_papers_is_not_estimable():
    labels = [1, 1, 0] * 10                            # few decisions: a bound above half of the unseen and the found
    st = _stopping(labels, 252)
    assert st["unseen_relevant_upper"] > max(222 / 2, st["relevant_found"])
    ready = readiness(st, len(labels), 252 - len(labels))
    assert not ready["estimable"] and not ready["interval_narrow"] and not ready["needs_screened"]
    text = "\n".join(describe(st, 252 - len(labels), len(labels)))
    # the interval the screening supports is given; the estimate, which moves with each decision, is not
    assert f"at most {st['unseen_relevant_upper']} of the 222 unseen" in text and "no point estimate yet" in text
    assert f"an estimated {st['estimated_relevant_unseen']}" not in text
    st = _stopping([1] * 20, 252)                      # every unseen paper: says nothing
    assert st["unseen_relevant_upper"] == 232 and not readiness(st, 20, 232)["estimable"]


def test_a_scope_rich_in_relevant_papers_shows_its_estimate_before_the_rule_fires():
    # half of 900 screened papers relevant: the bound is above half of the 100 unseen because the scope
    # is rich in relevant papers, not for want of decisions; hiding it left "not estimable" until the end
    labels = [1, 0] * 450
    st = _stopping(labels, 1000)
    assert not st["suggest_stop"] and st["unseen_relevant_upper"] > 50
    assert readiness(st, 900, 100)["estimable"]
    text = "\n".join(describe(st, 100, 900))
    assert (f"an estimated {st['estimated_relevant_unseen']} of the 100 unseen, 0 to {st['unseen_relevant_upper']} "
            "at 95% confidence") in text
    assert "not estimable" not in text and "keep screening" in text


def test_the_interval_shows_once_the_estimate_has_support():
    labels = [1] + [0] * 30
    st = _stopping(labels, 252)
    ready = readiness(st, len(labels), 252 - len(labels))
    assert ready["estimable"]
    text = "\n".join(describe(st, 252 - len(labels), len(labels)))
    assert f"0 to {st['unseen_relevant_upper']} at 95% confidence" in text and "not estimable" not in text


def test_a_fully_screened_small_scope_is_estimable():
    st = _stopping([1, 0, 0], 3)
    assert readiness(st, 3, 0)["estimable"]


def test_triage_stats_says_not_yet_estimable(adhd, tmp_path, monkeypatch):
    monkeypatch.setenv("GAPSCOPE_TRIAGE_CACHE", str(tmp_path / "cache"))
    lib, truth = adhd
    first = next(p for p, y in truth.items() if y)
    decide(lib, first, "include")
    run = lambda *a: CliRunner().invoke(main, ["--library", str(lib.path), "triage", "stats", *a])  # noqa: E731
    res = run("--json")
    assert res.exit_code == 0, res.output
    stop = json.loads(res.output)["stopping"]
    assert stop["unseen_relevant_upper"] is not None   # the former keys stay
    assert stop["estimable"] is False and stop["needs_screened"] == MIN_SCREENED - 1
    res = run()
    assert f"not estimable yet - screen at least {MIN_SCREENED - 1} more" in res.output
    assert "at most" not in res.output


def test_the_report_gives_no_figure_before_the_estimate_has_support(adhd, tmp_path, monkeypatch):
    from gapscope.reports.data import build_report_data

    monkeypatch.setenv("GAPSCOPE_TRIAGE_CACHE", str(tmp_path / "cache"))
    lib, truth = adhd
    decide(lib, next(p for p, y in truth.items() if y), "include")
    d = build_report_data(lib)
    flat = d.prisma.triage_stats
    assert flat["stopping.estimable"] is False
    assert flat["stopping.estimated_relevant_unseen"] == flat["stopping.unseen_relevant_upper"] == "not estimable yet"
    assert any("not estimable yet" in line for line in d.prisma.how_counted)


# A screening record where one more exclude lowers the 95 % bound (367 -> 352) and the estimate by 40 %
# (264 -> 163): 27 found of 41 screened in a scope of 600 (the bundled sample screened by keyword).
SAMPLE_RECORD = [int(c) for c in "01111001111111111111101000011010001110110"]


def test_a_narrower_bound_is_never_read_as_too_wide():
    before = _stopping(SAMPLE_RECORD, 600)
    after = _stopping(SAMPLE_RECORD + [0], 600)
    assert after["unseen_relevant_upper"] < before["unseen_relevant_upper"]
    ready_before, ready_after = readiness(before, 41, 559), readiness(after, 42, 558)
    assert ready_after["interval_narrow"] >= ready_before["interval_narrow"]
    assert ready_after["estimable"] >= ready_before["estimable"]
    # the same figures either side of the exclude: the bound, and no estimate that flips
    for st, unseen, screened in ((before, 559, 41), (after, 558, 42)):
        text = "\n".join(describe(st, unseen, screened))
        assert f"at most {st['unseen_relevant_upper']} of the {unseen} unseen" in text
        assert f"an estimated {st['estimated_relevant_unseen']}" not in text


def test_readiness_judges_the_bound_alone_whatever_the_estimate():
    # with the found and the unseen fixed, lowering the bound or moving the estimate never makes it wider
    base = _stopping(SAMPLE_RECORD, 600)
    for found in (1, 27, 300):
        seen = []
        for upper in range(559, -1, -1):
            flags = {readiness({**base, "relevant_found": found, "unseen_relevant_upper": upper,
                                "estimated_relevant_unseen": est}, 41, 559)["interval_narrow"]
                     for est in (0, upper // 3, upper)}
            assert len(flags) == 1, (found, upper)
            seen.append(flags.pop())
        assert seen == sorted(seen)          # False ... False, True ... True as the bound falls


def _ranked_screening(total=1000, relevant=60, screened=400):
    """A screening in ranked order with a known number left: the chance of relevance falls along the
    order (as when the model shows likely relevant papers first), every paper's label fixed by a
    deterministic walk over that chance, so the relevant papers thin out towards the end."""
    chance = np.exp(-np.arange(total) / 150.0)
    chance *= relevant / chance.sum()
    labels, acc = [], 0.0
    for c in chance:
        acc += c
        labels.append(int(acc >= 1))
        acc -= labels[-1]
    labels = np.array(labels)
    return labels[:screened], int(labels[screened:].sum())


def test_a_shown_estimate_says_it_is_an_estimate_with_its_interval_and_how_it_errs():
    seen, _ = _ranked_screening()
    st = _stopping(list(seen), 1000)
    assert readiness(st, 400, 600)["estimable"]
    text = "\n".join(describe(st, 600, 400))
    assert (f"unseen relevant papers: an estimated {st['estimated_relevant_unseen']} of the 600 unseen, "
            f"0 to {st['unseen_relevant_upper']} at 95% confidence (the estimate tends to read high)") in text


def test_on_a_ranked_screening_the_estimate_reads_high_as_its_text_says():
    # the direction the text warns of: ranked screening leaves fewer relevant papers than a random draw of
    # the latest papers suggests; the 95 % bound still holds the true number
    seen, left = _ranked_screening()
    a = assess(seen, 1000)
    assert 0 < left < a.estimate <= a.upper


@pytest.mark.parametrize("labels", [[1] * 36 + [0] * 4, [1] * 3 + [0] * 17], ids=["36 found", "3 found"])
def test_a_recall_bound_below_one_percent_never_reads_at_least_0_percent(labels):
    # found of screened in 10,653 papers: the 95 % bound leaves recall so far below 1 %
    st = _stopping(labels, 10653)
    found, upper = st["relevant_found"], st["unseen_relevant_upper"]
    assert 0 < found / (found + upper) < 0.01
    ready = readiness(st, len(labels), 10653 - len(labels))      # as `triage stats` and the report carry it
    for stopping, screened in ((st, len(labels)), ({**st, **ready, "screened": len(labels)}, None)):
        text = "\n".join(describe(stopping, 10653 - len(labels), screened))
        assert "recall so far at least" in text
        assert "at least 0%" not in text
        share = text.split("recall so far at least ")[1].split("%")[0]
        assert 0 < float(share) <= 100 * found / (found + upper)        # a lower bound never rounded up


def test_the_recall_bound_keeps_whole_percents_from_one_percent_up():
    from gapscope.triage.stopping import recall_at_least

    assert recall_at_least(27, 367) == "6%"            # 6.85 %: a lower bound, down
    assert recall_at_least(1, 0) == "100%"
    assert recall_at_least(36, 10083) == "0.3%"        # 0.36 %: down, never up
    assert recall_at_least(1, 19_999) == "0.005%"


def test_a_recall_bound_short_of_all_never_reads_at_least_100_percent():
    """300 found with up to 1 relevant paper unseen is 99.7 %: "at least 100%" beside "0 to 1 unseen relevant"
    says nothing can be missing, which the bound does not say."""
    from gapscope.triage.stopping import recall_at_least

    assert recall_at_least(300, 1) == "99%"
    assert recall_at_least(199, 1) == "99%"
