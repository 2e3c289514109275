"""Progress reporting and cooperative cancellation for long core functions.

Every long core function takes ``progress=None, cancel=None`` as keyword-only arguments. It calls
``report(progress, done, total, message)`` between batches (or epochs) and ``check(cancel)`` at the
same points; ``check`` raises :class:`Cancelled` when the user asked to stop. The caller (CLI progress
bar, Qt worker) supplies both; the core never sees a widget.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator, Optional, Protocol, TypeVar


class Progress(Protocol):
    def __call__(self, done: int, total: int, message: str = "") -> None: ...


ProgressFn = Callable[[int, int, str], None]
T = TypeVar("T")


class Notice(str):
    """A progress message worth a line of its own, as it happens (a retry and its wait), not only the
    status that the next message replaces: the CLI prints it on its own line, a dialog shows it like any
    message. A plain ``str`` everywhere else."""


class Cancelled(Exception):
    """Raised inside a long core function when its CancelToken was set. A normal way to end.

    ``state``: what a resumable function hands its caller to continue from where it stopped (the
    experiment trainer's fold state); None when there is nothing to resume."""

    def __init__(self, *args: object, state: Optional[dict] = None) -> None:
        super().__init__(*args)
        self.state = state


class CancelToken:
    """Thread-safe flag: the GUI thread sets it, the worker polls it between batches."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._blocking = 0

    def cancel(self) -> None:
        self._event.set()

    @contextmanager
    def interruptible(self) -> Iterator[None]:
        """Marks a blocking call (a network read) that may be cut short: the CLI's Ctrl-C handler
        raises Cancelled inside it instead of waiting for it to return (:attr:`in_blocking_call`)."""
        self._blocking += 1
        try:
            yield
        finally:
            self._blocking -= 1

    @property
    def in_blocking_call(self) -> bool:
        return self._blocking > 0

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


# Computes a long job's chunks: called with an iterable of work items, yields (index, result) pairs in
# any order. The local one below computes them in turn; gapscope.cluster's hands them to Ray workers.
ChunkRunner = Callable[[Iterable[Any]], Iterator[tuple[int, Any]]]


def local_runner(compute: Callable[[Any], Any]) -> ChunkRunner:
    """The in-process ChunkRunner: ``compute(work)`` for each work item in turn, lazily (a caller that
    stops iterating computes nothing more)."""
    def run(work: Iterable[Any]) -> Iterator[tuple[int, Any]]:
        for i, item in enumerate(work):
            yield i, compute(item)
    return run


def check(cancel: Optional[CancelToken]) -> None:
    """Raise Cancelled when ``cancel`` is set; a no-op for None."""
    if cancel is not None and cancel.cancelled:
        raise Cancelled()


@contextmanager
def interruptible(cancel: Optional[CancelToken]) -> Iterator[None]:
    """Around one long call into a library that polls no token itself (k-means, loading a model): ``cancel``
    is read before and after it, and the CLI's Ctrl-C cuts it short meanwhile (CancelToken.interruptible:
    the signal handler raises Cancelled inside it). None: no token, nothing read."""
    check(cancel)
    if cancel is None or not hasattr(cancel, "interruptible"):
        yield
    else:
        with cancel.interruptible():
            yield
    check(cancel)


def abandonable(load: Callable[[], T], cancel: Optional[CancelToken], *, name: str = "gapscope-load",
                poll_s: float = 0.05) -> T:
    """``load()``, one long call that reads no token and has no effect but its result (loading a model:
    seconds of imports and weights), run so that Cancel does not wait for it: on a daemon thread of its
    own, while the caller reads ``cancel``. Cancelled meanwhile, the caller gets :class:`Cancelled` at once
    and the load goes on by itself to its end, its result dropped. ``load`` must therefore write nothing
    anywhere (a library above all): read what it needs before. None for ``cancel``: ``load()`` here."""
    if cancel is None:
        return load()
    check(cancel)
    out: dict[str, Any] = {}
    ended = threading.Event()

    def run() -> None:
        try:
            out["value"] = load()
        except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread
            out["error"] = exc
        finally:
            ended.set()

    threading.Thread(target=run, name=name, daemon=True).start()
    with interruptible(cancel):           # the CLI's Ctrl-C raises in the wait below
        while not ended.wait(poll_s):
            check(cancel)
    if "error" in out:
        raise out["error"]
    return out["value"]


def report(progress: Optional[ProgressFn], done: int, total: int, message: str = "") -> None:
    if progress is not None:
        progress(done, total, message)


def counted(items: Iterable[T], progress: Optional[ProgressFn], message: str, *, cancel=None,
            unit: str = "", every: Optional[int] = None) -> Iterator[T]:
    """``items`` (a list, a dict view: anything with a length) one at a time, for a loop whose items are each
    too quick to report but whose whole runs for minutes (a reading per concept): ``cancel`` is read before
    each, and ``progress`` told "``message``: n of N ``unit``" every ``every`` items (a hundredth of them by
    default) and once all are through, so a bar moves and a log says the step is alive."""
    total = len(items)  # type: ignore[arg-type]
    every = every or max(1, total // 100)
    of = f" {unit}" if unit else ""
    for n, item in enumerate(items):
        check(cancel)
        if n % every == 0:
            report(progress, n, total, f"{message}: {n:,} of {total:,}{of}")
        yield item
    report(progress, total, total, f"{message}: {total:,} of {total:,}{of}")


def stages(progress: Optional[ProgressFn], n: int) -> Callable[[int], Optional[ProgressFn]]:
    """For a step made of ``n`` parts in turn: ``part(i)`` is the progress callback of the i-th (0-based),
    mapped onto its share of one bar (:func:`scaled`), so the bar moves on from part to part instead of
    starting over at each."""
    return lambda i: scaled(progress, i / n, (i + 1) / n)


def scaled(progress: Optional[ProgressFn], start: float, end: float, total: int = 1000) -> Optional[ProgressFn]:
    """A progress callback for one step of a larger job, mapped onto [start, end] of ``total`` units.

    Lets a function that runs several steps (embed, then classify, then cluster) hand each step its
    own callback while the user sees one bar move from 0 to ``total``.
    """
    if progress is None:
        return None

    def sub(done: int, sub_total: int, message: str = "") -> None:
        frac = (done / sub_total) if sub_total else 1.0
        progress(int(total * (start + (end - start) * min(max(frac, 0.0), 1.0))), total, message)

    return sub


def prefetched(iterable, chunk: int = 256, depth: int = 8):
    """Iterate ``iterable`` on a background thread, ``chunk`` items at a time, ``depth`` chunks ahead.

    Parsing a file (pure Python) then overlaps with writing it (SQLite releases the GIL while it
    works), which uses both cores of a small machine. Exceptions of the producer are re-raised in the
    consumer at the position where they happened. Closing the generator stops the producer.
    """
    import queue

    q: "queue.Queue" = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        buf = []
        try:
            for item in iterable:
                buf.append(item)
                if len(buf) >= chunk:
                    if not put(buf):
                        return
                    buf = []
            if buf and not put(buf):
                return
            put(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            put(("__error__", exc))

    worker = threading.Thread(target=produce, name="gapscope-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, tuple) and len(item) == 2 and item[0] == "__error__":
                raise item[1]
            yield from item
    finally:
        stop.set()
        worker.join(timeout=5)
