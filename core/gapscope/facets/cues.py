"""Weak shortcoming labels from cue phrases: extra training signal on sentences nobody labelled.

High-precision patterns only; a sentence no pattern fires on gets no weak label (it is not called
``none``). Never used for evaluation: the held-out sets are labelled by people (docs/annotation/).
"""

from __future__ import annotations

import re
from typing import Optional

_FAIL = (r"(fail(s|ed)? to|struggle[sd]? (to|with)|suffer(s|ed)? from|(are|is|remain|remains) (limited|"
         r"insufficient|inadequate|restricted|unable)|lacks?\b|cannot|can ?not|do(es)? not (scale|generali[sz]e|"
         r"capture|account|consider|address|handle)|(are|is) (prone|vulnerable|sensitive) to|"
         r"(overlook|ignore|neglect)(s|ed)?\b|(rely|relies|relying) (heavily )?on|(require|requires) (costly|"
         r"expensive|large|extensive|manual))")
_PRIOR_SUBJ = (r"(existing|current|previous|prior|conventional|traditional|standard|state-of-the-art|"
               r"mainstream|most|many|these|such|recent|popular|off-the-shelf) (\w+[- ]){0,3}?(methods?|approaches|"
               r"models?|systems?|techniques?|works?|studies|benchmarks?|frameworks?|solutions?|algorithms?|"
               r"detectors?|llms|vlms|mllms|tools?|metrics?|datasets?|agents?|architectures?|pipelines?)")
PRIOR = [
    re.compile(_PRIOR_SUBJ + r"\b.{0,80}?\b" + _FAIL, re.I),
    re.compile(r"\b(limitations?|shortcomings?|drawbacks?|weaknesses|deficienc(y|ies)|bottlenecks?) of "
               r"(existing|current|previous|prior|conventional|these|such|state-of-the-art)", re.I),
    re.compile(r"^(however|yet|unfortunately|nevertheless|but),? (\w+[- ]){0,4}?(methods?|approaches|models?|"
               r"systems?|llms|vlms|techniques?|works?)\b.{0,60}?" + _FAIL, re.I),
]
OPEN = [
    re.compile(r"\b(remains?|remained) (largely |an? |still |relatively |mostly )?(unexplored|underexplored|"
               r"under-explored|open|unclear|unknown|unsolved|unresolved|elusive|understudied|poorly understood|"
               r"an open (question|problem|challenge))", re.I),
    re.compile(r"\b(little|less) (is|has been) (known|done|explored|studied)\b", re.I),
    re.compile(r"\b(no|few|scarce|limited) (existing |public |publicly available |large-scale )?(benchmarks?|"
               r"datasets?|studies|work|research) (exists?|has|have|address|is available|are available|focus)", re.I),
    re.compile(r"\bhas (not|rarely|seldom) been (studied|explored|investigated|addressed)\b", re.I),
    re.compile(r"\b(lack|absence|scarcity|shortage) of (large-scale |high-quality |annotated |labeled |labelled |"
               r"public |standardi[sz]ed )?(data|datasets?|benchmarks?|labels?|annotations?|evaluation)", re.I),
]
OWN = [
    re.compile(r"\b(a |one |the main |another )?limitations? of (this|our) (study|work|approach|method|paper)", re.I),
    re.compile(r"\bour (method|approach|model|system|framework) (still )?(fails|struggles|is limited|cannot)", re.I),
]


def weak_shortcoming(sentence: str) -> Optional[str]:
    """``own`` / ``prior`` / ``open`` when a cue fires, else None (no weak label)."""
    for label, pats in (("own", OWN), ("prior", PRIOR), ("open", OPEN)):
        if any(p.search(sentence) for p in pats):
            return label
    return None
