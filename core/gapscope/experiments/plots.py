"""Loss curves of a run as a PNG (matplotlib, headless). The title holds the run's name, which may be in
Chinese, Japanese or Korean: those characters are drawn in a font of this computer that has them, as in
the report's charts (gapscope/fonts.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def plot_curves(records: list[dict[str, Any]], out: Path, title: str = "") -> None:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    from ..fonts import use_fallback_fonts

    runs: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for r in records:
        runs.setdefault((r["seed"], r["fold"]), []).append(r)
    metric = next((k for k in records[0] if k.startswith("val_") and k != "val_loss"), None)
    fig, axes = plt.subplots(1, 2 if metric else 1, figsize=(11 if metric else 6, 4), squeeze=False)
    ax = axes[0][0]
    for i, ((seed, fold), rs) in enumerate(sorted(runs.items())):
        color = f"C{i % 10}"
        ep = [r["epoch"] for r in rs]
        ax.plot(ep, [r["train_loss"] for r in rs], color=color, lw=1.2, label=f"s{seed} f{fold} train")
        if "val_loss" in rs[0]:
            ax.plot(ep, [r.get("val_loss") for r in rs], color=color, lw=1.2, ls="--", label=f"s{seed} f{fold} val")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_yscale("log")
    ax.set_title("loss (solid: train, dashed: validation)")
    if len(runs) <= 5:
        ax.legend(fontsize=7)
    if metric:
        ax2 = axes[0][1]
        for i, ((seed, fold), rs) in enumerate(sorted(runs.items())):
            ax2.plot([r["epoch"] for r in rs], [r.get(metric) for r in rs], color=f"C{i % 10}", lw=1.2)
        ax2.set_xlabel("epoch")
        ax2.set_ylabel(metric.replace("_", " "))
        ax2.set_title(metric.replace("_", " "))
    fig.suptitle(title)
    use_fallback_fonts(fig)                 # before the layout: a label's size depends on its font
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    plt.close(fig)
