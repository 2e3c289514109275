"""Gaps: what the maps say is missing, each with a type, a score, a plain statement and evidence papers.

Types: method_x_problem (link prediction on the method/problem bipartite graph), unaddressed_shortcoming,
thin_growing. `backtest` checks the method x problem gaps against papers that came later.
"""

from .backtest import backtest, backtest_arrays
from .detect import method_x_problem, thin_growing, unaddressed_shortcoming
from .find import detect_all, find_gaps
from .model import GAP_TYPES, ClusterRef, Gap
from .store import get_gap, list_gaps, save_gaps, stored_gap_dict

__all__ = ["GAP_TYPES", "ClusterRef", "Gap", "backtest", "backtest_arrays", "detect_all", "find_gaps", "get_gap",
           "list_gaps", "method_x_problem", "save_gaps", "stored_gap_dict", "thin_growing", "unaddressed_shortcoming"]
