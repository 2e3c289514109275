"""Finding the core functions a view needs. Areas of the core land one by one; a view whose core is not
installed yet shows a clear "not available yet" state instead of guessing."""

from __future__ import annotations

import importlib
from typing import Any, Optional


def core_function(module: str, name: str) -> Optional[Any]:
    """``gapscope.<module>.<name>`` or None when that part of the core is not there (yet)."""
    try:
        mod = importlib.import_module(f"gapscope.{module}")
    except ImportError:
        return None
    return getattr(mod, name, None)


def missing(module: str, *names: str) -> list[str]:
    """The dotted names among ``names`` that ``gapscope.<module>`` does not provide."""
    return [f"gapscope.{module}.{n}" for n in names if core_function(module, n) is None]
