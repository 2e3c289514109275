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


def past_stamp(text) -> str:
    """A moment given back to the library (a removed facet correction's date, put back with it) as the library
    writes its own (store.base.now_iso: UTC, "2026-01-05T09:30:00+00:00"; one without a zone is read as UTC);
    ValueError for anything else and for a moment still to come. Such dates are compared as text, and the
    latest says when labels last changed: "yesterday" or a future date would sort after every later one."""
    from datetime import datetime, timezone

    try:
        when = datetime.fromisoformat(str(text).strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date and time (YYYY-MM-DDTHH:MM:SS+00:00)") from None
    when = (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    if when > datetime.now(timezone.utc):
        raise ValueError(f"{text!r} is still to come")
    return when.isoformat(timespec="seconds")
