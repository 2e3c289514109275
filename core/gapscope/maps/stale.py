"""Whether a built map still shows the library: what it was built from (recorded in its params at build
time) against the library now. The gaps' staleness (gaps/stale.py) shares these checks."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Optional

from ..vocabulary import MAP_FACET_EMBED_KIND, MAP_FACETS

NO_FULLTEXT = "flagged=0;ids=0;models="
LIBRARY_CHANGED = "the library changed (papers added or removed, or facet labels changed)"
PAPERS_CHANGED = "papers were added or removed since"
LABELS_CHANGED = "facet labels changed since (sentences classified again or corrected)"
FULLTEXT_CHANGED = "a PDF was labelled since (the shortcoming map reads its full text)"
NOT_RECORDED = "built before GapScope recorded what maps are made from: build the maps again"


def digest(*parts: Any) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(json.dumps(p, sort_keys=True, default=str).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:32]


def vectors_stamp(lib, facet: str) -> str:
    """The map's vectors: the embedding model and every paper's text hash of the facet's kind (changes when
    a text is embedded anew, or the library's model changes). `analyze` rebuilds a map when it changed."""
    from ..embed import library_model

    model = library_model(lib)
    kind = MAP_FACET_EMBED_KIND[facet]
    return digest("map", facet, model, sorted(lib.text_mapping(model, kind).items()))


def made_from(lib, facet: str, *, vectors: bool = True) -> dict[str, str]:
    """What a map of ``facet`` is built from, recorded in its params (``vectors``: the library's own, not
    vectors handed in); the shortcoming map's full text is recorded apart (``params["fulltext"]``)."""
    out = {"library": lib.library_fingerprint(), "papers": lib.papers_fingerprint()}
    if vectors:
        out["vectors"] = vectors_stamp(lib, facet)
    return out


def fulltext_read(shortcoming_map) -> str:
    """What the shortcoming map read of the full text (maps from before it read any: nothing)."""
    return (shortcoming_map.params.get("fulltext") if shortcoming_map is not None else None) or NO_FULLTEXT


def fulltext_changed(lib, read: str) -> bool:
    """A PDF labelled since the shortcoming map read ``read`` (its full-text stamp) would change it."""
    return read != lib.fulltext_shortcoming_stamp()


def library_reasons(lib, made: dict, *, labels: bool = True) -> list[str]:
    """Why the library is not the one ``made`` recorded: papers added or removed, or (``labels``: what reads
    the facet sentences) facet labels changed; a record without ``papers`` cannot tell which."""
    if not made.get("library") or made["library"] == lib.library_fingerprint():
        return []
    if not made.get("papers"):
        return [LIBRARY_CHANGED]
    if made["papers"] != lib.papers_fingerprint():
        return [PAPERS_CHANGED]
    return [LABELS_CHANGED] if labels else []


def stale_reasons_for(lib, facet: str, params: dict, vectors: Optional[str] = None) -> list[str]:
    """Why the map of ``facet`` built with ``params`` may be out of date (empty: it is current);
    ``vectors``: the facet's :func:`vectors_stamp` when the caller has it (it reads every text hash)."""
    made = params.get("made_from")
    if not made:
        return [NOT_RECORDED]
    out = library_reasons(lib, made, labels=facet != "topic")     # the topic map reads whole abstracts
    if made.get("vectors") and made["vectors"] != (vectors or vectors_stamp(lib, facet)):
        out.append(f"the {MAP_FACET_EMBED_KIND[facet]} vectors changed since (texts embedded anew, or another model)")
    if facet == "shortcoming" and fulltext_changed(lib, params.get("fulltext") or NO_FULLTEXT):
        out.append(FULLTEXT_CHANGED)
    return out


def stale_reasons(lib, m) -> list[str]:
    """Why the built map ``m`` may be out of date (empty: it is current)."""
    return stale_reasons_for(lib, m.facet, m.params)


def latest_maps_stale(lib, facets=MAP_FACETS, stamps: Optional[dict[str, str]] = None) -> dict[str, Optional[list[str]]]:
    """{facet: why its latest map may be out of date}, None for a facet never mapped; reads only the
    maps' params, not their assignments. ``stamps``: {facet: vectors_stamp} already computed."""
    out: dict[str, Optional[list[str]]] = {}
    for f in facets:
        mid = lib.latest_map_id(f)
        out[f] = None if mid is None else stale_reasons_for(lib, f, json.loads(lib.map_row(mid)[2]),
                                                             (stamps or {}).get(f))
    return out
