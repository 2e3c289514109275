"""RunProcess: start `python -m gapscope run SPEC --events jsonl` as a subprocess and read its events on a
thread (no Qt here; the desktop wraps it and re-emits each event as a signal).

    p = RunProcess("spec.toml", library="lib.sqlite", on_event=print)
    p.start(); ...; p.cancel(); p.wait()   # cancel = SIGTERM: checkpoint, status "cancelled", exit 130
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Callable, Optional

from .runner import EXIT_CANCELLED


class RunProcess:
    def __init__(self, spec: Optional[str | os.PathLike] = None, *, resume: Optional[str] = None,
                 library: Optional[str] = None, runs_dir: Optional[str] = None, overrides: tuple[str, ...] = (),
                 on_event: Optional[Callable[[dict[str, Any]], None]] = None,
                 on_stderr: Optional[Callable[[str], None]] = None,
                 python: Optional[str] = None, env: Optional[dict[str, str]] = None) -> None:
        if (spec is None) == (resume is None):
            raise ValueError("give a spec or resume=RUN_ID")
        if python is None and getattr(sys, "frozen", False):
            # the frozen app (packaging/gapscope.spec) ships the `gapscope` CLI next to the desktop executable
            exe = Path(sys.executable).with_name("gapscope.exe" if os.name == "nt" else "gapscope")
            cmd = [str(exe)]
        else:
            cmd = [python or sys.executable, "-m", "gapscope"]
        if library:
            cmd += ["--library", str(library)]
        cmd += ["run"] + ([str(spec)] if spec is not None else ["--resume", resume])
        for o in overrides:
            cmd += ["--set", o]
        if runs_dir:
            cmd += ["--runs-dir", str(runs_dir)]
        cmd += ["--events", "jsonl"]
        self.cmd = cmd
        self.on_event = on_event
        self.on_stderr = on_stderr        # each line the runner writes to stderr, as it comes
        self.events: list[dict[str, Any]] = []
        self.stderr = ""
        self.run_id: Optional[str] = None
        self._env = dict(os.environ, **(env or {}))
        core = str(Path(__file__).resolve().parents[2])  # so a source checkout runs without installing
        self._env["PYTHONPATH"] = os.pathsep.join(p for p in (core, self._env.get("PYTHONPATH")) if p)
        self._proc: Optional[subprocess.Popen] = None
        self._threads: list[threading.Thread] = []
        self._started = threading.Event()

    def start(self) -> "RunProcess":
        kw: dict[str, Any] = {}
        if os.name == "nt":  # a process group of its own so that CTRL_BREAK reaches only the runner
            kw["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
        self._proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                      bufsize=1, env=self._env, **kw)
        t_out = threading.Thread(target=self._read_stdout, name="run-events", daemon=True)
        t_err = threading.Thread(target=self._read_stderr, name="run-stderr", daemon=True)
        self._threads = [t_out, t_err]
        for t in self._threads:
            t.start()
        return self

    def _read_stdout(self) -> None:
        assert self._proc and self._proc.stdout
        for line in self._proc.stdout:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                ev = json.loads(line)
            except json.JSONDecodeError:
                continue
            if ev.get("event") == "start":
                self.run_id = ev.get("run_id")
                self._started.set()
            self.events.append(ev)
            if self.on_event:
                self.on_event(ev)

    def _read_stderr(self) -> None:
        assert self._proc and self._proc.stderr
        if self.on_stderr is None:
            self.stderr = self._proc.stderr.read()
            return
        for line in self._proc.stderr:
            self.stderr += line
            self.on_stderr(line.rstrip("\n"))

    def wait_started(self, timeout: Optional[float] = None) -> bool:
        return self._started.wait(timeout)

    def cancel(self) -> None:
        """Ask the runner to stop cleanly: it saves a checkpoint and exits with code 130."""
        if self._proc and self._proc.poll() is None:
            if os.name == "nt":
                self._proc.send_signal(signal.CTRL_BREAK_EVENT)  # type: ignore[attr-defined]
            else:
                self._proc.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.kill()

    def wait(self, timeout: Optional[float] = None) -> int:
        assert self._proc
        rc = self._proc.wait(timeout)
        for t in self._threads:
            t.join(timeout=10)
        return rc

    @property
    def returncode(self) -> Optional[int]:
        return self._proc.poll() if self._proc else None

    @property
    def cancelled(self) -> bool:
        return self.returncode == EXIT_CANCELLED

    @property
    def summary(self) -> Optional[dict[str, Any]]:
        """The done/cancelled/error event, once the run has ended."""
        for ev in reversed(self.events):
            if ev.get("event") in ("done", "cancelled", "error"):
                return ev
        return None
