"""A diagnostics file to attach to a problem report: versions, platform, library counts and the last
errors from the app's log. Nothing a user would not hand over: no paper text (counts only), no
settings values, and anything in the log that looks like a key, token, password or a proxy's
credentials is replaced by ``[redacted]``.

``gapscope diagnostics`` writes it, and so does the window's Help > Report a Problem (which adds the
Qt versions).
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Optional

from . import __version__
from .outfiles import write_atomic

LOG_NAME = "gapscope.log"
PACKAGES = ("torch", "sentence-transformers", "faiss-cpu", "numpy", "scikit-learn", "PySide6-Essentials",
            "pyqtgraph", "pylatexenc", "click", "fpdf2", "matplotlib")
LAST_ERRORS = 40

_SECRET = re.compile(
    r"(?i)(api[_-]?key|apikey|token|secret|password|passwd|authorization|bearer|cookie)(\s*[=:]\s*|\s+)\S+")
_URL_CREDENTIALS = re.compile(r"(\w+://)[^/\s:@]+:[^/\s@]+@")


def log_path() -> Path:
    """``$GAPSCOPE_LOG``, else ``gapscope.log`` in the user log folder."""
    env = os.environ.get("GAPSCOPE_LOG")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_log_dir("GapScope", appauthor=False)) / LOG_NAME


def log_error(message: str, *, name: str = "gapscope.cli", details: str = "", level: str = "ERROR") -> None:
    """Append one record to the app log, in the window's format (desktop applog.FORMAT), so that the
    command line's failures reach ``last_errors`` too. The CLI sets up no logging handler (it may run
    many times in one process, and must not leave files open): one short append per failure instead.
    A log that cannot be written is skipped: the failure itself was already shown."""
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    text = f"{stamp} {level} {name}: {message}\n" + (details.rstrip("\n") + "\n" if details else "")
    try:
        path = log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError:
        pass


def redact(text: str) -> str:
    text = _URL_CREDENTIALS.sub(r"\1[redacted]@", text)
    return _SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)


def _version(dist: str) -> Optional[str]:
    try:
        return metadata.version(dist)      # from the installed metadata: nothing heavy is imported
    except metadata.PackageNotFoundError:
        return None


def last_errors(path: Optional[Path] = None, limit: int = LAST_ERRORS) -> list[str]:
    """The last ``limit`` records of level WARNING or worse in the app log (a record runs to the next
    line that starts with a time stamp, so a traceback stays with its message), redacted."""
    path = Path(path) if path is not None else log_path()
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    records: list[list[str]] = []
    for line in lines:
        if re.match(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d", line) or not records:
            records.append([line])
        else:
            records[-1].append(line)
    bad = [r for r in records if re.search(r"\b(WARNING|ERROR|CRITICAL)\b", r[0])]
    return [redact("\n".join(r)) for r in bad[-limit:]]


def library_summary(lib) -> dict[str, Any]:
    """Counts and the schema of a library: no titles, abstracts, notes or settings values."""
    from .steps import pdfs_not_labelled

    stats = lib.stats()
    notes = [n for n in (pdfs_not_labelled(stats.get("pdfs_not_labelled", 0)),) if n]
    return {
        "path": str(lib.path),
        "read_only": bool(getattr(lib, "read_only", False)),
        "counts": {k: v for k, v in stats.items() if isinstance(v, int)},
        "years": stats.get("years", {}),
        "top_categories": stats.get("top_categories", {}),
        "migrations": lib.applied_migrations(),
        "setting_keys": sorted(lib.all_settings()),
        "notes": notes,
    }


def diagnostics(lib=None, *, extra: Optional[dict[str, Any]] = None, log: Optional[Path] = None) -> dict[str, Any]:
    from .store.sqlite_support import sqlite_summary

    info: dict[str, Any] = {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "gapscope": __version__,
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "packages": {p: _version(p) for p in PACKAGES},
        "sqlite": sqlite_summary(),      # Python's own SQLite: a library needs store.sqlite_support.MIN_SQLITE
        **(extra or {}),
    }
    if lib is not None:
        try:
            info["library"] = library_summary(lib)
        except Exception as exc:  # noqa: BLE001 - a broken library is itself worth reporting
            from .store.errors import library_fault

            fault = library_fault(exc, getattr(lib, "path", None)) or exc
            info["library"] = {"path": str(getattr(lib, "path", "")), "error": redact(str(fault)),
                               "exit_code": getattr(fault, "exit_code", 1)}
    log = Path(log) if log is not None else log_path()
    info["log"] = str(log)
    info["last_errors"] = last_errors(log)
    return info


def write_diagnostics(dest: str | os.PathLike, lib=None, *, extra: Optional[dict[str, Any]] = None,
                      log: Optional[Path] = None) -> Path:
    return write_info(dest, diagnostics(lib, extra=extra, log=log))


def write_info(dest: str | os.PathLike, info: dict[str, Any]) -> Path:
    return write_atomic(Path(dest).expanduser(), json.dumps(info, indent=2, ensure_ascii=False, default=str) + "\n")
