"""What is being screened: the whole library or a collection (each keeps its own decisions), narrowed
by a search, a tag, a map cluster or the papers of a list chosen elsewhere (a narrowed scope shares its
collection's or the library's decisions, so a paper decided in a search stays decided in the whole
library)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..store.errors import MissingStep
from ..store.library import LibraryError
from ..store.search_listing import search_paper_ids


@dataclass(frozen=True)
class Scope:
    collection: Optional[str] = None
    query: Optional[str] = None
    tag: Optional[str] = None
    cluster: Optional[tuple[int, int]] = None   # (map id, cluster number)
    # only these papers: a list the user sees elsewhere (the Library's table with its PDF filter, a map
    # selection), listed there by its own rule and screened as it is
    ids: Optional[frozenset[int]] = None

    def describe(self) -> str:
        parts = [f"collection {self.collection!r}" if self.collection else "the whole library"]
        if self.query:
            parts.append(f"matching {self.query!r}")
        if self.tag:
            parts.append(f"tagged {self.tag!r}")
        if self.cluster:
            parts.append(f"in cluster {self.cluster[1]} of map {self.cluster[0]}")
        if self.ids is not None:
            parts.append(f"among {len(self.ids):,} listed papers")
        return ", ".join(parts)

    def paper_ids(self, lib) -> list[int]:
        # the Library's search rule: a paper found by the user's note on it is in the scope too
        ids, _found_in_notes = search_paper_ids(lib, self.query or "", tag=self.tag, collection=self.collection,
                                                order="id")
        if self.cluster is not None:
            members = set(lib.cluster_paper_ids(*self.cluster))
            ids = [i for i in ids if i in members]
        if self.ids is not None:
            ids = [i for i in ids if i in self.ids]
        return ids


def parse_cluster(lib, text: str) -> tuple[int, int]:
    """'topic:3' (cluster 3 of the latest topic map) or '12:3' (map 12) -> (map id, cluster)."""
    head, sep, tail = text.partition(":")
    if not sep or not tail.strip().lstrip("-").isdigit():
        raise LibraryError(f"cluster {text!r}: give FACET:N (e.g. topic:3) or MAP_ID:N")
    head = head.strip()
    if head.isdigit():
        map_id = int(head)
    else:
        map_id = lib.latest_map_of_facet(head)
        if map_id is None:
            raise MissingStep(f"no {head!r} map in this library (run `gapscope map`)")
    cluster = int(tail)
    lib.cluster_paper_ids(map_id, cluster)  # raises when the cluster does not exist
    return map_id, cluster
