"""Whether one lower-case word can be a concept on its own. The extractor has no part-of-speech tagger (no
spaCy model nor NLTK data ships with GapScope): a one-word candidate was kept by its noun-like ending alone
("-ance", "-ing", "-er"), which let verbs through ("enhance", "enhances", "recover", "evaluating") and generic
nouns ("benchmarking", "robustness", "evidence"). The verb tests read general English word frequencies
(wordfreq, already a dependency): a word whose past tense is about as common as the word itself is a verb
("enhance": "enhanced"), not a noun ("evidence": "evidenced" is rare); an "-ing" word whose verb has a
commoner noun ("evaluating": "evaluation", "optimizing": "optimization") is the verb's participle, the noun
names the process. Generic words are listed (CONCEPT_GENERIC_WORDS), and a few terms whose form misleads the
tests are kept (CONCEPT_ONE_WORD_TERMS)."""

from __future__ import annotations

from functools import lru_cache

from ..vocabulary import CONCEPT_GENERIC_WORDS, CONCEPT_ONE_WORD_TERMS

VERB_PAST_MARGIN = 1.0    # zipf: "enhanced" 4.08 vs "enhance" 4.04 is a verb; "referenced" 3.67 vs 4.74 is not
VERB_PAST_MIN = 3.0       # a past tense rarer than this says nothing ("encodered" is no word)
# the nouns an "-ing" word's verb makes: predict-ion, evaluat-ion, optimiz-ation, measur-ement, emerg-ence,
# cover-age; a verb in -y makes them in -i (appl-ication, vari-ation, reli-ance), one in -ize in -ition
_NOUN_SUFFIXES = ("ion", "ation", "ement", "ment", "ence", "ance", "age")
_Y_SUFFIXES = ("cation", "ation", "ance")
PARTICIPLE_MARGIN = 0.5   # zipf: the noun about as common as the "-ing" word ("enhancement" 3.3, "enhancing" 3.6)

@lru_cache(maxsize=None)
def _zipf(word: str) -> float:
    try:
        from wordfreq import zipf_frequency
    except ImportError:        # without frequencies the tests keep every word, as before
        return 0.0
    return zipf_frequency(word, "en")


def singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) else word


def _past_tenses(w: str) -> list[str]:
    """The ways ``w``'s past tense may be spelt: enhance-d, recover-ed, appl-ied, transfer-red."""
    if w.endswith("e"):
        return [w + "d"]
    if w.endswith("y") and w[-2:-1] not in "aeiou":
        return [w[:-1] + "ied"]
    return [w + "ed", w + w[-1] + "ed"]


def verb_form(word: str) -> bool:
    """A verb or its third person ("enhance", "enhances", "recover", "advances"), by how common its past
    tense is beside it; no "-ing" word (see ``participle``)."""
    w = singular(word.lower())
    if w in CONCEPT_ONE_WORD_TERMS or w.endswith("ing") or not w.isalpha():
        return False
    past = max(_zipf(f) for f in _past_tenses(w))
    return past >= VERB_PAST_MIN and past >= _zipf(w) - VERB_PAST_MARGIN


def participle(word: str) -> bool:
    """An "-ing" word whose verb has a noun about as common ("evaluating": evaluation, "applying": application):
    the verb of a sentence, while "pruning", "sampling", "rendering" have no such noun and stay."""
    w = word.lower()
    if w in CONCEPT_ONE_WORD_TERMS or not w.endswith("ing") or len(w) < 6 or "-" in w:
        return False
    stem = w[:-3]
    nouns = [stem + x for x in _NOUN_SUFFIXES]
    if stem.endswith("y"):
        nouns += [stem[:-1] + "i" + x for x in _Y_SUFFIXES]
    if stem.endswith("iz"):
        nouns.append(stem[:-2] + "ition")
    best = max(_zipf(n) for n in nouns)
    return best >= VERB_PAST_MIN and best >= _zipf(w) - PARTICIPLE_MARGIN

def generic_word(word: str) -> bool:
    """A word of any paper ("evidence", "users", "robustness", "benchmarking"): CONCEPT_GENERIC_WORDS."""
    w = word.lower()
    return w in CONCEPT_GENERIC_WORDS or singular(w) in CONCEPT_GENERIC_WORDS


def not_one_word_concept(word: str) -> bool:
    """Why not: a lower-case word that is a verb, a participle or a generic word names no concept alone."""
    return verb_form(word) or participle(word) or generic_word(word)
