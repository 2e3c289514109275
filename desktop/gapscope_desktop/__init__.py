"""GapScope desktop: a PySide6 window over the `gapscope` core. Views call core functions, nothing else."""

from ._refcount_guard import apply as _guard_refcounts

_guard_refcounts()  # before any Qt call: see _refcount_guard (PySide6 6.12 on CPython 3.11)

__all__ = ["__version__"]
__version__ = "0.1.0"
