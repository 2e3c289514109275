"""What can be said about a library file that will not open or reads as damaged, without trusting it.

The main file is read by SQLite itself, opened ``immutable`` (read-only, no locks, no -wal): closing a
descriptor of a file that SQLite holds open elsewhere in this process would drop every POSIX lock of
that file (see docs/architecture.md, "Library file safety"), and SQLite's own descriptors are shared
and their closing deferred while another connection holds a lock. So the check is safe while other
Library objects of this process have the file open, and nothing is ever copied.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from pathlib import Path
from typing import Any, Optional


def _size(path: Path) -> Optional[int]:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _check_main_alone(db: Path) -> dict[str, Any]:
    """Ask SQLite about the main file alone (no -wal, no -shm), read-only and immutable."""
    uri = "file:" + urllib.parse.quote(str(db.resolve())) + "?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True)
    out: dict[str, Any] = {}
    try:
        try:
            out["page_size"] = conn.execute("PRAGMA page_size").fetchone()[0]
            out["integrity_check"] = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
        except sqlite3.DatabaseError as exc:
            if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
                return {"sqlite_header": False}
            out["error"] = str(exc)
        out["sqlite_header"] = True
        if "error" not in out:
            try:
                out["migrations"] = conn.execute("SELECT count(*) FROM migrations").fetchone()[0]
            except sqlite3.Error:
                out["migrations"] = None
    finally:
        conn.close()
    return out


def probe_database(db: str | os.PathLike) -> dict[str, Any]:
    """Sizes of the database and its -wal / -shm, and what SQLite says of the main file alone."""
    db = Path(db)
    info: dict[str, Any] = {"database": str(db), "bytes": _size(db), "wal_bytes": _size(Path(f"{db}-wal")),
                            "shm_bytes": _size(Path(f"{db}-shm"))}
    if info["bytes"]:
        try:
            info["main_file_alone"] = _check_main_alone(db)
        except (OSError, sqlite3.Error) as exc:
            info["main_file_alone"] = {"error": str(exc)}
    return info


def main_file_intact(db: str | os.PathLike, probe: Optional[dict[str, Any]] = None) -> bool:
    """Does the main file alone pass the integrity check? ``probe``: what :func:`probe_database` found
    already (so the file is read once)."""
    alone = (probe or {}).get("main_file_alone")
    if alone is None:
        try:
            alone = _check_main_alone(Path(db))
        except (OSError, sqlite3.Error):
            return False
    return alone.get("integrity_check") == ["ok"]


def stray_wal_hint(db: str | os.PathLike, probe: Optional[dict[str, Any]] = None) -> str:
    """For a library that reads as damaged: when a non-empty -wal lies beside a main file that is intact
    on its own, the -wal may belong to another database (copied or synced in beside it). '' otherwise."""
    db = Path(db)
    wal = Path(f"{db}-wal")
    if not _size(wal) or not main_file_intact(db, probe):
        return ""
    return (f" The main file {db.name} alone is intact: {wal.name} may be a stray file from another database"
            f" (copied or synced in beside it). Move {wal.name} and {db.name}-shm aside (keep them) and open the"
            " library again; if changes you made since are missing, restore from a backup instead.")
