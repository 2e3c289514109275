"""Recently opened libraries: paths in the settings file, newest first.

Never opened to check (docs/architecture.md, "Library file safety"): a path is shown as it was saved;
``Path.exists`` (a ``stat``) is the most that is asked of it, to grey out one that is gone.
"""

from __future__ import annotations

from pathlib import Path

from . import settings

KEY = "library/recent"
MAX_RECENT = 8


def recent_libraries() -> list[str]:
    value = settings.get(KEY)
    if not value:
        return []
    if isinstance(value, str):          # QSettings gives a one-element list back as a plain string
        value = [value]
    return [str(v) for v in value if str(v).strip()]


def remember(path: Path | str) -> list[str]:
    """Put ``path`` first; returns the new list."""
    p = str(Path(path).expanduser())
    paths = [p] + [q for q in recent_libraries() if q != p]
    paths = paths[:MAX_RECENT]
    settings.put(KEY, paths)
    return paths


def forget(path: Path | str) -> list[str]:
    p = str(Path(path).expanduser())
    paths = [q for q in recent_libraries() if q != p]
    settings.put(KEY, paths)
    return paths


def clear() -> None:
    settings.put(KEY, [])
