"""A second Ctrl-C while a cancelled command winds down (it has said "cancelled" and is finishing: closing
files, Python's exit handlers) ends the process with 130 and a short message, as the first one's
command does, never by SIGINT itself or with a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _read_until(stream, words: str, seen: list[str]) -> None:
    for line in stream:
        seen.append(line)
        if words in line:
            return
    raise AssertionError(f"{words!r} never came: {''.join(seen)}")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_second_ctrl_c_during_the_wind_down_exits_130_with_a_short_message():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "core"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("slow_wind_down_cli.py")), "slow"],
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env=env)
    seen: list[str] = []
    try:
        _read_until(proc.stderr, "working", seen)
        proc.send_signal(signal.SIGINT)
        _read_until(proc.stderr, "winding down", seen)
        proc.send_signal(signal.SIGINT)
    finally:
        proc.stdin.close()      # a wind-down deaf to Ctrl-C ends: no hang
        seen.append(proc.stderr.read())
        proc.wait()
    err = "".join(seen)
    assert proc.returncode == 130, (proc.returncode, err)
    assert "Traceback" not in err and "cancelled (Ctrl-C" in err
