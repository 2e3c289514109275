"""Ray options shared by the commands that can run on a cluster (`--ray [ADDRESS]`), and `gapscope sweep`."""

from __future__ import annotations

from typing import Optional

import click

from .common import EXIT_USAGE, fail


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


def default_actors(ray, actors: Optional[int], cpus_per_actor: int, device: Optional[str]) -> int:
    if actors:
        return actors
    res = ray.cluster_resources()
    if str(device or "").startswith("cuda"):
        return max(1, int(res.get("GPU", 0)))
    return max(1, int(res.get("CPU", 1) // cpus_per_actor))


def register(main: click.Group) -> None:
    pass
