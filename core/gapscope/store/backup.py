"""A copy of the library made by SQLite itself (the online backup API), never a file copy: reading the
live file through another descriptor and closing it would drop this process's locks on it."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class BackupMixin:
    def backup_to(self, dest) -> Path:
        """Copy the library, committed state only, into ``dest`` (a ``NAME.gapscope`` folder or a file
        path that does not exist yet); returns the database file written."""
        from .library import database_file

        target = database_file(dest)
        if target.exists():
            raise FileExistsError(f"{target} exists already; give a new name")
        target.parent.mkdir(parents=True, exist_ok=True)
        out = sqlite3.connect(str(target))
        try:
            self._conn.backup(out)
            out.execute("PRAGMA journal_mode=WAL")
        finally:
            out.close()
        return target
