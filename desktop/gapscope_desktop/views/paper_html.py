"""HTML for one paper: escaped abstract, sentences coloured by facet role, query terms marked.

Facet sentences come from ``gapscope.facets.paper_sentences`` when the facets area is installed and the
paper was classified; otherwise the abstract is shown plain.
"""

from __future__ import annotations

import html
import re
from typing import Optional

from .facet_style import FACET_COLORS, FACET_TINTS, SHORTCOMING_COLOR

_TERM_RE = re.compile(r"[\w][\w\-']*", re.UNICODE)
_FTS_WORDS = {"AND", "OR", "NOT", "NEAR"}


def query_terms(query: str) -> list[str]:
    terms = []
    for t in _TERM_RE.findall(query or ""):
        if t.upper() in _FTS_WORDS and t.isupper() or t.lower() in ("title", "abstract", "authors"):
            continue
        if len(t) >= 2:
            terms.append(t)
    return terms


def mark_terms(text: str, terms: list[str]) -> str:
    """Escape ``text`` and wrap words that start with a query term in a highlight."""
    if not terms:
        return html.escape(text)
    pattern = re.compile(r"\b(" + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)) + r")[\w\-']*",
                         re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(html.escape(text[pos:m.start()]))
        out.append(f'<span style="background-color:#ffe58a;">{html.escape(m.group(0))}</span>')
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def load_sentences(lib, paper_id: int) -> Optional[list[dict]]:
    """The paper's classified sentences, or None when the facets area is absent or has not run."""
    try:
        from gapscope.facets import paper_sentences
    except ImportError:
        return None
    try:
        sents = paper_sentences(lib, paper_id)
    except Exception:  # noqa: BLE001 - a missing table or unclassified paper: show the plain abstract
        return None
    return sents or None


def abstract_html(abstract: str, sentences: Optional[list[dict]], terms: list[str]) -> str:
    text = abstract or ""
    if not text.strip():
        return '<p style="color:#888;"><i>No abstract.</i></p>'
    if not sentences:
        return "<p>" + mark_terms(" ".join(text.split()), terms) + "</p>"
    parts, pos = [], 0
    for s in sorted(sentences, key=lambda s: s["start"]):
        start, end = int(s["start"]), int(s["end"])
        if start < pos or end > len(text):
            continue
        if start > pos:
            parts.append(mark_terms(text[pos:start], terms))
        label = s.get("role") or "other"
        color = FACET_COLORS.get(label, "#333333")
        tint = FACET_TINTS.get(label, "#ffffff")
        conf = s.get("role_confidence")
        short = s.get("shortcoming") or "none"
        title = label + (f" ({conf:.0%})" if isinstance(conf, (int, float)) else "") + \
            (" — corrected" if s.get("role_corrected") else "")
        style = f"color:{color}; background-color:{tint};"
        if short != "none":
            sconf = s.get("shortcoming_confidence")
            title += f"; shortcoming: {short}" + (f" ({sconf:.0%})" if isinstance(sconf, (int, float)) else "") + \
                (" — corrected" if s.get("shortcoming_corrected") else "")
            style += f" text-decoration: underline; text-decoration-color:{SHORTCOMING_COLOR};"
        parts.append(f'<span style="{style}" title="{html.escape(title)}">'
                     f'{mark_terms(text[start:end], terms)}</span>')
        pos = end
    parts.append(mark_terms(text[pos:], terms))
    return "<p>" + " ".join("".join(parts).split()) + "</p>"


def legend_html(sentences: Optional[list[dict]]) -> str:
    if not sentences:
        return ""
    used = []
    for s in sentences:
        lab = s.get("role") or "other"
        if lab not in used:
            used.append(lab)
    chips = " ".join(
        f'<span style="color:{FACET_COLORS.get(l, "#333")}; background-color:{FACET_TINTS.get(l, "#fff")};">'
        f'&nbsp;{html.escape(l)}&nbsp;</span>' for l in used)
    if any((s.get("shortcoming") or "none") != "none" for s in sentences):
        chips += f' <span style="text-decoration: underline; color:{SHORTCOMING_COLOR};">&nbsp;shortcoming&nbsp;</span>'
    return f'<p style="font-size:small;">{chips}</p>'


def paper_header_html(paper) -> str:
    title = html.escape(" ".join(paper.title.split()))
    authors = html.escape(", ".join(paper.authors)) if paper.authors else "<i>unknown authors</i>"
    meta = []
    if paper.published:
        meta.append(html.escape(paper.published))
    elif paper.year:
        meta.append(str(paper.year))
    if paper.categories:
        meta.append(html.escape(" · ".join(paper.categories[:4])))
    if paper.venue:
        meta.append(html.escape(paper.venue))
    links = []
    if paper.arxiv_id:
        aid = html.escape(paper.arxiv_id_versioned or paper.arxiv_id)
        links.append(f'<a href="https://arxiv.org/abs/{aid}">arXiv:{aid}</a>')
        links.append(f'<a href="https://arxiv.org/pdf/{aid}">PDF</a>')
    if paper.doi:
        doi = html.escape(paper.doi)
        links.append(f'<a href="https://doi.org/{doi}">doi:{doi}</a>')
    if paper.url and not paper.arxiv_id:
        links.append(f'<a href="{html.escape(paper.url)}">link</a>')
    return (f'<h3 style="margin-bottom:2px;">{title}</h3>'
            f'<p style="margin-top:0; color:#444;">{authors}</p>'
            f'<p style="color:#666; font-size:small;">{" — ".join(meta)}'
            + (("<br>" + " &nbsp;·&nbsp; ".join(links)) if links else "") + "</p>")


HIGHLIGHT_COLORS = {"yellow": "#fff3a3", "green": "#d4f5d0", "blue": "#d6e6fb", "red": "#fbd9d6", "purple": "#eadcf7"}


def load_highlights(lib, paper_id: int) -> list[dict]:
    """The user's highlights of this abstract (triage area), or [] when that area is absent."""
    try:
        from gapscope.triage import highlights_of
    except ImportError:
        return []
    try:
        return highlights_of(lib, paper_id)
    except Exception:  # noqa: BLE001 - annotations are optional decoration of the detail pane
        return []


def highlights_html(highlights: list[dict]) -> str:
    if not highlights:
        return ""
    rows = []
    for h in highlights:
        bg = HIGHLIGHT_COLORS.get(str(h.get("color")), str(h.get("color") or "#fff3a3"))
        text = " ".join(str(h.get("text", "")).split())
        comment = f' — <i>{html.escape(str(h["comment"]))}</i>' if h.get("comment") else ""
        rows.append(f'<span style="background-color:{html.escape(bg)};">“{html.escape(text)}”</span>{comment}')
    return '<p><b>Highlights</b><br>' + "<br>".join(rows) + "</p>"
