"""Dates a person gives (a command's --before, a cut-off date): one ISO day, YYYY-MM-DD, checked before use.

Dates are compared as text in the library (`published < DATE`), which is right only for ISO days: "2025-3-1"
or "yesterday" sort after every date and silently selected every paper. A month or a year alone is refused
too ("before 2025-03" could mean before its first or its last day)."""

from __future__ import annotations

import re
from datetime import date

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_day(text) -> str:
    """``text`` as YYYY-MM-DD (surrounding spaces dropped); ValueError "'2025-3-1' is not a date (YYYY-MM-DD)"
    for anything else, a day that does not exist (2025-02-30) included."""
    s = str(text).strip()
    if ISO_DAY.fullmatch(s):
        try:
            return date.fromisoformat(s).isoformat()
        except ValueError:
            pass
    raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)")


ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?")


def iso_day_or_time(text) -> str:
    """An ISO day, or a day and time of day (YYYY-MM-DDTHH:MM[:SS], UTC) where a source takes one (arXiv's
    submission window)."""
    s = str(text).strip()
    if ISO_TIME.fullmatch(s):
        from datetime import datetime

        try:
            datetime.fromisoformat(s)
            return s
        except ValueError:
            pass
    try:
        return iso_day(s)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None
