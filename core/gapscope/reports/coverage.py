"""How much of each point in time a map's papers cover, for the clusters-over-time chart.

A library rarely starts on the 1st of a month or ends on its last day: the 10,653-paper library runs from
2025-03-18 to 2026-07-01, so its last month holds one day of papers and every line of the chart fell to
about 0 there, which a reader took for a collapse of the field. A month (or year) at either end that the
papers cover only in part is therefore scaled up to a whole one from the days it covers, and marked; one
covering under half its days says too little to scale and is left out. The chart's caption says which, and
`gapscope map show` reads a cluster's months by the same rule (month_steps, whole_counts)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Mapping, Optional, Sequence

# an end step covered on fewer than this share of its days is left out rather than scaled up
MIN_SHARE_TO_SCALE = 0.5


@dataclass
class Partial:
    step: str               # "2026-07" or "2026"
    covered: int            # days of it the papers cover
    days: int               # days in it
    end: str                # "first" or "last"
    first: str              # the papers' first and last dates (ISO)
    last: str

    @property
    def scaled(self) -> bool:
        return self.covered / self.days >= MIN_SHARE_TO_SCALE


@dataclass
class Steps:
    """The points in time a chart draws: ``steps`` (in order), each step's factor to a whole step
    (``scale``; 1 unless scaled up) and the partial ends (``partial``: scaled up or left out)."""
    steps: list[str]
    scale: dict[str, float] = field(default_factory=dict)
    partial: list[Partial] = field(default_factory=list)


def _day(iso: Optional[str]) -> Optional[date]:
    try:
        return date.fromisoformat(str(iso)[:10]) if iso and len(str(iso)) >= 10 else None
    except ValueError:
        return None


def date_span(dates: Iterable[tuple[Optional[str], Optional[int]]]) -> tuple[Optional[str], Optional[str]]:
    """The first and last day (ISO) the papers dated ``(published, year)`` may fall on. A map counts a paper
    with no publication date under its year, and one dated to the month under its month (maps/build.py), so
    such a paper could be any day of it: the span opens on its first day and closes on its last, and an end
    step holding one is never taken for a step the papers cover only in part. (None, None): no date."""
    lo: Optional[date] = None
    hi: Optional[date] = None
    for published, year in dates:
        text = str(published or year or "")
        try:
            if len(text) >= 10:
                a = b = date.fromisoformat(text[:10])
            elif len(text) >= 7:
                a, b = _bounds(text[:7])
            elif len(text) >= 4:
                a, b = _bounds(text[:4])
            else:
                continue
        except ValueError:
            continue
        lo, hi = min(lo or a, a), max(hi or b, b)
    return (lo.isoformat() if lo else None), (hi.isoformat() if hi else None)


def _bounds(step: str) -> tuple[date, date]:
    if len(step) == 4:
        y = int(step)
        return date(y, 1, 1), date(y, 12, 31)
    y, m = int(step[:4]), int(step[5:7])
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def covered_steps(steps: Sequence[str], first: Optional[str], last: Optional[str]) -> Steps:
    """``steps`` ("YYYY-MM" or "YYYY", in order) with the first and the last judged by the days the papers
    (dated ``first`` .. ``last``) cover of them; with no day-exact dates, every step as it is."""
    out = Steps(list(steps))
    lo, hi = _day(first), _day(last)
    if not steps or lo is None or hi is None:
        return out
    for step, end in ((steps[0], "first"), (steps[-1], "last")):
        if end == "last" and len(steps) == 1:
            break
        try:
            start, stop = _bounds(step)
        except ValueError:
            continue
        a, b = max(start, lo), min(stop, hi)
        days, covered = (stop - start).days + 1, (b - a).days + 1
        if 0 < covered < days:
            out.partial.append(Partial(step, covered, days, end, lo.isoformat(), hi.isoformat()))
    for p in out.partial:
        if p.scaled:
            out.scale[p.step] = p.days / p.covered
        else:
            out.steps.remove(p.step)
    return out


def month_steps(months: Iterable[str], dates: Iterable[tuple[Optional[str], Optional[int]]]) -> Steps:
    """The months a map's clusters count (``months``, any order) judged by the days its papers (dated
    ``(published, year)``) cover of the first and the last: what a trend reads, by covered_steps' rule."""
    return covered_steps(sorted(set(months)), *date_span(dates))


def whole_counts(sizes: Mapping[str, int], s: Steps) -> dict[str, float]:
    """Each step's count as a trend reads it: a partial end scaled up to a whole step, one left out absent."""
    return {step: sizes[step] * s.scale.get(step, 1.0) for step in s.steps if step in sizes}


def left_out(s: Steps) -> list[str]:
    """The partial ends that cover too little of their step to be scaled up (not read as a step)."""
    return [p.step for p in s.partial if not p.scaled]


def partial_note(s: Steps, unit: str, marked: str = "drawn hollow") -> str:
    """The caption's words on the partial ends: which is scaled up (and how it is ``marked``), which is left
    out, and why."""
    said = []
    for p in s.partial:
        when = (f"the papers start on {p.first}" if p.end == "first" else f"the papers end on {p.last}")
        what = f"scaled up to a whole {unit} and {marked}" if p.scaled else "left out"
        said.append(f"{p.step} is {what} ({when}: {p.covered} of its {p.days} days)")
    if not said:
        return ""
    return ("; ".join(said)[:1].upper() + "; ".join(said)[1:]
            + f". A {unit} the library covers only in part would otherwise read as a fall or a rise.")
