"""The app's log file (``gapscope.diagnostics.log_path()``): warnings, errors and failed tasks, which
Help > Report a Problem puts in the diagnostics file."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path
from typing import Optional

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_handler: Optional[logging.Handler] = None


def setup_logging(path: Optional[Path] = None, level: int = logging.INFO) -> Optional[Path]:
    """Log to ``path`` (default: the user log folder), one 1 MB file and two old ones. Returns the path,
    or None when the folder cannot be written (the app runs on without a log)."""
    global _handler
    from gapscope.diagnostics import log_path

    path = Path(path) if path is not None else log_path()
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
        _handler = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=2, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(FORMAT, datefmt="%Y-%m-%d %H:%M:%S"))
    handler.setLevel(level)
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    _handler = handler
    return path


def stop_logging() -> None:
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None
