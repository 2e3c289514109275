"""Which papers an export or report covers: all, a collection, a tag, a search, ids, the included."""

from __future__ import annotations

from typing import Iterable, Optional

from ..store.library import Library


def included_ids(lib: Library, collection: Optional[str] = None) -> list[int]:
    """Papers whose resolved triage decision is 'include' (the latest decision not undone; with two
    reviewers, their agreed or resolved decision: open conflicts and papers only one reviewer has screened
    are not included), in the
    whole-library triage or, with ``collection``, in that collection's triage."""
    from ..triage.decisions import included_ids as resolved_included

    if collection is not None:
        lib.collection_id(collection)   # a clear error for an unknown collection
    return resolved_included(lib, collection)


def select_ids(lib: Library, *, collection: Optional[str] = None, tag: Optional[str] = None,
               query: Optional[str] = None, ids: Optional[Iterable[str | int]] = None,
               included: bool = False) -> list[int]:
    """Paper ids matching every filter given (none: the whole library), in library order.

    ``ids`` may mix library ids, arXiv ids and DOIs (LibraryError names one that matches nothing)."""
    if collection is not None:
        lib.collection_id(collection)  # a clear error for an unknown collection
    chosen = lib.list_paper_ids(collection=collection, tag=tag, query=query)
    if ids is not None:            # an empty list chooses no paper (not the whole library)
        wanted = [lib.resolve(i) for i in ids]
        keep = set(chosen)
        chosen = [i for i in dict.fromkeys(wanted) if i in keep]
    if included:
        inc = set(included_ids(lib, collection))
        chosen = [i for i in chosen if i in inc]
    return chosen
