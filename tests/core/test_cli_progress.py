"""Long commands without a terminal (a log, a pipe, CI) print plain lines: no library draws its own bar
with carriage returns into the stream."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_loading_the_encoder_draws_no_bar_on_a_pipe():
    """transformers' "Loading weights" bar is off: `gapscope analyze` / `embed` show only their own progress."""
    code = ("from gapscope.embed.encoder import Encoder\n"
            "e = Encoder(device='cpu')\n"
            "print('dim', e.dim)\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "core"), str(ROOT / "desktop")]),
               HF_HUB_OFFLINE="1")
    env.pop("HF_HUB_DISABLE_PROGRESS_BARS", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300,
                         stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    assert "dim 384" in out.stdout
    assert "\r" not in out.stderr and "Loading weights" not in out.stderr, out.stderr
