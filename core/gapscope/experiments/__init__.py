"""Experiments: from a gap to a reproducible PyTorch baseline, linked both ways.

Light to import: torch, sklearn and matplotlib load inside the functions that use them.
"""

from __future__ import annotations

from .spec import Spec, SpecError, load_spec, spec_from_text
from .store import get_run, list_runs  # runs of a gap or a paper: list_runs(lib, gap_id=..., paper_id=...)


def run_spec(*args, **kwargs):
    from .runner import run_spec as _run

    return _run(*args, **kwargs)


def resume_run(*args, **kwargs):
    from .runner import resume_run as _resume

    return _resume(*args, **kwargs)


def draft_spec_from_gap(gap: dict, lib=None) -> str:
    from .draft import draft_spec_from_gap as _draft

    return _draft(gap, lib)


def compare_runs(*args, **kwargs):
    from .compare import compare_runs as _cmp

    return _cmp(*args, **kwargs)


__all__ = ["Spec", "SpecError", "load_spec", "spec_from_text", "run_spec", "resume_run", "draft_spec_from_gap",
           "compare_runs", "list_runs", "get_run"]
