"""A pool of Ray actors that computes a core job's chunks and streams them back, in any order.

Each actor builds its worker once (an encoder and maybe the facet head: the expensive part), then
computes chunk after chunk. An actor whose process dies is restarted by Ray and its unfinished calls
are retried there (``max_restarts`` / ``max_task_retries``), so a lost worker costs time, not data;
the writer commits only whole chunks, so an interrupted run resumes from the library.

Why actors and not Ray Data ``map_batches``: both work and ran at about the same speed here
(docs/scale.md, benchmarks/bench_ray_data.py); the core's chunk is the unit of commit and resume,
so it must reach one worker whole, and direct actor
calls keep that, bound the chunks in flight and keep Ray's own actor restart and task retry.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Iterable, Iterator, Optional

from .session import ClusterUnavailable, import_ray

WorkerFactory = Callable[[], Callable[[Any], Any]]


class _Worker:
    """The actor body: ``factory()`` once, then ``compute(work)`` per chunk."""

    def __init__(self, factory: WorkerFactory) -> None:
        self.compute = factory()

    def pid(self) -> int:
        import os

        return os.getpid()

    def run(self, work: Any) -> Any:
        return self.compute(work)


class RayChunkRunner:
    """A ChunkRunner (see gapscope.jobs) on ``actors`` Ray actors of ``cpus`` CPUs (and ``gpus`` GPUs)
    each. At most ``per_actor`` chunks wait at each actor, so memory stays bounded however many
    chunks the job has. ``pids`` lists the actors' processes once they started (the tests kill one)."""

    def __init__(self, factory: WorkerFactory, *, actors: int = 1, cpus: float = 1, gpus: float = 0,
                 per_actor: int = 2, max_restarts: int = 3) -> None:
        if actors < 1:
            raise ValueError("at least one actor")
        self.factory = factory
        self.actors, self.cpus, self.gpus = int(actors), cpus, gpus
        self.per_actor = max(1, int(per_actor))
        self.max_restarts = max_restarts
        self.pids: list[int] = []
        self.handles: list[Any] = []
        self.ready_s: Optional[float] = None     # seconds until every actor had built its worker (benchmarks)

    def __call__(self, work: Iterable[Any]) -> Iterator[tuple[int, Any]]:
        ray = import_ray()
        remote = ray.remote(num_cpus=self.cpus, num_gpus=self.gpus, max_restarts=self.max_restarts,
                            max_task_retries=self.max_restarts)(_Worker)
        t0 = time.perf_counter()
        factory_ref = ray.put(self.factory)
        self.handles = [remote.remote(factory_ref) for _ in range(self.actors)]
        try:
            self.pids = ray.get([h.pid.remote() for h in self.handles])
            self.ready_s = time.perf_counter() - t0
            items = enumerate(work)
            inflight: dict[Any, tuple[int, int]] = {}      # object ref -> (chunk index, actor index)
            load = [0] * len(self.handles)

            def submit() -> bool:
                nxt: Optional[tuple[int, Any]] = next(items, None)
                if nxt is None:
                    return False
                a = min(range(len(load)), key=load.__getitem__)
                inflight[self.handles[a].run.remote(nxt[1])] = (nxt[0], a)
                load[a] += 1
                return True

            while len(inflight) < self.per_actor * len(self.handles) and submit():
                pass
            while inflight:
                done, _ = ray.wait(list(inflight), num_returns=1)
                ref = done[0]
                i, a = inflight.pop(ref)
                load[a] -= 1
                try:
                    result = ray.get(ref)
                except ray.exceptions.RayActorError as exc:    # died more often than Ray restarts it
                    raise ClusterUnavailable(f"a Ray worker died {self.max_restarts + 1} times on chunk {i}; "
                                             f"the committed chunks are kept, run again to resume ({exc})") from exc
                submit()
                yield i, result
        finally:
            for h in self.handles:
                ray.kill(h, no_restart=True)
            self.handles = []
