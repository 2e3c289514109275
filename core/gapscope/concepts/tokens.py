"""The words concept phrases are made of, one tokenizer for the extractor's n-grams, the fragment check and the
text-mention check, so that a phrase found by one is found by the others.

A word is a run of letters and digits, its hyphenated parts and the decimals of a version ("qwen2.5",
"gpt-4.1") included: a name led by one letter or a digit is whole ("X-ray", "T-cell", "k-means", "U-Net",
"e-commerce", "3D", "3D-aware", "4-bit"), not cut to its tail ("chest ray" was "chest X-ray" with its "X-"
dropped by a pattern that wanted two letters first). Not words: a lone letter ("x"), a number ("2024",
"3.5", "1-2") and an amount ("7B", "10x", "100k", "2nd"), which name no thing."""

from __future__ import annotations

import re

_PART = r"[A-Za-z0-9]+(?:(?<=[0-9])\.[0-9]+[A-Za-z0-9]*)*"        # "ray", "v8", "qwen2.5", "2.5d"
# not inside a word nor after an apostrophe ("bird's-eye view": "eye-view", not "s-eye-view")
_CANDIDATE = re.compile(rf"(?<![\w'\u2019]){_PART}(?:-{_PART})*(?![\w])")
_LETTER = re.compile(r"[A-Za-z]")
_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[kmbx]|st|nd|rd|th)", re.IGNORECASE)
_DIMENSION = re.compile(r"[0-9]+(?:\.[0-9]+)?d", re.IGNORECASE)


def is_word(token: str) -> bool:
    """Whether a run of letters, digits and hyphens is a word: a letter in it, two characters at least, not
    an amount ("7B", "10x")."""
    return len(token) >= 2 and bool(_LETTER.search(token)) and not _AMOUNT.fullmatch(token)


def words(text: str) -> list[str]:
    """The words of ``text`` as written (case kept), in order."""
    return [t for t in _CANDIDATE.findall(text or "") if is_word(t)]


def lower_words(text: str) -> list[str]:
    """``words`` of the lower-cased text: the tokenizer the extractor's CountVectorizers use."""
    return words(text.lower())


def dimension(token: str) -> bool:
    """"3D", "2D", "4D", "2.5D": how many dimensions a thing has, a modifier without its noun."""
    return bool(_DIMENSION.fullmatch(token))
