"""How much time a corpus covers, and the refusal of time-based measurements on a corpus too short for them
(a library collected over one week has no growth to measure)."""

from __future__ import annotations

from datetime import date
from typing import Iterable, Mapping, Optional

from ..textfmt import plural  # noqa: F401 - used here, and imported from here by the gap modules

# growth compares the last third of the span with the first two thirds: each needs about a month of papers
MIN_GROWTH_SPAN_DAYS = 90
# the backtest trains its ranker on an earlier slice before the cut-off and checks links after it
MIN_BACKTEST_BEFORE_DAYS = 60
MIN_BACKTEST_AFTER_DAYS = 30
# an unaddressed shortcoming counts the methods listed after the median date of the papers stating it: the
# papers must cover time, and each shortcoming needs enough later papers for a rate to mean something
MIN_SHORTCOMING_SPAN_DAYS = 60
MIN_LATER_PAPERS = 10


class SpanTooShort(ValueError):
    """The corpus does not cover enough time for a time-based measurement; the message says what it needs."""


def _day(s: str) -> Optional[date]:
    try:
        return date.fromisoformat(s[:10]) if len(s) >= 10 else date(int(s[:4]), 1, 1)
    except ValueError:
        return None


def corpus_span(dates: Iterable[Optional[str]]) -> tuple[str, str, int]:
    """(first date, last date, days between them) over the dates that parse; ('', '', 0) when none."""
    ds = sorted(d for d in (_day(x) for x in dates if x) if d is not None)
    if not ds:
        return "", "", 0
    return ds[0].isoformat(), ds[-1].isoformat(), (ds[-1] - ds[0]).days


def days_between(a: str, b: str) -> int:
    da, db = _day(a), _day(b)
    return (db - da).days if da and db else 0


def _require_days(dates: Mapping[int, Optional[str]], need: int, cannot: str, why: str) -> tuple[str, str, int]:
    """(first, last, days) of the papers' dates; SpanTooShort saying what it ``cannot`` do and what it needs
    (``why``) when they span fewer than ``need`` days."""
    first, last, days = corpus_span(dates.values())
    if days < need:
        raise SpanTooShort(f"cannot {cannot}: the papers span {plural(days, 'day')} ({first or '?'} .. {last or '?'}); "
                           f"it needs at least {need} days of papers ({why})")
    return first, last, days


def require_growth_span(dates: Mapping[int, Optional[str]], what: str = "growth ('thin and growing')") -> tuple[str, str, int]:
    return _require_days(dates, MIN_GROWTH_SPAN_DAYS, f"measure {what}",
                         "the last third against the first two thirds, about a month each at the least")


def require_backtest_span(dates: Mapping[int, Optional[str]], before: str) -> tuple[str, str, int]:
    first, last, days = corpus_span(dates.values())
    # days of papers on each side of the date: a date past the last paper has the whole span before it, not
    # the days up to the date
    pre = days_between(first, min(before, last)) if first else 0
    post = days_between(max(before, first), last) if last else 0
    if pre < MIN_BACKTEST_BEFORE_DAYS or post < MIN_BACKTEST_AFTER_DAYS:
        raise SpanTooShort(
            f"cannot backtest at {before}: the papers span {first or '?'} .. {last or '?'} ({plural(days, 'day')}), "
            f"{max(pre, 0)} days before {before} and {max(post, 0)} after; the backtest needs at least "
            f"{MIN_BACKTEST_BEFORE_DAYS} days of papers before the date (to train the ranker on an earlier slice) "
            f"and {MIN_BACKTEST_AFTER_DAYS} days after it (to see which links formed)")
    return first, last, days


SHORTCOMING_WHAT = "which shortcomings later papers left unaddressed"


def require_shortcoming_span(dates: Mapping[int, Optional[str]]) -> tuple[str, str, int]:
    return _require_days(dates, MIN_SHORTCOMING_SPAN_DAYS, f"tell {SHORTCOMING_WHAT}",
                         "the methods listed after the papers stating a shortcoming, about a month at the least")
