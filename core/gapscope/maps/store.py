"""Maps in the library: save a Map with its parameters, load the latest per facet."""

from __future__ import annotations

import json
from typing import Optional

import numpy as np

from ..store.errors import MissingStep
from ..store.library import LibraryError
from .model import Cluster, Map


def save_map(lib, m: Map) -> int:
    clusters = [(c.id, c.label, json.dumps(c.keywords), c.representative, c.representative_paper, c.size,
                 float(c.stability), json.dumps(c.sizes_by_year), json.dumps(c.sizes_by_month), float(c.x), float(c.y),
                 None if c.centroid is None else np.asarray(c.centroid, dtype=np.float32).tobytes())
                for c in m.clusters]
    assignments = [(p, c, m.sims.get(p), *m.coords.get(p, (None, None))) for p, c in m.assignments.items()]
    mid, created = lib.insert_map(facet=m.facet, scope=json.dumps(m.scope), params=json.dumps(m.params),
                                  model=m.params.get("model"), n_papers=len(m.assignments), clusters=clusters,
                                  assignments=assignments)
    m.id, m.created_at = mid, created
    return mid


def load_map(lib, map_id: int) -> Map:
    facet, scope, params, created = lib.map_row(map_id)
    clusters = [
        Cluster(id=c, label=lab, keywords=json.loads(kw), representative=rep, representative_paper=rp, size=sz,
                stability=st if st is not None else float("nan"), sizes_by_year=json.loads(sy),
                sizes_by_month=json.loads(sm), x=x or 0.0, y=y or 0.0,
                centroid=np.frombuffer(cen, dtype=np.float32).copy() if cen is not None else None)
        for c, lab, kw, rep, rp, sz, st, sy, sm, x, y, cen in lib.map_clusters(map_id)]
    phrases = json.loads(params).get("concept_phrases") or {}
    wheres = json.loads(params).get("representative_where") or {}
    for cl in clusters:
        cl.concepts = list(phrases.get(str(cl.id)) or [])
        cl.representative_where = str(wheres.get(str(cl.id)) or "")
    assignments, coords, sims = {}, {}, {}
    for p, c, s, x, y in lib.map_assignments(map_id):
        assignments[p] = c
        coords[p] = (x, y)
        if s is not None:
            sims[p] = s
    return Map(facet=facet, params=json.loads(params), scope=json.loads(scope), clusters=clusters,
               assignments=assignments, coords=coords, sims=sims, id=map_id, created_at=created)


def save_labels(lib, m: Map) -> None:
    """Store ``m``'s labels (and the params that say what they are made of) over its stored ones; the
    clusters, assignments and map id stay as they are."""
    if m.id is None:
        raise ValueError("the map was never saved")
    lib.update_map_labels(m.id, json.dumps(m.params), [(c.id, c.label) for c in m.clusters])


def latest_map_id(lib, facet: str) -> Optional[int]:
    return lib.latest_map_id(facet)


def latest_map(lib, facet: str) -> Map:
    mid = latest_map_id(lib, facet)
    if mid is None:
        raise MissingStep(f"no {facet} map yet (run `gapscope map --facet {facet}`)")
    return load_map(lib, mid)


def list_maps(lib) -> list[dict]:
    return [{"id": i, "facet": f, "n_papers": n, "params": json.loads(p), "scope": json.loads(s), "created_at": c}
            for i, f, n, p, s, c in lib.map_rows()]


def arxiv_ids(lib, paper_ids) -> dict[int, Optional[str]]:
    return lib.arxiv_ids(paper_ids)


def export_maps(lib, facets) -> dict:
    """``{"maps": {facet: {"map_id", "params", "assignments": {arXiv id or library id: cluster}, "clusters"}}}``."""
    out: dict = {"maps": {}}
    for facet in facets:
        try:
            m = latest_map(lib, facet)
        except LibraryError:
            continue
        ax = arxiv_ids(lib, m.assignments)
        out["maps"][facet] = {
            "map_id": m.id, "params": m.params, "scope": m.scope, "created_at": m.created_at,
            "assignments": {(ax.get(p) or str(p)): c for p, c in m.assignments.items()},
            "clusters": [c.to_dict() for c in m.clusters],
        }
    return out
