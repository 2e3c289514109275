"""GapScope: find research gaps in a literature library (GUI-free core and CLI)."""

__version__ = "0.1.0"
