"""Library.cancellable stops the library's reads on Cancel, never its writes: SQLite rolls an interrupted
INSERT/UPDATE/DELETE's whole transaction back, so a write inside a cancellable block runs to its commit and
the job reads the token after it. A cancelled read leaves the connection usable."""

from __future__ import annotations

import pytest

from gapscope.jobs import CancelToken, Cancelled
from gapscope.store import Library

# a statement of a few million virtual-machine steps: the progress handler is called inside it
_COUNT = "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 200000)"


@pytest.fixture
def lib(tmp_path):
    lib = Library(tmp_path / "lib.sqlite")
    with lib.transaction() as conn:
        conn.execute("CREATE TABLE probe (i INTEGER)")
    yield lib
    lib.close()


def _cancelled() -> CancelToken:
    token = CancelToken()
    token.cancel()
    return token


def test_a_write_inside_a_cancellable_block_is_committed_whole(lib):
    with lib.cancellable(_cancelled()):
        with lib.transaction() as conn:
            conn.execute(f"{_COUNT} INSERT INTO probe SELECT i FROM r")
    assert lib._conn.execute("SELECT count(*) FROM probe").fetchone()[0] == 200000


def test_a_read_after_a_write_inside_the_block_still_stops(lib):
    with pytest.raises(Cancelled):
        with lib.cancellable(_cancelled()):
            with lib.transaction() as conn:
                conn.execute("INSERT INTO probe VALUES (1)")
            lib._conn.execute(f"{_COUNT} SELECT count(*) FROM r").fetchone()
    assert lib._conn.execute("SELECT count(*) FROM probe").fetchone()[0] == 1


def test_a_cancelled_read_leaves_the_connection_usable_and_unwatched(lib):
    with pytest.raises(Cancelled):
        with lib.cancellable(_cancelled()):
            lib._conn.execute(f"{_COUNT} SELECT count(*) FROM r").fetchone()
    assert lib._conn.execute(f"{_COUNT} SELECT count(*) FROM r").fetchone()[0] == 200000
    with lib.transaction() as conn:
        conn.execute("INSERT INTO probe VALUES (1)")
    assert lib._conn.execute("SELECT count(*) FROM probe").fetchone()[0] == 1
