"""The log of imports and collects (one row per run, with its counts and errors)."""

from __future__ import annotations

import json
from typing import Any


class ImportsMixin:
    def imports_log(self, limit: int = 50) -> list[dict[str, Any]]:
        cols = ["id", "kind", "source", "target", "started_at", "finished_at", "status", "read", "added",
                "merged", "unchanged", "errors", "message"]
        out = []
        for row in self._conn.execute(f"SELECT {', '.join(cols)} FROM imports ORDER BY id DESC LIMIT ?", (limit,)):
            d = dict(zip(cols, row))
            d["errors"] = json.loads(d["errors"])
            out.append(d)
        return out


