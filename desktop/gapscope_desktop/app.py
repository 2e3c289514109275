"""`gapscope-desktop`: the QApplication, settings, and the library to open.

The library is, in order: ``--library PATH``, ``$GAPSCOPE_LIBRARY``, the last one opened (settings),
the default in the user data folder. Heavy libraries (torch, faiss, pyqtgraph) load later, on use.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time
from pathlib import Path
from typing import Optional, Sequence

_T0 = time.perf_counter()


def library_path(cli_path: Optional[str]) -> Optional[Path]:
    """The library to open at start: ``--library``, ``$GAPSCOPE_LIBRARY``, the last one opened when it is
    still there, the CLI's default library when it exists; None (the welcome page) otherwise. Whether a
    library is there is asked of ``stat`` alone: nothing opens the file to check."""
    if cli_path:
        return Path(cli_path).expanduser()
    if os.environ.get("GAPSCOPE_LIBRARY"):
        return Path(os.environ["GAPSCOPE_LIBRARY"]).expanduser()
    from gapscope.store import database_file, default_library_path

    from . import settings

    saved = settings.get("library/path")
    if saved and database_file(Path(str(saved)).expanduser()).exists():
        return Path(str(saved)).expanduser()
    default = default_library_path()
    return default if database_file(default).exists() else None


def install_exception_hook(window) -> None:
    """An exception that escapes a slot on the GUI thread (a read in the detail pane, a decision) and
    is a failure of the library itself gets the window's dialog and reload / close, not a traceback
    on stderr. Anything else goes on to the previous hook."""
    previous = sys.excepthook

    def hook(etype, exc, tb) -> None:  # noqa: ANN001
        # PySide reports an exception escaping a Qt override run on a worker (QRunnable.run) here, on that
        # worker: the dialog and the reload are widgets, for the GUI thread only
        on_gui_thread = threading.current_thread() is threading.main_thread()
        try:
            if on_gui_thread and not window._closed and window.library_failed(exc):
                return
        except RuntimeError:  # the window's C++ object is gone
            pass
        logging.getLogger("gapscope.desktop").error("unhandled exception", exc_info=(etype, exc, tb))
        previous(etype, exc, tb)

    sys.excepthook = hook


def create_app(argv: Sequence[str]):
    from PySide6.QtWidgets import QApplication

    from . import settings

    app = QApplication.instance() or QApplication(list(argv))
    app.setOrganizationName(settings.ORG)
    app.setApplicationName(settings.APP)
    app.setApplicationDisplayName("GapScope")
    from .sort_arrows import SortArrowStyle

    app.setStyle(SortArrowStyle("Fusion"))
    from .style import apply_style

    apply_style(app)
    from .theme_live import watch

    watch(app)          # a palette that changes while GapScope runs restyles what is shown
    settings.apply_environment()
    from .tasks import guard_gui_thread, wait_for_workers_at_quit

    guard_gui_thread()   # every write goes through the writer queue (tasks.TaskManager.write)
    wait_for_workers_at_quit(app)   # no worker outlives the event loop (connected before the collector's stop)
    from .gui_thread_gc import install

    install(app)         # a worker never destroys a Qt object caught in a reference cycle
    return app


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    parser = argparse.ArgumentParser(prog="gapscope-desktop", description="GapScope desktop application")
    parser.add_argument("--library", "-L", help="library to open: a NAME.gapscope folder (created when missing)"
                                               " or an existing library file")
    parser.add_argument("--startup-time", action="store_true",
                        help="print the seconds from start to the first painted window, then quit")
    parser.add_argument("--smoke-test", action="store_true",
                        help="open the library, draw the main window with its papers listed, quit (0: it works)")
    args, qt_args = parser.parse_known_args(argv[1:])
    app = create_app([argv[0], *qt_args])
    from .applog import setup_logging

    setup_logging()     # Help > Report a Problem gathers the last errors from it

    from .main_window import MainWindow

    path = library_path(args.library)
    if args.smoke_test:
        from . import smoke

        if path is not None and not smoke.check_library(path):   # None: a fresh machine, the welcome page
            return 1
    window = MainWindow(path)
    install_exception_hook(window)
    from .terminate import close_on_sigterm

    close_on_sigterm(window)     # SIGTERM closes the window as a close that cancels the running work
    window.show()
    if args.smoke_test:
        smoke.schedule(app, window, _T0)
    if args.startup_time:
        from PySide6.QtCore import QTimer

        def painted() -> None:
            print(f"startup to first painted window: {time.perf_counter() - _T0:.3f} s", flush=True)
            if window.library_view.model.rowCount() or window.lib is None or not window.lib.count_papers():
                listed(window.library_view.model.rowCount())

        def listed(n: int, *_a) -> None:
            if getattr(listed, "done", False):
                return
            listed.done = True
            import resource

            cpu = resource.getrusage(resource.RUSAGE_SELF)
            print(f"cpu seconds to the table filled: {cpu.ru_utime + cpu.ru_stime:.3f}", flush=True)
            print(f"startup to the paper table filled ({n:,} rows): {time.perf_counter() - _T0:.3f} s", flush=True)
            window.close()
            app.quit()

        window.library_view.countChanged.connect(listed)
        QTimer.singleShot(0, painted)
    return run_event_loop(app)


def run_event_loop(app) -> int:
    """``app.exec()``, and the exit code. A worker still stuck after the quit's bounded wait
    (tasks.QUIT_WAIT_MS) would hang the teardown for good (a QThreadPool waits for its workers without a
    limit when it is deleted): then the process ends here, its logs flushed, without that teardown."""
    code = app.exec()
    from .tasks import workers_still_running

    if workers_still_running():
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


if __name__ == "__main__":
    sys.exit(main())
