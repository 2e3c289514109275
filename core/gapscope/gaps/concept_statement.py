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

- it names the concept only as where the work goes or what does well, the complaint being about what is left
  out: "existing benchmarks predominantly focus on high-resource languages, leaving Thai underrepresented",
  "LLMs perform well on high-resource languages but ...", "reasoning remains largely confined to a few
  high-resource languages", "alignment methods generalize poorly beyond high-resource languages". The concept
  stands in a favoured span: after "focus(es/ed) on", "centred on", "confined / limited / restricted / tailored /
  biased / skewed to(wards)", "bias toward", "dominated by", "excel in", "perform(s) well on", "available / trained
  / evaluated / designed mainly in / on / for", "beyond", up to the clause's end. A negation or a word of scarcity
  just before ("fail to focus on fine details", "few studies focus on X") keeps the mention a statement: there
  the concept is what is missing.

A sentence states the concept when it denies none of its mentions, names it outside a favoured span at least
once and asks about not all of them.
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


# where the work goes or what does well: the concept after these is favoured, the shortcoming is what is left out
_MOSTLY = r"(?:(?:primarily|mainly|largely|predominantly|mostly|heavily|overwhelmingly|exclusively|only|solely)\s+)"
_FAVOURED = re.compile(
    r"\b(?:focus(?:es|ed|ing)?\s+" + _MOSTLY + r"?on|"
    r"(?:centred|centered|concentrated|confined|limited|restricted|biased|skewed|anchored)\s+"
    + _MOSTLY + r"?(?:on|to|towards?|around|in\s+favou?r\s+of)|"
    r"(?:tailored|geared)\s+" + _MOSTLY + r"?(?:to|for|towards?)|"
    r"bias(?:es)?\s+(?:towards?|in\s+favou?r\s+of)|dominated\s+by|excel(?:s|led|ling)?\s+(?:in|on|at)|"
    r"(?:perform|performs|performed|performing|work|works|worked|working|do|does|did)\s+(?:\w+ly\s+)?well\s+"
    r"(?:on|in|for|with)|"
    r"(?:" + _MOSTLY + r"(?:available|trained|evaluated|designed|developed|optimi[sz]ed|studied|benchmarked|"
    r"explored|target|targets|targeted|targeting)\s+(?:in|on|for)?|"
    r"(?:available|trained|evaluated|designed|developed|optimi[sz]ed|studied|benchmarked)\s+" + _MOSTLY
    + r"(?:in|on|for))|"
    r"(?:extensively|widely|well)[\s-](?:studied|explored|investigated|researched)\s+(?:in|on|for)|"
    r"(?:generali[sz]e|generali[sz]es|generali[sz]ing|transfer|transfers|extend|extends|scale|scales)\s+"
    r"(?:\w+ly\s+)?beyond)\b", re.I)
# a negation or scarcity word just before the favouring words: "fail to focus on X", "few works focus on X" name
# X as what is missing
_NOT_FAVOURED = re.compile(r"\b(?:not|no|never|fail\w*|unable|cannot|can't|struggl\w*|lack\w*|few|little|rarely|"
                           r"seldom|less|hardly|barely|difficult|hard|insufficient\w*)\b(?:\s+\S+){0,2}\s*$", re.I)
# where a favoured span ends: the clause's end, the contrast or what is left out ("..., leaving Thai ..."), or a
# deficiency verb ("focus on X and fail to Y")
_FAVOURED_END = re.compile(r"[;:,.!?\u2014()]|\s-{1,2}\s|\b(?:but|rather|leaving|while|whereas|yet|neglect\w*|"
                           r"fail\w*|lack\w*|struggl\w*|overlook\w*|ignor\w*|left|leave|leaves|"
                           r"at\s+the\s+expense|instead)\b", re.I)


def favoured_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) character spans of ``text`` that name where the work goes or what does well (see the
    module's docstring)."""
    out = []
    for m in _FAVOURED.finditer(text):
        if _NOT_FAVOURED.search(text, 0, m.start()):
            continue
        end = _FAVOURED_END.search(text, m.end())
        out.append((m.start(), end.start() if end else len(text)))
    return out


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
    favoured = favoured_spans(text)
    # "focus on X, leaving Y underexplored": X is where the work went, Y the shortcoming
    if all(any(a <= at < b for a, b in favoured) for at in mentions):
        return False
    return not all(_in_question(text, at) for at in mentions)
