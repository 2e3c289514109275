"""The screening features of a big scope, built in a child process.

At 75,000 papers scikit-learn's TF-IDF holds the GIL for seconds at a time (it sorts a vocabulary of
millions of n-grams and turns lists of millions of ints into arrays, each one C call): a thread doing
that starves every other thread of the process, the desktop's GUI thread among them (2 s frozen
windows on the first Triage tab of a big library). A child process has a GIL of its own; the parent
only waits, checks for Cancel, and reads the matrix back from a file in small chunks.
"""

from __future__ import annotations

import logging
import multiprocessing
import tempfile
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np

from .. import jobs
from .features import Features

# Below this many papers the build takes a second or two and its GIL holds stay short: no child.
CHILD_FROM = 5000

log = logging.getLogger(__name__)


def _build_to_file(texts: list[str], embeddings: Optional[np.ndarray], dest: str) -> None:  # the child
    from scipy import sparse

    from .features import build_features

    sparse.save_npz(dest, build_features(texts, embeddings).matrix, compressed=False)


def build_in_child(texts: Sequence[str], embeddings: Optional[np.ndarray], *, cancel=None,
                   on_wait: Optional[Callable[[], None]] = None) -> Optional[Features]:
    """``build_features(texts, embeddings)`` computed by a child process; None when the child could
    not build them (the caller then builds them itself). Cancel stops the child; ``on_wait`` is called
    every tenth of a second while it works (to say how long it has taken)."""
    from scipy import sparse

    ctx = multiprocessing.get_context("spawn")      # fork would copy a process that runs Qt threads
    with tempfile.TemporaryDirectory(prefix="gapscope-features-") as tmp:
        dest = Path(tmp) / "features.npz"
        child = ctx.Process(target=_build_to_file, args=(list(texts), embeddings, str(dest)), daemon=True,
                            name="gapscope-triage-features")
        try:
            child.start()
            while child.is_alive():
                child.join(0.1)
                jobs.check(cancel)
                if on_wait is not None:
                    on_wait()
        except OSError as exc:           # no process could be started (limits, a locked-down system)
            log.warning("triage features: no child process (%s); built in this one", exc)
            return None
        finally:
            # Cancel, or anything else that ends the wait (Ctrl-C, a failing on_wait): the child goes
            # before its folder does, and no build goes on unseen using a core and memory
            if child.is_alive():
                child.terminate()
                child.join()
        if child.exitcode != 0 or not dest.exists():
            log.warning("triage features: the child process ended with %s; built in this one", child.exitcode)
            return None
        matrix = sparse.load_npz(dest).tocsr()
    n_emb = 0 if embeddings is None else int(np.asarray(embeddings).shape[1])
    return Features(matrix, matrix.shape[1] - n_emb, embeddings is not None)
