"""CSL-JSON export (the citation format of Zotero, Pandoc and citeproc)."""

from __future__ import annotations

import json
import re
from typing import Any

from ..models import EXPORT_MARK, Paper
from .bibtex import plain, title_of, unique_keys
from .names import split_name


def _author(display: str) -> dict[str, str]:
    name = split_name(plain(display))
    if not name.given:
        return {"literal": name.family}
    out = {"family": name.family, "given": name.given}
    if name.suffix:
        out["suffix"] = name.suffix
    return out


def _date_parts(p: Paper) -> list[int] | None:
    if p.published and re.match(r"^\d{4}", p.published):
        return [int(x) for x in p.published.split("-")[:3] if x.isdigit()]
    return [p.year] if p.year else None


def item(p: Paper, key: str) -> dict[str, Any]:
    kind = p.biblio.get("type") or ("article-journal" if p.venue else "article")
    d: dict[str, Any] = {"id": key, "type": kind, "title": title_of(p)}
    if p.authors:
        d["author"] = [_author(a) for a in p.authors if plain(a)]
    parts = _date_parts(p)
    if parts:
        d["issued"] = {"date-parts": [parts]}
    if p.venue:
        d["container-title"] = plain(p.venue)
    d.update({k: plain(v) for k, v in p.biblio.items() if k != "type"})
    if p.doi:
        d["DOI"] = p.doi
    if p.pmid:
        d["PMID"] = p.pmid
    if p.url:
        d["URL"] = p.url
    elif p.arxiv_id:
        d["URL"] = f"https://arxiv.org/abs/{p.arxiv_id}"
    elif p.doi:
        d["URL"] = f"https://doi.org/{p.doi}"
    if p.arxiv_id:
        if "publisher" not in d:    # the arXiv id as a preprint's number; a publisher's paper keeps its own
            d["number"] = p.arxiv_id_versioned
            d["publisher"] = "arXiv"
        d["note"] = f"arXiv:{p.arxiv_id_versioned}" + (f" [{p.primary_category}]" if p.primary_category else "")
    if p.categories:
        d["keyword"] = ", ".join(p.categories)
    if p.abstract:
        d["abstract"] = plain(p.abstract)
    d["source"] = EXPORT_MARK  # where the record comes from (see models.EXPORT_MARK)
    return d


def to_csl_json(papers: list[Paper]) -> str:
    keys = unique_keys(papers)
    return json.dumps([item(p, k) for p, k in zip(papers, keys)], ensure_ascii=False, indent=2) + "\n"
