"""Which papers a search finds: by their title, abstract or authors, or by the user's own words on them
(a note or a highlight comment). One rule for every place that narrows papers by a search (the Library's
search box, Triage's "Search within"), so a paper found by a note in one is found in the others."""

from __future__ import annotations

from typing import Optional

from ..textfmt import clip_words
from .annotation_search import annotation_where

# the notes and comments one search reads (a researcher's own: thousands at most)
NOTE_HITS_READ = 5000
NOTE_TIP_CHARS = 300        # of a note shown with its paper


def search_paper_ids(lib, query: str, *, tag: Optional[str] = None, collection: Optional[str] = None,
                     order: str = "relevance", descending: bool = False) -> tuple[list[int], dict[int, str]]:
    """The ids of the papers (of the tag / collection, when given) the search finds, and which of them it
    found by a note or highlight comment -> "note #5: its words". ``order`` "relevance": bm25, title
    matches first, the papers found only by a note after them; else a column key of
    Library.list_paper_ids. An empty query finds every paper of the tag / collection."""
    column = "id" if order == "relevance" else order
    ids = lib.list_paper_ids(order=column, descending=descending, tag=tag, collection=collection,
                             query=query or None)
    if not query:
        return ids, {}
    if order == "relevance":
        chosen = set(ids)
        # within a tag or collection its matches may rank anywhere in the library: rank every match
        limit = -1 if tag is not None or collection is not None else len(chosen) + 1
        ids = [pid for pid, _rank in lib.search(query, limit=limit) if pid in chosen]
    found = found_in_notes(lib, query)
    listed = set(ids)
    if set(found) - listed:
        # papers found by a note alone, within the tag / collection chosen: after the text's matches, or
        # in the column's order
        scope = lib.list_paper_ids(order=column, descending=descending, tag=tag, collection=collection)
        ids = (ids + [i for i in scope if i in found and i not in listed] if order == "relevance"
               else [i for i in scope if i in found or i in listed])
    listed = set(ids)
    return ids, {i: w for i, w in found.items() if i in listed}


def found_in_notes(lib, query: str) -> dict[int, str]:
    """paper id -> "note #5: its words" of the best note or highlight comment of each paper the search
    found one in."""
    found: dict[int, str] = {}
    for hit in lib.search_annotations(query, limit=NOTE_HITS_READ):
        found.setdefault(hit["paper_id"], f"{annotation_where(hit)}: {clip_words(hit['text'], NOTE_TIP_CHARS)}")
    return found
