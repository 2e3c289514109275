"""Author display names ('Given Family', as the library keeps them) split for bibliographies."""

from __future__ import annotations

import re
from typing import NamedTuple

_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"}
# Lower-case particles that belong to the family name ('Ludwig van Beethoven', 'Maria de la Cruz').
_PARTICLES = {"van", "von", "der", "den", "de", "la", "le", "du", "da", "di", "del", "della", "dos", "ter", "ten", "zu"}


# Words that make a name an organisation's ("World Health Organization", "ATLAS Collaboration"): such a name
# is kept whole, never split into a given and a family name (BibTeX braces it, CSL-JSON makes it "literal").
_ORGANISATION_WORDS = re.compile(
    r"\b(?:organi[sz]ations?|institutes?|institut|universit(?:y|ies|ät|é)|consortium|collaboration|committee|"
    r"association|society|group|agency|council|foundation|cent(?:er|re)|department|ministry|network|project|"
    r"initiative|alliance|commission|office|federation|corporation|company|inc|ltd|llc|gmbh|team|laborator(?:y|ies)|"
    r"board|authority|administration|bureau|academy|programme|program|panel|partnership|hospital|college|registry|"
    r"investigators|working party)\b", re.IGNORECASE)


def is_organisation(display: str) -> bool:
    """Whether a name is an organisation's, not a person's: it has a word such as Organization, Institute,
    Consortium, Group, or an "&"."""
    return "&" in display or bool(_ORGANISATION_WORDS.search(display))


class Name(NamedTuple):
    given: str
    family: str
    suffix: str = ""


def split_name(display: str) -> Name:
    parts = display.split()
    if not parts:
        return Name("", "")
    if is_organisation(display):     # one name, all of it the "family" part: written as it is
        return Name("", " ".join(parts))
    suffix = ""
    if len(parts) > 2 and parts[-1].lower() in _SUFFIXES:
        suffix = parts.pop()
    if len(parts) == 1:
        return Name("", parts[0], suffix)
    i = len(parts) - 1
    while i > 1 and parts[i - 1] in _PARTICLES:
        i -= 1
    return Name(" ".join(parts[:i]), " ".join(parts[i:]), suffix)
