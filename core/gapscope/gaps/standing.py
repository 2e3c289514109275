"""A gap's score: its standing among the gaps of its own type found in the same run.

The three detectors score different quantities (a link-prediction estimate for a method x problem pair,
growth times thinness for a region, how rarely later methods come close to a shortcoming); no scale makes
0.4 of one worth 0.4 of another. Dividing each type by its best kept each type's spread, so one type's
tail outranked another's middle by accident of spread (on the 10,653-paper library a thin, growing region
of raw 0.1945 listed below a method x problem gap of raw 0.1725). A score is therefore a standing: among
the n gaps of its type, the one ranked r (ties sharing the better rank) scores (n - r + 1) / n, 1 for the
best of each type, 1/n for the last; the one list orders by it (a tie by the rank within the type), which
interleaves the types in proportion to how many each found. The raw score stays in ``details``."""

from __future__ import annotations

from typing import Mapping, Sequence

from .model import Gap

SCALE = "standing_in_type"       # details["score_scale"]: how the score was made

TYPE_PLURALS = {"method_x_problem": "method x problem gaps",
                "unaddressed_shortcoming": "unaddressed-shortcoming gaps",
                "thin_growing": "thin, growing gaps"}


def rank_gaps(groups: Sequence[list[Gap]]) -> list[Gap]:
    """Each gap's score its standing in its type (gaps of one type may come in several groups), with
    ``details`` "rank_in_type", "of_type", "score_scale" and "raw_score" (the detector's score); one list,
    best first. A type whose best raw score is 0 found nothing worth ranking: its gaps score 0."""
    by_type: dict[str, list[Gap]] = {}
    for gaps in groups:
        for g in gaps:
            by_type.setdefault(g.type, []).append(g)
    order = {t: k for k, t in enumerate(by_type)}
    out: list[Gap] = []
    for gaps in by_type.values():
        raws = sorted((float(g.score) for g in gaps), reverse=True)
        n = len(gaps)
        for g in gaps:
            raw = float(g.score)
            rank = 1 + sum(1 for r in raws if r > raw)
            g.details.setdefault("raw_score", round(raw, 5))
            g.details.update(rank_in_type=rank, of_type=n, score_scale=SCALE)
            g.score = (n - rank + 1) / n if raws[0] > 0 else 0.0
            out.append(g)
    out.sort(key=lambda g: (-g.score, g.details["rank_in_type"], order[g.type]))
    return out


def standing_text(type_: str, details: Mapping) -> str:
    """"2nd of 40 method x problem gaps", or "" for a gap found before scores were standings."""
    if details.get("score_scale") != SCALE:
        return ""
    return f"{ordinal(int(details['rank_in_type']))} of {details['of_type']} {TYPE_PLURALS.get(type_, type_ + ' gaps')}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
