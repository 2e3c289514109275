"""Which shortcoming sentences a gap quotes as evidence: those that state a shortcoming, the surest first.

The facet classifier flags a sentence when P(any shortcoming) reaches 0.5 and reads it with its neighbours,
so a flag can be weak or borrowed from the next sentence ("Continual learning (CL) aims to learn new tasks
..., addressing the challenge of forgetting", flagged because "However, research on ... remains limited"
follows). A quote tells the reader "this paper states the shortcoming", so it is held to a higher bar
than the flag that puts a paper on the shortcoming map:

- the user's correction wins: a sentence they labelled a shortcoming is quoted first, whatever the
  classifier said; one they labelled ``none`` is never quoted (it reaches here as ``none``);
- otherwise the classifier's confidence must reach :data:`QUOTE_MIN_CONFIDENCE` (a full text's
  Limitations section excepted: its heading says what it holds);
- no method or objective sentence: it says what the paper does or sets out to do;
- no sentence whose only deficiency wording is the problem its subject solves or aims at ("addressing
  the challenge of forgetting", "helping to bridge the performance gap").

Among those, the surest first: corrections, then by confidence. Measured in
benchmarks/bench_shortcoming_quotes.py (dev sentences and the 10,653-paper library).
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable, Mapping, Optional, Sequence

from ..textfmt import plural

# the lowest confidence at which the classifier's flags (method and objective sentences aside) state a
# shortcoming 95% of the time on the CS dev abstracts (189 of 198 at 0.9; 30 of 47 below it); chosen on the
# dev abstracts only, never the test split (benchmarks/bench_shortcoming_quotes.py --dev prints the grid)
QUOTE_MIN_CONFIDENCE = 0.9

# roles whose sentences say what the paper does or sets out to do, not what falls short (dev: 1 of 5 flagged
# objective sentences states a shortcoming)
UNQUOTED_ROLES = ("method", "objective")

# the problem as the thing solved or aimed at: a verb of solving, then a generic problem noun
_SOLVING = re.compile(
    r"\b(address\w*|tackl\w*|overcom\w*|mitigat\w*|alleviat\w*|solv\w*|bridg\w*|remed\w*|resolv\w*|handl\w*|"
    r"reduc\w*|narrow\w*|clos(e|es|ing)|fill(s|ing)?|eliminat\w*|avoid\w*|cop(e|es|ing) with|solutions? to)"
    r"\s+(the\s+|these\s+|this\s+|such\s+|a\s+|an\s+|their\s+|its\s+|key\s+|many\s+)?([\w-]+\s+){0,3}?"
    r"(challenges?|problems?|gaps?|limitations?|issues?|shortcomings?|difficult(y|ies)|bottlenecks?|drawbacks?)"
    r"(\s+(of|in)\s+[\w-]+)?", re.I)
# wording that states a deficiency; broad on purpose: it only decides whether a sentence with a solving
# phrase says anything else falls short
_DEFICIENCY = re.compile(
    r"\b(fail\w*|fall(s|ing)? short|lack\w*|limit\w*|struggl\w*|suffer\w*|challeng\w*|difficult\w*|hard(er|ly)?|"
    r"unable|cannot|can ?not|inability|insufficien\w*|inadequa\w*|poor\w*|weak\w*|unresolved|unsolved|"
    r"unexplored|underexplored|under-explored|understudied|overlook\w*|ignor\w*|neglect\w*|remains?|remained|still|"
    r"bottleneck\w*|drawback\w*|shortcoming\w*|deficien\w*|flaw\w*|gaps?|problem\w*|issues?|obstacle\w*|"
    r"barrier\w*|costly|expensive|prohibitive\w*|burden\w*|overhead|inefficien\w*|impractical\w*|scarc\w*|"
    r"shortage|absen\w*|missing|depend\w*|rel(y|ies|iant|iance) on|requir\w*|demands?|needs?|restrict\w*|"
    r"constrain\w*|hinder\w*|hamper\w*|imped\w*|prevent\w*|degrad\w*|deteriorat\w*|vulnerab\w*|susceptib\w*|"
    r"prone|sensitive|fragile|brittle|unreliab\w*|inaccura\w*|incorrect\w*|error\w*|bias\w*|mismatch\w*|"
    r"inconsisten\w*|suboptimal|sub-optimal|unclear|unknown|opaque|elusive|risk\w*|threat\w*|concern\w*|"
    r"not|no|never|neither|nor|without|rarely|seldom|few|little|only|however|but|yet|despite|although|though|"
    r"unlike|undermin\w*|compromis\w*|underperform\w*|underrepresent\w*|disparit\w*|trade-?offs?|dilemma|"
    r"intractab\w*|infeasib\w*|unstable|instabilit\w*|uncertain\w*|ambigu\w*|ill-posed|diminish\w*|nois[ey]|"
    r"complexity)\b", re.I)


def deficiency_wording(text: str) -> bool:
    """Whether ``text`` holds a word that states a deficiency (broad: any negation or contrast counts)."""
    return bool(_DEFICIENCY.search(text))


def only_solves(text: str) -> bool:
    """Whether the sentence names a problem only as what its subject solves or aims at ("CL aims to learn
    new tasks ..., addressing the challenge of forgetting"), with no other word of a deficiency."""
    if not _SOLVING.search(text):
        return False
    return not deficiency_wording(_SOLVING.sub(" ", text))


# why a flagged sentence is not quoted, as the reader is told when a gap quotes none
REASONS = {"role": "a method or objective sentence", "confidence": "with confidence under {min:g}",
           "solves": "a problem named only as what is solved"}


def why_not_quoted(s: Mapping[str, Any], min_confidence: float = QUOTE_MIN_CONFIDENCE) -> Optional[str]:
    """None when ``s`` may be quoted as a shortcoming, else why not: "none" (no shortcoming), or a key of
    :data:`REASONS`. ``s``: a sentence with its effective ``shortcoming``, the classifier's ``confidence``,
    ``role``, ``corrected`` (the user labelled its shortcoming) and, from a full text, ``section_kind``."""
    if (s.get("shortcoming") or "none") == "none":
        return "none"
    if s.get("corrected"):
        return None                                   # the user's label wins
    if s.get("role") in UNQUOTED_ROLES:
        return "role"
    conf = s.get("confidence")
    if s.get("section_kind") != "limitations" and (conf is None or float(conf) < min_confidence):
        return "confidence"
    if only_solves(str(s.get("text") or "")):
        return "solves"
    return None


def quote_rank(s: Mapping[str, Any]) -> tuple:
    """Sort key, surest first: the user's labels, then the classifier's confidence."""
    return (not s.get("corrected"), -float(s.get("confidence") or 0.0))


def quotable(sentences: Iterable[Mapping[str, Any]], min_confidence: float = QUOTE_MIN_CONFIDENCE) -> list:
    """The sentences that may be quoted as a shortcoming, surest first (a stable sort: ties keep their order)."""
    return sorted((s for s in sentences if why_not_quoted(s, min_confidence) is None), key=quote_rank)


def pick_quotes(sentences: Sequence[Mapping[str, Any]], n: int) -> list:
    """Up to ``n`` quotable sentences (each with its ``paper_id``), the surest first, from as many papers as
    there are before a paper is quoted twice."""
    ranked = quotable(sentences)
    first, seen = [], set()
    for s in ranked:
        if s["paper_id"] not in seen:
            seen.add(s["paper_id"])
            first.append(s)
    rest = [s for s in ranked if not any(s is f for f in first)]
    return (first + rest)[:n]


def left_out(sentences: Iterable[Mapping[str, Any]], min_confidence: float = QUOTE_MIN_CONFIDENCE) -> str:
    """Why flagged sentences are not quoted, counted: "2 with confidence under 0.9, 1 a method or objective
    sentence" ('' when every one may be)."""
    counts: dict[str, int] = {}
    for s in sentences:
        why = why_not_quoted(s, min_confidence)
        if why not in (None, "none"):
            counts[why] = counts.get(why, 0) + 1
    return ", ".join(f"{n} {REASONS[k].format(min=min_confidence)}" for k, n in counts.items())


def no_quote_note(sentences: Sequence[Mapping[str, Any]], where: str) -> str:
    """What a gap says when it quotes no shortcoming sentence: that no sentence ``where`` (e.g. "of its
    papers") is flagged as one, or why the flagged ones were left out."""
    flagged = [s for s in sentences if (s.get("shortcoming") or "none") != "none"]
    if not flagged:
        return f"no shortcoming sentence quoted: no sentence {where} is flagged as one"
    n = len(flagged)
    return (f"no shortcoming sentence quoted: the {plural(n, 'sentence')} {where} flagged as one "
            f"{'falls' if n == 1 else 'fall'} short of a quote ({left_out(flagged)})")


def label_of(s: Mapping[str, Any]) -> str:
    """How sure the quote is, for the reader: "prior 0.99", "open, your label"."""
    kind = str(s.get("shortcoming") or "")
    if s.get("corrected"):
        return f"{kind}, your label"
    conf = s.get("confidence")
    return f"{kind} {confidence_text(conf)}" if conf is not None else kind


def confidence_text(conf: float) -> str:
    """Two decimals, cut rather than rounded: 0.998 reads 0.99, never a certain-looking 1.00."""
    return f"{math.floor(round(float(conf) * 100, 6)) / 100:.2f}"
