"""A gap's topic, one rule for the Gaps view's topic filter and `gapscope gaps list --topic`: the topic-map
cluster that holds most of its papers (``details["topic"]``); a thin but growing region is a cluster of
the topic map, its own topic, found under the gap's name for it and under the map's label of that cluster
(a concept-level region is named by its concept, "preserve privacy", the map's cluster "privacy risks");
an unaddressed shortcoming has none, so it belongs to the topics its evidence papers lie in on the latest
topic map, and to every topic when they lie on none."""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Mapping, Optional

ANY_TOPIC = "(any topic)"


def _get(gap: Any, name: str) -> Any:
    return gap.get(name) if isinstance(gap, Mapping) else getattr(gap, name, None)


def gap_topic(gap: Any) -> str:
    """The gap's own topic label ("" when it has none); ``gap`` a Gap or its dict."""
    t = (_get(gap, "details") or {}).get("topic")
    if isinstance(t, Mapping):
        return str(t.get("label", ""))
    region = _region(gap)
    return str(region.get("label") or "") if region is not None else ""


def _region(gap: Any) -> Optional[Mapping]:
    """A thin, growing region's cluster reference (a dict), None for any other gap."""
    region = _get(gap, "problem")
    if region is not None and not isinstance(region, Mapping):
        region = region.__dict__
    if _get(gap, "type") == "thin_growing" and region and region.get("facet") == "topic":
        return region
    return None


def region_map_labels(lib, gaps: Iterable[Any]) -> dict[int, str]:
    """{gap id: the label its topic map gives the region's cluster} of the thin, growing regions among
    ``gaps`` whose map is still stored."""
    wanted = {}
    for g in gaps:
        region = _region(g)
        if region is not None and region.get("map_id") is not None and _get(g, "id") is not None:
            wanted[int(_get(g, "id"))] = (int(region["map_id"]), int(region["cluster"]))
    labels: dict[tuple[int, int], str] = {}
    for mid in {m for m, _c in wanted.values()}:
        labels.update({(mid, int(c[0])): str(c[1] or f"cluster {c[0]}") for c in lib.map_clusters(mid)})
    return {gid: labels[key] for gid, key in wanted.items() if key in labels}


def topic_names(gap: Any, map_label: str = "") -> list[str]:
    """The names a gap is found under by topic: its own topic (gap_topic) and, for a thin, growing region,
    ``map_label``, its cluster's label on the topic map (region_map_labels) when that is another; [] when it
    has no topic of its own."""
    own = gap_topic(gap)
    if not own:
        return []
    return [own] + ([map_label] if map_label and map_label != own and _region(gap) is not None else [])


def topic_words(names: list[str]) -> str:
    """topic_names as a reader reads them: "preserve privacy (on the topic map: privacy risks)"."""
    return names[0] + "".join(f" (on the topic map: {n})" for n in names[1:]) if names else ""


def paper_topics(lib) -> dict[int, str]:
    """{paper id: the label of its cluster on the latest topic map}; {} without a topic map."""
    from ..maps.store import latest_map_id

    mid = latest_map_id(lib, "topic")
    if mid is None:
        return {}
    labels = {int(c[0]): str(c[1] or f"cluster {c[0]}") for c in lib.map_clusters(mid)}
    return {int(p): labels[int(c)] for p, c, *_ in lib.map_assignments(mid) if c is not None and int(c) in labels}


def evidence_topics(evidence: Iterable[int], topic_of: Mapping[int, str]) -> list[str]:
    """The topics the evidence papers lie in, each once, the one holding most of them first (the Gaps view
    names it), then by name."""
    held = Counter(topic_of[int(p)] for p in evidence if int(p) in topic_of)
    return sorted(held, key=lambda t: (-held[t], t))


def in_topic(names: Iterable[str], by_evidence: Iterable[str], wanted: Optional[str], *,
             contains: bool = False) -> bool:
    """Whether a gap known by the topic ``names`` (topic_names; without one, by its evidence papers' topics)
    is under ``wanted``; ``contains``: ``wanted`` is a piece of text to find in a label (the command line), not
    a label."""
    if not wanted:
        return True
    match = (lambda label: wanted.lower() in label.lower()) if contains else (lambda label: label == wanted)
    names = [n for n in names if n]
    if names:
        return any(match(n) for n in names)
    ev = list(by_evidence)
    return any(match(t) for t in ev) if ev else True
