"""What can be said about a library file that will not open or reads as damaged, without trusting it.

Only called once this process holds no connection to the file (closing a descriptor of a file SQLite
has open would drop its locks; see docs/architecture.md, "Library file safety"): the main file is
copied to a temporary folder and only the copy is opened, read-only, without any -wal beside it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any, Optional


def _size(path: Path) -> Optional[int]:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _check_main_alone(db: Path) -> dict[str, Any]:
    """Open a copy of the main file alone (no -wal, no -shm) read-only and ask SQLite about it."""
    with tempfile.TemporaryDirectory(prefix="gapscope-probe-") as tmp:
        copy = Path(tmp) / "main.sqlite"
        shutil.copyfile(db, copy)
        with open(copy, "rb") as fh:
            header = fh.read(16)
        out: dict[str, Any] = {"sqlite_header": header == b"SQLite format 3\x00"}
        if not out["sqlite_header"]:
            return out
        conn = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
        try:
            out["page_size"] = conn.execute("PRAGMA page_size").fetchone()[0]
            out["integrity_check"] = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
            try:
                out["migrations"] = conn.execute("SELECT count(*) FROM migrations").fetchone()[0]
            except sqlite3.Error:
                out["migrations"] = None
        except sqlite3.Error as exc:
            out["error"] = str(exc)
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


def main_file_intact(db: str | os.PathLike) -> bool:
    try:
        alone = _check_main_alone(Path(db))
    except (OSError, sqlite3.Error):
        return False
    return alone.get("integrity_check") == ["ok"]


def stray_wal_hint(db: str | os.PathLike) -> str:
    """For a library that reads as damaged: when a non-empty -wal lies beside a main file that is intact
    on its own, the -wal may belong to another database (copied or synced in beside it). '' otherwise."""
    db = Path(db)
    wal = Path(f"{db}-wal")
    if not _size(wal) or not main_file_intact(db):
        return ""
    return (f" The main file {db.name} alone is intact: {wal.name} may be a stray file from another database"
            f" (copied or synced in beside it). Move {wal.name} and {db.name}-shm aside (keep them) and open the"
            " library again; if changes you made since are missing, restore from a backup instead.")
