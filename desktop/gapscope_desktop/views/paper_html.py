"""HTML for one paper: escaped abstract, sentences coloured by facet role, query terms marked.

Facet sentences come from ``gapscope.facets.paper_sentences`` when the facets area is installed and the
paper was classified; otherwise the abstract is shown plain.
"""

from __future__ import annotations

import html
import re
from typing import Iterable, Optional, Sequence
from urllib.parse import quote

from gapscope.textfmt import latex_to_text, latex_to_text_spans

from .. import theme

_TERM_RE = re.compile(r"[\w][\w\-']*", re.UNICODE)
_FTS_WORDS = {"AND", "OR", "NOT", "NEAR"}
# what a search names but does not look for (store/search_query.py): a word or "phrase" left out
# ("-word" after a space, -"a phrase", NOT word) and a field name ("au:", "ti:", "abs:"); marked, "au" or
# "ti" would light up every word that starts so ("automatic", "time")
_LEFT_OUT = re.compile(r"(?:(?:^|(?<=\s))-|\bNOT\s+)(?:[A-Za-z]+:)?(?:\"[^\"]*\"|[\w][\w\-']*)")
_FIELD = re.compile(r"(?<![\w\"])(?:ti|title|ab|abs|abstract|au|author|authors)\s*:", re.IGNORECASE)


def query_terms(query: str) -> list[str]:
    """The words of a search to mark in a paper's text (not those of a pasted arXiv id, DOI or their
    address: the search found that paper by it, and "abs", "org" would mark "abstract", "organisation")."""
    from gapscope.store.search_identifiers import MixedIdentifierError, take_identifiers

    try:
        query = take_identifiers(query or "")[0]
    except MixedIdentifierError:        # a search that cannot run: its words as typed
        pass
    terms = []
    for t in _TERM_RE.findall(_FIELD.sub(" ", _LEFT_OUT.sub(" ", query or ""))):
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
    out, pos, mark = [], 0, theme.colour("search_mark")
    for m in pattern.finditer(text):
        out.append(html.escape(text[pos:m.start()]))
        out.append(f'<span style="background-color:{mark};">{html.escape(m.group(0))}</span>')
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


def display_abstract(text: str, cuts: Iterable[int] = ()) -> tuple[str, list[tuple[int, int]]]:
    """The abstract as the pane shows it: LaTeX rendered as text (piece by piece between ``cuts``, so a
    sentence or a highlight keeps its bounds) and whitespace runs collapsed to one space. With it, for
    each shown character, the span of ``text`` it came from: a selection on screen maps back to the
    stored abstract's offsets (where highlights live)."""
    text = text or ""
    bounds = sorted({0, len(text), *(int(c) for c in cuts if 0 < int(c) < len(text))})
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    for a, b in zip(bounds, bounds[1:]):
        shown, sp = latex_to_text_spans(text[a:b])
        for ch, (s, e) in zip(shown, sp):
            if ch.isspace() and ch != "\xa0":
                if not out or out[-1] == " ":
                    continue
                ch = " "
            out.append(ch)
            spans.append((s + a, e + a))
    while out and out[-1] == " ":
        out.pop()
        spans.pop()
    return "".join(out), spans


def _runs(shown: str, spans: list[tuple[int, int]], key) -> list[tuple[object, str]]:
    """Consecutive shown characters with the same ``key(source offset)``, as (key, text) runs."""
    runs: list[tuple[object, str]] = []
    for ch, (s, _e) in zip(shown, spans):
        k = key(s)
        if runs and runs[-1][0] == k:
            runs[-1] = (k, runs[-1][1] + ch)
        else:
            runs.append((k, ch))
    return runs


def abstract_html(abstract: str, sentences: Optional[list[dict]], terms: list[str],
                  highlights: Sequence[dict] = ()) -> str:
    """One paragraph whose text is exactly ``display_abstract(abstract, ...)[0]``: sentences coloured by
    facet role, the user's highlights marked, query terms marked."""
    text = abstract or ""
    if not text.strip():
        return f'<p style="color:{theme.colour("faint")};"><i>No abstract.</i></p>'
    sents = sorted((s for s in sentences or [] if 0 <= int(s["start"]) < int(s["end"]) <= len(text)),
                   key=lambda s: int(s["start"]))
    marks = [h for h in highlights if 0 <= int(h["start"]) < int(h["end"]) <= len(text)]
    shown, spans = display_abstract(text, abstract_cuts(sents, marks))

    def key(pos: int):
        sent = next((s for s in sents if int(s["start"]) <= pos < int(s["end"])), None)
        mark = next((h for h in marks if int(h["start"]) <= pos < int(h["end"])), None)
        return (id(sent) if sent is not None else None, sent, id(mark) if mark is not None else None, mark)

    # Backgrounds, most precise first: the search term's mark, then the user's highlight, then the facet
    # tint. In Qt's rich text the innermost span's background is the one drawn, so they nest in that order
    # (a highlight wrapped around the sentence's span was hidden by its tint); the role keeps its text colour.
    parts = []
    for (_si, sent, _hi, mark), run in _runs(shown, spans, key):
        body = mark_terms(run, terms)
        if mark is not None:   # the user's highlight: its colour over the facet tint, its note as the tooltip
            bg = theme.highlight_fill(mark.get("color"))
            tip = html.escape(str(mark.get("comment") or "highlight"))
            body = f'<span style="background-color:{bg};" title="{tip}">{body}</span>'
        if sent is not None:
            body = f'<span style="{_sentence_style(sent)}" title="{html.escape(_sentence_title(sent))}">{body}</span>'
        parts.append(body)
    return "<p>" + "".join(parts) + "</p>"


def abstract_edit_html(has_abstract: bool, editable: bool) -> str:
    """The abstract's Edit link (under it), or the offer to add one to a paper without; nothing read-only."""
    if not editable:
        return ""
    words = "Edit abstract" if has_abstract else "Add an abstract…"
    return (f'<p style="margin-top:0; font-size:small;"><a href="abstract:edit" '
            f'style="color:{theme.colour("quiet_link")};">{words}</a></p>')


def abstract_cuts(sentences: Sequence[dict] = (), highlights: Sequence[dict] = ()) -> list[int]:
    return [int(x[k]) for x in (*sentences, *highlights) for k in ("start", "end")]


def _sentence_style(s: dict) -> str:
    label = s.get("role") or "other"
    style = f"color:{theme.facet_colour(label)}; background-color:{theme.facet_tint(label)};"
    if (s.get("shortcoming") or "none") != "none":
        style += f" text-decoration: underline; text-decoration-color:{theme.colour('shortcoming')};"
    return style


def _sentence_title(s: dict) -> str:
    label = s.get("role") or "other"
    conf = s.get("role_confidence")
    title = label + (f" ({conf:.0%})" if isinstance(conf, (int, float)) else "") + \
        (" — corrected" if s.get("role_corrected") else "")
    short = s.get("shortcoming") or "none"
    if short != "none":
        sconf = s.get("shortcoming_confidence")
        title += f"; shortcoming: {short}" + (f" ({sconf:.0%})" if isinstance(sconf, (int, float)) else "") + \
            (" — corrected" if s.get("shortcoming_corrected") else "")
    return title


def legend_html(sentences: Optional[list[dict]]) -> str:
    if not sentences:
        return ""
    used = []
    for s in sentences:
        lab = s.get("role") or "other"
        if lab not in used:
            used.append(lab)
    chips = " ".join(
        f'<span style="color:{theme.facet_colour(l)}; background-color:{theme.facet_tint(l)};">'
        f'&nbsp;{html.escape(l)}&nbsp;</span>' for l in used)
    if any((s.get("shortcoming") or "none") != "none" for s in sentences):
        chips += (f' <span style="text-decoration: underline; color:{theme.colour("shortcoming")};">'
                  '&nbsp;shortcoming&nbsp;</span>')
    return f'<p style="font-size:small;">{chips}</p>'


TAG_SHOWN = 60      # a longer tag (an import's keyword may be a sentence) is shortened on screen


def shown_tag(tag: str) -> str:
    """A tag as a chip shows it: cut to :data:`TAG_SHOWN` characters with "…" (whole in the tooltip)."""
    return tag if len(tag) <= TAG_SHOWN else tag[:TAG_SHOWN - 1].rstrip() + "…"


def tag_chip_html(tag: str, removable: bool) -> str:
    """A tag as a chip, with a quiet × that removes it when the library can be written; a long one
    shortened, and free to wrap anywhere (a tag without spaces is one word to a label)."""
    from ..widgets.wrapping_label import breakable

    chip, chip_text, quiet = (theme.colour(n) for n in ("tag", "tag_text", "quiet_link"))
    remove = (f'&nbsp;<a href="tag:remove/{quote(tag, safe="")}" style="color:{quiet}; text-decoration:none;"'
              ' title="Remove the tag">×</a>' if removable else "")
    return (f'<span style="background-color:{chip}; color:{chip_text};">&nbsp;{html.escape(breakable(shown_tag(tag)))}'
            f'{remove}&nbsp;</span>')


def paper_header_html(paper, editable: bool = False) -> str:
    """Title, authors, date, venue and links; ``editable`` adds the title's Edit link (a placeholder
    title of a record imported without one says so, and offers to set it)."""
    from gapscope.models import is_untitled

    title = html.escape(" ".join(latex_to_text(paper.title).split()))
    untitled = is_untitled(paper.title)
    edit = ""
    if untitled:
        title = f'<span style="color:{theme.colour("faint")};">{title}</span>'
        edit = (f'<p style="margin-top:0; color:{theme.colour("caution")}; font-size:small;">'
                "No title came with this record"
                + (': <a href="title:edit">Set the title…</a>' if editable else ".") + "</p>")
    elif editable:
        edit = ('<p style="margin-top:0; font-size:small;">'
                f'<a href="title:edit" style="color:{theme.colour("quiet_link")};">Edit title</a></p>')
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
    if paper.pmid:
        pmid = html.escape(paper.pmid)
        links.append(f'<a href="https://pubmed.ncbi.nlm.nih.gov/{pmid}/">PMID:{pmid}</a>')
    if paper.url and not paper.arxiv_id:
        links.append(f'<a href="{html.escape(paper.url)}">link</a>')
    return (f'<h3 style="margin-bottom:2px;">{title}</h3>' + edit
            + f'<p style="margin-top:0; color:{theme.colour("byline")};">{authors}</p>'
            f'<p style="color:{theme.colour("tertiary")}; font-size:small;">{" — ".join(meta)}'
            + (("<br>" + " &nbsp;·&nbsp; ".join(links)) if links else "") + "</p>")


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


def highlights_html(highlights: list[dict], removable: bool = True) -> str:
    """The paper's highlights as a list, each with its note and (``removable``: the library can be
    written) a "remove" link (``highlight:remove/ID``)."""
    if not highlights:
        return ""
    rows = []
    for h in highlights:
        bg = theme.highlight_fill(h.get("color"))
        text = " ".join(latex_to_text(str(h.get("text", ""))).split())
        comment = f' — <i>{html.escape(str(h["comment"]))}</i>' if h.get("comment") else ""
        remove = (f' &nbsp;<a href="highlight:remove/{int(h["id"])}" style="color:{theme.colour("warning")};'
                  ' font-size:small;">remove</a>' if removable and h.get("id") is not None else "")
        rows.append(f'<span style="background-color:{html.escape(bg)};">“{html.escape(text)}”</span>{comment}{remove}')
    return '<p><b>Highlights</b><br>' + "<br>".join(rows) + "</p>"


def load_attachments(lib, paper_id: int) -> list[dict]:
    """The paper's attached PDFs, oldest first."""
    try:
        return lib.attachments_of(paper_id)
    except Exception:  # noqa: BLE001 - as the highlights: decoration of the pane, never a reason not to show it
        return []


def attachments_html(attachments: list[dict]) -> str:
    """"PDF: name, N pages" for each attached PDF, with the link that opens it in the Reader
    (``pdf:open/ID``); a PDF whose text could not be read says so."""
    from .paper_model import pdf_file_name, pdf_pages

    rows = []
    for a in attachments:
        name = html.escape(pdf_file_name(str(a.get("original_name") or a.get("stored_name") or "")))
        what = f"PDF: {name}, {pdf_pages(a.get('pages'))}"
        if a.get("status") == "unreadable":
            what += f' <span style="color:{theme.colour("caution")};">(its text could not be read)</span>'
        rows.append(what + f' &nbsp;<a href="pdf:open/{int(a["id"])}">Open in the Reader</a>')
    return f'<p>{"<br>".join(rows)}</p>' if rows else ""


def load_pdf_highlights(lib, paper_id: int) -> list[dict]:
    """The highlights made in the paper's attached PDFs (the Reader's), by page."""
    try:
        return lib.pdf_highlights(paper_id)
    except Exception:  # noqa: BLE001 - as the abstract's: decoration of the pane, never a reason not to show it
        return []


def pdf_highlights_html(highlights: list[dict]) -> str:
    """The Reader's highlights of this paper, each with its page, note and a "show" link
    (``pdfhighlight:show/ID``: the Reader at that page, the text selected)."""
    if not highlights:
        return ""
    rows = []
    for h in highlights:
        bg = theme.highlight_fill(h.get("color"))
        text = " ".join(str(h.get("text", "")).split())
        comment = f' — <i>{html.escape(str(h["comment"]))}</i>' if h.get("comment") else ""
        rows.append(f'<span style="background-color:{html.escape(bg)};">“{html.escape(text)}”</span>'
                    f' <span style="color:{theme.colour("tertiary")};">(p. {int(h["page"])})</span>{comment}'
                    f' &nbsp;<a href="pdfhighlight:show/{int(h["id"])}" style="font-size:small;">show</a>')
    return '<p><b>Highlights in the PDF</b><br>' + "<br>".join(rows) + "</p>"


def load_runs(lib, paper_id: int) -> list[dict]:
    """The experiment runs linked to the paper (it is evidence of the gap they test), newest first; a run
    whose process is gone reads "interrupted", as in the Experiments history."""
    try:
        from gapscope.experiments.runner import runs_as_shown
    except ImportError:
        return []
    try:
        return runs_as_shown(lib, paper_id=paper_id)
    except Exception:  # noqa: BLE001 - as the highlights: a note on the paper, never a reason not to show it
        return []


def runs_html(runs: list[dict]) -> str:
    """The runs linked to the paper, one a line: id, status, scores, the gap it tested."""
    if not runs:
        return ""
    from gapscope.experiments.run_links import gap_link_words, setup_text

    rows = []
    for r in runs:
        scores = " · ".join(f"{k.replace('_', ' ')} {v:.4g}" for k, v in (r.get("metrics") or {}).items()
                            if isinstance(v, (int, float)))
        what = ", ".join(x for x in (setup_text(r.get("setup") or {}), scores) if x)
        rows.append(f"{html.escape(str(r['id']))} — {html.escape(str(r.get('status') or '').capitalize())}"
                    + (f", {html.escape(what)}" if what else "") + html.escape(gap_link_words(r)))
    return (f'<p><b>Experiment runs</b> <span style="color:{theme.colour("tertiary")};">(linked to this paper as '
            'evidence of their gap; Experiments &gt; History)</span><br>' + "<br>".join(rows) + "</p>")
