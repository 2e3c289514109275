"""What a shortcoming sentence says falls short: the objects of its complaint ("suffer from object
hallucination", "struggle with long-range dependencies", "the lack of labelled data", "fail to generalize") and
the phrases headed by a word that names a shortcoming ("high computational cost", "catastrophic forgetting").

A shortcoming map's cluster gathers sentences by their subject as much as by their complaint, so its concepts
name the area ("KV cache", "medical image"); these phrases name the shortcoming (maps/kind_labels.py).
"""

from __future__ import annotations

import re

from .labels import EXTRA_STOP, chains, clean_text

# Words that may open the object of a complaint and say nothing of it ("suffer from the severe ...")
_OPENERS = (r"(?:(?:the|a|an|their|its|such|these|this|those|any|some|severe|significant|serious|substantial|"
            r"notable|major|key|critical|several|many|various|certain|inherent|common|considerable|often|still|"
            r"from|of|in)\s+)*")
# A verb or noun phrase that states a shortcoming and is followed by what falls short
COMPLAINT_CUE = re.compile(
    r"\b(?:suffer(?:s|ed|ing)? from|struggl(?:e|es|ed|ing) (?:with|in)|lack(?:s|ed|ing)?(?: of)?|absence of|"
    r"scarcity of|shortage of|prone to|vulnerab(?:le|ility) to|susceptib(?:le|ility) to|sensitiv(?:e|ity) to|"
    r"limited by|hindered by|hampered by|plagued by|constrained by|bottlenecked by|due to|lead(?:s|ing)? to|"
    r"result(?:s|ing)? in|caus(?:e|es|ing)|challenges? (?:such as|like)|issues? (?:such as|of|like|with)|"
    r"problems? (?:such as|of|like|with)|limitations? (?:such as|of|like)|bottlenecks? (?:of|in)|"
    r"neglect(?:s|ing)?|overlook(?:s|ing)?|ignor(?:e|es|ing))\s+" + _OPENERS, re.I)
# "fail to generalize", "struggle to capture long-range dependencies": what they fail at
COMPLAINT_INFINITIVE = re.compile(
    r"\b(?:fail(?:s|ed)?|struggl(?:e|es|ed)|unable|inability|difficult(?:y|ies)?|hard) to\s+([a-z]+)\s*"
    r"(?:(to|across|beyond|on|in|with|under)\s+)?" + _OPENERS,
    re.I)
# A complaint noun after a cue starts the object again ("issues such as the lack of data": "data")
_NESTED = re.compile(r"^(?:lack|absence|scarcity|shortage|limitations?|issues?|problems?|challenges?)\s+(?:of|in|with)\s+"
                     + _OPENERS, re.I)
# Adjectives that make a noun a complaint ("limited labelled data", "high computational cost")
COMPLAINT_ADJECTIVES = frozenset("""
limited poor insufficient inadequate scarce noisy inconsistent unreliable inaccurate high heavy prohibitive
excessive redundant costly expensive slow weak suboptimal quadratic catastrophic missing incomplete imbalanced
biased unstable unfaithful spurious
""".split())
# Nouns that name a shortcoming whatever cue the sentence uses ("object hallucination", "domain shift")
COMPLAINT_HEADS = frozenset("""
hallucination hallucinations forgetting cost costs overhead overheads latency bias biases noise drift shift
imbalance scarcity sparsity instability overfitting occlusion occlusions artifacts artefacts errors leakage
vulnerability vulnerabilities redundancy inefficiency inconsistency inconsistencies ambiguity degradation collapse
bottleneck bottlenecks complexity sycophancy misalignment heterogeneity brittleness fragility opacity
oversmoothing overthinking interference hallucinated memorization contamination jailbreaks
""".split())
# A word alone that names a shortcoming ("hallucination", "occlusions"); a bare "cost" or "bottleneck" says not
# of what, nor does a word that only a complaint's cue made one ("coherence" of "lack of coherence")
BARE_COMPLAINTS = COMPLAINT_HEADS - {"cost", "costs", "bottleneck", "bottlenecks", "errors"}
# Words of degree that open a complaint and say how big it is, not what it is ("critical bottleneck")
_DEGREE = frozenset("""
critical major main key fundamental primary significant central notable serious severe considerable substantial
great big important crucial persistent common
""".split())
# A verb the infinitive cue catches that says nothing of what fails ("fail to be", "struggle to make")
_EMPTY_VERBS = frozenset("be have make do get take provide achieve perform use meet".split())
# Verbs whose failure is a shortcoming without an object ("failing to generalize"); another verb needs its
# object ("failing to generate" says not what)
_WHOLE_VERBS = frozenset("generalize generalise scale converge adapt transfer extrapolate".split())
MAX_WORDS = 4


def complaint_stop_words() -> frozenset:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    # "data" is a word of complaints ("limited labelled data"), not only of method prose
    return frozenset(ENGLISH_STOP_WORDS | EXTRA_STOP) - {"data", "limited", "high", "low"}


def _object(rest: str, stop: frozenset) -> list[str]:
    """The run of words that opens ``rest`` (a complaint's object), at most MAX_WORDS; [] when a stop word,
    a formula or a mark comes first."""
    nested = _NESTED.match(rest)
    if nested:
        rest = rest[nested.end():]
    head = rest[:120]
    runs = chains(head, stop)
    if not runs or not head.lower().lstrip().startswith(runs[0][0]):
        return []
    return runs[0][:MAX_WORDS]


def _tails(words: list[str]) -> list[str]:
    """A phrase and its shorter endings, the head noun last ("high computational cost", "computational cost",
    "cost"): the ending its cluster's papers share is the one that can name it. Words of degree before it are
    no part of it ("critical bottleneck")."""
    while words and words[0] in _DEGREE:
        words = words[1:]
    return [" ".join(words[i:]) for i in range(len(words))]


def complaint_terms(text: str, stop: frozenset | None = None) -> list[str]:
    """The phrases of a shortcoming text that say what falls short, lower case, each once, with their
    endings (:func:`_tails`); an infinitive complaint also as "failing to VERB" ("failing to generalize")."""
    stop = complaint_stop_words() if stop is None else stop
    text = clean_text(text)
    out: list[str] = []
    for m in COMPLAINT_CUE.finditer(text):
        out += _tails(_object(text[m.end():], stop))
    for m in COMPLAINT_INFINITIVE.finditer(text):
        verb = m.group(1).lower()
        if verb in stop or verb in _EMPTY_VERBS:
            continue
        obj = _object(text[m.end():], stop)
        if verb in _WHOLE_VERBS:
            out.append(f"failing to {verb}")
        if obj and m.group(2):       # "failing to generalize to unseen domains"
            out.append(f"failing to {verb} {m.group(2).lower()} {' '.join(obj)}")
        elif obj:                    # "failing to capture long-range dependencies"
            out.append(f"failing to {verb} {' '.join(obj)}")
        out += _tails(obj)
    for run in chains(text, stop - COMPLAINT_ADJECTIVES):
        for i, w in enumerate(run):
            if w in COMPLAINT_HEADS:
                out += _tails(run[max(0, i - 2):i + 1])
            elif w in COMPLAINT_ADJECTIVES and i + 1 < len(run):
                out += _tails(run[i:i + 3])
    return list(dict.fromkeys(t for t in out if t not in COMPLAINT_ADJECTIVES))
