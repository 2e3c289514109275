"""Report figures as PNG bytes (matplotlib, Agg, no pyplot state): the PRISMA flow, a map per facet,
cluster sizes over time, the citation graph. Labels are untrusted text: math parsing is off, so ``$x$`` stays ``$x$``.
Text is drawn in DejaVu Sans; a figure whose labels hold characters it lacks (Chinese, Japanese, Korean)
takes them from a font of this computer that has them (see fonts.use_fallback_fonts)."""

from __future__ import annotations

import io
from typing import Any

from .coverage import covered_steps, partial_note
from .data import MapData, PrismaSection
from ..fonts import use_fallback_fonts
from ..exports.text import one_line
from ..textfmt import plural


def _figure(w: float, h: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h), dpi=110)
    FigureCanvasAgg(fig)
    return fig


def _png(fig) -> bytes:
    use_fallback_fonts(fig)
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


def map_colours(m: MapData) -> dict[int, str]:
    """The map's colour per cluster, the same in the scatter, its legend and the time chart."""
    from ..maps.display import colours_by_size

    return colours_by_size((c["id"], c["size"]) for c in m.clusters)


LEGEND_CLUSTERS = 12   # the legend lists the biggest; the table under the figure lists every cluster


def map_figure(m: MapData, *, place: bool = True):
    """The map as a matplotlib Figure, and the label artists drawn on it. Labels are placed without
    overlap inside the axes (biggest clusters first; see gapscope.maps.display.place_labels); with
    ``place=False`` every label sits at its cluster's centre (only to show what placement prevents)."""
    import numpy as np
    from matplotlib.lines import Line2D

    from ..maps.display import Label, place_labels, short_label

    fig = _figure(7.4, 4.9)   # printed 170 mm wide: the labels keep about their size
    ax = fig.add_axes((0.01, 0.02, 0.64, 0.88))
    colours = map_colours(m)
    drawn = []
    if m.points:
        pts = np.array([(x, y) for x, y, _ in m.points], dtype=float)
        cl = np.array([c for _, _, c in m.points])
        ax.scatter(pts[:, 0], pts[:, 1], s=6, c=[colours.get(int(c), "#999999") for c in cl], alpha=0.75,
                   linewidths=0)
        pad_x = (pts[:, 0].max() - pts[:, 0].min()) * 0.03 or 1.0
        pad_y = (pts[:, 1].max() - pts[:, 1].min()) * 0.03 or 1.0
        ax.set_xlim(pts[:, 0].min() - pad_x, pts[:, 0].max() + pad_x)
        ax.set_ylim(pts[:, 1].min() - pad_y, pts[:, 1].max() + pad_y)
        texts = {}
        for c in m.clusters:
            mask = cl == c["id"]
            if mask.any():
                cx, cy = pts[mask].mean(axis=0)
                texts[c["id"]] = (cx, cy, ax.text(cx, cy, short_label(c["label"], 24), fontsize=6.5, ha="center",
                                                  va="center", zorder=5,
                                                  bbox=dict(boxstyle="round,pad=0.2", fc="white",
                                                            ec=colours[c["id"]], lw=0.8, alpha=0.9)))
        use_fallback_fonts(fig)
        fig.canvas.draw()  # sizes each label's box (its patch is laid out when drawn)
        renderer = fig.canvas.get_renderer()
        area = ax.get_window_extent(renderer)
        todo = []
        sizes = {c["id"]: c["size"] for c in m.clusters}
        for cid, (cx, cy, t) in texts.items():
            box = t.get_bbox_patch().get_window_extent(renderer)
            px, py = ax.transData.transform((cx, cy))
            todo.append(Label(cid, px, py, box.width, box.height, sizes.get(cid, 0)))
        where = (place_labels(todo, (area.x0, area.y0, area.x1, area.y1), pad=1.5) if place
                 else {lb.key: (lb.x, lb.y) for lb in todo})
        inverse = ax.transData.inverted()
        for cid, (_cx, _cy, t) in texts.items():
            if cid in where:
                t.set_position(inverse.transform(where[cid]))
                drawn.append(t)
            else:
                t.set_visible(False)
    biggest = sorted(m.clusters, key=lambda c: -c["size"])[:LEGEND_CLUSTERS]
    handles = [Line2D([], [], marker="o", linestyle="", markersize=6, color=colours[c["id"]],
                      label=f"{short_label(c['label'], 30, lines=1)} ({c['size']})") for c in biggest]
    if handles:
        more = len(m.clusters) - len(handles)
        fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.66, 0.91), fontsize=6.5, frameon=False,
                   title="Biggest clusters (papers)" + (f"\n{more} more in the table below" if more > 0 else ""),
                   title_fontsize=7, alignment="left")
    fig.suptitle(f"{m.facet.capitalize()} map: {len(m.clusters)} clusters, {m.n_papers} papers; "
                 f"{len(drawn)} labelled where they fit", fontsize=10, x=0.01, ha="left")
    ax.set_xticks([])
    ax.set_yticks([])
    return fig, drawn


def map_scatter_png(m: MapData) -> bytes:
    with _rc():
        fig, _drawn = map_figure(m)
        return _png(fig)


# The time chart needs this many points on its time axis (months, or years for a corpus of 6 years or
# more): with fewer, each cluster is one to five dots and a line between them claims a trend the data
# cannot show (a short corpus gave one point per series).
MIN_TIME_STEPS = 6


def time_steps(m: MapData, top: int = 8) -> tuple[str, str, list[str]]:
    """(sizes key, unit, steps) the time chart would use for the biggest ``top`` clusters, every step the
    papers touch (covered_steps says which the chart draws)."""
    biggest = sorted(m.clusters, key=lambda c: -c["size"])[:top]
    years = sorted({y for c in biggest for y in c.get("sizes_by_year") or {}})
    months = sorted({mo for c in biggest for mo in c.get("sizes_by_month") or {}})
    if len(years) >= MIN_TIME_STEPS or not months:
        return "sizes_by_year", "year", years
    return "sizes_by_month", "month", months


def drawn_steps(m: MapData, top: int = 8):
    """(sizes key, unit, coverage.Steps): the steps the chart draws, a partial one at either end scaled up
    or left out (coverage.py)."""
    key, unit, steps = time_steps(m, top)
    return key, unit, covered_steps(steps, m.first_date, m.last_date)


def time_note(m: MapData) -> str | None:
    """Why the clusters-over-time chart is not drawn, or None when it is."""
    _key, unit, steps = time_steps(m)
    drawn = drawn_steps(m)[2].steps
    if len(drawn) >= MIN_TIME_STEPS:
        return None
    if not steps:
        return "Clusters over time is not drawn: no paper on this map has a publication date."
    span = f"{steps[0]} to {steps[-1]}" if len(steps) > 1 else steps[0]
    whole = f", {len(drawn)} of them covered enough to draw" if len(drawn) < len(steps) else ""
    return (f"Clusters over time is not drawn: the papers span {plural(len(steps), unit)} ({span}){whole}, and a "
            f"trend needs at least {MIN_TIME_STEPS} points in time; the cluster sizes are in the table.")


def time_caption(m: MapData, top: int = 8) -> str | None:
    """The chart's caption: what it draws and which partial month (year) at either end is scaled up or left
    out; None when no chart is drawn."""
    if time_note(m) is not None:
        return None
    key, unit, s = drawn_steps(m, top)
    biggest = sorted(m.clusters, key=lambda c: -c["size"])[:top]
    # cluster_sizes_png draws a line only for a cluster with papers dated to the unit
    undrawn = sum(1 for c in biggest if not c.get(key))
    blank = (f" {undrawn} of them {'has' if undrawn == 1 else 'have'} no paper dated to the {unit} and "
             f"{'is' if undrawn == 1 else 'are'} not drawn." if undrawn else "")
    return " ".join(x for x in (f"Papers per {unit} in the {len(biggest)} biggest {m.facet} clusters, in their map "
                                f"colours.{blank}", partial_note(s, unit)) if x)


def cluster_sizes_png(m: MapData, top: int = 8) -> bytes | None:
    """Papers per month (per year for a corpus of 6 years or more) in the biggest clusters, in the map's
    colours, a month the papers cover in part at either end scaled up (hollow) or left out; None when there
    are too few points in time (see :func:`time_note`)."""
    if time_note(m) is not None:
        return None
    key, unit, s = drawn_steps(m, top)
    steps = s.steps
    biggest = sorted(m.clusters, key=lambda c: -c["size"])[:top]
    clusters = [c for c in biggest if c.get(key)]
    colours = map_colours(m)
    with _rc():
        fig = _figure(7.5, 4.0)
        ax = fig.add_subplot(1, 1, 1)
        xs = list(range(len(steps)))
        for c in clusters:
            ys = [c[key].get(step, 0) * s.scale.get(step, 1.0) for step in steps]
            ax.plot(xs, ys, marker="o", markersize=3, color=colours[c["id"]], label=_short(c["label"], 30))
            hollow = [i for i, step in enumerate(steps) if step in s.scale]
            if hollow:        # a scaled-up partial end: an estimate, drawn hollow
                ax.plot([xs[i] for i in hollow], [ys[i] for i in hollow], linestyle="", marker="o", markersize=5,
                        markerfacecolor="white", markeredgecolor=colours[c["id"]])
        every = max(1, len(steps) // 10)
        ax.set_xticks(xs[::every], [str(x) for x in steps[::every]], rotation=45 if unit == "month" else 0,
                      fontsize=7)
        # the figure travels without the report's caption: it names the partial ends itself
        ax.set_xlabel(unit + "".join(f"\n{x}" for x in _partial_marks(s)))
        ax.set_ylabel("papers")
        ax.set_title(f"{m.facet.capitalize()} clusters over time (papers per {unit})", fontsize=10)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        return _png(fig)


def _partial_marks(s) -> list[str]:
    """A few words under the time axis per partial end: "2026-07 left out: 1 of 31 days covered"."""
    return [f"{p.step} {'scaled up (hollow)' if p.scaled else 'left out'}: {p.covered} of {p.days} days covered"
            for p in s.partial]


def _palette(n: int) -> list[str]:
    from ..maps.display import palette

    return palette(n)


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
