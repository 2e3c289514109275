"""Ranking sessions kept between rankings: a program that ranks again after every decision (the desktop's
Triage view) asks here instead of building a :class:`TriageSession` each time.

One session is kept, the scope's last one: loading a big scope's features takes a second or more (75,000
papers: ~450 MB mapped from the disk cache, found by the library's text stamp or else by their texts),
refitting the model after a decision milliseconds. It is used again while the scope, the model settings
and what the features are made of (the scope's papers, their texts and sentence vectors:
:meth:`ScopeFeatures.still_current`) are unchanged; decisions and reviewers are read from the library on
every ranking, so those made by another window or process are always seen.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator, Optional

from .. import jobs
from .model import DEFAULT_C
from .queue import TriageSession
from .scope import Scope


class SessionCache:
    """The last ranking session, for one library file. Thread-safe: one ranking at a time uses it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._session: Optional[TriageSession] = None
        self._key: Optional[tuple] = None
        self.loads = 0            # how many times features were loaded or built (a session started afresh)

    def clear(self) -> None:
        """Forget the kept session (another library was opened): its memory goes with it. Without the
        lock: a GUI thread must not wait for a ranking under way (one that ends after this keeps its
        session until the next ranking, which drops it: its key names the other library)."""
        self._session, self._key = None, None

    @contextmanager
    def session(self, lib, scope: Scope, reviewer: Optional[str] = None, *, use_embeddings: bool = True,
                C: float = DEFAULT_C, cancel=None, progress=None) -> Iterator[TriageSession]:
        """The session of ``scope`` for ``reviewer``, reading through ``lib``: the kept one when it still
        fits, else a new one (its features loaded or built: ``progress`` reports the steps, ``cancel``
        stops them). Held by the caller until the ``with`` block ends."""
        while not self._lock.acquire(timeout=0.1):     # an older ranking is ending: wait, cancellably
            jobs.check(cancel)
        try:
            key = (str(getattr(lib, "path", "")), scope, use_embeddings)
            kept, features = self._session, None
            if kept is not None and self._key == key and kept.features.still_current(lib, scope):
                features = kept.features
            if features is not None and kept.reviewer == reviewer and kept.C == C:
                kept.rebind(lib)
                yield kept
                return
            kept = self._session = self._key = None     # the old matrix goes before a new one is loaded
            if features is None:
                self.loads += 1
            session = TriageSession(lib, scope=scope, reviewer=reviewer, use_embeddings=use_embeddings, C=C,
                                    cancel=cancel, progress=progress, features=features)
            self._session, self._key = session, key
            yield session
        finally:
            self._lock.release()
