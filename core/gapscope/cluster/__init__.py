"""Run the core's long jobs on a Ray cluster (the optional extra ``gapscope[cluster]``).

Ray is imported only inside functions: without it everything else works, and :func:`ray_session`
says how to install it. The jobs themselves are the core's own (``embed_library``,
``classify_library``, experiment runs); this package only hands their chunks to Ray workers and
streams the results back to the one writer of the library (this process). See docs/scale.md.
"""

from __future__ import annotations

from .session import INSTALL_HINT, ClusterUnavailable, ray_session

__all__ = ["INSTALL_HINT", "ClusterUnavailable", "ray_session"]
