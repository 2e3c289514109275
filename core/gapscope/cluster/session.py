"""Start or join Ray: ``local`` starts a private Ray on this machine, anything else is a cluster address."""

from __future__ import annotations

import contextlib
import os
from typing import Iterator, Optional

RAY_VERSION = "2.60.0"
INSTALL_HINT = (f"Ray is not installed. Install the cluster extra: pip install 'gapscope[cluster]' "
                f"(or pip install 'ray[data]=={RAY_VERSION}'), then run again.")


class ClusterUnavailable(RuntimeError):
    """Ray is missing, or the cluster cannot be reached; the message says what to do."""


def import_ray():
    try:
        import ray
    except ImportError as exc:
        raise ClusterUnavailable(INSTALL_HINT) from exc
    return ray


@contextlib.contextmanager
def ray_session(address: str = "local", *, num_cpus: Optional[int] = None) -> Iterator[object]:
    """Ray, started (``address="local"``: a private instance with ``num_cpus`` CPUs, default this
    machine's) or joined (``"auto"``, ``"ray://head:10001"``, ``"10.0.0.5:6379"``), and shut down on
    exit. When Ray is already initialised in this process (a test, a notebook) it is used as it is."""
    ray = import_ray()
    if ray.is_initialized():
        yield ray
        return
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        if address in (None, "", "local"):
            ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False,
                     configure_logging=False)
        else:
            ray.init(address=address, log_to_driver=False, configure_logging=False)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ClusterUnavailable(f"cannot start or join Ray at {address!r}: {exc}") from exc
    try:
        yield ray
    finally:
        ray.shutdown()
