"""A gap's topic, one rule for the Gaps view's topic filter and `gapscope gaps list --topic`: the topic-map
cluster that holds most of its papers (``details["topic"]``); a thin but growing region is a cluster of
the topic map, its own topic; an unaddressed shortcoming has none, so it belongs to the topics its
evidence papers lie in on the latest topic map, and to every topic when they lie on none."""

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
    region = _get(gap, "problem")
    if region is not None and not isinstance(region, Mapping):
        region = region.__dict__
    if _get(gap, "type") == "thin_growing" and region and region.get("facet") == "topic":
        return str(region.get("label") or "")
    return ""


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


def in_topic(own: str, by_evidence: Iterable[str], wanted: Optional[str], *, contains: bool = False) -> bool:
    """Whether a gap with topic ``own`` (or, without one, its evidence papers' topics) is under ``wanted``;
    ``contains``: ``wanted`` is a piece of text to find in the label (the command line), not a label."""
    if not wanted:
        return True
    match = (lambda label: wanted.lower() in label.lower()) if contains else (lambda label: label == wanted)
    if own:
        return match(own)
    ev = list(by_evidence)
    return any(match(t) for t in ev) if ev else True
