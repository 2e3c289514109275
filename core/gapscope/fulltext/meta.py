"""Identifiers and metadata read from a PDF: DOI, arXiv id, title and authors (to match a library paper,
or to make a new one that the user checks)."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..models import normalize_doi, split_arxiv_id
from .extract import Document, Line

_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>()\[\]{},;]+)", re.I)
_ARXIV_TEXT = re.compile(r"arXiv\s*:\s*(\d{4}\.\d{4,5})(v\d+)?", re.I)
_ARXIV_NAME = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(v\d+)?(?![\d])")
_ACL_ID = re.compile(r"^(\d{4}\.[a-z0-9]+-[a-z0-9]+\.\d+)$", re.I)     # 2020.acl-main.447
_JUNK_TITLES = re.compile(r"^(untitled|microsoft word|document\d*|.*\.(dvi|pdf|docx?|tex))", re.I)


@dataclass
class PdfMetadata:
    title: str = ""
    authors: list[str] = field(default_factory=list)
    dois: list[str] = field(default_factory=list)        # best first
    arxiv_id: Optional[str] = None
    arxiv_version: Optional[int] = None


def _clean_doi(raw: str) -> Optional[str]:
    return normalize_doi(re.sub(r"[.:]+$", "", raw))


def from_filename(path: str | Path) -> PdfMetadata:
    """What a file name tells: a DOI (URL-encoded, as the shared test PDFs and many downloads are named),
    an arXiv id (2203.00130v1.pdf), an ACL Anthology id (its DOI is 10.18653/v1/<id>)."""
    stem = urllib.parse.unquote(Path(path).stem)
    meta = PdfMetadata()
    if stem.lower().startswith("10.") and "/" in stem:
        d = _clean_doi(stem)
        if d:
            meta.dois.append(d)
        return meta
    m = _ACL_ID.match(stem)
    if m:
        meta.dois.append(f"10.18653/v1/{m.group(1).lower()}")
        return meta
    m = _ARXIV_NAME.search(stem)
    if m:
        meta.arxiv_id, meta.arxiv_version = split_arxiv_id(m.group(0))
    return meta


def _title_lines(lines: list[Line]) -> list[Line]:
    """The largest type in the top half of page 1 (the title), at most three lines next to each other."""
    top = [ln for ln in lines if ln.y0 < 420 and len(ln.text) > 2 and re.search(r"[A-Za-z]{3}", ln.text)
           and not _ARXIV_TEXT.search(ln.text)]
    if not top:
        return []
    size = max(ln.size for ln in top)
    cand = sorted([ln for ln in top if ln.size >= size - 0.3], key=lambda ln: ln.y0)
    out = [cand[0]]
    for ln in cand[1:]:
        if ln.y0 - out[-1].y1 < 2.2 * ln.size and len(out) < 3:
            out.append(ln)
        else:
            break
    return out


def _authors_after(lines: list[Line], title: list[Line]) -> list[str]:
    if not title:
        return []
    below = sorted([ln for ln in lines if ln.y0 > title[-1].y1 and ln.y0 < title[-1].y1 + 80], key=lambda ln: ln.y0)
    for ln in below[:3]:
        text = re.sub(r"[\d*†‡§♠♣♥♦¶∗,]+(?=\s|$|,)", ",", ln.text)
        parts = [p.strip(" ,") for p in re.split(r",|\band\b|;|·", text) if p.strip(" ,")]
        names = [p for p in parts if 2 <= len(p.split()) <= 4 and all(w[:1].isupper() for w in p.split())
                 and not re.search(r"univ|institut|department|lab|school|college|abstract", p, re.I)]
        if names and len(names) >= len(parts) / 2:
            return names
    return []


def read_metadata(doc: Optional[Document], path: str | Path) -> PdfMetadata:
    meta = from_filename(path)
    if doc is None:
        return meta
    info = doc.metadata or {}
    text = "\n".join(ln.text for ln in doc.first_page_lines) + "\n" + "\n".join(info.get("margins", [])[:1])
    for m in _DOI.finditer(text + "\n" + str(info.get("Subject", "")) + "\n" + str(info.get("Keywords", ""))):
        d = _clean_doi(m.group(1))
        if d and d not in meta.dois:
            meta.dois.append(d)
    m = _ARXIV_TEXT.search(text)
    if m:
        meta.arxiv_id, meta.arxiv_version = split_arxiv_id(m.group(1) + (m.group(2) or ""))
    title = str(info.get("Title") or "").strip()
    lines = _title_lines(doc.first_page_lines)
    if not title or _JUNK_TITLES.match(title) or len(title) < 8:
        title = " ".join(ln.text for ln in lines)
    meta.title = re.sub(r"\s+", " ", title).strip()
    author = str(info.get("Author") or "").strip()
    if author and not _JUNK_TITLES.match(author):
        meta.authors = [a.strip() for a in re.split(r";|,|\band\b", author) if a.strip()]
    else:
        meta.authors = _authors_after(doc.first_page_lines, lines)
    return meta
