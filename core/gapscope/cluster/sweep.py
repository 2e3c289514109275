"""`gapscope sweep --ray`: the trials of a sweep on Ray actors, adopted by this process as they finish."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from ..jobs import CancelToken, ProgressFn
from .pool import RayChunkRunner


def trial_worker() -> Callable[[Any], Any]:
    from ..experiments.sweep import run_trial

    return run_trial


def sweep_ray(spec_path: str | Path, grid: Sequence[str], *, runs_dir: str | Path, library_path: Optional[str] = None,
              overrides: Sequence[str] = (), actors: int = 2, cpus_per_actor: int = 1, gpus_per_actor: float = 0,
              metric: Optional[str] = None, progress: Optional[ProgressFn] = None,
              cancel: Optional[CancelToken] = None) -> dict[str, Any]:
    """:func:`gapscope.experiments.sweep.sweep` with each trial on a Ray actor of ``cpus_per_actor`` CPUs
    (the spec's ``train.threads`` should match) and ``gpus_per_actor`` GPUs (1 with ``train.device = "cuda"``)."""
    from ..experiments.sweep import sweep

    runner = RayChunkRunner(trial_worker, actors=actors, cpus=cpus_per_actor, gpus=gpus_per_actor, per_actor=1)
    return sweep(spec_path, grid, runs_dir=runs_dir, library_path=library_path, overrides=overrides, runner=runner,
                 metric=metric, progress=progress, cancel=cancel)
