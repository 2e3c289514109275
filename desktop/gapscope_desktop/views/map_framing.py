"""Where the Maps view looks first: the bulk of the points, not every one of them. A cluster of two or
three papers far from the rest would otherwise stretch the axes and squeeze hundreds of points into a
strip under their labels; those few stay one click away ("Show all points")."""

from __future__ import annotations

import numpy as np

# the share of the points, per axis, that the first view frames; the rest may lie beyond its edges
BULK_PERCENTILES = (1.0, 99.0)
MARGIN = 0.06       # room around the framed points, as a share of their span on that axis
# points beyond the percentiles still framed while each lies within this share of the span of the last one
TAIL_GAP = 0.25

Range = tuple[tuple[float, float], tuple[float, float]]     # ((x0, x1), (y0, y1))


def _padded(lo: np.ndarray, hi: np.ndarray) -> Range:
    span = hi - lo
    # a single point (or a line of them) still gets a window around it
    pad = np.where(span > 0, span * MARGIN, np.maximum(np.abs(lo), 1.0) * MARGIN)
    return (float(lo[0] - pad[0]), float(hi[0] + pad[0])), (float(lo[1] - pad[1]), float(hi[1] + pad[1]))


def _reach(edge: float, beyond: np.ndarray, step: float) -> float:
    """``edge`` moved out over the points ``beyond`` it (sorted away from it) while none is more than
    ``step`` from the last one reached: the bulk's thin tail comes in, a cluster across a gap does not."""
    for v in beyond:
        if abs(v - edge) > step:
            break
        edge = v
    return edge


def bulk_range(xy: np.ndarray) -> Range:
    """The view that frames the points between the 1st and 99th percentile of each axis, stretched over
    the points that continue them without a gap, with a margin."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    lo, hi = np.percentile(xy, BULK_PERCENTILES, axis=0)
    for axis in (0, 1):
        values, step = np.sort(xy[:, axis]), (hi[axis] - lo[axis]) * TAIL_GAP
        lo[axis] = _reach(lo[axis], values[values < lo[axis]][::-1], step)
        hi[axis] = _reach(hi[axis], values[values > hi[axis]], step)
    return _padded(lo, hi)


def full_range(xy: np.ndarray) -> Range:
    """The view that frames every point, with the same margin."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    return _padded(xy.min(axis=0), xy.max(axis=0))


def count_outside(xy: np.ndarray, view: Range) -> int:
    """How many points lie beyond the edges of ``view``."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    (x0, x1), (y0, y1) = view
    inside = (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
    return int((~inside).sum())
