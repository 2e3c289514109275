"""The section a sentence stands in, as a prior on its shortcoming label.

The facet classifier was trained on abstracts, where about a quarter of the sentences state a
shortcoming (24%: data/annotations/cs-shortcomings/README.md) and `own` ones are rare (1%). In a
section headed "Limitations" a sentence states a limitation of the paper itself unless it states no
deficiency at all (docs/annotation/shortcomings.md with issue 21's section rule). So the classifier's
P(any shortcoming) is moved by Bayes' rule from the abstracts' base rate to the section's prior before
the model's own threshold is applied:

- limitations: prior 0.5 (a sentence there is as likely as not to state a shortcoming), and a flagged
  sentence is `own` whatever type the classifier liked;
- discussion, future work: half that shift in log-odds (prior 0.36), the classifier's type kept;
- a section where papers do not state their own limitations (Introduction, Background, Methods, Results,
  the full text's copy of the Abstract, Ethics, Acknowledgements, References, Appendix): an `own` decision
  there is dropped to none (the published rule-based system, Kilicoglu et al., JAMIA 2018, labels no
  sentence outside Discussion, Conclusion and Limitations sections), while a shortcoming of prior work or
  an open problem stays (Related work states them);
- any other section (an unrecognised or numbered subsection heading, or none): the classifier's decision
  unchanged.

Those priors are one choice made before measuring, not tuned on the gold sentences
(data/annotations/fulltext-limitations). A sentence that points to future work or thanks someone
(which the guidelines do not count as a shortcoming) gets no shift.

A concession in a Limitations section: a sentence that opens on "While ...", "Although ...", "Even
though ..." (after a connective such as "Finally,") grants a strength of the work to state what it does
not do ("While we only tested citations in the Introduction ..., ..."), the trade-off the guidelines
count as the paper's own shortcoming. The classifier, trained on abstracts, reads the granted clause and
often says none; in a Limitations section such a sentence is `own` (unless it is a future-work pointer).
This rule was written after the errors on the gold sentences were known (docs/fulltext.md lists them),
so its gain there is not a held-out figure.
"""

from __future__ import annotations

import math
import re
from typing import Optional, Sequence

from ..vocabulary import SHORTCOMINGS

ABSTRACT_BASE_RATE = 0.24      # share of shortcoming sentences in the facet model's training abstracts
LIMITATIONS_PRIOR = 0.5


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


# log-odds added to P(any shortcoming) per section kind
SECTION_SHIFT = {"limitations": _logit(LIMITATIONS_PRIOR) - _logit(ABSTRACT_BASE_RATE)}
SECTION_SHIFT["discussion"] = SECTION_SHIFT["future_work"] = SECTION_SHIFT["limitations"] / 2
# section kinds (fulltext.sections) where a sentence is not taken as the paper's own limitation
NO_OWN_SECTIONS = frozenset({"abstract", "introduction", "background", "method", "results", "ethics",
                             "acknowledgements", "references", "appendix"})

_NOT_A_SHORTCOMING = re.compile(
    r"\b(?:future (?:work|research|studies|directions?)|in the future|we (?:plan|intend|hope) to"
    r"|(?:one|another) (?:promising |potential |possible )?direction|interesting direction"
    r"|we (?:thank|are grateful|gratefully acknowledge))\b", re.I)


_CONCESSIVE = re.compile(
    r"^(?:(?:finally|additionally|moreover|furthermore|further|also|lastly|first(?:ly)?|second(?:ly)?|third(?:ly)?"
    r"|in addition|however|overall|again)\s*,?\s+)?(?:while|whilst|although|though|even though|even if|whereas"
    r"|despite|notwithstanding)\b", re.I)


def concessive(text: str) -> bool:
    """The sentence opens on a concessive clause ("While ...", "Finally, although ...")."""
    return bool(_CONCESSIVE.match(text.strip()))


def not_a_shortcoming(text: str) -> bool:
    """A future-work pointer, an acknowledgement or a heading-like fragment (too short to state anything)."""
    return len(text.split()) < 4 or bool(_NOT_A_SHORTCOMING.search(text))


def shifted(p_any: float, shift: float) -> float:
    p = min(max(p_any, 1e-6), 1 - 1e-6)
    return 1.0 / (1.0 + math.exp(-(_logit(p) + shift)))


def decide(section_kind: Optional[str], text: str, p_short: Sequence[float], threshold: float,
           *, section_prior: bool = True) -> tuple[str, float]:
    """(shortcoming, confidence) for one sentence from the classifier's probabilities over
    SHORTCOMINGS; without ``section_prior`` the classifier's own rule (gapscope.facets.model)."""
    p_any = 1.0 - float(p_short[0])
    shift = SECTION_SHIFT.get(section_kind or "", 0.0) if section_prior else 0.0
    if shift and not_a_shortcoming(text):
        shift = 0.0
    p = shifted(p_any, shift) if shift else p_any
    if section_prior and section_kind == "limitations" and concessive(text) and not not_a_shortcoming(text):
        return "own", p                   # a concession there grants a strength to state a limit
    if p < threshold:
        return "none", 1.0 - p
    kind = SHORTCOMINGS[1 + max(range(len(p_short) - 1), key=lambda i: p_short[1 + i])]
    if section_prior and section_kind == "limitations":
        kind = "own"
    if section_prior and kind == "own" and section_kind in NO_OWN_SECTIONS:
        return "none", 1.0 - p
    return kind, p
