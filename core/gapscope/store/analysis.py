"""What each analysis step was last built from (``analysis_inputs``), so a pipeline can skip what is current."""

from __future__ import annotations

from typing import Optional

from .base import now_iso


class AnalysisMixin:
    def analysis_input(self, step: str) -> Optional[tuple[str, Optional[int]]]:
        """(fingerprint, result id) recorded for ``step`` (e.g. "map:topic", "gaps"), or None."""
        row = self._conn.execute("SELECT fingerprint, result_id FROM analysis_inputs WHERE step = ?",
                                 (step,)).fetchone()
        return (row[0], row[1]) if row else None

    def record_analysis_input(self, step: str, fingerprint: str, result_id: Optional[int]) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO analysis_inputs (step, fingerprint, result_id, recorded_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(step) DO UPDATE SET fingerprint = excluded.fingerprint,"
                " result_id = excluded.result_id, recorded_at = excluded.recorded_at",
                (step, fingerprint, result_id, now_iso()))
