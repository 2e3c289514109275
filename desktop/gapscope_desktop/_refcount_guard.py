"""Guard against a reference-count bug of PySide6 6.12 on CPython < 3.12.

shiboken 6.12 returns ``None`` from every void Qt method (``QLabel.setText``, ``QWidget.update``,
``QObject.property`` for an unset property ...) without taking a reference: each call leaves None's
reference count one lower (and likewise for True/False on some bool returns). CPython 3.12 made
None/True/False immortal, so there it is harmless; on 3.11 the interpreter aborts with "none_dealloc:
deallocating None" after a few thousand calls (a live loss curve reaches that within a minute).

These three objects are static singletons that are never freed, so raising their counts by 2**40 is
exactly what 3.12 does for them and has no other effect. Remove this module once PySide6 is fixed or
Python 3.11 is no longer supported.
"""

from __future__ import annotations

import ctypes
import sys

_BALLAST = 1 << 40
_applied = False


def apply() -> None:
    global _applied
    if _applied or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _BALLAST
    _applied = True
