"""The runner subprocess's command line: `python -m gapscope run ...` from a source or installed
Python, and the bundled `gapscope` CLI in a frozen build (never the desktop executable itself)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def test_from_python_it_runs_the_gapscope_module(tmp_path):
    from gapscope.experiments.process import RunProcess

    p = RunProcess(tmp_path / "spec.toml", library=str(tmp_path / "lib.sqlite"))
    assert p.cmd[:3] == [sys.executable, "-m", "gapscope"]
    assert p.cmd[3:] == ["--library", str(tmp_path / "lib.sqlite"), "run", str(tmp_path / "spec.toml"),
                         "--events", "jsonl"]


def test_in_a_frozen_build_it_runs_the_bundled_cli(tmp_path, monkeypatch):
    from gapscope.experiments.process import RunProcess

    app = tmp_path / "GapScope"
    desktop = app / ("gapscope-desktop.exe" if os.name == "nt" else "gapscope-desktop")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(desktop))
    p = RunProcess(tmp_path / "spec.toml", library="lib.sqlite")
    assert Path(p.cmd[0]) == app / ("gapscope.exe" if os.name == "nt" else "gapscope")
    assert p.cmd[1:3] == ["--library", "lib.sqlite"] and "-m" not in p.cmd
