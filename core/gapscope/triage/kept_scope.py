"""The list a library is screened over, kept in the library's own settings table (``triage.scope``).

The desktop writes it whenever the scope it ranks changes and reads it when the library opens again, so a
researcher comes back to the same screening list (a collection, a search, a tag, a map cluster, the papers
the Library listed when "Screen this list" was chosen); `gapscope triage scope` prints it. It lives with the
library, not in one user's settings file, so it travels with the library and the CLI sees it.

What the list was made from may be gone when it is read back (a collection deleted or renamed, a saved
search or tag deleted, a map cluster no longer there, every paper of the Library's list deleted):
:func:`kept_scope` then says which, and hands back the collection's scope (or the whole library's) instead,
so the caller can say so rather than screen another list (or none) in silence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from ..store.library import LibraryError
from ..textfmt import plural
from .scope import Scope

SETTING_KEY = "triage.scope"


@dataclass(frozen=True)
class KeptScope:
    scope: Scope
    list_label: str = ""                 # what the listed papers were, as the Library named its filter
    cluster_label: str = ""              # the map cluster's label, as the Maps view showed it
    saved_search: Optional[str] = None   # the saved search the list was found by
    gone: tuple[str, ...] = field(default=())   # what the kept list was made from and is no longer there

    def describe(self) -> str:
        """The list in words, named the way the user chose it (the Library's filter, the cluster's label)."""
        s = self.scope
        text = f"the Library's list ({self.list_label})" if s.ids is not None and self.list_label else s.describe()
        if self.cluster_label:
            text += f", cluster “{self.cluster_label}”"
        if self.saved_search:
            text += f", found by the saved search “{self.saved_search}”"
        return text


def scope_record(kept: KeptScope) -> dict[str, Any]:
    """The JSON value kept in the settings table (ids sorted: the same list writes the same value)."""
    s = kept.scope
    return {"collection": s.collection, "query": s.query, "tag": s.tag,
            "cluster": list(s.cluster) if s.cluster else None,
            "ids": sorted(s.ids) if s.ids is not None else None,
            "list_label": kept.list_label, "cluster_label": kept.cluster_label, "saved_search": kept.saved_search}


def keep_scope(lib, kept: KeptScope, *, progress=None, cancel=None) -> bool:
    """Write the screened list to the library (its own transaction); False when it was kept already."""
    record = scope_record(kept)
    if lib.get_setting(SETTING_KEY) == record:
        return False
    lib.set_setting(SETTING_KEY, record)
    return True


def kept_scope(lib) -> Optional[KeptScope]:
    """The list kept for this library, checked against the library as it is now; None when none was kept
    (or the value cannot be read: it is a convenience, never a reason to refuse to open the library)."""
    record = lib.get_setting(SETTING_KEY)
    if not isinstance(record, dict):
        return None
    try:
        kept = _from_record(record)
    except (TypeError, ValueError, LookupError):   # LookupError: a cluster not a [map, cluster] pair
        return None
    gone = _gone(lib, kept)
    if not gone:
        return kept
    s = kept.scope
    collection = s.collection if f"collection “{s.collection}”" not in gone else None
    return KeptScope(Scope(collection=collection), list_label=kept.list_label, cluster_label=kept.cluster_label,
                     saved_search=kept.saved_search, gone=tuple(gone))


def _from_record(r: dict) -> KeptScope:
    def text(key) -> Optional[str]:
        v = r.get(key)
        return str(v) if v not in (None, "") else None

    cluster = r.get("cluster")
    ids = r.get("ids")
    scope = Scope(collection=text("collection"), query=text("query"), tag=text("tag"),
                  cluster=(int(cluster[0]), int(cluster[1])) if cluster else None,
                  ids=frozenset(int(i) for i in ids) if ids is not None else None)
    return KeptScope(scope, list_label=str(r.get("list_label") or ""),
                     cluster_label=str(r.get("cluster_label") or ""), saved_search=text("saved_search"))


def _gone(lib, kept: KeptScope) -> list[str]:
    """What the kept list was made from that the library no longer holds, in words."""
    s = kept.scope
    gone = []
    if s.collection is not None:
        try:
            lib.collection_id(s.collection)
        except LibraryError:
            gone.append(f"collection “{s.collection}”")
    if s.tag is not None and s.tag not in {name for name, _n in lib.list_tags()}:
        gone.append(f"tag “{s.tag}”")
    if kept.saved_search is not None and kept.saved_search not in {name for name, _q in lib.saved_searches()}:
        gone.append(f"saved search “{kept.saved_search}”")
    if s.cluster is not None:
        try:
            lib.cluster_paper_ids(*s.cluster)
        except LibraryError:
            gone.append(f"cluster “{kept.cluster_label or s.cluster[1]}” of map {s.cluster[0]}")
    # a list with some papers left is still that list; with none left it would screen 0 papers in silence
    if s.ids and not lib.known_paper_ids(s.ids):
        gone.append(f"the {plural(len(s.ids), 'paper')} of the Library's list"
                    + (f" ({kept.list_label})" if kept.list_label else ""))
    return gone
