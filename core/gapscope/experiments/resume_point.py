"""Where a resumed run continues: the first unfinished fold (in the runner's order, seed by seed) and the
epoch of it that comes next, from the fold's saved state when it has one. The start event of a resumed run
carries it as ``resume_from``; :func:`resume_line` says it in words for `gapscope run --resume` and the
Experiments view, so that a user sees the run did not start over."""

from __future__ import annotations

from typing import Any, Optional


def resume_point(seeds: list[int], n_folds: int, done: set[tuple[int, int]],
                 saved: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
    """``saved``: the unfinished fold's checkpoint ({"seed", "fold", "state"}), None when there is none (or it
    could not be read: that fold starts again). None when every fold is finished."""
    order = [(s, f) for s in seeds for f in range(n_folds)]
    todo = [key for key in order if key not in done]
    if not todo:
        return None
    seed, fold = todo[0]
    epoch = batch = 0
    if saved and saved.get("state") and (saved["seed"], saved["fold"]) == (seed, fold):
        epoch, batch = int(saved["state"]["epoch"]), int(saved["state"]["batch"])
    return {"seed": seed, "fold": fold, "position": order.index((seed, fold)) + 1, "epoch": epoch + 1,
            "batch": batch, "folds_kept": len(done)}


def resume_line(start: dict[str, Any]) -> str:
    """``start``: a resumed run's start event. "resuming fold 2/5 (seed 0 fold 1) at epoch 31/40; 1 finished
    fold kept" (fold ids as the epoch lines print them, from 0; the position in the run from 1)."""
    at = start.get("resume_from")
    total = start.get("folds_total") or "?"
    if not at:
        return f"resuming: all {total} folds are finished; writing the results"
    epochs = start.get("epochs")
    where = f"epoch {at['epoch']}/{epochs}" if epochs else f"epoch {at['epoch']}"
    if at["batch"]:
        where += f" (its batch {at['batch'] + 1} on)"
    kept = at["folds_kept"]
    kept_text = (f"{kept} finished fold{'s' if kept != 1 else ''} kept" if kept else "no fold was finished yet")
    return (f"resuming fold {at['position']}/{total} (seed {at['seed']} fold {at['fold']}) at {where}; "
            f"{kept_text}")
