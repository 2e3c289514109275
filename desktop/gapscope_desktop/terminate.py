"""SIGTERM (a logout, `kill`, a service manager) closes the window as a close that cancels the running work,
instead of killing the process wherever it is (mid-write, with drafts and the window state unsaved).

Qt's event loop runs in C++, so a Python signal handler would only run at the next Python slot: the signal
wakes the loop through ``signal.set_wakeup_fd`` (a byte on a socket pair) and a QSocketNotifier, whose slot
asks the window to close.
"""

from __future__ import annotations

import signal
import socket
import threading
from typing import Callable


def close_on_sigterm(window) -> Callable[[], None]:
    """Install the handler for ``window`` (a MainWindow); returns a function that puts the previous one back."""
    if not hasattr(signal, "SIGTERM") or threading.current_thread() is not threading.main_thread():
        return lambda: None
    from PySide6.QtCore import QSocketNotifier

    rsock, wsock = socket.socketpair()
    rsock.setblocking(False)
    wsock.setblocking(False)
    previous_fd = signal.set_wakeup_fd(wsock.fileno())
    # a Python handler, doing nothing itself: it keeps the default action (death) away; the wakeup byte acts
    previous = signal.signal(signal.SIGTERM, lambda *_a: None)
    notifier = QSocketNotifier(rsock.fileno(), QSocketNotifier.Type.Read)

    def readable() -> None:
        try:
            got = rsock.recv(64)
        except OSError:
            return
        if signal.SIGTERM in got:         # one byte per signal: its number
            window.close_on_terminate()

    notifier.activated.connect(readable)

    def restore() -> None:
        notifier.setEnabled(False)
        signal.signal(signal.SIGTERM, previous)
        signal.set_wakeup_fd(previous_fd)
        rsock.close()
        wsock.close()

    window._terminate_wakeup = (notifier, rsock, wsock)     # alive with the window: a collected socket closes
    return restore
