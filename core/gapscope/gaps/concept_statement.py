"""Whether a shortcoming sentence states a concept as the thing that falls short, not only names it.

A quotable shortcoming sentence (gaps/quotes.py) that names a concept can still not state that concept as a
shortcoming:

- it denies it: "the issue stems not from missing cultural knowledge but from insufficient activation",
  "weaker performance does not necessarily imply weaker cultural knowledge", "the bottleneck is not model
  capability but knowledge architecture", "... rather than a lack of data". The concept stands in a denied
  span: after "not from / not due to / not because of / not caused by ..." (not "not only from": that adds
  a cause, it denies none), "not necessarily imply / mean / reflect ...", a copula's "is not ... but", or
  "rather than / instead of / as opposed to" followed by a word of a deficiency ("rather than missing X").
  A bare "rather than X" or "instead of X" is no denial: in the library's shortcoming sentences it names
  what is missing ("rely on language priors rather than grounded perception": grounded perception is the
  shortcoming) about twice as often as it denies a cause;
- it names the concept only inside a question or a manner clause whose own words state nothing deficient
  ("existing evaluations ... may not reflect how cultural knowledge naturally appears", "it remains unclear
  whether local cultural knowledge is better accessed through English"): the complaint is about the
  evaluation, or an open question about something else, not about the concept.

A sentence states the concept when it denies none of its mentions and asks about not all of them.
"""

from __future__ import annotations

import re

from .quotes import deficiency_wording

# "not" + a word that attributes a cause: what follows, up to the clause's end, is the cause denied
_NOT_CAUSE = re.compile(
    r"\bnot\s+(?:(?:primarily|mainly|solely\s+due|simply\s+due|necessarily\s+due)\s+)?"
    r"(?:from|due\s+to|because\s+of|caused\s+by|driven\s+by|owing\s+to|attributable\s+to|(?:a|the)\s+result\s+of|"
    r"a\s+matter\s+of|rooted\s+in|down\s+to)\b", re.I)
# "does not necessarily imply X": X is not concluded
_NOT_NECESSARILY = re.compile(r"\bnot\s+necessarily\s+(?:imply|implies|mean|means|indicate|indicates|reflect|"
                              r"reflects|signal|signals|entail|entails|translate\s+into|lead\s+to|stem\s+from)\b", re.I)
# "the bottleneck is not X but Y": X is denied; "not only / just / merely X but (also) Y" affirms X
_NOT_BUT = re.compile(r"\b(?:is|are|was|were|lies|lie|be)\s+not\s+(?!only\b|just\b|merely\b|simply\b|solely\b)"
                      r"([^;:]{0,120}?)\bbut\b(?!\s+also\b)", re.I)
# a contrast cue followed by a deficiency: "rather than (a) lack of X", "instead of missing X"
_CONTRAST_DEFICIENCY = re.compile(
    r"\b(?:rather\s+than|instead\s+of|as\s+opposed\s+to)\s+(?:(?:a|an|the|any)\s+)?(?:\w+\s+){0,2}?"
    r"(?:lack\w*|absen\w*|missing|shortage|scarc\w*|insufficien\w*|inadequa\w*|deficien\w*|limitation\w*|"
    r"limited|weak\w*|poor\w*|gaps?\s+in)\b", re.I)
# where a denied span ends: the clause's end or the contrast that follows the denial
_SPAN_END = re.compile(r"[;:,.!?\u2014]|\s-{1,2}\s|\bbut\b|\brather\b", re.I)
# a question or manner clause: its subject is asked about, not stated deficient
_WH_CLAUSE = re.compile(r"\b(?:how|whether|why|what)\b", re.I)
_CLAUSE_END = re.compile(r"[;:]|\b(?:and|but|while|whereas)\b(?=\s+\w+\s+\w+)", re.I)


def denied_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) character spans of ``text`` that a negation denies (see the module's docstring)."""
    out = []
    for rx in (_NOT_CAUSE, _NOT_NECESSARILY, _CONTRAST_DEFICIENCY):
        for m in rx.finditer(text):
            end = _SPAN_END.search(text, m.end())
            out.append((m.start(), end.start() if end else len(text)))
    for m in _NOT_BUT.finditer(text):
        out.append((m.start(), m.end(1)))
    return out


def _in_question(text: str, start: int) -> bool:
    """Whether the mention at ``start`` stands in a question or manner clause ("how X appears", "whether X is
    ...") whose words up to the clause's end state nothing deficient."""
    before = [m for m in _WH_CLAUSE.finditer(text, 0, start)]
    if not before:
        return False
    wh = before[-1]
    # a clause boundary between the wh-word and the mention: the mention is not in that clause
    if re.search(r"[;:,]", text[wh.end():start]):
        return False
    end = _CLAUSE_END.search(text, start)
    clause = text[wh.end():end.start() if end else len(text)]
    return not deficiency_wording(clause)


def states_concept(text: str, pattern: re.Pattern) -> bool:
    """Whether ``text`` (a shortcoming sentence) states the concept ``pattern`` matches: it names it, denies
    none of its mentions (a sentence that denies the concept and names it again says what holds instead:
    "does not necessarily imply weaker X; rather, X may be more accessible ..."), and not every mention is
    only asked about."""
    mentions = [m.start() for m in pattern.finditer(text)]
    if not mentions:
        return False
    spans = denied_spans(text)
    if any(a <= at < b for at in mentions for a, b in spans):
        return False
    return not all(_in_question(text, at) for at in mentions)
