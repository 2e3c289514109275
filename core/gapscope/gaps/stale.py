"""Whether a gap still stands on what it was found from: the maps, the concepts and the library it read
(the library and full-text checks are the maps' own, gapscope.maps.stale)."""

from __future__ import annotations

from typing import Any

from ..maps.stale import FULLTEXT_CHANGED, NO_FULLTEXT, fulltext_changed, fulltext_read, library_reasons


def made_with(lib, maps: dict) -> dict[str, Any]:
    """What a find_gaps run read, stored with each gap."""
    return {"maps": {f: m.id for f, m in maps.items() if m.id is not None},
            "concept_batch": lib.latest_concept_batch(), "library": lib.library_fingerprint(),
            "papers": lib.papers_fingerprint(), "fulltext": fulltext_read(maps.get("shortcoming"))}


def stale_reasons(lib, gap) -> list[str]:
    """Why ``gap`` may no longer hold (empty: it is current). Gaps from before this was recorded say so."""
    from ..maps.store import latest_map_id

    made = (gap.details or {}).get("made_with")
    if not made:
        return ["found before GapScope recorded what gaps were made from: run `gaps find` again"]
    out = []
    for facet, mid in sorted(made.get("maps", {}).items()):
        if latest_map_id(lib, facet) != mid:
            out.append(f"the {facet} map was rebuilt")
    if made.get("concept_batch") is not None and lib.latest_concept_batch() != made["concept_batch"]:
        out.append("the concepts were extracted again")
    out += library_reasons(lib, made)
    # the shortcoming map reads full-text sentences: a PDF labelled since changes what it would show
    if "shortcoming" in made.get("maps", {}) and fulltext_changed(lib, made.get("fulltext", NO_FULLTEXT)):
        out.append(FULLTEXT_CHANGED + ": build the maps again")
    return out
