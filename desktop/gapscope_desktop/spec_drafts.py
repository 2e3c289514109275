"""Experiment specs edited in the window and not saved, kept on disk until they are saved or discarded.

Saving a spec asks for a file name, which a window closed by SIGTERM (or a crash) cannot ask: the editor's
unsaved spec is therefore written, as it is typed, to a draft file in the library's spec folder
(``NAME.gapscope/experiments/unsaved/``), and the Experiments view offers to restore it when the library is
opened next. One JSON file per draft: the spec's text, the gap it tests, the file it was opened from and
the process that keeps it (a window open on the same library in another process is still editing it: it is
not offered there). The draft goes once its spec is saved, launched or discarded.
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

SUFFIX = ".json"
_numbers = itertools.count(1)


def drafts_dir(library_path: str | Path) -> Path:
    """Inside the library's own spec folder (gapscope.experiments.store.specs_dir); not created here."""
    from gapscope.experiments.store import specs_dir

    return specs_dir(library_path) / "unsaved"


def new_draft_path(library_path: str | Path) -> Path:
    """A name no other draft has (this process's id and a count: two windows never share one)."""
    return drafts_dir(library_path) / f"spec-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{next(_numbers)}{SUFFIX}"


@dataclass
class SpecDraft:
    path: Path
    text: str = ""
    gap: Optional[dict] = None             # {"id", "statement"} of the gap the spec tests
    spec_file: Optional[str] = None        # the file it was opened from or saved to (relative data paths)
    kept_at: str = ""                      # when it was last written, "2026-05-01 14:03"
    problem: str = field(default="")       # why the file cannot be read (it is then left as it is)
    pid: Optional[int] = None              # the process that wrote it, on ``host``
    host: str = ""

    @property
    def open_elsewhere(self) -> bool:
        """Still being edited in another window (a process of this machine that is running): not left over
        from a session that closed."""
        return (self.pid is not None and self.pid != os.getpid() and self.host == platform.node()
                and _process_alive(self.pid))


def _process_alive(pid: int) -> bool:
    if os.name == "nt":                    # os.kill(pid, 0) would end the process there: offered as if gone
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:                        # PermissionError: someone else's process, alive
        return True
    return True


def write_draft(path: Path, text: str, gap: Optional[dict] = None, spec_file: Optional[Path] = None) -> None:
    """Write (or replace) the draft at ``path``, whole or not at all (a temporary file renamed over it)."""
    keep_gap = {k: gap.get(k) for k in ("id", "statement")} if gap else None
    data = {"text": text, "gap": keep_gap, "spec_file": str(spec_file) if spec_file else None,
            "kept_at": time.strftime("%Y-%m-%d %H:%M"), "pid": os.getpid(), "host": platform.node()}
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(part, path)


def read_draft(path: Path) -> SpecDraft:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise ValueError("no spec text in it")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return SpecDraft(path, problem=f"{path} cannot be read ({exc}); it is left where it is")
    gap = data.get("gap") if isinstance(data.get("gap"), dict) else None
    spec_file = data.get("spec_file") if isinstance(data.get("spec_file"), str) else None
    pid = data.get("pid") if isinstance(data.get("pid"), int) and data.get("pid") > 0 else None
    return SpecDraft(path, data["text"], gap, spec_file or None, str(data.get("kept_at") or ""),
                     pid=pid, host=str(data.get("host") or ""))


def list_drafts(library_path: str | Path) -> list[SpecDraft]:
    """The library's kept drafts, newest first."""
    d = drafts_dir(library_path)
    try:
        files = [p for p in d.iterdir() if p.suffix == SUFFIX and p.is_file()]
    except OSError:                        # no folder yet (nothing kept), or one that cannot be read
        return []
    files.sort(key=lambda p: (_mtime(p), p.name), reverse=True)
    return [read_draft(p) for p in files]


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:                        # removed meanwhile (by another window): read_draft says so
        return 0.0


def remove_draft(path: Optional[Path]) -> None:
    if path is not None:
        path.unlink(missing_ok=True)
