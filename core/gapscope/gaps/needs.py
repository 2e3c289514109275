"""What each gap type needs, and the word on each type a `gaps find` could not look for (gaps/find.py).

- method x problem: the library's concepts (extracted by `gaps find` when there are none yet); without them, a
  method map and a problem map (the result map by default): its gaps are then between their clusters.
- unaddressed shortcoming: shortcoming and method vectors (`gapscope facets`, then `gapscope embed`). With
  concepts no map: the stating papers are those of the shortcoming map where there is one, else every paper with
  shortcoming vectors (those a map of the library would hold). Without concepts the shortcoming map's clusters are
  the shortcomings, so it needs that map.
- thin and growing: the topic map (its clusters are the regions) and its abstract vectors.

A type left out used to leave no trace: a library analysed step by step (a topic map only) listed no unaddressed
shortcoming, and a reader took that for "every shortcoming is addressed". Each skipped type is one entry
{"type", "reason", "commands"}: stored with the find (setting ``gaps.skipped``), said by `gaps find` (also in its
``--json``), `gaps list` and the Gaps view.
"""

from __future__ import annotations

import re
from typing import Optional

from ..vocabulary import MAP_FACET_EMBED_KIND

TYPE_WORDS = {"method_x_problem": "method x problem", "unaddressed_shortcoming": "unaddressed shortcoming",
              "thin_growing": "thin and growing"}
FIND_AGAIN = "gapscope gaps find"
_COMMAND = re.compile(r"`([^`]+)`")


def skipped_entry(gap_type: str, reason: str, commands: list[str]) -> dict:
    """One type a find could not look for: why, and the commands that make it possible (then `gaps find`)."""
    return {"type": gap_type, "reason": reason, "commands": [*commands, FIND_AGAIN]}


def skipped_text(entry: dict) -> str:
    """The sentence a reader sees: "no 'unaddressed shortcoming' gaps were looked for: ...: run `...`"."""
    run = ", then ".join(f"`{c}`" for c in entry.get("commands") or [])
    return (f"no '{TYPE_WORDS.get(entry['type'], entry['type'])}' gaps were looked for: {entry['reason']}"
            + (f": run {run}" if run else ""))


def _vector_steps(lib, kind: str) -> tuple[Optional[str], list[str]]:
    """(why the library has no ``kind`` vectors, the commands that make them), or (None, []) when it has some."""
    from ..steps import missing_for_vectors

    why = missing_for_vectors(lib, kind)
    if not why:
        return None, []
    return why.split(":", 1)[0], _COMMAND.findall(why)


def missing_maps(lib, gap_type: str, facets: list[str], what_for: str) -> dict:
    """The entry of a type that needs the maps of ``facets`` (those not built), with the vectors they need first."""
    steps: list[str] = []
    for f in facets:
        for c in _vector_steps(lib, MAP_FACET_EMBED_KIND[f])[1]:
            if c not in steps:
                steps.append(c)
    maps = " and ".join(f"no {f} map" for f in facets)
    return skipped_entry(gap_type, f"the library has {maps} ({what_for})",
                         steps + ["gapscope map " + " ".join(f"--facet {f}" for f in facets)])


def missing_vectors(lib, gap_type: str, kinds: list[str]) -> dict:
    """The entry of a type that needs vectors of ``kinds`` the library lacks (no map needed)."""
    reasons, steps = [], []
    for kind in kinds:
        why, commands = _vector_steps(lib, kind)
        if why:
            reasons.append(why)
            steps += [c for c in commands if c not in steps]
    return skipped_entry(gap_type, " and ".join(reasons) or f"no {' or '.join(kinds)} vectors", steps)


def not_looked_for(lib, *, maps: set, concept_level: bool, problem_facet: str, method: bool, stating: bool,
                   topic: bool) -> list[dict]:
    """The gap types detect_all cannot look for with these inputs (gaps/find.py: the maps built, whether the gaps
    are between concepts, whether method vectors and stating papers were read, whether the topic vectors were)."""
    out = []
    if not concept_level and not {"method", problem_facet} <= maps:
        out.append(missing_maps(lib, "method_x_problem", [f for f in ("method", problem_facet) if f not in maps],
                                "without concepts its gaps are between the clusters of these maps"))
    if not concept_level and "shortcoming" not in maps:
        out.append(missing_maps(lib, "unaddressed_shortcoming", ["shortcoming"],
                                "without concepts its clusters are the shortcomings"))
    elif not (method and stating):
        out.append(missing_vectors(lib, "unaddressed_shortcoming",
                                   [k for k, have in (("shortcoming", stating), ("method", method)) if not have]))
    if "topic" not in maps:
        out.append(missing_maps(lib, "thin_growing", ["topic"], "its clusters are the regions"))
    elif not topic:
        out.append(missing_vectors(lib, "thin_growing", ["abstract"]))
    return out
