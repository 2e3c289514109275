"""Author display names ('Given Family', as the library keeps them) split for bibliographies."""

from __future__ import annotations

from typing import NamedTuple

_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"}
# Lower-case particles that belong to the family name ('Ludwig van Beethoven', 'Maria de la Cruz').
_PARTICLES = {"van", "von", "der", "den", "de", "la", "le", "du", "da", "di", "del", "della", "dos", "ter", "ten", "zu"}


class Name(NamedTuple):
    given: str
    family: str
    suffix: str = ""


def split_name(display: str) -> Name:
    parts = display.split()
    if not parts:
        return Name("", "")
    suffix = ""
    if len(parts) > 2 and parts[-1].lower() in _SUFFIXES:
        suffix = parts.pop()
    if len(parts) == 1:
        return Name("", parts[0], suffix)
    i = len(parts) - 1
    while i > 1 and parts[i - 1] in _PARTICLES:
        i -= 1
    return Name(" ".join(parts[:i]), " ".join(parts[i:]), suffix)
