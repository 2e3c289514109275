"""GapScope desktop: a PySide6 window over the `gapscope` core. Views call core functions, nothing else."""

__all__ = ["__version__"]
__version__ = "0.1.0"
