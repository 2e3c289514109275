"""find_gaps: read the latest maps (and the vectors they came from), detect, rank and store gaps."""

from __future__ import annotations

from typing import Mapping, Optional

import numpy as np

from ..jobs import ProgressFn, check, report
from ..embed import load_vectors
from ..maps.build import paper_dates
from ..maps.model import Map
from ..maps.store import latest_map
from ..store.errors import MissingStep
from ..store.library import LibraryError
from ..vocabulary import MAP_FACET_EMBED_KIND, MAP_FACETS
from .detect import method_x_problem, rank_gaps, thin_growing, unaddressed_shortcoming
from .model import Gap
from .store import save_gaps


def detect_all(maps: Mapping[str, Map], dates: Mapping[int, Optional[str]], *,
               method_vecs: Optional[tuple] = None, topic_vecs: Optional[tuple] = None,
               problem_facet: str = "result", seed: int = 0, progress: Optional[ProgressFn] = None,
               cancel=None) -> list[Gap]:
    """All three detectors over maps already built; each runs when its inputs are there."""
    groups = []
    if "method" in maps and problem_facet in maps:
        groups.append(method_x_problem(maps["method"], maps[problem_facet]))
    report(progress, 1, 3, "method x problem")
    check(cancel)
    if "shortcoming" in maps and method_vecs is not None:
        groups.append(unaddressed_shortcoming(maps["shortcoming"], method_vecs[0], method_vecs[1], dates))
    report(progress, 2, 3, "unaddressed shortcomings")
    check(cancel)
    if "topic" in maps and topic_vecs is not None:
        groups.append(thin_growing(maps["topic"], topic_vecs[0], topic_vecs[1], dates, seed=seed))
    report(progress, 3, 3, "thin and growing regions")
    return rank_gaps(groups)


def find_gaps(lib, *, progress: Optional[ProgressFn] = None, cancel=None, problem_facet: str = "result",
              data: Optional[Mapping[str, tuple]] = None, save: bool = True) -> list[Gap]:
    """Gaps from the latest method / result / shortcoming / topic maps of the library (build them first
    with :func:`gapscope.maps.build_maps`). ``data`` = {facet: (ids, vecs, texts)} skips load_vectors."""
    maps = {}
    for facet in MAP_FACETS:
        try:
            maps[facet] = latest_map(lib, facet)
        except LibraryError:
            pass
    if not maps:
        from ..steps import missing_for_gaps

        raise MissingStep(missing_for_gaps(lib) or "no maps yet: run `gapscope map` first")

    def vectors(facet):
        if facet not in maps:
            return None
        if data is not None and facet in data:
            ids, vecs = np.asarray(data[facet][0], dtype=np.int64), data[facet][1]
        else:
            # vectors only: the facet texts (every sentence of the library) are not needed here
            ids, vecs = load_vectors(lib, MAP_FACET_EMBED_KIND[facet])
            ids = np.asarray(ids, dtype=np.int64)
        keep = np.isin(ids, np.fromiter(maps[facet].assignments, dtype=np.int64))
        return ids[keep], vecs[keep]

    gaps = detect_all(maps, paper_dates(lib), method_vecs=vectors("method") if "shortcoming" in maps else None,
                      topic_vecs=vectors("topic"), problem_facet=problem_facet, progress=progress, cancel=cancel)
    quote_shortcomings(lib, gaps)
    from ..citations.gaps import annotate_gaps

    annotate_gaps(lib, gaps, maps)   # citation evidence of method x problem gaps, when the graph has data
    if save:
        save_gaps(lib, gaps)
    return gaps


def quote_shortcomings(lib, gaps: list[Gap], per_gap: int = 3) -> None:
    """An unaddressed-shortcoming gap quotes its evidence papers' shortcoming sentences (the words the
    papers use, with whose shortcoming each is): in ``details["quotes"]`` and at the end of the statement."""
    from ..facets.store import shortcoming_sentences

    wanted = [g for g in gaps if g.type == "unaddressed_shortcoming"]
    if not wanted:
        return
    sents = shortcoming_sentences(lib, [p for g in wanted for p, r in g.roles.items() if r == "shortcoming"])
    for g in wanted:
        quotes = [{"paper_id": p, **q} for p, r in g.roles.items() if r == "shortcoming" for q in sents.get(p, [])[:1]]
        g.details["quotes"] = quotes
        if quotes:
            g.statement += " Stated as: " + " / ".join(
                f"\u201c{q['text']}\u201d ({q['shortcoming']})" for q in quotes[:per_gap])
