"""Maps: FAISS spherical k-means over each facet's embeddings (method, result, shortcoming) and over
whole abstracts (topic), with c-TF-IDF labels, sizes over time, a 2-D layout and per-cluster stability.

Heavy libraries (faiss, sklearn, scipy) are imported inside the functions that need them.
"""

from .build import apply_labels, build_maps, make_map
from .labels import PaperConcepts
from ..vocabulary import MAP_FACETS
from .model import Cluster, Map, MapSet
from .store import export_maps, latest_map, list_maps, load_map, save_labels, save_map

__all__ = ["MAP_FACETS", "Cluster", "Map", "MapSet", "PaperConcepts", "apply_labels", "build_maps", "export_maps", "latest_map", "list_maps",
           "load_map", "make_map", "save_labels", "save_map"]
