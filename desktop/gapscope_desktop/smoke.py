"""`gapscope-desktop --smoke-test`: open the library, draw the main window with its paper table filled,
quit with 0. It checks an install (a frozen build above all) end to end in a few seconds, offscreen
included (QT_QPA_PLATFORM=offscreen); a library that cannot be opened exits 1 with the reason. With no
library at all (a fresh install: none saved, none at the CLI's default place) it draws the welcome page
instead, creating nothing, and quits with 0."""

from __future__ import annotations

import sys
import time
from pathlib import Path

# A smoke test that never sees its table is a failure, not a hang (a frozen build can miss a module
# the worker thread imports, and the table then never fills).
TIMEOUT_MS = 120_000


def check_library(path: Path) -> bool:
    """Open the library the window will open, before the window exists: a failure in the window
    would be a modal message box, which nobody clicks in a smoke test."""
    from gapscope.store import Library, LibraryError

    try:
        Library(path).close()
    except LibraryError as exc:   # LibraryFault is a LibraryError too
        print(f"smoke test: cannot open the library {path}: {exc}", file=sys.stderr, flush=True)
        return False
    return True


def schedule(app, window, t0: float) -> None:
    """Quit with 0 once the paper table is listed and the window has been drawn into a pixmap; with no
    library (the welcome page) once that page has been drawn."""
    from PySide6.QtCore import QTimer

    if window.lib is None and window.pages.currentWidget() is window.welcome:
        QTimer.singleShot(0, lambda: _drawn(app, window, t0, "no library yet, the welcome page drawn"))
        return

    def listed(n: int, *_a) -> None:
        if getattr(listed, "done", False):
            return
        listed.done = True
        if window.lib is None:
            print("smoke test: the main window did not draw", file=sys.stderr, flush=True)
            app.exit(1)
            return
        _drawn(app, window, t0, f"{window.lib.path}, {n:,} papers listed, window drawn")

    def timed_out() -> None:
        if not getattr(listed, "done", False):
            print(f"smoke test: the paper table was not listed within {TIMEOUT_MS // 1000} s",
                  file=sys.stderr, flush=True)
            listed.done = True
            app.exit(1)

    window.library_view.countChanged.connect(listed)
    QTimer.singleShot(TIMEOUT_MS, timed_out)


def _drawn(app, window, t0: float, what: str) -> None:
    """Draw the window into a pixmap; quit with 0 saying ``what`` was drawn, or with 1 when it did not draw."""
    image = window.grab()
    if image.isNull():
        print("smoke test: the main window did not draw", file=sys.stderr, flush=True)
        app.exit(1)
        return
    print(f"smoke test ok: {what} {image.width()}x{image.height()} in {time.perf_counter() - t0:.2f} s", flush=True)
    window.close()
    app.exit(0)
