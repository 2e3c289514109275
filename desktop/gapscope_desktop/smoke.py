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
    """Quit with 0 once the paper table is listed and the window has been drawn into a pixmap."""
    from PySide6.QtCore import QTimer

    def listed(n: int, *_a) -> None:
        if getattr(listed, "done", False):
            return
        listed.done = True
        image = window.grab()
        if image.isNull() or window.lib is None:
            print("smoke test: the main window did not draw", file=sys.stderr, flush=True)
            app.exit(1)
            return
        print(f"smoke test ok: {window.lib.path}, {n:,} papers listed, window drawn "
              f"{image.width()}x{image.height()} in {time.perf_counter() - t0:.2f} s", flush=True)
        window.close()
        app.exit(0)

    def timed_out() -> None:
        if not getattr(listed, "done", False):
            print(f"smoke test: the paper table was not listed within {TIMEOUT_MS // 1000} s",
                  file=sys.stderr, flush=True)
            listed.done = True
            app.exit(1)

    if window.lib is None and window.pages.currentWidget() is window.welcome:
        QTimer.singleShot(0, lambda: _welcome_drawn(app, window, t0))
        return
    window.library_view.countChanged.connect(listed)
    QTimer.singleShot(TIMEOUT_MS, timed_out)


def _welcome_drawn(app, window, t0: float) -> None:
    """No library to list: the welcome page drawn into a pixmap is what a fresh install can show."""
    image = window.grab()
    if image.isNull():
        print("smoke test: the welcome page did not draw", file=sys.stderr, flush=True)
        app.exit(1)
        return
    print(f"smoke test ok: no library yet, the welcome page drawn {image.width()}x{image.height()} "
          f"in {time.perf_counter() - t0:.2f} s", flush=True)
    window.close()
    app.exit(0)
