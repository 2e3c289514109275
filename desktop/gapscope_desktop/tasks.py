"""Long core functions on worker threads, with progress, cancel and results delivered to the GUI thread.

A task runs ``fn(lib, progress=..., cancel=...)`` (or ``fn(progress=..., cancel=...)`` when no library
is needed) on a worker. The worker opens its OWN :class:`Library` on its thread (SQLite connections are
per thread) and closes it at the end. Every report reaches the GUI through a queued signal; the core
never sees a widget. :class:`Cancelled` is a normal end, reported by ``cancelled``.

One writer (Anki runs every collection operation through one single-worker executor): a task that
writes to the library (:meth:`TaskManager.write`, or ``run(..., writes=True)``) goes to the writer
queue, one thread that runs such tasks one after the other in the order they were asked for. Reads run
on a small pool beside it, marked as threads that must not write, and the GUI thread is marked at
start (:func:`guard_gui_thread`): a write from either raises ``WriteFromForbiddenThread`` in the store.

A finished task keeps nothing it ran: its function and arguments are let go on the GUI thread once its end
was delivered, and its result goes with the Task when whoever holds the task lets it go. The worker hands
everything to the GUI thread before its last word, so no Qt object of a task is freed on a worker.
"""

from __future__ import annotations

import logging
import time
import traceback
import weakref
from pathlib import Path
from typing import Any, Callable, Optional

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal

from gapscope.jobs import Cancelled, CancelToken

# Progress is throttled on the worker side: a core function may report thousands of times a second,
# the GUI only needs a few updates per frame.
_PROGRESS_INTERVAL_S = 0.05
# Qt's progress signal and bar hold 32-bit ints; an import counts the bytes of its file (several GB for
# the arXiv snapshot), which is shown as millionths of the whole instead.
_QT_INT_MAX = 2**31 - 1
_SCALED_TOTAL = 1_000_000


def fit_progress(done: int, total: int) -> tuple[int, int]:
    """``(done, total)`` as ints a Qt signal and progress bar hold, in the same proportion."""
    if total > _QT_INT_MAX or done > _QT_INT_MAX:
        whole = max(total, done)
        return done * _SCALED_TOTAL // whole, (total * _SCALED_TOTAL // whole) if total else 0
    return int(done), int(total)


class Task(QObject):
    """The GUI-side handle of one background task. Lives in the GUI thread; its signals are emitted
    from the worker and therefore delivered queued."""

    progress = Signal(int, int, str)       # done, total, message
    succeeded = Signal(object)             # the function's return value
    failed = Signal(str, str)              # message, traceback
    cancelled = Signal()
    finished = Signal()                    # always last, after one of the three above, on the GUI thread
    lock_waiting = Signal()                # a write found another process holding the library's lock
    lock_taken = Signal()                  # ... and has it now (the write itself may go on)

    def __init__(self, name: str, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.name = name
        self.token = CancelToken()
        self.done = False
        self.quiet = False
        self.writes = False                 # on the writer queue
        self.cancellable = True             # False: a user's edit, saved even when the window closes
        self.outcome: Optional[str] = None  # "succeeded" | "failed" | "cancelled"
        self.result: Any = None
        self.error: Optional[str] = None
        self.error_type: Optional[str] = None
        self.exception: Optional[BaseException] = None   # for the window: a library fault gets a dialog
        self.last_progress: tuple[int, int, str] = (0, 0, "")
        self.waiting_for_lock = False       # a write waiting on another process, until it gets the lock
        self.lock_waiting.connect(self._mark_waiting)
        self.lock_taken.connect(self._mark_lock_taken)
        # The end reaches the GUI as ONE queued call (_EndRelay) that emits `finished` there, so every
        # handler of it (this mark, the manager's, the window's status line, on_finished) runs in that one
        # call. Emitted from the worker, `finished` would post one event per handler, and the GUI could run
        # between them: `done` read True before the end's other handlers had run.
        self.finished.connect(self._mark_done)
        self.progress.connect(self._remember_progress)

    def cancel(self) -> None:
        self.token.cancel()

    @property
    def cancel_requested(self) -> bool:
        return self.token.cancelled

    def _mark_done(self) -> None:
        self.done = True
        self.waiting_for_lock = False

    def _mark_waiting(self) -> None:
        self.waiting_for_lock = not self.done

    def _mark_lock_taken(self) -> None:
        self.waiting_for_lock = False

    def _remember_progress(self, done: int, total: int, message: str) -> None:
        self.last_progress = (done, total, message)


class _Runnable:
    """One task's work, run by a worker of a QThreadPool. It holds the worker's only references to the
    task, its function and its arguments, and its last word hands them to the GUI thread (_EndRelay),
    which lets them go there once the task's end was delivered: the worker's own reference could
    otherwise be the last one, and the Task (a QObject) would be destroyed on the worker."""

    def __init__(self, task: Task, fn: Callable[..., Any], library_path: Optional[Path],
                 args: tuple, kwargs: dict, writes: bool = False) -> None:
        self.writes = writes
        self.task: Optional[Task] = task
        self.fn: Optional[Callable[..., Any]] = fn
        self.library_path = library_path
        self.args: tuple = args
        self.kwargs: dict = kwargs

    def run(self) -> None:  # worker thread
        try:
            self._work()    # every local of the work (the task, its result, the library) is gone with it
        finally:
            _end_relay.ended.emit(self)

    def release(self) -> None:  # GUI thread, once the end was delivered
        self.task = self.fn = None
        self.args, self.kwargs = (), {}

    def _work(self) -> None:  # worker thread
        task = self.task
        last = [0.0]

        def progress(done: int, total: int, message: str = "") -> None:
            now = time.monotonic()
            if now - last[0] >= _PROGRESS_INTERVAL_S or (total and done >= total):
                last[0] = now
                task.progress.emit(*fit_progress(int(done), int(total)), str(message or ""))

        lib = None
        try:
            if task.token.cancelled:
                raise Cancelled()
            args = self.args
            if self.library_path is not None:
                from gapscope.store import Library

                lib = Library(self.library_path, create=False)
                if self.writes:
                    lib.on_lock_wait = task.lock_waiting.emit
                    lib.on_lock_taken = task.lock_taken.emit
                args = (lib, *args)
            if self.writes:
                result = self.fn(*args, progress=progress, cancel=task.token, **self.kwargs)
            else:
                from gapscope.store import writes_forbidden

                with writes_forbidden():
                    result = self.fn(*args, progress=progress, cancel=task.token, **self.kwargs)
            if lib is not None:
                # closed before the outcome is told: a close that fails (a disk error at the last checkpoint)
                # is this task's failure, not an exception escaping the worker (sys.excepthook on this thread)
                opened, lib = lib, None
                opened.close()
        except Cancelled:
            task.outcome = "cancelled"
            task.cancelled.emit()
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the user, not kill the thread
            task.outcome = "failed"
            task.error = _describe(exc)
            task.error_type = type(exc).__name__
            details = traceback.format_exc()
            # the text travels with `failed`; kept, the traceback's frames (this one: the task, its arguments
            # and library) would live as long as the task, in a cycle through it
            _drop_tracebacks(exc)
            task.exception = exc
            task.failed.emit(task.error, details)
        else:
            task.outcome = "succeeded"
            task.result = result
            task.succeeded.emit(result)
        finally:
            if lib is not None:       # the task failed or was cancelled: that is what it reports
                try:
                    lib.close()
                except Exception:  # noqa: BLE001 - nothing may escape the worker
                    pass


class _EndRelay(QObject):
    """Brings each worker's last word to the GUI thread, where the task's `finished` is emitted and then
    what the worker ran is let go. One for the process, made on the GUI thread and never freed: a
    signal of the task itself would leave the worker holding the task after its emit, maybe last."""

    ended = Signal(object)     # the _Runnable whose worker ended

    def __init__(self) -> None:
        super().__init__()
        self.ended.connect(self._deliver)

    def _deliver(self, runnable: _Runnable) -> None:  # GUI thread
        task = runnable.task
        try:
            task.finished.emit()    # each handler of the end runs now, in order
        finally:
            runnable.release()


_end_relay: Optional[_EndRelay] = None


def _drop_tracebacks(exc: BaseException) -> None:
    """Let go of the frames of ``exc`` and of the errors it was raised from or while handling ("raise ... from
    exc": that one's traceback holds the task's function's frame, with its arguments and the progress callback)."""
    seen, todo = set(), [exc]
    while todo:
        one = todo.pop()
        if one is None or id(one) in seen:
            continue
        seen.add(id(one))
        one.__traceback__ = None
        todo += [one.__cause__, one.__context__]


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return text if text else type(exc).__name__


def _with_task(task: Task, handler: Callable[[Task], None]) -> Callable[..., None]:
    """``handler(task)``, to connect to a signal of ``task``: the connection holds the task weakly. A
    lambda holding it would keep it alive through Qt's connection, out of the collector's sight, for good."""
    ref = weakref.ref(task)
    return lambda *_: handler(ref())


class TaskManager(QObject):
    """Starts tasks, keeps the running ones, cancels and waits for them all at shutdown."""

    started = Signal(object)   # Task
    ended = Signal(object)     # Task
    lockWaiting = Signal(object)   # Task: a write waits for another process to free the library
    lockTaken = Signal(object)     # Task: that write has the lock now
    _instances: "weakref.WeakSet[TaskManager]" = weakref.WeakSet()

    def __init__(self, parent: Optional[QObject] = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        global _end_relay
        if _end_relay is None:      # made here, on the GUI thread, before any worker ends
            _end_relay = _EndRelay()
        TaskManager._instances.add(self)
        self.pool = QThreadPool(self)                 # readers
        self.pool.setMaxThreadCount(max_threads)
        self.writer = QThreadPool(self)               # the writer queue: one thread, tasks in order
        self.writer.setMaxThreadCount(1)
        self.running: list[Task] = []
        self.closed = False        # after shutdown(final=True) nothing starts (a queued refresh may still ask)
        self.stopping = False      # the window waits for its work to stop before closing: new long work
                                   # starts cancelled (a user's edit still runs)

    def run(self, name: str, fn: Callable[..., Any], *args: Any, library: Optional[Path | str] = None,
            on_result: Optional[Callable[[Any], None]] = None,
            on_error: Optional[Callable[[str, str], None]] = None,
            on_progress: Optional[Callable[[int, int, str], None]] = None,
            on_cancelled: Optional[Callable[[], None]] = None, on_finished: Optional[Callable[[], None]] = None,
            quiet: bool = False, writes: bool = False, cancellable: bool = True, **kwargs: Any) -> Task:
        """Run ``fn`` on a worker. With ``library`` (a path) the worker opens that library and passes
        it as the first argument. Callbacks run on the GUI thread. ``quiet`` tasks (quick listings)
        do not show in the status bar. ``writes``: the task writes to the library and goes to the
        writer queue (a reader that writes raises). ``cancellable=False``: a user's edit (a tag, a
        note, a decision), which :meth:`cancel_all` leaves to run, so closing the window right after
        it does not lose it. Connect through these callbacks (or before the task
        can end): a signal connected after the worker emitted it is not delivered."""
        # No Qt parent: Python owns the Task, so it cannot be deleted while a queued signal is in flight.
        task = Task(name)
        task.quiet = quiet
        task.writes = writes
        task.cancellable = cancellable
        if self.closed:
            # the window is closing: a refresh queued before the close (delivered while shutdown()
            # waited) must not start work that outlives it; the task ends cancelled, without callbacks
            task.outcome = "cancelled"
            task.done = True
            return task
        if on_result is not None:
            task.succeeded.connect(on_result)
        if on_error is not None:
            task.failed.connect(on_error)
        if on_progress is not None:
            task.progress.connect(on_progress)
        if on_cancelled is not None:
            task.cancelled.connect(on_cancelled)
        task.lock_waiting.connect(_with_task(task, self.lockWaiting.emit))
        task.lock_taken.connect(_with_task(task, self.lockTaken.emit))
        task.finished.connect(_with_task(task, self._finished))
        if on_finished is not None:
            task.finished.connect(on_finished)
        self.running.append(task)
        self.started.emit(task)
        path = Path(library) if library is not None else None
        runnable = _Runnable(task, fn, path, args, kwargs, writes=writes)
        if self.stopping and cancellable:
            task.cancel()          # it ends at once, cancelled, through its usual callbacks
        # started as a plain callable: the pool keeps no Python reference to it once it ran (a QRunnable
        # wrapper stays referenced by its pool, with its task, until the pool is destroyed)
        (self.writer if writes else self.pool).start(runnable.run)
        return task

    def write(self, name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Task:
        """``run(..., writes=True)``: ``fn`` writes to the library, on the writer queue."""
        return self.run(name, fn, *args, writes=True, **kwargs)

    def save(self, name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Task:
        """A user's edit on the writer queue: quiet, and not cancelled when the window closes."""
        return self.run(name, fn, *args, writes=True, quiet=True, cancellable=False, **kwargs)

    def _finished(self, task: Task) -> None:
        if task in self.running:
            self.running.remove(task)
        self.ended.emit(task)

    def cancel_all(self) -> None:
        for task in list(self.running):
            if task.cancellable:
                task.cancel()

    def shutdown(self, timeout_ms: int = 30000, final: bool = False) -> bool:
        """Cancel everything and wait for the workers; True when all stopped in time. ``final`` (the
        window is closing): nothing starts afterwards; otherwise (another library opened) tasks can
        start again."""
        self.closed = self.closed or final
        self.cancel_all()
        done = True
        for pool in (self.pool, self.writer):
            try:
                done = pool.waitForDone(timeout_ms) and done
            except RuntimeError:  # the pool's C++ object is gone with its window: nothing left to wait for
                pass
        # deliver the workers' last queued signals while their receivers still exist
        for _ in range(3):
            QCoreApplication.processEvents()
        return done

    @property
    def busy(self) -> bool:
        return any(t.outcome is None for t in self.running)

    def active(self) -> list[Task]:
        """Tasks whose worker has not ended (``running`` also holds ended ones whose queued
        ``finished`` signal the GUI has not processed yet)."""
        return [t for t in self.running if t.outcome is None]

    def waiting_for_lock(self) -> list[Task]:
        """Writes that wait for another process to free the library's write lock."""
        return [t for t in self.active() if t.waiting_for_lock]

    @classmethod
    def instances(cls) -> list["TaskManager"]:
        return list(cls._instances)


_waiting_at_quit = False


def wait_for_workers_at_quit(app) -> None:
    """When ``app``'s event loop ends, wait for every task's worker (the long ones asked to cancel) before
    ``exec`` returns: the window waits 30 s at most, and a worker still running afterwards (a user's edit
    behind a long write) went on while Qt and the interpreter were torn down under it, emitting from a
    deleted Task or cut off. Connected once, before the GUI-thread collector gives collection back."""
    global _waiting_at_quit
    if not _waiting_at_quit:
        app.aboutToQuit.connect(_wait_for_all_workers)
        _waiting_at_quit = True


# How long the quit waits for the workers, all of them together. Bounded: a worker stuck for good (a write
# waiting on another process's lock, a read blocked on a dead network drive) must not keep the application
# from ever exiting.
QUIT_WAIT_MS = 30_000


def _wait_for_all_workers() -> None:
    deadline = time.monotonic() + QUIT_WAIT_MS / 1000
    for manager in TaskManager.instances():
        manager.cancel_all()
        for pool in (manager.pool, manager.writer):
            try:
                pool.waitForDone(max(0, int((deadline - time.monotonic()) * 1000)))
            except RuntimeError:  # the pool's C++ object is gone with its window: nothing left to wait for
                pass
    stuck = workers_still_running()
    if stuck:
        logging.getLogger("gapscope.desktop").warning(
            "quitting with work still running after %d s: %s", QUIT_WAIT_MS // 1000, ", ".join(stuck))


def workers_still_running() -> list[str]:
    """The names of the tasks whose worker has not ended, in every task manager."""
    names = []
    for manager in TaskManager.instances():
        try:
            names += [task.name for task in manager.active()]
        except RuntimeError:  # the manager's C++ object is gone: its workers with it
            pass
    return names


def guard_gui_thread() -> None:
    """Mark the calling (GUI) thread as one that must never write to the library: from now on a write
    from it raises instead of blocking the window behind another writer (tasks.write is the way)."""
    from gapscope.store import forbid_writes_in_current_thread

    forbid_writes_in_current_thread()
