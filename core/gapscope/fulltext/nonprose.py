"""Text in a PDF that is not a sentence of the paper's argument: fragments (a table's header cell, a row
of numbers, an axis label, a run of capitalised names) and back matter (author contributions, guarantor
statements, funding, acknowledgements, conflicts of interest, data availability, ethics approval, the
licence). Both stay in the stored text, so the reader and search see them, but they get no facet label
and never reach the shortcoming map or a gap's quotes (fulltext/label.py).

Back matter often has no heading of its own: journals set it as run-in paragraphs ("Funding NV and FMA
are supported by ...", "Contribution statement NV, FMA and LHP designed the study."), in small type that
may even be taken for footnotes, so a paragraph is recognised by how it opens and a sentence by the
formulas such statements use ("FMA is the guarantor of this work").
"""

from __future__ import annotations

import re
from typing import Optional

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
# words that carry a clause: auxiliaries, pronouns, articles, prepositions, conjunctions
_FUNCTION = frozenset("""
a an the this that these those it its we our us they their he she his her i you which who whom whose
is are was were be been being am has have had do does did can could may might must shall should will would
of to in on at by for from with without into onto over under between among through during after before
since until than as and or but nor not no so if then because while whereas although though also only
""".split())
# an English verb form, loosely (a sentence without a function word usually still has one of these)
_VERBISH = re.compile(r"[a-z]{2,}(?:ed|en|ing|es|s|ize|ise|ate|fy)$")


def fragment(text: str) -> bool:
    """Not a sentence: fewer than four words, mostly numbers (a table row), hardly any lower-case word
    (a table header, a list of names, a title) or no word that could carry a clause."""
    words = _WORD.findall(text)
    if len(words) < 4:
        return True
    tokens = text.split()
    if sum(1 for t in tokens if not re.search(r"[A-Za-z]", t)) > 0.5 * len(tokens):
        return True
    lower = [w for w in words if w[:1].islower() and len(w) > 1]
    if len(lower) < 2 or len(lower) < 0.25 * len(words):
        return True
    return not any(w.lower() in _FUNCTION or _VERBISH.search(w) for w in lower)


# run-in headings of back matter, as journals print them at the start of a paragraph
BACK_MATTER_HEADING = re.compile(
    r"^(?P<name>acknowledge?ments?|funding(?: information| sources?| statement)?|financial (?:support|disclosures?)"
    r"|(?:data|code|data and code|software) availability(?: statement)?|availability of data and materials?"
    r"|authors?['’]? contributions?|contribution statement|contributions|credit author(?:ship)? statement"
    r"|authors?['’]? relationships and activities|duality of interest|conflicts? of interests?"
    r"|competing (?:financial )?interests?|declarations? of (?:competing )?interests?|disclosures?"
    r"|ethics (?:approval|statement|declarations?)(?: and consent to participate)?|ethical approval"
    r"|consent (?:for|to) publication|informed consent statement|institutional review board statement"
    r"|supplementary information|supplementary materials?|open access|author orcids|peer review information"
    r"|publisher['’]s note|additional information|reporting summary|materials? availability"
    r"|guarantor(?: statement)?)"
    r"(?:\s*[:.]\s*|\s+(?=(?-i:[A-Z0-9(\[©]))|\s*$)", re.I)     # the text after it opens a sentence

# formulas of back-matter statements wherever they stand
_BACK_MATTER_SENTENCE = re.compile(
    r"\b(?:is|are|was|were|acts? as|acted as) (?:the )?guarantors? (?:of|for)\b|\bguarantors? of (?:this|the) (?:work|study|article|manuscript)\b"
    r"|\bhad full access to all (?:of )?the data\b|\btakes? (?:full )?responsibility for the integrity\b"
    r"|\ball authors (?:have )?(?:read and )?(?:critically )?(?:revised|approved|reviewed|contributed to)\b"
    r"|\b(?:designed|conceived) (?:and (?:designed|supervised) )?the (?:study|experiments|project)(?:,| and| \.|\.|;)"
    r"|\b(?:the authors?|we) (?:declares?|reports?) (?:that (?:there (?:is|are) )?|that they have )?no (?:competing|conflicts?|relationships)"
    r"|\bthis (?:work|study|research|article) (?:was|is) (?:partly |partially |also )?(?:supported|funded) by\b"
    r"|\bis licensed under a creative commons\b", re.I)


def back_matter_heading(paragraph: str) -> Optional[str]:
    """The run-in back-matter heading a paragraph opens with ("Funding", "Contribution statement"), or None."""
    m = BACK_MATTER_HEADING.match(paragraph.strip())
    return m.group("name") if m else None


def back_matter_sentence(text: str) -> bool:
    """A guarantor, contribution, conflict-of-interest, funding or licence statement."""
    return bool(_BACK_MATTER_SENTENCE.search(text))
