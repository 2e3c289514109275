"""Experiment specs edited in the window and not saved, kept on disk until they are saved or discarded
(drafts.py does the keeping, for notes and titles as well).

Saving a spec asks for a file name, which a window closed by SIGTERM (or a crash) cannot ask: the editor's
unsaved spec is therefore written, as it is typed, to a draft file in the library's spec folder
(``NAME.gapscope/experiments/unsaved/``), and the Experiments view offers to restore it when the library is
opened next. A spec drafted from a gap is kept the same way before it is edited (an unsent e-mail's draft:
the user did not ask for it to go), one for each gap drafted. One JSON file per draft: the spec's text, the
gap it tests, the file it was opened from, whether it was edited after it was drafted, and the process that
keeps it (a window open on the same library in another process is still editing it: it is not offered there).
The draft goes once its spec is saved, launched or discarded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from . import drafts

PREFIX = "spec"
remove_draft = drafts.remove_draft


def drafts_dir(library_path: str | Path) -> Path:
    """Inside the library's own spec folder (gapscope.experiments.store.specs_dir); not created here."""
    from gapscope.experiments.store import specs_dir

    return specs_dir(library_path) / "unsaved"


def new_draft_path(library_path: str | Path) -> Path:
    return drafts.new_draft_path(drafts_dir(library_path), PREFIX)


@dataclass
class SpecDraft:
    path: Path
    text: str = ""
    gap: Optional[dict] = None             # {"id", "statement"} of the gap the spec tests
    spec_file: Optional[str] = None        # the file it was opened from or saved to (relative data paths)
    kept_at: str = ""                      # when it was last written, "2026-05-01 14:03"
    edited: bool = True                    # False: drafted from its gap and not changed since
    problem: str = field(default="")       # why the file cannot be read (it is then left as it is)
    pid: Optional[int] = None              # the process that wrote it, on ``host``
    host: str = ""

    @property
    def open_elsewhere(self) -> bool:
        """Still being edited in another window (a process of this machine that is running): not left over
        from a session that closed."""
        return drafts.open_elsewhere(self.pid, self.host, self.path)


def draft_data(text: str, gap: Optional[dict] = None, spec_file: Optional[Path] = None, edited: bool = True) -> dict:
    """What a spec's draft file holds (besides when and by whom it was written)."""
    keep_gap = {k: gap.get(k) for k in ("id", "statement")} if gap else None
    return {"text": text, "gap": keep_gap, "spec_file": str(spec_file) if spec_file else None, "edited": edited}


def write_draft(path: Path, text: str, gap: Optional[dict] = None, spec_file: Optional[Path] = None,
                edited: bool = True) -> None:
    drafts.write_draft(path, draft_data(text, gap, spec_file, edited))


def _spec_draft(kept: drafts.KeptFile) -> SpecDraft:
    if kept.problem:
        return SpecDraft(kept.path, problem=kept.problem)
    data = kept.data
    gap = data.get("gap") if isinstance(data.get("gap"), dict) else None
    spec_file = data.get("spec_file") if isinstance(data.get("spec_file"), str) else None
    pid, host = kept.writer
    return SpecDraft(kept.path, data["text"], gap, spec_file or None, str(data.get("kept_at") or ""),
                     edited=data.get("edited") is not False, pid=pid, host=host)


def read_draft(path: Path) -> SpecDraft:
    return _spec_draft(drafts.read_draft(path))


def list_drafts(library_path: str | Path) -> list[SpecDraft]:
    """The library's kept drafts, newest first."""
    return [_spec_draft(k) for k in drafts.list_drafts(drafts_dir(library_path))]


def remove_same_drafts(library_path: str | Path, text: str, gap: Optional[dict], keep: set[Path]) -> None:
    """Drafting a gap again: a kept draft of that gap holding the very same text (drafted and not edited, or
    edited back) is the one just drafted; it goes rather than being listed twice. ``keep``: files not to
    touch (this window's own)."""
    gap_id = (gap or {}).get("id")
    for d in list_drafts(library_path):
        if (not d.problem and d.path not in keep and not d.open_elsewhere and d.text == text
                and (d.gap or {}).get("id") == gap_id):
            try:
                remove_draft(d.path)
            except OSError:              # listed twice, then: nothing is lost
                pass
