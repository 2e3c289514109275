"""A paper's bibliographic fields beyond title, authors, date and container (the venue): what kind of work it is,
volume, issue, pages, publisher, ISBN and ISSN, under their CSL-JSON names (the vocabulary Zotero, Pandoc and
citeproc share). Each importer reads them from its format's own fields, the library keeps them (the papers'
``biblio`` column, JSON), and each exporter writes them in its format's fields, so that a conference paper
imported from BibTeX leaves as ``@inproceedings`` with its ``booktitle``, pages and publisher.

The kinds are CSL types; each format's own names map onto them here, in both directions.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Optional

# the fields kept, in the order the exports write them
BIBLIO_KEYS = ("type", "volume", "issue", "page", "publisher", "ISBN", "ISSN")

# CSL types a paper may be; "article" (CSL's preprint or unspecified article) is not kept: it says no more
# than a paper without a kind, which the exports write as before (a journal article when it has a venue)
CSL_TYPES = {"article-journal", "article-magazine", "article-newspaper", "paper-conference", "book", "chapter",
             "thesis", "report", "manuscript", "webpage", "dataset", "software", "entry-encyclopedia", "review",
             "speech", "patent", "standard"}

BIBTEX_TO_CSL = {
    "article": "article-journal", "inproceedings": "paper-conference", "conference": "paper-conference",
    "book": "book", "proceedings": "book", "incollection": "chapter", "inbook": "chapter",
    "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis", "techreport": "report", "report": "report",
    "unpublished": "manuscript", "online": "webpage", "dataset": "dataset", "software": "software",
}
CSL_TO_BIBTEX = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "paper-conference": "inproceedings", "book": "book", "chapter": "incollection", "thesis": "phdthesis",
    "report": "techreport", "manuscript": "unpublished",
}
RIS_TO_CSL = {
    "JOUR": "article-journal", "JFULL": "article-journal", "EJOUR": "article-journal", "MGZN": "article-magazine",
    "NEWS": "article-newspaper", "CONF": "paper-conference", "CPAPER": "paper-conference", "BOOK": "book",
    "EBOOK": "book", "EDBOOK": "book", "CHAP": "chapter", "ECHAP": "chapter", "THES": "thesis", "RPRT": "report",
    "UNPB": "manuscript", "MANSCPT": "manuscript", "ELEC": "webpage", "WEB": "webpage", "DATA": "dataset",
    "COMP": "software", "ENCYC": "entry-encyclopedia", "PAT": "patent", "STAND": "standard",
}
CSL_TO_RIS = {
    "article-journal": "JOUR", "article-magazine": "MGZN", "article-newspaper": "NEWS", "paper-conference": "CPAPER",
    "book": "BOOK", "chapter": "CHAP", "thesis": "THES", "report": "RPRT", "manuscript": "UNPB", "webpage": "ELEC",
    "dataset": "DATA", "software": "COMP", "entry-encyclopedia": "ENCYC", "patent": "PAT", "standard": "STAND",
}
# Zotero's item types, as its CSV export names them ("Item Type")
ZOTERO_TO_CSL = {
    "journalarticle": "article-journal", "conferencepaper": "paper-conference", "book": "book",
    "booksection": "chapter", "thesis": "thesis", "report": "report", "manuscript": "manuscript",
    "webpage": "webpage", "magazinearticle": "article-magazine", "newspaperarticle": "article-newspaper",
}
# the container a kind sits in: BibTeX's booktitle for a paper in proceedings or a chapter, else journal
IN_A_BOOK = {"paper-conference", "chapter", "entry-encyclopedia"}


def ascii_word(s: str) -> str:
    """A name or word as a citation key holds it: lower-case ASCII letters and digits ("Müller" -> "muller")."""
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", s.lower())


def csl_type(text: Optional[str]) -> Optional[str]:
    """A kind named in any format (a CSL type, a Zotero item type, a BibTeX entry type, a RIS type), as
    a kept CSL type; None for one that is unknown or says nothing ("article", "misc", "GEN")."""
    word = (text or "").strip()
    if word in CSL_TYPES:
        return word
    key = re.sub(r"[\s_-]", "", word.lower())
    return ZOTERO_TO_CSL.get(key) or BIBTEX_TO_CSL.get(key) or RIS_TO_CSL.get(word.upper())


def page_range(text: Optional[str]) -> str:
    """Pages as one range with a plain hyphen ("100--120", "100–120" -> "100-120")."""
    return re.sub(r"\s*(?:-{1,3}|\u2013|\u2014)\s*", "-", " ".join((text or "").split()))


def issn_or_isbn(text: str, kind: Optional[str]) -> str:
    """Which one a RIS ``SN`` holds: an ISSN reads NNNN-NNNX; else an ISBN for a book or chapter, an ISSN
    for anything else."""
    if re.fullmatch(r"\d{4}-?\d{3}[\dXx]", text.strip()):
        return "ISSN"
    digits = re.sub(r"[\s-]", "", text)
    if re.fullmatch(r"(?:\d{9}[\dXx]|\d{13})", digits) or kind in ("book", "chapter"):
        return "ISBN"
    return "ISSN"


def clean_biblio(fields: dict) -> dict[str, str]:
    """The kept fields of ``fields``, as one-line text, in BIBLIO_KEYS order; empty ones and unknown kinds left out."""
    out: dict[str, str] = {}
    for key in BIBLIO_KEYS:
        value = fields.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            continue
        value = " ".join(value.split())
        if key == "type":
            value = csl_type(value) or ""
        elif key == "page":
            value = page_range(value)
        if value:
            out[key] = value
    return out


def filled_biblio(have: dict[str, str], new: dict[str, str]) -> dict[str, str]:
    """``have`` with the fields it lacks taken from ``new`` (a merge never overwrites what the library has)."""
    return clean_biblio({**new, **have})


def biblio_json(fields: dict[str, str]) -> str:
    """The stored form: '' for none, else a JSON object."""
    return json.dumps(fields, ensure_ascii=False) if fields else ""


def biblio_from_json(text: Optional[str]) -> dict[str, str]:
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return clean_biblio(data) if isinstance(data, dict) else {}
