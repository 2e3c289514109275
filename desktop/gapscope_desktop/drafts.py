"""Text typed in the window and not saved yet, kept in the library's folder until it is saved or discarded.

A window killed (SIGKILL, a crash, power loss) or closed by SIGTERM (which asks nothing) would otherwise lose
what was typed and not yet written to the library. Each such text is a draft: one JSON file in a folder of
the library's own (a spec's in ``experiments/unsaved/``: spec_drafts.py; a paper's note, tag, title or
highlight note in ``unsaved/``: paper_drafts.py), written whole or not at all at the first keystroke, then at
most every KEEP_EVERY_MS while the typing goes on (and once more after its last keystroke), and at once when
the typing leaves its box or the window (focus moves, the application goes to the background or quits); it
is removed at once when the text is saved or discarded. A window killed while typing therefore loses at most
the last KEEP_EVERY_MS of it. When the library is opened next, the window
offers the drafts it finds there: Restore or Discard.

:class:`DraftKeeper` does the writing for one part of the window: it holds the file of each of its drafts
(under a key of the caller's) and keeps it up to date.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import platform
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Hashable, Iterator, Optional, Union

from PySide6.QtCore import QObject, Qt, QTimer, Signal

log = logging.getLogger(__name__)

SUFFIX = ".json"
# a draft is written at the first change, then at most this often while the changes go on: typing is not
# slowed by a write per keystroke (a write takes well under a millisecond: benchmarks/bench_draft_keeping.py),
# and a window killed mid-typing loses at most this much of it
KEEP_EVERY_MS = 250
_numbers = itertools.count(1)


def new_draft_path(folder: Path, prefix: str) -> Path:
    """A name no other draft has (this process's id and a count: two windows never share one)."""
    return folder / f"{prefix}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{next(_numbers)}{SUFFIX}"


def write_draft(path: Path, data: dict) -> None:
    """Write (or replace) the draft at ``path``, whole or not at all (a temporary file renamed over it),
    with when it was written and by which process (of which machine) added."""
    data = dict(data, kept_at=time.strftime("%Y-%m-%d %H:%M"), pid=os.getpid(), host=platform.node())
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(part, path)


@dataclass
class KeptFile:
    path: Path
    data: dict = field(default_factory=dict)
    problem: str = ""                      # why the file cannot be read (it is then left as it is)

    @property
    def writer(self) -> tuple[Optional[int], str]:
        """The process that wrote it, and its machine."""
        pid = self.data.get("pid")
        return (pid if isinstance(pid, int) and pid > 0 else None), str(self.data.get("host") or "")


def open_elsewhere(pid: Optional[int], host: str, path: Optional[Path] = None) -> bool:
    """A draft written by ``pid`` on ``host`` is still being edited in another window (a process of this
    machine that is running): not left over from a session that closed, and not to be offered here. A
    process that started after the draft at ``path`` was last written is another one that got the number
    since (after a crash and a restart, say): the draft is left over."""
    if pid is None or pid == os.getpid() or host != platform.node() or not _process_alive(pid):
        return False
    started = _process_started(pid)
    return started is None or path is None or started <= _mtime(path) + 1.0


def _process_alive(pid: int) -> bool:
    if os.name == "nt":                    # os.kill(pid, 0) would end the process there: offered as if gone
        return False
    try:
        os.kill(pid, 0)                    # no signal sent: is the process there?
    except ProcessLookupError:
        return False
    except OSError:                        # PermissionError: someone else's process, alive
        return True
    return True


def _process_started(pid: int) -> Optional[float]:
    """When process ``pid`` started (seconds since the epoch), where the system says (Linux's /proc)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as f:
            fields = f.read().rpartition(")")[2].split()    # after the name, which may hold spaces
        with open("/proc/stat", encoding="utf-8") as f:
            boot = next(float(line.split()[1]) for line in f if line.startswith("btime "))
        return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")   # field 22: ticks after the boot
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def read_draft(path: Path, required: str = "text") -> KeptFile:
    """The draft's data; a file that cannot be read, or lacks the text field ``required``, comes back with
    its ``problem`` said and is left where it is."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get(required), str):
            raise ValueError(f"no {required} in it")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return KeptFile(path, problem=f"{path} cannot be read ({exc}); it is left where it is")
    return KeptFile(path, data)


def list_drafts(folder: Path, required: str = "text") -> list[KeptFile]:
    """The drafts in ``folder``, newest first (those another window still edits too: :func:`open_elsewhere`)."""
    try:
        files = [p for p in folder.iterdir() if p.suffix == SUFFIX and p.is_file()]
    except OSError:                        # no folder yet (nothing kept), or one that cannot be read
        return []
    files.sort(key=lambda p: (_mtime(p), p.name), reverse=True)
    return [read_draft(p, required) for p in files]


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:                        # removed meanwhile (by another window): read_draft says so
        return 0.0


def remove_draft(path: Optional[Path]) -> None:
    if path is not None:
        path.unlink(missing_ok=True)


Data = Union[dict, Callable[[], Optional[dict]]]


class DraftKeeper(QObject):
    """Keeps texts typed in one part of the window in draft files of one folder, each under a key of the
    caller's: :meth:`keep` writes it (the data, or a function giving it then: None drops the draft) at once
    when nothing was written in the last KEEP_EVERY_MS, else when that time is up; whatever is pending is
    written at once when the focus moves, the application goes to the background or is about to quit.
    :meth:`drop` removes its file at once (saved or discarded). A file that cannot be
    written (a read-only library folder) is reported by ``failed``, once until a write succeeds again; the
    text then lives in the window only, as it did before drafts were kept."""

    failed = Signal(str)                   # what could not be kept, where, and why

    def __init__(self, prefix: str, what: str, parent: Optional[QObject] = None,
                 write: Optional[Callable[[Path, dict], None]] = None, log_to: Optional[logging.Logger] = None) -> None:
        super().__init__(parent)
        self.prefix = prefix               # the start of the draft files' names
        self.what = what                   # what is kept, for the failure message ("the unsaved notes")
        self._write = write or write_draft
        self._log = log_to or log
        self.folder: Optional[Path] = None
        self._paths: dict[Hashable, Path] = {}
        self._written: dict[Hashable, dict] = {}
        self._pending: dict[Hashable, Data] = {}
        self._failing = False
        self._last_write = float("-inf")   # time.monotonic() of the last flush that had something to write
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)
        self._flush_when_typing_stops()

    def _flush_when_typing_stops(self) -> None:
        """The moments the typing is over for now, whatever the throttle says: the focus leaves the box
        (another box, another window), the application goes to the background (hidden, minimised, another
        application in front) or quits (aboutToQuit; SIGTERM closes the window, which flushes: terminate.py)."""
        from PySide6.QtCore import QCoreApplication

        app = QCoreApplication.instance()
        if app is None:
            return
        app.aboutToQuit.connect(self.flush)
        if hasattr(app, "focusChanged"):   # a QGuiApplication
            app.focusChanged.connect(self._flush_pending)
            app.applicationStateChanged.connect(self._state_changed)   # a bound slot: let go with this keeper

    def _state_changed(self, state) -> None:
        if state != Qt.ApplicationActive:
            self._flush_pending()

    def _flush_pending(self, *_args) -> None:
        if self._pending:
            self.flush()

    def set_folder(self, folder: Optional[Path]) -> None:
        """Where new drafts go (the library's folder). The files already written stay where they are, for
        :meth:`drop` to remove once their text is saved or discarded."""
        if folder != self.folder:
            self.folder = folder
            self._failing = False

    def let_go(self) -> None:
        """Another library is opened: what is pending is written now, to the folder of the library it was
        typed in, and every file written so far stays there (offered when that library opens next). This
        keeper forgets them all: a key of the next library's (its paper 5's note) starts a file of its own
        there, never the old library's file of the same key."""
        self.flush()
        self._paths.clear()
        self._written.clear()
        self._pending.clear()

    def keep(self, key: Hashable, data: Data) -> None:
        if not callable(data) and self._written.get(key) == data:
            self._pending.pop(key, None)   # back to what the file holds
            return
        self._pending[key] = data
        if self._timer.isActive():
            return                         # written when the interval since the last write is up
        since_ms = (time.monotonic() - self._last_write) * 1000
        if since_ms >= KEEP_EVERY_MS:
            self.flush()                   # the first change after a pause: on disk at once
        else:
            self._timer.start(max(1, int(KEEP_EVERY_MS - since_ms)))

    def drop(self, key: Hashable) -> None:
        self._pending.pop(key, None)
        self._written.pop(key, None)
        path = self._paths.pop(key, None)
        try:
            remove_draft(path)
        except OSError as exc:             # offered again next time: its text is already saved or discarded
            log.warning("cannot remove the draft %s: %s", path, exc)

    def adopt(self, key: Hashable, path: Path) -> None:
        """A draft restored from ``path`` is this key's text now: its file follows it from here on."""
        if self._paths.get(key) != path:
            self.drop(key)
        self._pending.pop(key, None)
        self._written.pop(key, None)
        self._paths[key] = path

    def release(self, key: Hashable) -> Optional[Path]:
        """The text of ``key`` stays a kept draft without this keeper: written now, its file no longer followed
        (offered again, as a draft left over from an earlier window is). Returns the file."""
        self.flush()
        self._pending.pop(key, None)
        self._written.pop(key, None)
        return self._paths.pop(key, None)

    def take_over(self, key: Hashable, path: Path, data: dict) -> None:
        """A draft restored from ``path`` is (part of) this key's text, ``data`` now: written at once, to
        that file when the key had none; else to the key's own, and ``path`` goes once that is written."""
        own = self._paths.get(key)
        if own is None:
            self._paths[key] = path
            self._written.pop(key, None)
        self._pending[key] = data
        self.flush()
        if own is not None and own != path and self._written.get(key) == data:
            try:
                remove_draft(path)
            except OSError as exc:
                log.warning("cannot remove the restored draft %s: %s", path, exc)

    def keep_until_saved(self, data: dict, replacing: Optional[Hashable] = None) -> str:
        """Text on its way to the library (an edit, a highlight's note), written at once and kept until its
        save answers: drop the key returned then. ``replacing``: the draft it came from (an edit box now
        closed), removed once this one is written."""
        key = f"saving-{next(_numbers)}"
        self.keep(key, data)
        self.flush()
        if replacing is not None:
            self.drop(replacing)
        return key

    @contextmanager
    def following_box(self, key: Hashable, data_of: Callable[[str], Optional[dict]]) -> Iterator[None]:
        """Inside the block, what is typed into an input dialog (an Edit note or Edit title box) is kept
        under ``key``: ``data_of(text)``, or no draft when it gives None (nothing typed). The caller drops
        the key, or passes it to :meth:`keep_until_saved`, once the box is answered."""
        from .widgets.typed_input import following_input_dialog

        def typed(text: str) -> None:
            data = data_of(text)
            if data is None:
                self.drop(key)
            else:
                self.keep(key, data)

        with following_input_dialog(typed):
            yield

    def keys(self) -> set:
        return set(self._paths) | set(self._pending)

    def paths(self) -> set[Path]:
        """The files this keeper writes (not drafts left over from an earlier session)."""
        return set(self._paths.values())

    def flush(self) -> None:
        """Write the drafts changed since the last write, now."""
        self._timer.stop()
        pending, self._pending = self._pending, {}
        if pending:
            self._last_write = time.monotonic()
        for key, data in pending.items():
            if callable(data):
                data = data()
            if data is None:
                self.drop(key)
                continue
            if self._written.get(key) == data and key in self._paths:
                continue
            path = self._paths.get(key)
            try:
                if path is None:
                    if self.folder is None:
                        continue
                    path = new_draft_path(self.folder, self.prefix)
                self._write(path, data)
            except OSError as exc:
                self._report(path, exc)
                continue
            self._paths[key] = path
            self._written[key] = data
            self._failing = False

    def _report(self, path: Optional[Path], exc: OSError) -> None:
        if not self._failing:              # said once, not at every pause in the typing
            self._failing = True
            self._log.warning("cannot keep %s in %s: %s", self.what, path, exc)
            where = path.parent if path is not None else self.folder
            self.failed.emit(f"{self.what[0].upper()}{self.what[1:]} cannot be kept in {where} "
                             f"({exc.strerror or exc}): until saved, what is typed lives in this window only.")
