"""find_gaps: read the latest maps (and the vectors they came from), detect, rank and store gaps."""

from __future__ import annotations

from typing import Mapping, Optional

import numpy as np

from ..jobs import ProgressFn, check, report
from ..embed import load_vectors
from ..maps.build import paper_dates
from ..maps.model import FACET_KIND, Map
from ..maps.store import latest_map
from ..store.library import LibraryError
from .detect import method_x_problem, rank_gaps, thin_growing, unaddressed_limitation
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
    if "limitation" in maps and method_vecs is not None:
        groups.append(unaddressed_limitation(maps["limitation"], method_vecs[0], method_vecs[1], dates))
    report(progress, 2, 3, "unaddressed limitations")
    check(cancel)
    if "topic" in maps and topic_vecs is not None:
        groups.append(thin_growing(maps["topic"], topic_vecs[0], topic_vecs[1], dates, seed=seed))
    report(progress, 3, 3, "thin and growing regions")
    return rank_gaps(groups)


def find_gaps(lib, progress: Optional[ProgressFn] = None, cancel=None, *, problem_facet: str = "result",
              data: Optional[Mapping[str, tuple]] = None, save: bool = True) -> list[Gap]:
    """Gaps from the latest method / result / limitation / topic maps of the library (build them first
    with :func:`gapscope.maps.build_maps`). ``data`` = {facet: (ids, vecs, texts)} skips load_vectors."""
    maps = {}
    for facet in ("topic", "method", "result", "limitation"):
        try:
            maps[facet] = latest_map(lib, facet)
        except LibraryError:
            pass
    if not maps:
        raise LibraryError("no maps yet: run `gapscope map` first")

    def vectors(facet):
        if facet not in maps:
            return None
        if data is not None and facet in data:
            ids, vecs = np.asarray(data[facet][0], dtype=np.int64), data[facet][1]
        else:
            # vectors only: the facet texts (every sentence of the library) are not needed here
            ids, vecs = load_vectors(lib, FACET_KIND[facet])
            ids = np.asarray(ids, dtype=np.int64)
        keep = np.isin(ids, np.fromiter(maps[facet].assignments, dtype=np.int64))
        return ids[keep], vecs[keep]

    gaps = detect_all(maps, paper_dates(lib), method_vecs=vectors("method") if "limitation" in maps else None,
                      topic_vecs=vectors("topic"), problem_facet=problem_facet, progress=progress, cancel=cancel)
    from ..citations.gaps import annotate_gaps

    annotate_gaps(lib, gaps, maps)   # citation evidence of method x problem gaps, when the graph has data
    if save:
        save_gaps(lib, gaps)
    return gaps
