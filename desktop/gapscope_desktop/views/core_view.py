"""What the Triage, Maps, Gaps and Experiments views share: the library they show, loading it lazily
(at once when the view is on screen, else when its tab is first activated), showing only the newest of
its listings, and running a long core step from a button with its outcome in a status label."""

from __future__ import annotations

from typing import Callable, Optional, Sequence

from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from ..library_paths import same_library
from ..write_guard import set_enabled


class CoreView(QWidget):
    def __init__(self, tasks, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.lib = None
        self.pending = False
        self._listings = 0                 # listings asked for (or outdated) so far: only the last is shown
        self._awaited: Optional[int] = None   # the listing still on its way, if any
        self._shown_of = None              # the path of the library the view was last given

    def set_library(self, lib) -> None:
        path = lib.path if lib is not None else None
        another = not same_library(path, self._shown_of)
        self._shown_of = path
        self.lib = lib
        self.outdate_listings()            # one of the library before, ending late, is not shown over this one
        if another:
            self.library_switched(lib)
        self.library_changed(lib)
        self.pending = True
        if self.isVisible():
            self.reload()

    def library_switched(self, lib) -> None:
        """Another library than the one shown: clear at once what the view shows of the previous one
        (a row listed could otherwise be chosen and acted on in the new library until its listing
        ends, or until the tab is next opened). Not called when the same library is opened again
        (after a failure): its listing keeps the user's selection."""

    def library_changed(self, lib) -> None:
        """Forget what belonged to the previous library (before the new one loads)."""

    def library_modified(self) -> None:
        """The library changed under the view (papers imported, a PDF attached and labelled): what it shows
        may be stale; show it again now when on screen, else when its tab is next activated."""
        self.pending = True
        if self.isVisible():
            self.reload()

    def activated(self) -> None:
        if self.needs_reload():
            self.reload()

    def needs_reload(self) -> bool:
        return self.pending

    def reload(self) -> None:
        raise NotImplementedError

    def run_listing(self, name: str, fn: Callable, *args, on_result: Callable,
                    on_error: Optional[Callable[[str, str], None]] = None):
        """Read what the view shows with ``fn(lib, *args)`` on a worker (quiet). Only the newest listing is
        shown: one asked for earlier that ends later (a slow machine, a facet changed meanwhile) would put
        back what was read before, over what the user asked for since."""
        self._listings += 1
        ticket = self._awaited = self._listings

        def newest(callback: Callable) -> Callable:
            return lambda *a: callback(*a) if ticket == self._listings else None

        def ended() -> None:
            if self._awaited == ticket:
                self._awaited = None

        return self.tasks.run(name, fn, *args, library=self.lib.path, quiet=True, on_result=newest(on_result),
                              on_error=newest(on_error) if on_error is not None else None, on_finished=ended)

    def outdate_listings(self) -> None:
        """What the view shows now is newer than any listing still on its way (a step's own result)."""
        self._listings += 1
        self._awaited = None

    @property
    def listing_on_its_way(self) -> bool:
        """A listing was asked for and has not ended: it will show (and select) what it read."""
        return self._awaited is not None

    def run_step(self, name: str, fn: Callable, *args, button: QPushButton | Sequence[QPushButton], status: QLabel,
                 busy: str, what: str, on_result: Callable, on_finished: Optional[Callable[[], None]] = None):
        """Run ``fn(lib, *args)`` on the writer queue as task ``name``: ``button`` (or each of several) is
        disabled meanwhile, ``status`` says ``busy``, then "<what> failed: …" or "<what> was cancelled.";
        ``on_finished`` runs after any outcome (a cancelled step keeps the work it committed)."""
        if self.lib is None:
            return None
        buttons = tuple(button) if isinstance(button, (tuple, list)) else (button,)
        for b in buttons:
            set_enabled(b, False)           # through the write guard: an "off" while read-only is kept
        status.setText(busy)
        def finished() -> None:
            for b in buttons:
                set_enabled(b, True)
            if on_finished is not None:
                on_finished()

        return self.tasks.write(name, fn, *args, library=self.lib.path, on_result=on_result,
                              on_error=lambda m, _t: status.setText(f"{what} failed: {m}"),
                              on_cancelled=lambda: status.setText(f"{what} was cancelled."),
                              on_finished=finished)
