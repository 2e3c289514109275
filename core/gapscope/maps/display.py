"""Drawing a map so a person can read it: a palette whose colours stay apart for any number of
clusters, and label placement without overlap. Pure numpy; the desktop view (pyqtgraph) and the
report's figure (matplotlib) both measure their labels in pixels and ask :func:`place_labels` where
each one may go.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Iterable, Sequence

import numpy as np

# --- palette ---------------------------------------------------------------------------------------

# Lightness and chroma limits of the palette in CIELAB: dark enough to see small points on white and to
# carry a white-boxed label's border, light enough to tell hues apart, never grey.
_L_RANGE = (38.0, 78.0)
_MIN_CHROMA = 28.0


def _srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB in [0, 1] (n, 3) to CIELAB (D65)."""
    c = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375],
                  [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = c @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1)


def _candidates() -> tuple[np.ndarray, np.ndarray]:
    steps = np.linspace(0.0, 1.0, 18)
    rgb = np.stack(np.meshgrid(steps, steps, steps, indexing="ij"), axis=-1).reshape(-1, 3)
    lab = _srgb_to_lab(rgb)
    chroma = np.hypot(lab[:, 1], lab[:, 2])
    keep = (lab[:, 0] >= _L_RANGE[0]) & (lab[:, 0] <= _L_RANGE[1]) & (chroma >= _MIN_CHROMA)
    return rgb[keep], lab[keep]


_CACHE: dict[int, list[str]] = {}


def palette(n: int) -> list[str]:
    """``n`` distinct colours as ``#rrggbb``, each as far (CIELAB distance) from all earlier ones as
    the candidates allow: the greedy farthest-point construction of Glasbey et al. (2007). The first
    colours are the most distinct, so give them to the biggest clusters. Deterministic; never repeats."""
    n = max(int(n), 0)
    if n in _CACHE:
        return list(_CACHE[n])
    rgb, lab = _candidates()
    # start from a saturated blue, then always take the candidate farthest from every colour taken
    first = int(np.argmin(np.linalg.norm(lab - _srgb_to_lab(np.array([[0.12, 0.47, 0.71]]))[0], axis=1)))
    chosen = [first]
    dist = np.linalg.norm(lab - lab[first], axis=1)
    while len(chosen) < min(n, len(rgb)):
        nxt = int(np.argmax(dist))
        chosen.append(nxt)
        dist = np.minimum(dist, np.linalg.norm(lab - lab[nxt], axis=1))
    out = ["#%02x%02x%02x" % tuple(int(round(v * 255)) for v in rgb[i]) for i in chosen[:n]]
    _CACHE[n] = out
    return list(out)


def min_lab_distance(colours: Sequence[str]) -> float:
    """The smallest CIELAB distance between two of ``colours`` (inf for fewer than two)."""
    if len(colours) < 2:
        return float("inf")
    rgb = np.array([[int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)] for c in colours])
    lab = _srgb_to_lab(rgb)
    d = np.linalg.norm(lab[:, None, :] - lab[None, :, :], axis=-1)
    d[np.diag_indices(len(colours))] = np.inf
    return float(d.min())


def colours_by_size(clusters: Iterable[tuple[Hashable, int]]) -> dict[Hashable, str]:
    """{cluster id: colour} with the most distinct colours going to the biggest clusters."""
    order = sorted(clusters, key=lambda t: (-t[1], str(t[0])))
    return {cid: col for (cid, _), col in zip(order, palette(len(order)))}


# --- label placement -------------------------------------------------------------------------------

@dataclass
class Label:
    """A label to place: its anchor (the cluster's centre) and its size, both in pixels."""

    key: Hashable
    x: float
    y: float
    w: float
    h: float
    priority: float = 0.0   # bigger first (the cluster's size)


# Where to try a label, as multiples of its own (width, height) from the anchor: on it first, then
# above / below, then beside, then further out. A label that fits none of them is left to hover.
_OFFSETS = [(0, 0), (0, -1), (0, 1), (0.6, 0), (-0.6, 0), (0.6, -1), (-0.6, -1), (0.6, 1), (-0.6, 1),
            (0, -2), (0, 2), (1.1, 0), (-1.1, 0), (1.1, -1), (-1.1, 1), (1.1, 1), (-1.1, -1)]


def place_labels(labels: Sequence[Label], bounds: tuple[float, float, float, float], *,
                 always: Iterable[Hashable] = (), avoid: Sequence[tuple[float, float, float, float]] = (),
                 pad: float = 2.0) -> dict[Hashable, tuple[float, float]]:
    """Greedy placement without overlap: ``{key: (centre x, centre y)}`` of the labels drawn.

    ``bounds`` is the drawing area (x0, y0, x1, y1) in pixels: every placed box lies inside it. Labels
    in ``always`` (the selected clusters) go first, then by ``priority``; each takes the first of a few
    positions around its anchor that keeps ``pad`` pixels from the boxes already placed and from the
    ``avoid`` rectangles (a legend); a label with no such position is dropped (shown on hover)."""
    # a margin of ``pad`` inside the edges too: a label touching the frame reads as clipped
    x0, y0, x1, y1 = bounds[0] + pad, bounds[1] + pad, bounds[2] - pad, bounds[3] - pad
    must = set(always)
    order = sorted(labels, key=lambda lb: (lb.key not in must, -lb.priority))
    placed: list[tuple[float, float, float, float]] = list(avoid)
    out: dict[Hashable, tuple[float, float]] = {}
    for lb in order:
        if lb.w > x1 - x0 or lb.h > y1 - y0:
            continue
        boxes = np.array(placed, dtype=float).reshape(-1, 4)
        spot = None
        for fx, fy in _OFFSETS:
            cx = lb.x + fx * lb.w
            cy = lb.y + fy * lb.h
            # keep it inside the plot: slide it in rather than let the edge clip it
            cx = min(max(cx, x0 + lb.w / 2), x1 - lb.w / 2)
            cy = min(max(cy, y0 + lb.h / 2), y1 - lb.h / 2)
            box = (cx - lb.w / 2 - pad, cy - lb.h / 2 - pad, cx + lb.w / 2 + pad, cy + lb.h / 2 + pad)
            if not len(boxes) or not np.any((boxes[:, 0] < box[2]) & (box[0] < boxes[:, 2])
                                            & (boxes[:, 1] < box[3]) & (box[1] < boxes[:, 3])):
                spot = (cx, cy)
                break
        if spot is None and lb.key in must:
            spot = (min(max(lb.x, x0 + lb.w / 2), x1 - lb.w / 2), min(max(lb.y, y0 + lb.h / 2), y1 - lb.h / 2))
            # the selected cluster is always labelled: the labels it covers give way
            hit = [k for k, (cx, cy) in out.items() if _overlap(spot, lb, (cx, cy), _size(labels, k), pad)]
            for k in hit:
                del out[k]
            placed = list(avoid) + [_box(out[k], _size(labels, k), pad) for k in out]
        if spot is not None:
            out[lb.key] = spot
            placed.append(_box(spot, (lb.w, lb.h), pad))
    return out


def _size(labels: Sequence[Label], key: Hashable) -> tuple[float, float]:
    lb = next(lb for lb in labels if lb.key == key)
    return lb.w, lb.h


def _box(c: tuple[float, float], size: tuple[float, float], pad: float) -> tuple[float, float, float, float]:
    (cx, cy), (w, h) = c, size
    return cx - w / 2 - pad, cy - h / 2 - pad, cx + w / 2 + pad, cy + h / 2 + pad


def _overlap(spot, lb: Label, other: tuple[float, float], size: tuple[float, float], pad: float) -> bool:
    a = _box(spot, (lb.w, lb.h), pad)
    b = _box(other, size, pad)
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def boxes_overlap(boxes: Sequence[tuple[float, float, float, float]]) -> list[tuple[int, int]]:
    """Pairs (i, j) of boxes (x0, y0, x1, y1) that overlap: what the tests check of drawn labels."""
    b = np.array(boxes, dtype=float).reshape(-1, 4)
    hit = ((b[:, None, 0] < b[None, :, 2]) & (b[None, :, 0] < b[:, None, 2])
           & (b[:, None, 1] < b[None, :, 3]) & (b[None, :, 1] < b[:, None, 3]))
    i, j = np.nonzero(np.triu(hit, 1))
    return list(zip(i.tolist(), j.tolist()))


def short_label(text: str, n: int = 28, lines: int = 2) -> str:
    """A label fitted to ``n`` characters a line, on at most ``lines`` lines. A list of terms ("cropping,
    pre-trained vision-language, vision encoders") keeps as many whole terms as fit on one line, and never
    fewer than two: when the two first do not fit they go on two lines (each cut with an ellipsis if it is
    longer than a line alone), or with one line, cut after the second term's start. A lone first keyword
    ("cropping") would read as the cluster's name. A phrase too long for a line wraps at a space. The whole
    label stays in the tooltip, the cluster list and the legend's table."""
    text = " ".join(str(text or "").split())
    if len(text) <= n:
        return text
    parts = text.split(", ")
    if len(parts) > 1:
        for k in range(len(parts) - 1, 1, -1):
            if len(", ".join(parts[:k])) <= n:
                return ", ".join(parts[:k])
        if lines < 2:
            return _clip(", ".join(parts[:2]), n)
        return _clip(parts[0] + ",", n) + "\n" + _clip(parts[1], n)
    if lines >= 2:
        cut = text.rfind(" ", 0, n + 1)
        if cut > 0:
            return text[:cut] + "\n" + _clip(text[cut + 1:], n)
    return _clip(text, n)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip(" ,") + "\u2026"


__all__ = ["Label", "boxes_overlap", "colours_by_size", "min_lab_distance", "palette", "place_labels",
           "short_label"]

