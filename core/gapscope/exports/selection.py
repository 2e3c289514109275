"""Which papers an export or report covers: all, a collection, a tag, a search, ids, the included."""

from __future__ import annotations

from typing import Iterable, Optional

from ..store.library import Library


def included_ids(lib: Library, collection: Optional[str] = None) -> list[int]:
    """Papers whose current triage decision is 'include' (the latest decision not undone), in the
    whole-library triage or, with ``collection``, in that collection's triage."""
    if collection is None:
        scope, args = "d.collection_id IS NULL", []
    else:
        lib.collection_id(collection)
        scope, args = "d.collection_id = (SELECT id FROM collections WHERE name = ?)", [collection]
    return [r[0] for r in lib.conn.execute(
        f"""SELECT d.paper_id FROM decisions d
            WHERE {scope} AND d.undone_at IS NULL AND d.decision = 'include'
              AND d.id = (SELECT max(d2.id) FROM decisions d2 WHERE d2.paper_id = d.paper_id
                          AND d2.collection_id IS d.collection_id AND d2.undone_at IS NULL)
            ORDER BY d.paper_id""", args)]


def select_ids(lib: Library, *, collection: Optional[str] = None, tag: Optional[str] = None,
               query: Optional[str] = None, ids: Optional[Iterable[str | int]] = None,
               included: bool = False) -> list[int]:
    """Paper ids matching every filter given (none: the whole library), in library order.

    ``ids`` may mix library ids, arXiv ids and DOIs (LibraryError names one that matches nothing)."""
    if collection is not None:
        lib.collection_id(collection)  # a clear error for an unknown collection
    chosen = lib.list_paper_ids(collection=collection, tag=tag, query=query)
    if ids:
        wanted = [lib.resolve(i) for i in ids]
        keep = set(chosen)
        chosen = [i for i in dict.fromkeys(wanted) if i in keep]
    if included:
        inc = set(included_ids(lib, collection))
        chosen = [i for i in chosen if i in inc]
    return chosen
