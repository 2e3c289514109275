"""Notes and highlights of a selection, as Markdown (to read) or JSON (to process)."""

from __future__ import annotations

import json
from typing import Any

from .text import md, paper_link
from ..store.library import Library
from ..triage.annotate import pdf_highlights_of


def annotations(lib: Library, paper_ids: list[int]) -> list[dict[str, Any]]:
    """The notes and highlights of each paper that has any (a paper with none is left out)."""
    out = []
    for p in lib.get_papers(paper_ids):
        notes = lib.notes_of(p.id)
        highlights = [
            {"id": h["id"], "start": h["start"], "end": h["end"], "text": p.abstract[h["start"]:h["end"]],
             "color": h["color"], "comment": h["comment"], "created_at": h["created_at"]}
            for h in lib.highlights_with_ids(p.id)]
        pdf = [{"id": h["id"], "attachment_id": h["attachment_id"], "pdf": h["pdf"], "page": h["page"],
                "text": h["text"], "color": h["color"], "comment": h["comment"], "created_at": h["created_at"]}
               for h in pdf_highlights_of(lib, p.id)]
        if not notes and not highlights and not pdf:
            continue
        out.append({"paper": {"id": p.id, "arxiv_id": p.arxiv_id, "doi": p.doi, "title": p.title,
                              "authors": p.authors, "year": p.year, "link": paper_link(p.arxiv_id, p.doi)},
                    "notes": notes, "highlights": highlights, "pdf_highlights": pdf})
    return out


def notes_json(lib: Library, paper_ids: list[int]) -> str:
    return annotations_json(annotations(lib, paper_ids))


def annotations_json(items: list[dict[str, Any]]) -> str:
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def notes_markdown(lib: Library, paper_ids: list[int]) -> str:
    return annotations_markdown(lib, annotations(lib, paper_ids))


def annotations_markdown(lib: Library, items: list[dict[str, Any]]) -> str:
    """Every text here came from outside or from the user and is written as literal text."""
    lines = ["# Notes and highlights", ""]
    if not items:
        lines.append("No notes or highlights in this selection.")
    for it in items:
        p = it["paper"]
        lines.append(f"## {md(p['title'])}")
        meta = [md("; ".join(p["authors"][:6]) + (" et al." if len(p["authors"]) > 6 else ""))]
        if p["year"]:
            meta.append(str(p["year"]))
        if p["link"]:
            meta.append(f"<{p['link']}>")
        lines += [" · ".join(m for m in meta if m), ""]
        for n in it["notes"]:
            lines.append(f"**Note** ({md(n['updated_at'])}):")
            lines.append("")
            lines += ["> " + md(line) if line.strip() else ">" for line in n["body"].splitlines()] or [">"]
            lines.append("")
        for h in it["highlights"]:
            comment = f" — {md(h['comment'])}" if h["comment"] else ""
            lines.append(f"- “{md(h['text'])}” ({md(h['color'])}, characters {h['start']}–{h['end']}){comment}")
        several = bool(it["pdf_highlights"]) and len(lib.attachments_of(p["id"])) > 1   # then name the file
        for h in it["pdf_highlights"]:
            comment = f" — {md(h['comment'])}" if h["comment"] else ""
            where = f"PDF page {h['page']}" + (f" of {h['pdf']}" if several else "")
            lines.append(f"- “{md(h['text'])}” ({md(h['color'])}, {md(where)}){comment}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
