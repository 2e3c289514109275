"""Ray options shared by the commands that can run on a cluster (`--ray [ADDRESS]`), and `gapscope sweep`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import click

from .common import (EXIT_CANCELLED, EXIT_ERROR, EXIT_NOT_FOUND, EXIT_USAGE, emit_json, fail, pass_library,
                     progress_bar)


def ray_options(f):
    """``--ray [ADDRESS]`` (bare: ``local``), ``--ray-actors``, ``--ray-cpus-per-actor``."""
    f = click.option("--ray-cpus-per-actor", "ray_cpus_per_actor", type=click.IntRange(1), default=1, show_default=True,
                     help="CPUs (torch threads) per Ray actor.")(f)
    f = click.option("--ray-actors", "ray_actors", type=click.IntRange(1), default=None,
                     help="Ray actors (default: one per GPU when --device cuda, else the cluster's CPUs / CPUs per actor).")(f)
    f = click.option("--ray", "ray_address", is_flag=False, flag_value="local", default=None, metavar="[ADDRESS]",
                     help="Run on Ray: `--ray` or `--ray local` starts Ray on this machine; `--ray ADDRESS` "
                          "(auto, HOST:6379, ray://HOST:10001) joins a cluster. Needs gapscope[cluster].")(f)
    return f


def require_ray() -> None:
    """Without Ray installed: say how to install it and exit 2 (bad usage: nothing was started)."""
    from ..cluster import ClusterUnavailable
    from ..cluster.session import import_ray

    try:
        import_ray()
    except ClusterUnavailable as exc:
        fail(str(exc), EXIT_USAGE)


def run_on_ray(label: str, address: str, actors: Optional[int], cpus_per_actor: int, device: Optional[str],
               quiet: bool, job):
    """Start (or join) Ray for one command and run ``job(actors=N, progress=..., cancel=...)`` under a
    progress bar; Ray that cannot be reached ends the command (exit 1). A cancel propagates: each command
    says what it keeps."""
    from ..cluster import ClusterUnavailable, ray_session

    require_ray()
    try:
        with ray_session(address) as ray:
            n = default_actors(ray, actors, cpus_per_actor, device)
            with progress_bar(f"{label} (ray, {n} actors)", enabled=not quiet) as (progress, cancel):
                return job(actors=n, progress=progress, cancel=cancel)
    except ClusterUnavailable as exc:
        fail(str(exc), EXIT_ERROR)


def default_actors(ray, actors: Optional[int], cpus_per_actor: int, device: Optional[str]) -> int:
    if actors:
        return actors
    res = ray.cluster_resources()
    if str(device or "").startswith("cuda"):
        return max(1, int(res.get("GPU", 0)))
    return max(1, int(res.get("CPU", 1) // cpus_per_actor))


@click.command("sweep")
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option("--grid", "grid", multiple=True, metavar="KEY=V1,V2,...", required=True,
              help="Values of one spec key (repeatable; every combination is a trial), e.g. --grid train.lr=0.001,0.01 "
                   "--grid eval.seeds=[0],[1]. Values are read as TOML; commas inside [...] belong to the value.")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a spec value in every trial.")
@click.option("--runs-dir", type=click.Path(file_okay=False), help="Where run folders go (default: <library folder>/runs).")
@click.option("--metric", help="The metric that picks the best trial (default: the spec's first).")
@ray_options
@click.option("--json", "as_json", is_flag=True, help="The table and comparisons as one JSON object.")
@click.option("--quiet", "-q", is_flag=True)
@pass_library
def sweep_cmd(ref, spec, grid, overrides, runs_dir, metric, ray_address, ray_actors, ray_cpus_per_actor,
              as_json, quiet) -> None:
    """Run a grid of a spec's settings, each trial a normal run linked in the library; then a summary
    table and the paired comparison of the best trial with each other one. With --ray the trials run
    on Ray actors (one trial per actor at a time) and come back here to be recorded."""
    from ..experiments.datasets import DatasetError
    from ..experiments.spec import SpecError
    from ..experiments.store import default_runs_dir
    from ..experiments.sweep import check_trials_data, format_table, sweep, trial_specs
    from ..jobs import Cancelled

    lib_path = str(ref.path) if (getattr(ref, "_path", None) or ref.path.exists()) else None
    rd = Path(runs_dir) if runs_dir else default_runs_dir(ref.path)
    try:
        check_trials_data(trial_specs(spec, grid, overrides), lib_path)   # every bad key, value or data file
    except SpecError as exc:
        fail(str(exc), EXIT_NOT_FOUND if "no such spec file" in str(exc) else EXIT_ERROR)
    except DatasetError as exc:
        fail(f"Not started: {exc}. No trial was run.")
    try:
        if ray_address:
            from ..cluster.sweep import sweep_ray

            result = run_on_ray("sweep", ray_address, ray_actors, ray_cpus_per_actor, None, quiet or as_json,
                                lambda **kw: sweep_ray(spec, grid, runs_dir=rd, library_path=lib_path,
                                                       overrides=overrides, cpus_per_actor=ray_cpus_per_actor,
                                                       metric=metric, **kw))
        else:
            with progress_bar("sweep", enabled=not quiet and not as_json) as (progress, cancel):
                result = sweep(spec, grid, runs_dir=rd, library_path=lib_path, overrides=overrides, metric=metric,
                               progress=progress, cancel=cancel)
    except (SpecError, DatasetError) as exc:
        # checked above: the data changed (or cannot be read where a trial ran) once the sweep was under way
        fail(f"Stopped: {exc}. The trials that finished before are recorded (`gapscope runs list`).")
    except Cancelled:
        click.echo("cancelled: finished trials are recorded; resume a cancelled one with `gapscope run --resume`",
                   err=True)
        raise SystemExit(EXIT_CANCELLED)
    if as_json:
        emit_json(result)
    else:
        click.echo(format_table(result))
    if any(t["status"] != "done" for t in result["trials"]):
        raise SystemExit(EXIT_ERROR)


def register(main: click.Group) -> None:
    main.add_command(sweep_cmd)
