"""Does a record read from a BibTeX, RIS or CSL-JSON file have the layout GapScope's own exports give it?

Exports made before GapScope marked them (models.EXPORT_MARK) carry no mark; such a file is recognised by
ingest only when every one of its records has this layout *and* is a paper the library already holds
(docs/triage.md, "PRISMA"). The layout alone is not enough, but it is what tells GapScope's export apart
from another program's list of the same papers (Zotero, JabRef, Mendeley, Google Scholar), whose
duplicates the PRISMA flow must count: those programs write other fields, in another order, with other
citation keys.

What the exporters (gapscope.exports) wrote before they marked their exports (later ones are marked, and
also carry the papers' tags and notes: BibTeX ``annote``, more ``keywords``; RIS more ``KW`` and ``N1``):
- BibTeX: ``@article`` when there is a journal, else ``@misc``; only the fields title, author, year, date,
  journal, doi, pmid (once papers kept their PubMed id), eprint, archivePrefix (= arXiv, with eprint),
  primaryClass, keywords, url, abstract, in that order; the key in lower-case ASCII letters and digits: the
  first author's family name ("anon" without authors), the year, a title word, a/b/c for a repeat.
- RIS: the tags TY (JOUR when there is a JO, else GEN), TI, AU, PY, DA, JO, DO, AN (the PMID, once papers
  kept it), UR, N1 (``arXiv:...``), KW, AB, first met in that order, the single-valued ones once.
- CSL-JSON: the keys id (the key as in BibTeX), type (article-journal when there is a container-title, else
  article), title, author, issued, container-title, DOI, PMID, URL, number, publisher (= arXiv), note
  (``arXiv:...``), keyword, abstract, in that order.
"""

from __future__ import annotations

import re
from typing import Any

from ..bibfields import ascii_word
from ..models import Paper

_KEY = re.compile(r"[a-z0-9]+")

_BIBTEX_ORDER = ("title", "author", "year", "date", "journal", "doi", "pmid", "eprint", "archiveprefix", "primaryclass",
                 "keywords", "url", "abstract")
_BIBTEX_FIELDS = set(_BIBTEX_ORDER)
_RIS_ORDER = ("TY", "TI", "AU", "PY", "DA", "JO", "DO", "AN", "UR", "N1", "KW", "AB")
_RIS_ONCE = {"TY", "TI", "PY", "DA", "JO", "DO", "AN", "N1", "AB"}
_CSL_ORDER = ("id", "type", "title", "author", "issued", "container-title", "DOI", "PMID", "URL", "number", "publisher",
              "note", "keyword", "abstract")


def _in_order(keys: list[str], order: tuple[str, ...]) -> bool:
    """Every key is one of ``order``, and they come in that order."""
    rank = {k: i for i, k in enumerate(order)}
    if any(k not in rank for k in keys):
        return False
    ranks = [rank[k] for k in keys]
    return ranks == sorted(ranks)


_NAME_SUFFIX = re.compile(r"(?:\s+(?:jr\.?|sr\.?|ii|iii|iv|v))+$", re.IGNORECASE)


def _exported_key(key: str, paper: Paper) -> bool:
    """Whether ``key`` is the citation key GapScope's export gives ``paper``: the first author's family name
    in ASCII letters (the name's last words; "anon" without authors or without ASCII letters), the year, a
    word of the title. Google Scholar makes its keys alike, so this alone does not tell them apart; a key
    another program chose does."""
    if not _KEY.fullmatch(key):
        return False
    words = _NAME_SUFFIX.sub("", paper.authors[0]).split() if paper.authors else []
    families = [ascii_word("".join(words[i:])) for i in range(len(words))]
    if not families or not families[-1]:
        families.append("anon")
    return any(f and key.startswith(f + str(paper.year or "")) for f in families)


def _bibtex(raw: dict[str, Any]) -> bool:
    names = [k.lower() for k in raw if k not in ("ENTRYTYPE", "ID")]
    fields = set(names)
    kind = str(raw.get("ENTRYTYPE", "")).lower()
    # the fields in the export's order (bibtexparser may hand them over last first)
    in_order = _in_order(names, _BIBTEX_ORDER) or _in_order(names[::-1], _BIBTEX_ORDER)
    return (fields <= _BIBTEX_FIELDS and "title" in fields and in_order
            and kind == ("article" if "journal" in fields else "misc")
            and ("eprint" in fields) == ("archiveprefix" in fields)
            and str(raw.get("archiveprefix", "arXiv")) == "arXiv")


def _ris(raw: dict[str, list[str]]) -> bool:
    tags = list(raw)
    if not _in_order(tags, _RIS_ORDER) or tags[:2] != ["TY", "TI"]:
        return False
    if any(len(raw[t]) != 1 for t in tags if t in _RIS_ONCE):
        return False
    return (raw["TY"][0] == ("JOUR" if "JO" in raw else "GEN")
            and all(n.startswith("arXiv:") for n in raw.get("N1", [])))


def _csljson(raw: dict[str, Any]) -> bool:
    keys = list(raw)
    return (_in_order(keys, _CSL_ORDER) and keys[:3] == ["id", "type", "title"]
            and raw["type"] == ("article-journal" if "container-title" in raw else "article")
            and raw.get("publisher", "arXiv") == "arXiv" and str(raw.get("note", "arXiv:")).startswith("arXiv:"))


_CHECKS = {"bibtex": _bibtex, "ris": _ris, "csljson": _csljson}


_KEYS = {"bibtex": "ID", "csljson": "id"}     # where the record names its citation key


def has_export_layout(paper: Paper) -> bool:
    """Whether ``paper`` (as a BibTeX, RIS or CSL-JSON reader made it, its own record in ``raw``) is laid
    out as GapScope exports a paper. False for every other source."""
    check = _CHECKS.get(paper.source)
    if check is None or not isinstance(paper.raw, dict) or not check(paper.raw):
        return False
    key = _KEYS.get(paper.source)
    return key is None or _exported_key(str(paper.raw.get(key, "")), paper)
