"""An edit box (a QInputDialog) whose text is kept as a draft while it is open (drafts.DraftKeeper) and is not
lost by its Cancel: cancelled (Cancel, Escape, its close button) with text typed, or restored from an earlier
window, it asks before that text goes (confirm.cancelled_edit). A box the window closes under (the
application quits, SIGTERM) was cancelled by nobody: its text stays a kept draft for the next window."""

from __future__ import annotations

from typing import Callable, Hashable, Optional

from PySide6.QtWidgets import QWidget

from .confirm import cancelled_edit


def ask_kept(parent: QWidget, keeper, key: Hashable, ask: Callable[[str], tuple[str, bool]], start: str,
             data_of: Callable[[str], Optional[dict]], *, title: str, what: str, started_from: str = "",
             restored: bool = False) -> Optional[tuple[str, bool]]:
    """``ask(text)`` opens the box with ``text`` (``start`` first) and answers ``(text, ok)``; what is typed is
    kept under ``key`` as ``data_of(text)`` (None: no draft). A text equal to ``started_from`` (the note or
    title as it is) or, unless ``restored``, to ``start`` has nothing to lose. Returns ``(text, ok)`` (the
    caller drops or saves ``key``), or None when the text stays a kept draft, its file let go by ``keeper``
    (offered again, as one left by an earlier window)."""
    in_box = start
    while True:
        typed = [in_box]                   # a cancelled box answers "": its text, as last typed

        def follow(text: str) -> Optional[dict]:
            typed.append(text)
            return data_of(text)

        with keeper.following_box(key, follow):
            text, ok = ask(in_box)
        in_box = typed[-1]
        if ok or in_box.strip() == started_from.strip() or (in_box == start and not restored):
            return text, ok
        closed_under = not parent.window().isVisible()
        answer = "keep" if closed_under else cancelled_edit(parent, title, restored=restored, what=what)
        if answer == "keep":
            keeper.release(key)
            return None
        if answer == "discard":
            return text, ok
