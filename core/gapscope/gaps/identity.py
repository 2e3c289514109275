"""The same gap across find_gaps runs. Each run stores a new batch with new ids (the old batches are kept),
so a link to a gap by id (an experiment run's ``gap_id``) points into the batch it was made from. A gap is
the same gap when it is of the same kind between the same two ends (concepts, or map clusters), named
alike: :func:`gap_key`. :func:`resolve_gap` follows an old id to the gap listed now, or says it is gone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ..store import LibraryError
from .model import Gap


def _end(ref: Any) -> str:
    if ref is None:
        return ""
    facet = ref.get("facet") if isinstance(ref, dict) else ref.facet
    label = ref.get("label") if isinstance(ref, dict) else ref.label
    return f"{facet}:{' '.join(str(label or '').lower().split())}"


def gap_key(gap: Gap | dict) -> str:
    """Kind and the two ends by name (a Gap or its ``to_dict()``): equal for the same gap found again."""
    get = gap.get if isinstance(gap, dict) else lambda k: getattr(gap, k)
    return "|".join((str(get("type")), _end(get("method")), _end(get("problem"))))


@dataclass
class GapLink:
    """Where a link to gap ``linked_id`` leads now: ``gap`` (in the latest list; None: gone), ``was`` (the
    gap as it was linked, from its own batch; None: no such gap stored) and ``listed_since`` (when the
    latest list was made; set when the linked gap is not in it)."""
    linked_id: int
    gap: Optional[Gap]
    was: Optional[Gap]
    listed_since: Optional[str] = None

    @property
    def moved(self) -> bool:
        return self.gap is not None and self.gap.id != self.linked_id


def resolve_gap(lib, gap_id: int) -> GapLink:
    """The gap a link to ``gap_id`` means now: itself when still listed, else the one listed with its key
    (exactly one), else none (never another gap)."""
    from .store import get_gap, list_gaps

    try:
        was = get_gap(lib, int(gap_id))
    except LibraryError:
        was = None
    latest = list_gaps(lib)
    if any(g.id == int(gap_id) for g in latest):
        return GapLink(int(gap_id), was, was)
    same = [g for g in latest if was is not None and gap_key(g) == gap_key(was)]
    since = lib.gap_batch_created(lib.latest_gap_batch()) if latest else None
    return GapLink(int(gap_id), same[0] if len(same) == 1 else None, was, since)


def runs_of_gaps(lib, gaps: list[Gap]) -> dict[int, list[str]]:
    """{id of a listed gap: the ids of the runs that tested it}, a run linked to an earlier batch's copy of
    the same gap (same key) included."""
    from .store import get_gap

    by_key = {}
    for g in gaps:
        by_key.setdefault(gap_key(g), []).append(g.id)
    listed = {g.id for g in gaps}
    out: dict[int, list[str]] = {}
    keys: dict[int, Optional[str]] = {}
    for r in lib.list_runs():
        gid = r.get("gap_id")
        if gid is None:
            continue
        gid = int(gid)
        if gid in listed:
            targets = [gid]
        else:
            if gid not in keys:
                try:
                    keys[gid] = gap_key(get_gap(lib, gid))
                except LibraryError:
                    keys[gid] = None
            same = by_key.get(keys[gid], []) if keys[gid] else []
            targets = same if len(same) == 1 else []
        for t in targets:
            out.setdefault(t, []).append(str(r["id"]))
    return out


def runs_of_gap(lib, gap_id: int) -> list[str]:
    """The ids of the runs that tested gap ``gap_id`` (newest first): those linked to it and those linked to
    another stored copy of the same gap (an earlier or later `gaps find`), as `gaps show N` lists them. A gap
    id no longer stored has only the runs linked to it by that id."""
    from .store import get_gap

    try:
        gap = get_gap(lib, int(gap_id))
    except LibraryError:
        return [str(r["id"]) for r in lib.list_runs(gap_id=int(gap_id))]
    return runs_of_gaps(lib, [gap]).get(gap.id, [])


def superseded_note(lib, gap_id: int) -> Optional[str]:
    """For a gap of an earlier `gaps find` (ids go on from batch to batch; the latest list is the current one):
    "gap #2 is from an earlier `gaps find` (2026-11-30 09:12), not in the current list (2026-12-06 10:40); it is listed
    now as gap #120" (the same gap found again, resolve_gap) or "...; the current list has no such gap".
    None for a gap in the current list or no stored gap. `gaps show` and `runs draft --gap` say it first: the
    gap's rank ("1st of 2") and evidence are those of that earlier find."""
    link = resolve_gap(lib, int(gap_id))
    if link.was is None or (link.gap is not None and not link.moved):
        return None
    batch = lib.gap_batch(int(gap_id))
    # to the minute: two finds of one day are told apart
    when = str(lib.gap_batch_created(batch) or "")[:16].replace("T", " ")
    since = str(link.listed_since or "")[:16].replace("T", " ")
    now = (f"it is listed now as gap #{link.gap.id}" if link.gap is not None
           else "the current list has no such gap")
    return (f"gap #{int(gap_id)} is from an earlier `gaps find`" + (f" ({when})" if when else "")
            + ", not in the current list" + (f" ({since})" if since else "") + f"; {now}")
