"""A finished task lets go of what it ran: its function, arguments and result are freed once its signals
were delivered and no one holds the task any more, and everything of it is freed on the GUI thread (a Qt
object destroyed on a worker crashes the application: gui_thread_gc.py)."""

from __future__ import annotations

import threading
import weakref

from gapscope.jobs import Cancelled

N_TASKS = 4
RESULT_BYTES = 1_000_000


class Tracked:
    """Records, in ``freed``, the thread it is freed on."""

    def __init__(self, freed: list, size: int = 0) -> None:
        self.freed = freed
        self.payload = bytearray(size)

    def __del__(self) -> None:
        self.freed.append(threading.current_thread().name)


class TrackedFunction(Tracked):
    """A task's function, tracked like its argument and its result: ends as ``outcome`` says."""

    def __init__(self, freed: list, outcome: str) -> None:
        super().__init__(freed)
        self.outcome = outcome

    def __call__(self, argument: Tracked, *, progress=None, cancel=None) -> Tracked:
        if self.outcome == "failed":
            raise ValueError(f"record 7 of {len(argument.payload)} bytes is broken")
        if self.outcome == "cancelled":
            raise Cancelled()
        return Tracked(self.freed, RESULT_BYTES)


def run_tracked_tasks(qtbot, tm, outcomes, freed, destroyed):
    """Run one task per outcome, one after the other, each with a tracked function, argument and result,
    and its Task's destruction recorded; the tasks, each done and handled, are returned."""
    from PySide6.QtCore import Qt

    finished = []
    kept = []
    for outcome in outcomes:
        task = tm.run(outcome, TrackedFunction(freed, outcome), Tracked(freed),
                      on_finished=lambda: finished.append(1))
        task.destroyed.connect(lambda *_: destroyed.append(threading.current_thread().name),
                               Qt.DirectConnection)
        qtbot.waitUntil(lambda: task.done, timeout=10000)
        assert task.outcome == outcome
        kept.append(task)
    assert len(finished) == len(outcomes)
    return kept


def test_finished_tasks_free_function_arguments_and_result_on_the_gui_thread(qtbot):
    from gapscope_desktop.tasks import TaskManager

    tm = TaskManager()
    freed, destroyed = [], []
    outcomes = ["succeeded"] * N_TASKS + ["failed", "cancelled"]
    kept = run_tracked_tasks(qtbot, tm, outcomes, freed, destroyed)
    qtbot.wait(50)                                      # every queued delivery of the tasks done
    # the caller still holds its tasks: the results are there to read, nothing was freed off the GUI thread
    assert all(len(t.result.payload) == RESULT_BYTES for t in kept if t.outcome == "succeeded")
    assert set(freed) <= {threading.main_thread().name}
    assert not tm.running
    del kept
    tracked = 2 * len(outcomes) + N_TASKS               # each task's function and argument, the results
    qtbot.waitUntil(lambda: len(freed) == tracked and len(destroyed) == len(outcomes),
                    timeout=10000)
    assert set(freed) == {threading.main_thread().name}
    assert set(destroyed) == {threading.main_thread().name}
    assert tm.shutdown()


class LingeringEnd:
    """Stands for the relay of the workers' last word: passes each on, then holds the worker until the GUI
    thread has let its task go (a loaded machine preempting a worker right after its last word)."""

    def __init__(self, relay, let_go: threading.Event) -> None:
        self.relay, self.let_go = relay, let_go
        self.ended = self

    def emit(self, runnable) -> None:  # worker thread
        self.relay.ended.emit(runnable)
        self.let_go.wait(10)


def test_a_task_let_go_before_its_worker_returns_is_freed_on_the_gui_thread(qtbot, monkeypatch):
    """The GUI handles a task's end and its caller drops it while the worker is still in its last moments:
    the worker held nothing of the task by then, so the last reference, and the Task's destruction, are
    the GUI thread's."""
    from gapscope_desktop import tasks

    tm = tasks.TaskManager()
    let_go = threading.Event()
    monkeypatch.setattr(tasks, "_end_relay", LingeringEnd(tasks._end_relay, let_go))
    freed, destroyed = [], []
    kept = run_tracked_tasks(qtbot, tm, ["succeeded", "failed"], freed, destroyed)
    del kept
    qtbot.waitUntil(lambda: len(destroyed) == 2, timeout=10000)
    let_go.set()
    assert tm.shutdown()
    assert set(destroyed) == {threading.main_thread().name}
    assert set(freed) == {threading.main_thread().name} and len(freed) == 5


def test_a_manager_whose_tasks_ended_is_not_kept_alive_by_them(qtbot):
    """Nothing that outlives a task manager refers to it once its tasks ended and were let go: a window's
    manager (and everything its tasks' callbacks hold) goes with the window."""
    from gapscope_desktop.tasks import TaskManager

    tm = TaskManager()
    freed, destroyed = [], []
    kept = run_tracked_tasks(qtbot, tm, ["succeeded", "cancelled"], freed, destroyed)
    assert tm.shutdown()
    gone = weakref.ref(tm)
    del kept, tm
    qtbot.waitUntil(lambda: gone() is None, timeout=10000)
    assert set(destroyed) == {threading.main_thread().name}


def test_the_listings_of_a_window_open_all_day_do_not_pile_up(window, qtbot):
    """Every listing of the paper table is a task: once ended and shown, none of them is kept (a session
    open all day lists the library hundreds of times)."""
    listings = []
    window.tasks.started.connect(lambda task: listings.append(weakref.ref(task)))
    for _ in range(10):
        window.library_view.refresh()
        qtbot.waitUntil(lambda: not window.tasks.running, timeout=20000)
    assert len(listings) >= 10
    qtbot.waitUntil(lambda: all(ref() is None for ref in listings), timeout=10000)


def fail_from_a_caught_error(argument: Tracked, *, progress=None, cancel=None) -> None:
    try:
        {}["record 7"]
    except KeyError as exc:
        raise ValueError(f"record 7 of {len(argument.payload)} bytes is broken") from exc


def test_a_task_failed_from_a_caught_error_holds_no_frame_of_its_work(qtbot):
    """A function that raises while handling another error ("raise ... from exc") chains that error, whose
    traceback holds the function's frame (its arguments, the library, the progress callback and through it the
    task): the task's ``exception`` keeps none of it, so a failed task is freed once let go, with no collection
    (which, in the window, runs only now and then)."""
    import gc

    from gapscope_desktop.tasks import TaskManager

    tm = TaskManager()
    freed = []
    task = tm.run("fails", fail_from_a_caught_error, Tracked(freed))
    qtbot.waitUntil(lambda: task.done, timeout=10000)
    assert task.outcome == "failed" and isinstance(task.exception.__cause__, KeyError)
    qtbot.wait(50)
    gone = weakref.ref(task)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        del task
        qtbot.waitUntil(lambda: gone() is None and len(freed) == 1, timeout=2000)
    finally:
        if was_enabled:
            gc.enable()
    assert tm.shutdown()
