"""Report figures as PNG bytes (matplotlib, Agg, no pyplot state): the PRISMA flow, a map per facet,
cluster sizes over time, the citation graph. Labels are untrusted text: math parsing is off, so ``$x$`` stays ``$x$``."""

from __future__ import annotations

import io
from typing import Any

from .data import MapData, PrismaSection
from ..exports.text import one_line


def _figure(w: float, h: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h), dpi=110)
    FigureCanvasAgg(fig)
    return fig


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def _rc():
    import matplotlib

    return matplotlib.rc_context({"text.parse_math": False, "text.usetex": False, "font.family": "DejaVu Sans"})


def _short(s: Any, n: int = 40) -> str:
    s = one_line(str(s))
    return s if len(s) <= n else s[: n - 1] + "…"


def prisma_flow_png(p: PrismaSection) -> bytes:
    with _rc():
        fig = _figure(7.5, 6.2)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 10)
        ax.axis("off")
        box = dict(boxstyle="round,pad=0.45", fc="#eef3fb", ec="#3b5b92")
        side = dict(boxstyle="round,pad=0.45", fc="#fbf0ee", ec="#92453b")
        main = [
            (9.2, f"Records identified\nn = {p.identified}"),
            (7.0, f"Records after duplicates removed\nn = {p.after_dedup}"),
            (4.8, f"Records screened\nn = {p.screened}"),
            (2.6, f"Included\nn = {p.included}"),
        ]
        for y, text in main:
            ax.text(3.2, y, text, ha="center", va="center", fontsize=10, bbox=box)
        for (y0, _), (y1, _) in zip(main, main[1:]):
            ax.annotate("", xy=(3.2, y1 + 0.55), xytext=(3.2, y0 - 0.55),
                        arrowprops=dict(arrowstyle="->", color="#3b5b92"))
        reasons = "\n".join(f"– {_short(r, 32)}: {n}" for r, n in list(p.excluded_by_reason.items())[:6])
        sides = [
            (8.1, f"Duplicates removed: {p.duplicates_removed}" + (f"\nUnreadable: {p.unreadable}" if p.unreadable else "")),
            (5.9, f"Not screened yet: {p.not_screened}" + (f"\n(postponed: {p.postponed})" if p.postponed else "")),
            (3.7, f"Excluded: {p.excluded}" + (f"\n{reasons}" if reasons else "")
             + (f"\nMaybe (screened, undecided): {p.maybe}" if p.maybe else "")),
        ]
        for y, text in sides:
            ax.text(7.3, y, text, ha="center", va="center", fontsize=9, bbox=side)
            ax.annotate("", xy=(5.9, y), xytext=(3.2, y), arrowprops=dict(arrowstyle="->", color="#92453b"))
        return _png(fig)


def _palette(n: int):
    import matplotlib

    cmap = matplotlib.colormaps["tab20"]
    return [cmap(i % 20) for i in range(max(n, 1))]


def map_scatter_png(m: MapData, max_labels: int = 20) -> bytes:
    import numpy as np

    with _rc():
        fig = _figure(7.5, 6.0)
        ax = fig.add_subplot(1, 1, 1)
        ids = [c["id"] for c in m.clusters]
        colors = dict(zip(ids, _palette(len(ids))))
        if m.points:
            pts = np.array([(x, y) for x, y, _ in m.points], dtype=float)
            cl = [c for _, _, c in m.points]
            ax.scatter(pts[:, 0], pts[:, 1], s=6, c=[colors.get(c, (0.6, 0.6, 0.6, 1)) for c in cl], alpha=0.7,
                       linewidths=0)
            biggest = sorted(m.clusters, key=lambda c: -c["size"])[:max_labels]
            for c in biggest:
                mask = np.array([k == c["id"] for k in cl])
                if mask.any():
                    cx, cy = pts[mask].mean(axis=0)
                    ax.text(cx, cy, _short(c["label"], 28), fontsize=7, ha="center", va="center",
                            bbox=dict(boxstyle="round,pad=0.2", fc="white", ec=colors[c["id"]], alpha=0.85))
        ax.set_title(f"{m.facet} map: {len(m.clusters)} clusters, {m.n_papers} papers", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        return _png(fig)


def cluster_sizes_png(m: MapData, top: int = 8) -> bytes | None:
    """Papers per year (per month when the map spans fewer than 4 years) for the biggest clusters;
    None when the map has no dated clusters."""
    biggest = sorted(m.clusters, key=lambda c: -c["size"])[:top]
    years = {y for c in biggest for y in c.get("sizes_by_year") or {}}
    months = {mo for c in biggest for mo in c.get("sizes_by_month") or {}}
    key, unit = ("sizes_by_month", "month") if len(years) < 4 and len(months) >= 3 else ("sizes_by_year", "year")
    clusters = [c for c in biggest if c.get(key)]
    if not clusters:
        return None
    steps = sorted({s for c in clusters for s in c[key]})
    with _rc():
        fig = _figure(7.5, 4.0)
        ax = fig.add_subplot(1, 1, 1)
        xs = list(range(len(steps)))
        for c, color in zip(clusters, _palette(len(clusters))):
            ax.plot(xs, [c[key].get(s, 0) for s in steps], marker="o", markersize=3, color=color,
                    label=_short(c["label"], 30))
        every = max(1, len(steps) // 10)
        ax.set_xticks(xs[::every], [str(s) for s in steps[::every]], rotation=45 if unit == "month" else 0,
                      fontsize=7)
        ax.set_xlabel(unit)
        ax.set_ylabel("papers")
        ax.set_title(f"{m.facet} clusters over time (papers per {unit})", fontsize=10)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        return _png(fig)


def citation_graph_png(fig) -> bytes:
    """The citation graph (a :class:`gapscope.citations.figure.GraphFigure`) for the report."""
    import numpy as np

    from ..citations.figure import node_sizes

    with _rc():
        f = _figure(7.5, 6.0)
        ax = f.add_subplot(1, 1, 1)
        xy = np.array([(n["x"], n["y"]) for n in fig.nodes], dtype=float).reshape(-1, 2)
        if fig.edges:
            top = max(w for *_, w in fig.edges)
            for a, b, w in fig.edges:
                ax.plot(xy[[a, b], 0], xy[[a, b], 1], color="#8895a7", lw=0.3 + 1.7 * w / top, alpha=0.35, zorder=1)
        ids = sorted(fig.clusters)
        colors = dict(zip(ids, _palette(len(ids))))
        cols = [colors.get(n["cluster"], (0.6, 0.6, 0.6, 1.0)) for n in fig.nodes]
        sizes = node_sizes([n["citations"] for n in fig.nodes], small=4.0, big=24.0) ** 2
        ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=cols, edgecolors="white", linewidths=0.4, zorder=2)
        shown = [cid for cid in ids if any(n["cluster"] == cid for n in fig.nodes)][:10]
        for cid in shown:   # legend: the topic clusters present
            ax.scatter([], [], s=30, color=colors[cid], label=_short(fig.clusters[cid], 30))
        if shown:
            ax.legend(fontsize=6.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="topic cluster",
                      title_fontsize=7)
        for i in np.argsort([-n["citations"] for n in fig.nodes])[:8]:
            ax.text(xy[i, 0], xy[i, 1], _short(fig.nodes[i]["title"], 30), fontsize=6, ha="center", va="bottom", zorder=3)
        ax.set_title(f"Citation graph: {len(fig.nodes)} of {fig.total_papers} papers, {len(fig.edges)} coupling links",
                     fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        return _png(f)
