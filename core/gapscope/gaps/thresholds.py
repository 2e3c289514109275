"""The counts that make a concept pair already done (established practice, no gap), each under one name: the
Preferences label of its setting, which every printed "(done from N ...)" quotes, so a number a gap shows
leads to the setting behind it. Three different things are counted, hence three names:

  - gaps_established_min: reference-corpus abstracts whose title or abstract NAMES both concepts;
  - gaps_closest_min: abstracts near the pair that are ABOUT both BY MEANING (gaps/closest.py);
  - gaps_openalex_min: OpenAlex works naming both."""

from __future__ import annotations

DONE_AT = {
    "gaps_established_min": "Gap done at (reference abstracts naming both)",
    "gaps_closest_min": "Gap done at (abstracts about both by meaning)",
    "gaps_openalex_min": "Gap done at (OpenAlex works naming both)",
}


def done_from(setting: str, n) -> str:
    """'done from 3: Preferences “Gap done at (reference abstracts naming both)”, setting gaps_established_min'."""
    return f"done from {n}: Preferences \u201c{DONE_AT[setting]}\u201d, setting {setting}"


def done_at(setting: str, n) -> str:
    """'done at 5 (Preferences “Gap done at (abstracts about both by meaning)”)': the short form, for a line a
    researcher reads beside the gap (the setting's key is in docs/gaps.md beside its label)."""
    return f"done at {n} (Preferences \u201c{DONE_AT[setting]}\u201d)"
