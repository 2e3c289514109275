"""Whether a gap still stands on what it was found from: the maps, the concepts and the library it read
(the library and full-text checks are the maps' own, gapscope.maps.stale). Gaps inherit the staleness of
their inputs: maps or concepts already out of date when the gaps were found are recorded with them
(``made_with["inputs_stale"]``), so such gaps are stale from the start."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional

from ..maps.stale import FULLTEXT_CHANGED, NO_FULLTEXT, fulltext_changed, fulltext_read, library_reasons
from .label_changes import (correction_reason, correction_stamps, corrected_papers, edit_reason, edit_stamps,
                            edited_papers, papers_feeding)

CONCEPTS_OUT_OF_DATE = "the concepts (extracted before the library last changed)"
EARLIER_FINDER = ("found by an earlier version of GapScope's gap finder: `gaps find` again applies the current "
                  "rules (the evidence and statements may differ)")


FINDER_PACKAGES = ("gaps", "concepts")
# A packaged app ships no sources: the build writes the digest of the same sources beside this module
# (packaging/gapscope.spec), so a packaged and a source install of one version agree.
SHIPPED_DIGEST = "finder_digest.txt"


@lru_cache(maxsize=1)
def finder_version() -> str:
    """What identifies the rules that found a gap: a digest of the gap and concept code, so gaps found
    before an upgrade are marked stale (their statements and evidence came from older rules)."""
    shipped = Path(__file__).with_name(SHIPPED_DIGEST)
    if shipped.is_file():
        return shipped.read_text(encoding="utf-8").strip()
    return source_digest(Path(__file__).resolve().parent.parent)


def source_digest(package_root: Path) -> str:
    """The digest of the modules of FINDER_PACKAGES under ``package_root`` (the gapscope package folder);
    editor lock files and unreadable files are not modules and are skipped."""
    from .. import __version__

    digest = hashlib.sha1(__version__.encode())
    for package in FINDER_PACKAGES:
        for f in sorted((package_root / package).glob("*.py")):
            if f.name.startswith(".") or not f.is_file():
                continue
            try:
                digest.update(f.name.encode() + b"\0" + f.read_bytes())
            except OSError:
                continue
    return digest.hexdigest()[:12]
FOUND_FROM = "found from inputs already out of date: "


def concepts_out_of_date(lib) -> bool:
    """The latest concepts were extracted from another library state (papers or facet labels changed
    since) and no later extraction was tried on this one (gapscope.analyze records a failed try)."""
    batch = lib.latest_concept_batch()
    if batch is None:
        return False
    made = (lib.concept_run(batch) or {}).get("fingerprint")
    fp = lib.library_fingerprint()
    return bool(made) and made != fp and lib.analysis_input("concepts") != (fp, batch)


def inputs_out_of_date(lib, map_params: Optional[Mapping[str, dict]] = None, *, concepts: bool = True) -> list[str]:
    """What gaps found now would be made from that is already out of date: each map with its reasons (maps
    with the same reasons named together) and the concepts. ``map_params``: {facet: params} of the maps
    used; None reads the latest maps' params (cheap: not their assignments)."""
    from ..maps.stale import latest_maps_stale, stale_reasons_for

    if map_params is None:
        per_facet = {f: r for f, r in latest_maps_stale(lib).items() if r is not None}
    else:
        per_facet = {f: stale_reasons_for(lib, f, p) for f, p in map_params.items()}
    grouped: dict[str, list[str]] = {}
    for facet, reasons in per_facet.items():
        if reasons:
            grouped.setdefault("; ".join(reasons), []).append(facet)
    out = []
    for why, facets in grouped.items():
        names = facets[0] if len(facets) == 1 else ", ".join(facets[:-1]) + " and " + facets[-1]
        out.append(f"the {names} map{'s' if len(facets) > 1 else ''} ({why})")
    if concepts and concepts_out_of_date(lib):
        out.append(CONCEPTS_OUT_OF_DATE)
    return out


def made_with(lib, maps: dict, *, concepts: bool = True) -> dict[str, Any]:
    """What a find_gaps run read, stored with each gap, with what of it was already out of date
    (``concepts``: the run read the concepts)."""
    return {"finder": finder_version(), "maps": {f: m.id for f, m in maps.items() if m.id is not None},
            "concept_batch": lib.latest_concept_batch(), "library": lib.library_fingerprint(),
            "papers": lib.papers_fingerprint(), "fulltext": fulltext_read(maps.get("shortcoming")),
            # which papers' labels a later correction changes (gaps/label_changes.py)
            "corrections": correction_stamps(lib),
            # which papers' titles or abstracts a later edit changes (the fingerprint misses a title edit)
            "edits": edit_stamps(lib),
            "inputs_stale": inputs_out_of_date(lib, {f: m.params for f, m in maps.items()}, concepts=concepts)}


def stale_reasons(lib, gap) -> list[str]:
    """Why ``gap`` may no longer hold (empty: it is current). Gaps from before this was recorded say so."""
    from ..maps.store import latest_map_id

    made = (gap.details or {}).get("made_with")
    if not made:
        return ["found before GapScope recorded what gaps were made from: run `gaps find` again"]
    out = [FOUND_FROM + r for r in made.get("inputs_stale") or []]
    if made.get("finder") != finder_version():
        out.append(EARLIER_FINDER)
    for facet, mid in sorted(made.get("maps", {}).items()):
        if latest_map_id(lib, facet) != mid:
            out.append(f"the {facet} map was rebuilt")
    if made.get("concept_batch") is not None and lib.latest_concept_batch() != made["concept_batch"]:
        out.append("the concepts were extracted again")
    # a facet correction marks only the gaps that read the corrected paper (gaps/label_changes.py)
    corrected = corrected_papers(lib, made)
    if corrected is None:
        out += library_reasons(lib, made)
    elif corrected and (fed := papers_feeding(lib, gap, corrected)):
        out.append(correction_reason(fed))
    edited = edited_papers(lib, made)
    if edited and (fed := papers_feeding(lib, gap, set(edited), earlier=edited)):
        out.append(edit_reason(fed))
    # the shortcoming map reads full-text sentences: a PDF labelled since changes what it would show
    if "shortcoming" in made.get("maps", {}) and fulltext_changed(lib, made.get("fulltext", NO_FULLTEXT)):
        out.append(FULLTEXT_CHANGED + ": build the maps again")
    return out


# what a reason names first, before its advice (": run ..."), detail ("(...)") or paper ids (", which it reads")
_REASON_HEAD = re.compile(r": | \(|, which | on papers? \d")
# the command-line advice of the reasons above, in the app's words (the CLI keeps its own)
_APP_WORDS = (("`gaps find` again applies", "pressing “Find gaps” applies"),
              ("run `gaps find` again", "press “Find gaps”"),
              ("build the maps again", "press “Build maps” in the Maps view"))


def reason_kind(reason: str) -> str:
    """What changed, in a few words, for a summary line: "found by an earlier version of the gap finder" of
    EARLIER_FINDER, "found from inputs already out of date" of every FOUND_FROM reason."""
    if reason.startswith(FOUND_FROM):
        return FOUND_FROM[:-2]
    if reason == EARLIER_FINDER:
        return "found by an earlier version of the gap finder"
    return _REASON_HEAD.split(reason, maxsplit=1)[0]


def stale_kinds(reasons_per_gap: list[list[str]]) -> Counter:
    """{reason_kind: how many gaps give it} (a gap counted once per kind)."""
    return Counter(k for reasons in reasons_per_gap for k in dict.fromkeys(map(reason_kind, reasons)))


def stale_summary(reasons_per_gap: list[list[str]]) -> str:
    """The stale gaps of a list in one line, by the most common reason: "53 stale: found by an earlier
    version of the gap finder" (", and other changes" when the gaps give other reasons too); "" if none."""
    stale = [r for r in reasons_per_gap if r]
    if not stale:
        return ""
    kinds = stale_kinds(stale)
    top = kinds.most_common(1)[0][0]
    return f"{len(stale):,} stale: {top}" + (", and other changes" if len(kinds) > 1 else "")


def in_app_words(reason: str) -> str:
    """A stale reason as the desktop app says it: its command-line advice named by the app's buttons."""
    for cli, app in _APP_WORDS:
        reason = reason.replace(cli, app)
    return reason


OUT_OF_DATE = "the maps or concepts are out of date, so these gaps are marked stale: "


def out_of_date_notice(late: list[str]) -> str:
    """The warning of a find_gaps run on out-of-date inputs (the CLI and the GUI say it)."""
    return (OUT_OF_DATE + "; ".join(late) + ". `gapscope analyze` brings them up to date and finds the gaps "
            "again (in the app: “Find gaps” offers to build the maps first)")
